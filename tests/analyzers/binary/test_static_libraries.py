"""Static libraries as iOS SDKs are vendored (tests/fixtures/binary/static/README.md): universal
static frameworks (fat files of `ar` archives), xcframeworks of static frameworks, thin archives,
autolinking options and Swift symbols; the unrelated look-alike SDK stays silent."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.analyzers.binary.container import Part, parts
from tests.analyzers.binary.conftest import FIXTURES, rows, scan

STATIC = FIXTURES / "static"
FAT_FRAMEWORK = STATIC / "TikTokOpenSDK.framework" / "TikTokOpenSDK"
XCFRAMEWORK = STATIC / "TikTokOpenSDKCore.xcframework"
BUILT = [
    "TikTokOpenSDK.framework/TikTokOpenSDK",
    "TikTokOpenSDKCore.xcframework/ios-arm64/TikTokOpenSDKCore.framework/TikTokOpenSDKCore",
    "TikTokOpenSDKCore.xcframework/ios-arm64_x86_64-simulator/TikTokOpenSDKCore.framework/TikTokOpenSDKCore",
    "libTikTokLoginBridge.a",
    "libTikTokOpenSDKAuth.a",
    "libTikTokOpenSDKFat.a",
    "libTiktokenKit.a",
]


def test_universal_static_framework_names_slice_and_object() -> None:
    findings, notes = scan(FAT_FRAMEWORK)
    delegate = "TikTokOpenSDK!/arm64/TikTokOpenSDKApplicationDelegate.o"
    assert rows(findings) == {
        (delegate, 1280, "TT406", "open-api.tiktok.com/platform/oauth/connect/"),
        (delegate, 1343, "TT401", "TikTokOpenSDKApplicationDelegate"),
    }
    assert notes == []
    cls = next(f for f in findings if f.rule_id == "TT401")
    assert cls.location.members == ("arm64/TikTokOpenSDKApplicationDelegate.o",)
    assert cls.evidence == ("Objective-C class TikTokOpenSDKApplicationDelegate (+2 more: TikTokOpenSDKAuthRequest, "
                            "TikTokOpenSDKAuthResponse) in static library")
    # the other object of the device slice is listed, the simulator slice's copies are not
    assert [(r.location.members, r.location.byte_offset, r.message) for r in cls.related] == [
        (("arm64/TikTokOpenSDKAuthRequest.o",), 1064, "Objective-C class TikTokOpenSDKAuthRequest"),
        (("arm64/TikTokOpenSDKAuthRequest.o",), 1089, "Objective-C class TikTokOpenSDKAuthResponse"),
    ]


def test_strings_inside_a_binary_never_map_to_source_or_configuration_rules() -> None:
    # the delegate object holds "TikTokClientKey", "snssdk1233" and its class name as C strings:
    # before issue 14 they came out as TT202 (configuration) and TT405 (app detection)
    findings, _ = scan(FAT_FRAMEWORK)
    assert {f.rule_id for f in findings} <= {"TT406", "TT401"}
    data = FAT_FRAMEWORK.read_bytes()
    assert b"TikTokClientKey\x00" in data and b"snssdk1233\x00" in data


def test_xcframework_of_static_frameworks() -> None:
    findings, notes = scan(XCFRAMEWORK)
    device = "ios-arm64/TikTokOpenSDKCore.framework/TikTokOpenSDKCore!/"
    simulator = "ios-arm64_x86_64-simulator/TikTokOpenSDKCore.framework/TikTokOpenSDKCore!/"
    assert rows(findings) == {
        (device + "TikTokURLHandler.o", 1160, "TT401", "TikTokURLHandler"),
        (simulator + "arm64/TikTokURLHandler.o", 1160, "TT401", "TikTokURLHandler"),
    }
    assert notes == []
    assert {f.evidence for f in findings} == {"Swift class of module TikTokOpenSDKCore: TikTokURLHandler in static "
                                              "library"}


def test_class_metadata_alone_is_enough() -> None:
    findings, notes = scan(STATIC / "libTikTokOpenSDKAuth.a")
    assert rows(findings) == {
        ("libTikTokOpenSDKAuth.a!/TikTokOpenSDKAuthRequest.o", 1064, "TT401", "TikTokOpenSDKAuthRequest"),
    }
    assert findings[0].evidence == ("Objective-C class TikTokOpenSDKAuthRequest (+1 more: TikTokOpenSDKAuthResponse) "
                                    "in static library")
    assert notes == []


def test_archive_of_a_fat_object_names_member_then_slice() -> None:
    findings, notes = scan(STATIC / "libTikTokOpenSDKFat.a")
    member = "libTikTokOpenSDKFat.a!/TikTokOpenSDKApplicationDelegate.o/arm64"
    assert rows(findings) == {
        (member, 1280, "TT406", "open-api.tiktok.com/platform/oauth/connect/"),
        (member, 1343, "TT401", "TikTokOpenSDKApplicationDelegate"),
    }
    assert notes == []


def test_autolinked_framework_and_references_to_objc_and_swift_classes() -> None:
    findings, notes = scan(STATIC / "libTikTokLoginBridge.a")
    member = "libTikTokLoginBridge.a!/TikTokLoginBridge.o"
    assert rows(findings) == {
        (member, 1231, "TT401", "TikTokOpenSDK.framework"),
        (member, 2489, "TT401", "TikTokOpenSDKApplicationDelegate"),
        (member, 2807, "TT401", "TikTokAuthRequest"),
    }
    assert notes == []
    evidence = {f.location.byte_offset: f.evidence for f in findings}
    assert evidence[1231] == "LC_LINKER_OPTION -framework TikTokOpenSDK (arm64)"
    assert evidence[2489] == "reference to Objective-C class TikTokOpenSDKApplicationDelegate in static library"
    assert evidence[2807] == ("reference to Swift class of module TikTokOpenAuthSDK: TikTokAuthRequest in static "
                              "library")


def test_unrelated_sdk_with_look_alike_names_gives_nothing() -> None:
    # TiktokenTokenizer, SpangleRTMPClient, LarkGrammarParser, TikTokStyleFeedCell, Swift TiktokenKit
    findings, notes = scan(STATIC / "libTiktokenKit.a")
    assert findings == []
    assert notes == []


def test_parts_of_a_universal_static_library() -> None:
    problems: list[str] = []
    found = list(parts(FAT_FRAMEWORK.read_bytes(), problems))
    assert problems == []
    assert [(p.member, p.arch, p.macho) for p in found] == [
        ("arm64/TikTokOpenSDKApplicationDelegate.o", "arm64", True),
        ("arm64/TikTokOpenSDKAuthRequest.o", "arm64", True),
        ("x86_64/TikTokOpenSDKApplicationDelegate.o", "x86_64", True),
        ("x86_64/TikTokOpenSDKAuthRequest.o", "x86_64", True),
    ]
    assert {p.object_name for p in found} == {"TikTokOpenSDKApplicationDelegate.o", "TikTokOpenSDKAuthRequest.o"}
    assert Part(0, 1, "TikTokURLHandler.o/arm64", "arm64", True).object_name == "TikTokURLHandler.o"
    assert Part(0, 1, "arm64", "arm64", True).object_name == ""  # a slice of a fat image
    assert Part(0, 1, None, None, True).object_name is None  # a thin file


@pytest.mark.skipif(not all(shutil.which(tool) for tool in ("clang-14", "llvm-ar-14", "llvm-lipo-14")),
                    reason="clang-14, llvm-ar-14 and llvm-lipo-14 are needed to rebuild the fixtures")
def test_committed_fixtures_are_what_the_build_script_makes(tmp_path: Path) -> None:
    subprocess.run(["bash", str(STATIC / "build.sh"), str(tmp_path)], check=True, capture_output=True, timeout=300)
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (STATIC / name).read_bytes(), name
    assert (tmp_path / "TikTokOpenSDKCore.xcframework" / "Info.plist").read_bytes() == (
        XCFRAMEWORK / "Info.plist").read_bytes()
