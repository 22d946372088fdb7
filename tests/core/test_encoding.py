"""Encodings are detected before the prefilter: UTF-16 (with or without a byte-order mark) and UTF-8
with a mark parse like plain UTF-8, at the same lines and columns; binaries are never transcoded."""

from __future__ import annotations

import codecs

import pytest

from scanner.core.encoding import decode, to_utf8, utf16_without_bom
from scanner.model import Level
from tests.analyzers.source.helpers import default_scanner
from tests.conftest import REPO

ENCODINGS = REPO / "tests" / "fixtures" / "encodings"
REQUIREMENT = ("TT103", 3, 1)  # tiktok-business-api-sdk-official on line 3 of every requirements.txt


def _serious(rel: str) -> set[tuple[str, int, int]]:
    data = (ENCODINGS / rel).read_bytes()
    outcome = default_scanner().scan_bytes(rel, data)
    assert outcome.notifications == []
    return {(f.rule_id, f.location.start_line, f.location.start_column)
            for f in outcome.findings if f.level.at_least(Level.WARNING)}


@pytest.mark.parametrize("folder", ["utf16le-bom", "utf16le", "utf16be-bom", "utf8-bom"])
def test_requirements_in_every_encoding_report_the_same_line(folder: str) -> None:
    assert _serious(f"{folder}/requirements.txt") == {REQUIREMENT}


def test_utf16_requirements_without_tiktok_give_nothing() -> None:
    assert _serious("negative/requirements.txt") == set()


def test_npm_package_json_with_utf8_bom_parses() -> None:
    assert _serious("utf8-bom/package.json") == {("TT104", 15, 6)}


def test_utf16le_without_bom_is_recognised_by_its_nul_pattern() -> None:
    data = (ENCODINGS / "utf16le" / "requirements.txt").read_bytes()
    assert utf16_without_bom(data) == "utf-16-le"
    assert to_utf8(data) == (ENCODINGS / "utf8-bom" / "requirements.txt").read_bytes()[3:]
    assert utf16_without_bom("tiktok\r\n".encode("utf-16-be")) == "utf-16-be"


def test_non_ascii_utf16_text_is_still_recognised() -> None:
    text = "# 依赖 (dependencies)\nrequests==2.32.3\n"
    assert to_utf8(text.encode("utf-16-le")) == text.encode("utf-8")


def test_utf8_bom_keeps_the_bytes_and_counts_no_column() -> None:
    data = codecs.BOM_UTF8 + b"window.ttq.track('Purchase');\n"
    assert to_utf8(data) is None  # the bytes stay as shipped (file hashes)
    assert decode(data) == "window.ttq.track('Purchase');\n"
    found = default_scanner().scan_bytes("app.js", data).findings
    assert {(f.rule_id, f.location.start_line, f.location.start_column) for f in found} == {("TT204", 1, 1)}


def test_utf32_with_bom_is_transcoded() -> None:
    text = "tiktok-business-api-sdk-official==1.1.0\n"
    assert to_utf8(codecs.BOM_UTF32_LE + text.encode("utf-32-le")) == text.encode()


BINARIES = sorted(p for p in (REPO / "tests" / "fixtures" / "binary").rglob("*")
                  if p.is_file() and b"\x00" in p.read_bytes()[:4096])


def test_there_are_real_binaries_to_check() -> None:
    assert len(BINARIES) >= 5


@pytest.mark.parametrize("path", BINARIES, ids=lambda p: p.name)
def test_real_binaries_are_never_taken_for_utf16(path) -> None:  # type: ignore[no-untyped-def]
    assert to_utf8(path.read_bytes()) is None


@pytest.mark.parametrize("data", [
    b"\x00\x01\x02\x03" * 100,  # NULs in both byte positions
    "ab\x01cd".encode("utf-16-le"),  # a control character: not text
    b"a\x00b\x00c",  # odd length
    b"\x00\xd8a\x00",  # an unpaired surrogate
])
def test_nul_patterns_that_are_not_utf16_text(data: bytes) -> None:
    assert utf16_without_bom(data) is None


def _manifests() -> list:  # type: ignore[type-arg]
    """Lockfile and manifest fixtures written by the real tools, the ones with findings, small first."""
    root = REPO / "tests" / "fixtures" / "lockfile"
    out = []
    for path in sorted(root.rglob("*"), key=lambda p: (p.stat().st_size, p.as_posix()) if p.is_file() else (0, "")):
        if not path.is_file() or path.stat().st_size > 256 * 1024 or path.suffix in (".md", ".gz", ".tgz", ".zip"):
            continue
        data = path.read_bytes()
        if b"\x00" in data or data.startswith(codecs.BOM_UTF8):
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        out.append(path)
    return out


MANIFESTS = _manifests()


def _places(rel: str, data: bytes) -> set[tuple[str, int, int, int, int]]:
    found = default_scanner().scan_bytes(rel, data).findings
    return {(f.rule_id, f.location.start_line, f.location.start_column, f.location.end_line, f.location.end_column)
            for f in found}


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.relative_to(REPO / "tests" / "fixtures").as_posix())
def test_every_manifest_parses_the_same_in_utf16_and_with_a_bom(path) -> None:  # type: ignore[no-untyped-def]
    rel = path.relative_to(REPO).as_posix()
    data = path.read_bytes()
    expected = _places(rel, data)
    if not expected:
        pytest.skip("no finding in this fixture: nothing to compare")
    text = data.decode("utf-8")
    for variant in (text.encode("utf-16-le"), codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
                    codecs.BOM_UTF8 + data):
        assert _places(rel, variant) == expected


def test_a_utf16_member_of_an_archive_is_transcoded_too() -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app/requirements.txt", (ENCODINGS / "utf16le" / "requirements.txt").read_bytes())
    found = default_scanner().scan_bytes("bundle.zip", buf.getvalue()).findings
    assert [(f.rule_id, f.location.members, f.location.start_line) for f in found] == [
        ("TT103", ("app/requirements.txt",), 3)]
