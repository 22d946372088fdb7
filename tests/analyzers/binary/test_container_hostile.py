"""Malformed universal binaries and static libraries (truncated, lying sizes, huge counts) give
parse-error notifications and keep what the good parts show; never a crash or a hang. Swift
demangling and the binary-evidence routing of issue 14 on their own."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.analyzers.binary import container
from scanner.analyzers.binary.container import ar_members, fat_arches
from scanner.analyzers.binary.swift import SwiftType, swift_module, swift_type
from scanner.config import ScanConfig
from scanner.core.scanner import FileOutcome, Scanner
from scanner.model import Context, Fact, FactKind, Location, SkipReason
from tests.analyzers.binary.conftest import FIXTURES

STATIC = FIXTURES / "static"
FAT = (STATIC / "TikTokOpenSDK.framework" / "TikTokOpenSDK").read_bytes()
AUTH = (STATIC / "libTikTokOpenSDKAuth.a").read_bytes()
DELEGATE = "TikTokOpenSDKApplicationDelegate"


@pytest.fixture(scope="module")
def sc() -> Scanner:
    return Scanner(ScanConfig(roots=["."], jobs=1))


def problems_of(outcome: FileOutcome) -> list[str]:
    assert all(n.reason is not SkipReason.ANALYZER_ERROR for n in outcome.notifications), outcome.notifications
    return [n.message for n in outcome.notifications if n.reason is SkipReason.PARSE_ERROR]


def slice_of(arch: str) -> tuple[int, int]:
    return next((offset, size) for name, offset, size in fat_arches(FAT) if name == arch)


def test_fat_file_cut_inside_its_second_slice_keeps_the_first(sc: Scanner) -> None:
    x86_offset, _ = slice_of("x86_64")
    arm_offset, arm_size = slice_of("arm64")
    assert x86_offset < arm_offset
    outcome = sc.scan_bytes("TikTokOpenSDK", FAT[: arm_offset + arm_size // 2])
    problems = problems_of(outcome)
    # the device slice is cut: reported; the simulator slice is read and reported instead
    assert any("slice arm64" in p and "truncated" in p for p in problems), problems
    classes = [f for f in outcome.findings if f.rule_id == "TT401"]
    assert [f.location.members for f in classes] == [(f"x86_64/{DELEGATE}.o",)]


def test_archive_member_with_a_lying_size_keeps_the_members_before_it(sc: Scanner) -> None:
    arm_offset, _ = slice_of("arm64")
    data = bytearray(FAT)
    members = list(ar_members(FAT, arm_offset))
    assert [m[0] for m in members] == [f"{DELEGATE}.o", "TikTokOpenSDKAuthRequest.o"]
    header = FAT.rindex(b"#1/", 0, members[1][1])  # the second member's header
    data[header + 48 : header + 58] = b"9999999999"
    outcome = sc.scan_bytes("TikTokOpenSDK", bytes(data))
    problems = problems_of(outcome)
    assert any("past the end of the archive: truncated" in p for p in problems), problems
    arm_classes = [f for f in outcome.findings if f.rule_id == "TT401" and f.location.members[0].startswith("arm64/")]
    assert [f.value for f in arm_classes] == [DELEGATE]


@pytest.mark.parametrize(("patch", "words"), [
    # (offset in the first member's Mach-O header, bytes): ncmds and sizeofcmds far too large
    ((16, struct.pack("<I", 0x7FFFFFFF)), "load commands"),
    ((20, struct.pack("<I", 0x7FFFFFFF)), "truncated"),
])
def test_object_with_absurd_header_counts(sc: Scanner, patch: tuple[int, bytes], words: str) -> None:
    (_name, first, _size), = list(ar_members(AUTH))
    at, value = patch
    data = bytearray(AUTH)
    data[first + at : first + at + 4] = value
    problems = problems_of(sc.scan_bytes("libTikTokOpenSDKAuth.a", bytes(data)))
    assert any(words in p and "TikTokOpenSDKAuthRequest.o" in p for p in problems), problems


def test_symbol_table_with_a_huge_count_is_skipped_not_walked(sc: Scanner) -> None:
    (_name, first, size), = list(ar_members(AUTH))
    data = bytearray(AUTH)
    symtab = AUTH.index(struct.pack("<II", 0x2, 24), first, first + size)  # LC_SYMTAB, cmdsize 24
    data[symtab + 12 : symtab + 16] = struct.pack("<I", 0xFFFFFFFF)  # nsyms
    outcome = sc.scan_bytes("libTikTokOpenSDKAuth.a", bytes(data))
    problems_of(outcome)
    assert [f.value for f in outcome.findings] == ["TikTokOpenSDKAuthRequest"]  # from __objc_classname


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d[:8] + b"#1/99999        0           0     0     644     100       `\n" + d[68:], "name length"),
    (lambda d: d[:8] + b"#1/12           0           0     0     0       x40       `\n" + d[68:], "bad size"),
    (lambda d: d[:8] + b"#1/12           0           0     0     0       340       XX" + d[68:], "corrupt"),
])
def test_corrupt_archive_headers(sc: Scanner, change: object, words: str) -> None:
    assert callable(change)
    problems = problems_of(sc.scan_bytes("libTikTokOpenSDKAuth.a", change(AUTH)))
    assert any(words in p for p in problems), problems


def test_fat_header_with_many_bogus_slices(sc: Scanner) -> None:
    data = bytearray(FAT)
    data[4:8] = struct.pack(">I", 44)  # under the class-file cut-off (45), far more than the two slices
    problems = problems_of(sc.scan_bytes("TikTokOpenSDK", bytes(data)))
    assert problems and all("TikTokOpenSDK:" in p for p in problems)
    data[4:8] = struct.pack(">I", 2)
    data[8 + 12 : 8 + 16] = struct.pack(">I", 0xFFFFFFF0)  # first slice's size
    problems = problems_of(sc.scan_bytes("TikTokOpenSDK", bytes(data)))
    assert any("past the end of the file" in p for p in problems), problems


def test_archive_with_too_many_members_stops(sc: Scanner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "MAX_MEMBERS", 3)
    empty = b"empty.o/        0           0     0     644     0         `\n"
    data = AUTH + empty * 10
    outcome = sc.scan_bytes("libTikTokOpenSDKAuth.a", data)
    assert any("more than 3 members" in p for p in problems_of(outcome))


def test_archive_nested_in_a_fat_member_is_not_followed(sc: Scanner) -> None:
    # an archive whose member is a fat file whose slice is again an archive: one level only
    member = FAT
    name = b"nested.a"
    header = b"#1/8".ljust(16) + b"0".ljust(12) + b"0".ljust(6) + b"0".ljust(6) + b"644".ljust(8)
    header += str(len(member) + len(name)).encode().ljust(10) + b"`\n"
    data = b"!<arch>\n" + header + name + member
    problems = problems_of(sc.scan_bytes("outer.a", data))
    assert any("neither a Mach-O image nor an ar archive" in p for p in problems), problems


BINARIES = [FAT, AUTH, (STATIC / "libTikTokLoginBridge.a").read_bytes()]
SCANNER = Scanner(ScanConfig(roots=["."], jobs=1))


@settings(max_examples=150, deadline=None)
@given(which=st.integers(0, len(BINARIES) - 1), cut=st.floats(0, 1),
       flips=st.lists(st.tuples(st.integers(0, 1 << 30), st.integers(1, 255)), max_size=8))
def test_cut_or_corrupted_static_libraries_never_crash(which: int, cut: float, flips: list[tuple[int, int]]) -> None:
    data = bytearray(BINARIES[which][: int(len(BINARIES[which]) * cut)])
    for at, mask in flips:
        if data:
            data[at % len(data)] ^= mask
    outcome = SCANNER.scan_bytes("lib.a", bytes(data))
    problems_of(outcome)


@pytest.mark.parametrize(("symbol", "expected"), [
    ("_$s17TikTokOpenSDKCore0aB10URLHandlerCMn", SwiftType("TikTokOpenSDKCore", ("TikTokURLHandler",), "class")),
    ("_$s17TikTokOpenSDKCore0aB4InfoVMn", SwiftType("TikTokOpenSDKCore", ("TikTokInfo",), "struct")),
    ("_$s17TikTokOpenAuthSDK0abD7RequestCMa", SwiftType("TikTokOpenAuthSDK", ("TikTokAuthRequest",), "class")),
    ("$s4main5OuterV5InnerOMn", SwiftType("main", ("Outer", "Inner"), "enum")),
    ("$s4main3Foo33_C8F3D5B2A1E0F9C7D6B5A4E3F2C1D0ABLLCMn", SwiftType("main", ("Foo",), "class")),
    ("_$s17TikTokOpenSDKCore16TikTokURLHandlerC6handleySbAA0D0CFZ",
     SwiftType("TikTokOpenSDKCore", ("TikTokURLHandler",), "class")),
    ("$s4main3fooyyF", None),  # a function of the module, no type
    ("$sSo8NSObjectCN", None),  # an Objective-C type seen from Swift
    ("$s4main0zB3FooCMn", None),  # a word substitution with no word behind it
    ("$s4main0003FooCMn", None),  # punycode
    ("$s99main", None),  # length past the end
    ("_OBJC_CLASS_$_Foo", None),
])
def test_swift_type_names(symbol: str, expected: SwiftType | None) -> None:
    assert swift_type(symbol) == expected
    if expected is not None:
        assert swift_module(symbol) == expected.module


def test_binary_evidence_maps_to_binary_rules_only(sc: Scanner) -> None:
    def rules(kind: FactKind, value: str, context: Context) -> list[str]:
        fact = Fact(kind, value, Location("lib.a", byte_offset=0), context, "binary/macho")
        return [r.id for r in sc.index.lookup(fact)]

    # strings inside a binary: configuration (TT202) and app-detection (TT405) rules are not theirs
    assert rules(FactKind.MARKER, "TikTokClientKey", Context.BINARY) == []
    assert rules(FactKind.MARKER, "TikTokOpenSDKApplicationDelegate", Context.BINARY) == []
    assert rules(FactKind.SCHEME, "snssdk1233", Context.BINARY) == []
    assert rules(FactKind.MARKER, "tiktok_sdk_auth", Context.BINARY) == ["TT404"]
    assert rules(FactKind.CLASS, "TikTokOpenSDKApplicationDelegate", Context.BINARY) == ["TT401"]
    assert rules(FactKind.LIBRARY, "TikTokOpenSDK.framework", Context.BINARY) == ["TT401"]
    assert rules(FactKind.HOST, "open-api.tiktok.com", Context.BINARY) == ["TT406"]
    # the same values as configuration (an Info.plist, an AXML manifest) keep their rules
    assert rules(FactKind.MARKER, "TikTokClientKey", Context.CONFIG) == ["TT202"]
    assert rules(FactKind.SCHEME, "snssdk1233", Context.CONFIG) == ["TT405"]


def test_unreadable_embedded_plist_keeps_the_classes_and_libraries(sc: Scanner) -> None:
    data = bytearray((FIXTURES / "apple" / "libDemo.dylib").read_bytes())
    at = data.index(b"<plist")
    data[at : at + 6] = b"<plis\x00"
    outcome = sc.scan_bytes("libDemo.dylib", bytes(data))
    assert any("embedded __info_plist: unreadable property list" in p for p in problems_of(outcome))
    assert {(f.rule_id, f.value) for f in outcome.findings} >= {
        ("TT401", "@rpath/TikTokOpenSDK.framework/TikTokOpenSDK"), ("TT401", "TTKSDKAuthRequest")}
