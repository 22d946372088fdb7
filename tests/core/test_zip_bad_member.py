"""One bad zip member costs only that member (issue 19).

The archives are real: `tests/fixtures/binary/android/app.apk` (see the fixture README) and zips
written here by Info-ZIP `zip -fz` (forced zip64 records), or Python's zipfile where it is missing. Each test patches
the first member's records byte-exactly, as a hostile packer would, and checks that a later
member's TikTok findings survive and that the bad member is named in a notification.

The patches (PKWARE APPNOTE 6.3.10 field offsets):
- *lying zip64 size*: the first central directory record's compressed and uncompressed size fields
  (offsets 20 and 24) become 0xFFFFFFFF and a zip64 extra field (tag 0x0001, APPNOTE 4.5.3: the
  uncompressed then the compressed size, 8 bytes each) declares the lie; the central directory is
  re-emitted and the end record's directory size fixed. The local header keeps the true sizes.
- *invalid UTF-8 name*: general purpose flag bit 11 (0x0800, "names are UTF-8") is set in the
  first local header (offset 6) and its central record (offset 8), and the first two bytes of the
  name become 0xFF 0xFE in both (same length, so no offset moves).
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zipfile

import pytest

from scanner.config import ScanConfig
from scanner.core.scanner import FileOutcome, Scanner
from scanner.model import SkipReason
from tests.conftest import REPO

APK = REPO / "tests" / "fixtures" / "binary" / "android" / "app.apk"
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
EOCD = struct.Struct("<4s4H2LH")
TB = 1 << 40


def _zip64_end(data: bytes, eocd: int) -> int | None:
    """Offset of the zip64 end record (APPNOTE 4.3.14; its size field at +40, offset at +48)."""
    return eocd - 20 - 56 if data[eocd - 20:eocd - 16] == b"PK\x06\x07" else None


def _central_records(data: bytes) -> tuple[int, int, list[bytes]]:
    eocd = data.rfind(b"PK\x05\x06")
    fields = EOCD.unpack_from(data, eocd)
    start, size = fields[6], fields[5]
    z64 = _zip64_end(data, eocd)
    if z64 is not None:
        size, start = struct.unpack_from("<2Q", data, z64 + 40)
    records, pos = [], start
    while pos < start + size:
        f = CENTRAL.unpack_from(data, pos)
        end = pos + CENTRAL.size + f[12] + f[13] + f[14]
        records.append(data[pos:end])
        pos = end
    return eocd, start, records


def lying_zip64(data: bytes, compressed: int, uncompressed: int = TB) -> bytes:
    """The first member's central record declares zip64 sizes that lie (see the module docstring)."""
    eocd, start, records = _central_records(data)
    first = records[0]
    f = list(CENTRAL.unpack_from(first))
    name_end = CENTRAL.size + f[12]
    extra = struct.pack("<2H2Q", 0x0001, 16, uncompressed, compressed)
    f[10] = f[11] = 0xFFFFFFFF
    f[13] = len(extra)  # the extra field is replaced (for app.apk it was empty), no comment kept
    f[14] = 0
    records[0] = CENTRAL.pack(*f) + first[CENTRAL.size:name_end] + extra
    cd = b"".join(records)
    end = list(EOCD.unpack_from(data, eocd))
    z64 = _zip64_end(data, eocd)
    if z64 is None:
        end[5] = len(cd)
        return data[:start] + cd + EOCD.pack(*end) + data[eocd + EOCD.size:]
    # Info-ZIP -fz: the sizes live in the zip64 end record; the locator's offset to it moves with the CD
    tail = bytearray(data[z64:])
    struct.pack_into("<Q", tail, 40, len(cd))
    struct.pack_into("<Q", tail, 56 + 8, start + len(cd))
    return data[:start] + cd + bytes(tail)


def invalid_utf8_name(data: bytes) -> bytes:
    """The first member's name is flagged UTF-8 and starts with 0xFF 0xFE in both headers."""
    buf = bytearray(data)
    flags = struct.unpack_from("<H", buf, 6)[0]
    struct.pack_into("<H", buf, 6, flags | 0x800)
    buf[30:32] = b"\xff\xfe"
    _eocd, start, _records = _central_records(data)
    flags = struct.unpack_from("<H", buf, start + 8)[0]
    struct.pack_into("<H", buf, start + 8, flags | 0x800)
    buf[start + 46:start + 48] = b"\xff\xfe"
    return bytes(buf)


def _first_data_span(data: bytes) -> tuple[int, int]:
    """(where the first member's data starts, where the central directory starts)."""
    name_len, extra_len = struct.unpack_from("<2H", data, 26)
    _eocd, start, _records = _central_records(data)
    return 30 + name_len + extra_len, start


def _scan(name: str, data: bytes) -> FileOutcome:
    return Scanner(ScanConfig()).scan_bytes(name, data)


def _found(outcome: FileOutcome) -> set[tuple[tuple[str, ...], str]]:
    return {(f.location.members, f.rule_id) for f in outcome.findings}


@pytest.fixture(scope="module")
def apk_baseline() -> set[tuple[tuple[str, ...], str]]:
    found = _found(_scan("app.apk", APK.read_bytes()))
    assert any(m == ("classes.dex",) for m, _ in found), found  # the later member the tests protect
    return found


def _later(found: set[tuple[tuple[str, ...], str]]) -> set[tuple[tuple[str, ...], str]]:
    return {(m, r) for m, r in found if m and m[0] != "AndroidManifest.xml"}


def _problems(outcome: FileOutcome) -> list[str]:
    return [n.message for n in outcome.notifications]


@pytest.mark.parametrize("where", ["past-the-end", "over-later-members"])
def test_apk_first_member_lying_zip64_size_costs_nothing_else(apk_baseline: set, where: str) -> None:
    data = APK.read_bytes()
    data_start, cd_start = _first_data_span(data)
    lie = TB if where == "past-the-end" else cd_start - data_start
    outcome = _scan("app.apk", lying_zip64(data, compressed=lie))
    assert _later(_found(outcome)) == _later(apk_baseline)
    messages = _problems(outcome)
    assert not any("overlapping" in m for m in messages), messages
    assert any(m.startswith("app.apk!/AndroidManifest.xml: central directory and local header disagree")
               for m in messages), messages
    # the local header's true sizes were used: the manifest itself was read too
    assert _found(outcome) == apk_baseline


def test_apk_lying_size_in_both_headers_costs_that_member_only(apk_baseline: set) -> None:
    data = bytearray(lying_zip64(APK.read_bytes(), compressed=TB))
    struct.pack_into("<2L", data, 18, 0x7FFFFFFF, 0x7FFFFFFF)  # the local header lies too (offsets 18, 22)
    outcome = _scan("app.apk", bytes(data))
    assert _later(_found(outcome)) == _later(apk_baseline)
    bad = [n for n in outcome.notifications if n.path == "app.apk!/AndroidManifest.xml"]
    assert [n.reason for n in bad] == [SkipReason.PARSE_ERROR], _problems(outcome)
    assert "lying size" in bad[0].message
    assert not any("overlapping" in m for m in _problems(outcome))


def test_apk_first_member_with_invalid_utf8_name_costs_nothing_else(apk_baseline: set) -> None:
    outcome = _scan("app.apk", invalid_utf8_name(APK.read_bytes()))
    assert _later(_found(outcome)) == _later(apk_baseline)
    notes = [n for n in outcome.notifications if "not valid UTF-8" in n.message]
    assert len(notes) == 1 and notes[0].path == "app.apk!/\\xff\\xfedroidManifest.xml", notes
    assert not any("not a readable" in m for m in _problems(outcome))


@pytest.fixture(scope="module")
def zip64_archive(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Written by Info-ZIP with forced zip64 records (Python's zipfile with force_zip64 where Info-ZIP
    is not installed): a readme first, a Kotlin file using the SDK later."""
    root = tmp_path_factory.mktemp("zip64")
    (root / "README.txt").write_text("Demo app sources.\n", encoding="utf-8")
    src = root / "app" / "src" / "main" / "kotlin" / "Login.kt"
    src.parent.mkdir(parents=True)
    src.write_text("package demo\n\nimport com.tiktok.open.sdk.auth.AuthApi\n\n"
                   "class Login(private val api: AuthApi)\n", encoding="utf-8")
    if shutil.which("zip") is not None:
        subprocess.run(["zip", "-q", "-X", "-fz", "-r", "sources.zip", "README.txt", "app"], cwd=root, check=True)
        return (root / "sources.zip").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in (root / "README.txt", src):
            with zf.open(path.relative_to(root).as_posix(), "w", force_zip64=True) as handle:
                handle.write(path.read_bytes())
    return buf.getvalue()


LOGIN = ("app/src/main/kotlin/Login.kt",)


def test_zip64_archive_from_info_zip_is_read(zip64_archive: bytes) -> None:
    found = _found(_scan("sources.zip", zip64_archive))
    assert any(m == LOGIN for m, _ in found), found


@pytest.mark.parametrize("patch", ["lying-zip64-size", "invalid-utf8-name"])
def test_zip64_archive_later_member_survives(zip64_archive: bytes, patch: str) -> None:
    baseline = _found(_scan("sources.zip", zip64_archive))
    if patch == "lying-zip64-size":
        data_start, cd_start = _first_data_span(zip64_archive)
        data = lying_zip64(zip64_archive, compressed=cd_start - data_start)
        bad = "sources.zip!/README.txt"
    else:
        data = invalid_utf8_name(zip64_archive)
        bad = "sources.zip!/\\xff\\xfeADME.txt"
    outcome = _scan("sources.zip", data)
    assert {x for x in _found(outcome) if x[0] == LOGIN} == {x for x in baseline if x[0] == LOGIN} != set()
    assert any(n.path == bad for n in outcome.notifications), _problems(outcome)
    assert not any("overlapping" in m or "not a readable" in m for m in _problems(outcome))
