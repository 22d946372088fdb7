"""The whole pipeline over the native fixtures: rule ids at exact lines, look-alikes silent."""

from __future__ import annotations

from functools import lru_cache

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.model import Finding

from .conftest import FIXTURES


@lru_cache(maxsize=1)
def lockfile_findings() -> tuple[Finding, ...]:
    result = run_scan(ScanConfig(roots=[str(FIXTURES)], jobs=1))
    assert not [n for n in result.notifications if n.analyzer.startswith("lockfile/")]
    return tuple(f for f in result.findings if f.analyzer.startswith("lockfile/"))


def where(rule: str) -> set[tuple[str, int]]:
    return {(f.location.path, f.location.start_line) for f in lockfile_findings() if f.rule_id == rule}


def test_tiktok_sdks_reported_with_rule_and_line() -> None:
    assert {("android/gradle/libs.versions.toml", 13), ("ios/Podfile.lock", 8), ("ios/Package.swift", 11),
            ("ios/App.xcodeproj/project.pbxproj", 49), ("cordova/plugin.xml", 35), ("ruby/Gemfile.lock", 18),
            ("flutter/pubspec.lock", 58), ("android/legacy/build.gradle", 23)} <= where("TT101")
    assert {("android/app/build.gradle.kts", 26), ("flutter/ios/tiktok_events_bridge.podspec", 15),
            ("ios/spm-v3/Package.resolved", 16), ("sbom/app.cdx.json", 37)} <= where("TT102")
    assert {("android/app/build.gradle.kts", 28), ("ios/Podfile", 11), ("dotnet/App/packages.lock.json", 5),
            ("android/settings.gradle.kts", 22)} <= where("TT105")
    assert {("go/go.mod", 8), ("php/composer.lock", 10), ("maven/pom.xml", 46)} <= where("TT106")


def test_transitive_finding_message_names_the_chain() -> None:
    [finding] = [f for f in lockfile_findings() if f.location.path == "sbom/app.cdx.json" and f.rule_id == "TT102"
                 and f.location.start_line == 37]
    assert finding.package is not None and finding.package.direct is False
    assert "via app > react-native-tiktok-business-sdk > com.github.tiktok:tiktok-business-android-sdk" in \
        finding.message


def test_affiliates_only_under_affiliate_rules() -> None:
    assert ("android/legacy/build.gradle", 24) in where("BD101")  # Douyin Open SDK
    assert ("go/go.mod", 10) in where("BD102")  # Lark
    douyin_lines = {(f.location.path, f.location.start_line) for f in lockfile_findings()
                    if "opensdk-china-external" in f.value}
    assert {f.rule_id for f in lockfile_findings() if "opensdk-china-external" in f.value} == {"BD101"}
    assert douyin_lines == {("android/legacy/build.gradle", 24)}


def test_look_alikes_never_reported() -> None:
    look_alikes = ("tiktokenizer", "jtokkit", "tiktoken", "Cl100kBase", "TTTAttributedLabel")
    hits = [f for f in lockfile_findings() if any(t in f.value for t in look_alikes)]
    assert hits == []
