"""Android build evidence: R8/ProGuard keep rules, R8/ProGuard mappings, source AndroidManifest.xml
components and `<queries>`, local AARs. Each form has its TikTok case at the exact line and a
look-alike project (`clean/`: jtokkit, `TikTokStyleFeed`, other apps' queries) that stays silent.
Fixtures: `tests/fixtures/lockfile/android-build/` (see its README)."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from scanner.analyzers.android import proguard
from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.model import Context, Finding, Level, ScanResult
from tests.analyzers.lockfile.conftest import FIXTURES

BUILD = FIXTURES / "android-build"
AARS = FIXTURES.parent / "binary" / "android"


@lru_cache(maxsize=8)
def _scan(project: str) -> ScanResult:
    root = BUILD / project
    return run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1))


def _by(project: str, analyzer: str) -> list[tuple[str, int, int, str]]:
    return sorted((f.location.path, f.location.start_line, f.location.start_column, f.rule_id)
                  for f in _scan(project).findings if f.analyzer == analyzer)


def _find(project: str, path: str, line: int) -> Finding:
    [found] = [f for f in _scan(project).findings if f.location.path == path and f.location.start_line == line
               and not f.location.members]
    return found


def test_keep_rules_of_tiktok_and_pangle_packages_are_configured_sdk_use() -> None:
    assert _by("app", "android/proguard") == [
        ("proguard-rules.pro", 24, 13, "TT201"),  # -keep class com.tiktok.open.sdk.** { *; }
        ("proguard-rules.pro", 25, 11, "TT201"),  # -dontwarn com.tiktok.open.sdk.**
        ("proguard-rules.pro", 28, 13, "TT207"),  # -keep class com.bytedance.sdk.openadsdk.** { *; }
        ("proguard-rules.pro", 29, 13, "TT207"),  # -keep class com.bytedance.sdk.** { *; } (Pangle's guide)
    ]
    keep = _find("app", "proguard-rules.pro", 24)
    assert keep.context is Context.CONFIG and keep.level is Level.ERROR
    assert keep.value == "com.tiktok.open.sdk" and keep.evidence == "-keep class com.tiktok.open.sdk.** { *; }"
    assert (keep.location.start_column, keep.location.end_column) == (13, 35)


def test_a_keep_rule_of_the_whole_tiktok_namespace_is_the_business_sdk_configured() -> None:
    """`-keep class com.tiktok.** { *; }` (the Business SDK's own consumer rule) names no SDK package,
    but keeps the Business SDK, whose classes sit directly under `com.tiktok`."""
    assert _by("business", "android/proguard") == [
        ("proguard-rules.pro", 9, 13, "TT203"), ("proguard-rules.pro", 10, 11, "TT203")]
    keep = _find("business", "proguard-rules.pro", 9)
    assert keep.context is Context.CONFIG and keep.level is Level.ERROR
    assert keep.evidence == "-keep class com.tiktok.** { *; }"
    assert (keep.location.start_column, keep.location.end_column) == (13, 26)


@pytest.mark.parametrize(("name", "expected"), [
    ("com.tiktok.**", ["com.tiktok.TikTokBusinessSdk", "com.tiktok.appevents", "com.tiktok.iap"]),
    ("com.tiktok.*", ["com.tiktok.TikTokBusinessSdk"]),  # classes directly in the package only
    ("com.bytedance.sdk.**", ["com.bytedance.sdk.openadsdk"]),  # Pangle's guide
    ("com.bytedance.**", []),  # the SDK is two levels down: the rule is not about it
    ("com.tiktok.open.sdk.**", []),  # names the SDK itself: nothing more to stand for
    ("com.tencent.mm.opensdk.**", []),  # an SDK's own package: keeps all of it, not its payment part
    ("com.**", []), ("com.tiktoken.**", []), ("com.example.tiktokclone.**", []),
    ("com.tiktok.TikTokBusinessSdk", []),  # no wildcard
])
def test_covered_packages(name: str, expected: list[str]) -> None:
    known = ("com.tiktok.appevents.", "com.tiktok.TikTokBusinessSdk", "com.tiktok.iap.", "com.tiktok.open.sdk.",
             "com.tiktok.util.TTConst", "com.bytedance.sdk.openadsdk.", "com.bytedance.sdk.open.tiktok.", "PAGSdk",
             "com.tencent.mm.opensdk.modelpay.")
    assert proguard.covered_packages(name, known) == expected


def test_consumer_rules_with_member_specifications() -> None:
    assert _by("tiktok-share", "android/proguard") == [
        ("consumer-rules.pro", 1, 38, "TT201"), ("consumer-rules.pro", 2, 26, "TT201")]


def test_keep_rules_of_look_alikes_and_commented_rules_give_nothing() -> None:
    assert _by("clean", "android/proguard") == []


@pytest.mark.parametrize(("rules", "expected"), [
    ("-keep class com.tiktok.open.sdk.** { *; }", [(0, "com.tiktok.open.sdk", "keep")]),
    ("-keep,allowobfuscation class com.tiktok.open.sdk.auth.AuthApi",
     [(0, "com.tiktok.open.sdk.auth.AuthApi", "keep")]),
    ("-dontwarn com.tiktok.open.sdk.**,com.bytedance.sdk.openadsdk.*",
     [(0, "com.tiktok.open.sdk", "dontwarn"), (0, "com.bytedance.sdk.openadsdk", "dontwarn")]),
    ("-keep class !com.tiktok.open.sdk.internal.**", [(0, "com.tiktok.open.sdk.internal", "keep")]),
    ("# -keep class com.tiktok.open.sdk.** { *; }", []),
    ("-keepattributes Signature,*Annotation*\n-optimizationpasses 5", []),
    ("-keep class **.R$* { *; }", []),  # a wildcard first: no package to name
    ("QT += core gui\nSOURCES += main.cpp", []),  # a qmake .pro file
])
def test_rule_names(rules: str, expected: list[tuple[int, str, str]]) -> None:
    assert [(rules.count("\n", 0, start), prefix, option) for start, _, prefix, option in
            proguard.rule_names(rules)] == expected


def test_a_rules_names_run_to_the_next_option_of_any_kind() -> None:
    rules = ("-keep class com.tiktok.open.sdk.auth.AuthApi,\n"
             "    com.tiktok.open.sdk.share.ShareApi\n"
             "-printmapping build.outputs.mapping.txt\n"
             "-dontwarn com.bytedance.sdk.openadsdk.**\n"
             "-optimizationpasses 5\n")
    assert [(rules.count("\n", 0, start), prefix, option) for start, _, prefix, option in
            proguard.rule_names(rules)] == [(0, "com.tiktok.open.sdk.auth.AuthApi", "keep"),
                                            (1, "com.tiktok.open.sdk.share.ShareApi", "keep"),
                                            (3, "com.bytedance.sdk.openadsdk", "dontwarn")]


def test_a_mapping_written_by_proguard_reports_the_sdk_classes_once() -> None:
    path = "build/outputs/mapping/release/mapping.txt"
    assert _by("app", "android/r8-mapping") == [(path, 4, 1, "TT401")]
    found = _find("app", path, 4)
    assert found.value == "com.tiktok.open.sdk.share.ShareApi"
    assert found.evidence == ("com.tiktok.open.sdk.share.ShareApi -> com.a.a.a.a.a "
                              "(+1 more: com.tiktok.open.sdk.share.ShareRequest) in R8 mapping")


def test_an_r8_mapping_with_its_header_reports_pangle_and_not_the_tokenizer() -> None:
    assert _by("r8-app", "android/r8-mapping") == [("mapping.txt", 11, 1, "TT403")]
    assert [f.value for f in _scan("r8-app").findings] == ["com.bytedance.sdk.openadsdk.api.init.PAGConfig"]


def test_a_clean_mapping_gives_nothing() -> None:
    assert _by("clean", "android/r8-mapping") == []


def test_source_manifest_components_and_queries() -> None:
    assert _by("app", "android/manifest") == [
        ("src/main/AndroidManifest.xml", 8, 32, "TT405"),  # <queries><package com.zhiliaoapp.musically>
        ("src/main/AndroidManifest.xml", 9, 32, "TT405"),  # com.ss.android.ugc.trill
        ("src/main/AndroidManifest.xml", 33, 27, "TT207"),  # Pangle's TTLandingPageActivity
        ("src/main/AndroidManifest.xml", 37, 27, "TT207"),  # Pangle's TTFileProvider
    ]
    query = _find("app", "src/main/AndroidManifest.xml", 8)
    assert query.level is Level.NOTE and "Open SDK's share and login flows" in query.evidence
    # a library manifest's relative component name resolves against its package
    assert _by("tiktok-share", "android/manifest") == [("src/main/AndroidManifest.xml", 7, 27, "TT201")]
    assert _find("tiktok-share", "src/main/AndroidManifest.xml", 7).value == "com.tiktok.open.sdk.share.ShareActivity"


def test_a_clean_manifest_gives_nothing() -> None:
    assert _scan("clean").findings == []


def _with_aar(tmp_path: Path, project: str, aar: str) -> ScanResult:
    """The project with a local AAR in `libs/`, as `implementation(files("libs/x.aar"))` builds keep them."""
    root = tmp_path / project
    shutil.copytree(BUILD / project, root)
    (root / "libs").mkdir()
    shutil.copy(AARS / aar, root / "libs" / aar)
    return run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1))


def test_a_local_aar_is_opened_and_its_classes_and_text_manifest_are_read(tmp_path: Path) -> None:
    result = _with_aar(tmp_path, "app", "tiktok-open-sdk-share.aar")
    inside = sorted({(f.location.display_path, f.location.start_line, f.rule_id, f.analyzer)
                     for f in result.findings if f.location.members})
    assert ("libs/tiktok-open-sdk-share.aar!/AndroidManifest.xml", 4, "TT405", "android/manifest") in inside
    assert ("libs/tiktok-open-sdk-share.aar!/classes.jar!/com/tiktok/open/sdk/share/ShareApi.class", 1, "TT401",
            "binary/java-class") in inside
    assert result.notifications == []


def test_a_local_aar_of_another_sdk_gives_nothing(tmp_path: Path) -> None:
    result = _with_aar(tmp_path, "clean", "feed.aar")
    assert result.findings == [] and result.notifications == []


def test_the_projects_scan_without_notifications() -> None:
    for project in ("app", "clean", "tiktok-share", "r8-app"):
        assert _scan(project).notifications == [], project


def test_react_native_libraries_android_manifest_new_is_read(tmp_path: Path) -> None:
    """RN libraries keep `AndroidManifestNew.xml` (no `package=`, for AGP 8) beside the old manifest."""
    target = tmp_path / "android" / "src" / "main" / "AndroidManifestNew.xml"
    target.parent.mkdir(parents=True)
    target.write_text('<manifest xmlns:android="http://schemas.android.com/apk/res/android">\n  <queries>\n'
                      '    <package android:name="com.zhiliaoapp.musically" />\n  </queries>\n</manifest>\n')
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))
    assert [(f.location.path, f.location.start_line, f.rule_id, f.analyzer) for f in result.findings] == [
        ("android/src/main/AndroidManifestNew.xml", 3, "TT405", "android/manifest")]
