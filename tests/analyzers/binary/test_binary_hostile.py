"""Truncated and corrupt binaries become notifications, never crashes; readers' small parts."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.analyzers.binary.common import sniff
from scanner.analyzers.binary.elf import jni_class, link_name
from scanner.analyzers.binary.swift import swift_class, swift_module
from scanner.config import ScanConfig
from scanner.core.scanner import Scanner
from scanner.model import Context, Fact, FactKind, Location, SkipReason
from tests.analyzers.binary.conftest import FIXTURES

TRUNCATED = {
    "tiktok-sdk.dex": (FIXTURES / "android" / "tiktok-sdk.dex", "DEX is truncated"),
    "libDemo.dylib": (FIXTURES / "apple" / "libDemo.dylib", "truncated"),
    "TikTokOpenSDK": (FIXTURES / "apple" / "TikTokOpenSDK.framework" / "TikTokOpenSDK", "truncated"),
    "libtthelper.so": (FIXTURES / "native" / "libtthelper.so", "ELF"),
    "libTikTokOpenSDK.a": (FIXTURES / "apple" / "libTikTokOpenSDK.a", "truncated"),
}


@pytest.fixture(scope="module")
def sc() -> Scanner:
    return Scanner(ScanConfig(roots=["."], jobs=1))


@pytest.mark.parametrize("name", sorted(TRUNCATED))
def test_truncated_binary_is_a_parse_error_notification(sc: Scanner, name: str) -> None:
    path, words = TRUNCATED[name]
    data = path.read_bytes()
    # cut inside the tables, after the first TikTok string so the prefilter still routes the file
    outcome = sc.scan_bytes(name, data[: len(data) * 2 // 3] if name != "libtthelper.so" else data[:700])
    parse_errors = [n for n in outcome.notifications if n.reason is SkipReason.PARSE_ERROR]
    assert parse_errors, outcome.notifications
    assert all(n.reason is not SkipReason.ANALYZER_ERROR for n in outcome.notifications)
    assert any(words in n.message for n in parse_errors)


def test_truncated_manifest_inside_apk(sc: Scanner) -> None:
    with zipfile.ZipFile(FIXTURES / "android" / "app.apk") as apk:
        manifest = apk.read("AndroidManifest.xml")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        out.writestr("AndroidManifest.xml", manifest[:1900])
    outcome = sc.scan_bytes("cut.apk", buf.getvalue())
    assert [n.reason for n in outcome.notifications] == [SkipReason.PARSE_ERROR]
    assert outcome.notifications[0].path == "cut.apk!/AndroidManifest.xml"


BINARIES = [p.read_bytes() for p, _ in TRUNCATED.values()] + [
    (FIXTURES / "android" / "obfuscated.dex").read_bytes(),
]


@settings(max_examples=150, deadline=None)
@given(which=st.integers(0, len(BINARIES) - 1), cut=st.floats(0, 1), flips=st.lists(st.integers(0, 1 << 30),
                                                                                     max_size=8))
def test_cut_or_corrupted_binaries_never_crash(which: int, cut: float, flips: list[int]) -> None:
    data = bytearray(BINARIES[which][: int(len(BINARIES[which]) * cut)])
    for flip in flips:
        if data:
            data[flip % len(data)] ^= 0xFF
    outcome = SCANNER.scan_bytes("fuzzed.bin", bytes(data))
    assert all(n.reason is not SkipReason.ANALYZER_ERROR for n in outcome.notifications), outcome.notifications


SCANNER = Scanner(ScanConfig(roots=["."], jobs=1))


def test_deeply_nested_archives_stop_at_the_depth_limit(sc: Scanner) -> None:
    data = (FIXTURES / "android" / "obfuscated.dex").read_bytes()
    name = "classes.dex"
    for depth in range(8):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr(name, data)
        data, name = buf.getvalue(), f"level{depth}.jar"
    outcome = sc.scan_bytes("nested.apk", data)
    assert outcome.findings == []
    assert any(n.reason is SkipReason.LIMIT and "nested" in n.message for n in outcome.notifications)


def test_zip_bomb_member_is_reported_not_read(sc: Scanner) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        out.writestr("classes.dex", b"dex\n035\x00" + b"\x00" * (64 * 1024 * 1024))
    outcome = sc.scan_bytes("bomb.apk", buf.getvalue())
    assert any(n.reason is SkipReason.LIMIT and "ratio" in n.message for n in outcome.notifications)


def test_sniff_tells_class_files_from_fat_macho() -> None:
    assert sniff(b"\xca\xfe\xba\xbe\x00\x00\x00\x02") == "macho"
    assert sniff(b"\xca\xfe\xba\xbe\x00\x00\x00\x34") == "class"
    assert sniff(b"dex\n035\x00") == "dex"
    assert sniff(b"!<arch>\nxx") == "ar"
    assert sniff(b"\x7fELF\x02\x01") == "elf"
    assert sniff(b"PK\x03\x04") is None


def test_name_decoders() -> None:
    assert jni_class("Java_com_tiktok_open_sdk_core_NativeBridge_endpoint") == "com.tiktok.open.sdk.core.NativeBridge"
    assert jni_class("Java_com_example_My_1Class_run__I") == "com.example.My_Class"
    assert jni_class("JNI_OnLoad") is None
    assert swift_class("_TtC17TikTokOpenSDKCore16TikTokURLHandler") == ("TikTokOpenSDKCore", "TikTokURLHandler")
    assert swift_class("_TtCs12_SwiftObject") is None
    assert swift_module("_$s17TikTokOpenSDKCore16TikTokURLHandlerC6handleySbAA0D0CFZ") == "TikTokOpenSDKCore"
    assert swift_module("_OBJC_CLASS_$_Foo") is None
    assert link_name("libBUAdSDK.so") == "BUAdSDK"
    assert link_name("libc.so.6") == "c"


def test_file_hash_facts_match_tt501_fingerprints(sc: Scanner) -> None:
    # the sha256 of TikTok's official Business API SDK `api_client.py` (see TT501 for provenance)
    digest = "d7c03854ed1cdf24271e4d92eb548483444a5d67fb1955543c58aa4702e1215f"
    fact = Fact(FactKind.FILE_HASH, digest, Location("vendor/api_client.py", byte_offset=0), Context.BINARY,
                "binary/file-hash")
    assert [r.id for r in sc.index.lookup(fact)] == ["TT501"]
    data = (FIXTURES / "android" / "tiktok-sdk.dex").read_bytes()
    outcome = sc.scan_bytes("classes.dex", data)
    assert outcome.findings  # hashed, but the fixture is no published SDK file: no TT501
    assert "TT501" not in {f.rule_id for f in outcome.findings}
    from scanner.analyzers.binary.filehash import FileHashAnalyzer
    from scanner.analyzers.interface import FileInput
    from scanner.config.limits import Limits

    file = FileInput("classes.dex", (), data, False, sc.prefilter.hits(data), sc.needles, Limits())
    assert [f.value for f in FileHashAnalyzer().analyze(file)] == [hashlib.sha256(data).hexdigest()]
