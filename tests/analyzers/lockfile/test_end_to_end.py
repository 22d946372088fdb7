"""Through run_scan: every lockfile fixture (real-tool `real/`, hand-written `native/`) gives its rule at
its declaring line, look-alikes give nothing, affiliates only their BD rule, a transitive package
names its chain, and a malformed lockfile becomes a notification."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.model import Finding, Level, SkipReason
from tests.analyzers.lockfile.conftest import NATIVE, REAL

EXPECTED_REAL = {
    "bun/bun.lock": ("TT104", 25),
    "bun/package.json": ("TT104", 7),
    "npm-shrinkwrap/npm-shrinkwrap.json": ("TT104", 61),
    "npm-shrinkwrap/package.json": ("TT104", 7),
    "npm-v1/package-lock.json": ("TT104", 27),
    "npm-v1/package.json": ("TT104", 7),
    "npm-v2/package-lock.json": ("TT104", 61),
    "npm-v2/package.json": ("TT104", 7),
    "npm-v3/package-lock.json": ("TT104", 61),
    "npm-v3/package.json": ("TT104", 7),
    "npm-workspaces/package-lock.json": ("TT104", 31),
    "npm-workspaces/packages/web/package.json": ("TT104", 6),
    "pdm/pdm.lock": ("TT103", 71),
    "pdm/pyproject.toml": ("TT103", 6),
    "pip-tools/requirements.in": ("TT103", 1),
    "pip-tools/requirements.txt": ("TT103", 11),
    "pipenv/Pipfile": ("TT103", 7),
    "pipenv/Pipfile.lock": ("TT103", 51),
    "pnpm-v6/package.json": ("TT104", 7),
    "pnpm-v6/pnpm-lock.yaml": ("TT104", 41),
    "pnpm-v9/package.json": ("TT104", 7),
    "pnpm-v9/pnpm-lock.yaml": ("TT104", 37),
    "pnpm-workspaces/packages/web/package.json": ("TT104", 6),
    "pnpm-workspaces/pnpm-lock.yaml": ("TT104", 30),
    "poetry/poetry.lock": ("TT103", 97),
    "poetry/pyproject.toml": ("TT103", 10),
    "uv/pylock.toml": ("TT103", 42),
    "uv/pyproject.toml": ("TT103", 6),
    "uv/uv.lock": ("TT103", 76),
    "yarn-berry/package.json": ("TT104", 7),
    "yarn-berry/yarn.lock": ("TT104", 41),
    "yarn-classic/package.json": ("TT104", 7),
    "yarn-classic/yarn.lock": ("TT104", 22),
}


@pytest.fixture(scope="module")
def real_scan():
    return run_scan(ScanConfig(roots=[str(REAL)], srcroot=str(REAL), jobs=1))


@lru_cache(maxsize=1)
def native_findings() -> tuple[Finding, ...]:
    result = run_scan(ScanConfig(roots=[str(NATIVE)], jobs=1))
    assert not [n for n in result.notifications if n.analyzer.startswith("lockfile/")]
    return tuple(f for f in result.findings if f.analyzer.startswith("lockfile/"))


def where(rule: str) -> set[tuple[str, int]]:
    return {(f.location.path, f.location.start_line) for f in native_findings() if f.rule_id == rule}


def _scan(tmp_path: Path, files: dict[str, str]):
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return run_scan(ScanConfig(roots=[str(tmp_path)], jobs=1))


def test_every_real_fixture_reports_its_rule_at_the_declaring_line(real_scan) -> None:
    got = {f.location.path: (f.rule_id, f.location.start_line) for f in real_scan.findings}
    assert got == EXPECTED_REAL
    assert len(real_scan.findings) == len(EXPECTED_REAL)  # one finding per file: no look-alike, no duplicate
    assert all(f.level is Level.ERROR for f in real_scan.findings)
    assert real_scan.notifications == []


def test_native_tiktok_sdks_reported_with_rule_and_line() -> None:
    assert {("android/gradle/libs.versions.toml", 13), ("ios/Podfile.lock", 8), ("ios/Package.swift", 11),
            ("ios/App.xcodeproj/project.pbxproj", 49), ("cordova/plugin.xml", 35), ("ruby/Gemfile.lock", 18),
            ("flutter/pubspec.lock", 58), ("android/legacy/build.gradle", 23)} <= where("TT101")
    assert {("android/app/build.gradle.kts", 26), ("flutter/ios/tiktok_events_bridge.podspec", 15),
            ("ios/spm-v3/Package.resolved", 16), ("sbom/app.cdx.json", 37)} <= where("TT102")
    assert {("android/app/build.gradle.kts", 28), ("ios/Podfile", 11), ("dotnet/App/packages.lock.json", 5),
            ("android/settings.gradle.kts", 22)} <= where("TT105")
    assert {("go/go.mod", 8), ("php/composer.lock", 10), ("maven/pom.xml", 46)} <= where("TT106")


def test_real_findings_carry_purl_and_path(real_scan) -> None:
    by_path = {f.location.path: f for f in real_scan.findings}
    ws = by_path["npm-workspaces/package-lock.json"]
    assert ws.package is not None
    assert (ws.package.purl, ws.package.direct, ws.package.dependency_path) == (
        "pkg:npm/tiktok-pixel@2.0.3", True, ("monorepo", "web", "tiktok-pixel"))
    assert "via monorepo > web > tiktok-pixel" in ws.message
    uv = by_path["uv/uv.lock"]
    assert uv.package is not None and uv.package.purl == "pkg:pypi/tiktok-business-api-sdk-official@1.1.3"


def test_transitive_finding_message_names_the_chain(tmp_path: Path) -> None:
    [finding] = [f for f in native_findings() if f.location.path == "sbom/app.cdx.json" and f.rule_id == "TT102"
                 and f.location.start_line == 37]
    assert finding.package is not None and finding.package.direct is False
    assert "via app > react-native-tiktok-business-sdk > com.github.tiktok:tiktok-business-android-sdk" in \
        finding.message

    lock = """{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {"dependencies": {"ads-bridge": "^1"}},
    "node_modules/ads-bridge": {"version": "1.0.0", "dependencies": {"react-native-tiktok-business-sdk": "^1.7"}},
    "node_modules/react-native-tiktok-business-sdk": {"version": "1.7.1"}
  }
}"""
    (finding,) = _scan(tmp_path, {"package-lock.json": lock}).findings
    assert (finding.rule_id, finding.location.start_line) == ("TT102", 7)
    assert finding.package is not None and finding.package.direct is False
    assert finding.package.dependency_path == ("app", "ads-bridge", "react-native-tiktok-business-sdk")
    assert "(transitive dependency) via app > ads-bridge > react-native-tiktok-business-sdk" in finding.message


def test_look_alikes_are_never_reported(tmp_path: Path) -> None:
    look_alikes = ("tiktokenizer", "jtokkit", "tiktoken", "Cl100kBase", "TTTAttributedLabel")
    assert [f for f in native_findings() if any(t in f.value for t in look_alikes)] == []

    result = _scan(tmp_path, {
        "requirements.txt": "tiktoken==0.14.0\nlark==1.3.1\nlark-parser\nspangle\npanglery\ntiktoken-async\n",
        "package.json": '{"dependencies": {"js-tiktoken": "1.0.21", "tiktoken": "1.0.22", '
                        '"@dqbd/tiktoken": "1", "@microsoft/tiktokenizer": "1", "lynx": "1"}}',
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["tiktoken", "lark>=1", "spangle"]\n',
    })
    assert [(f.location.path, f.rule_id) for f in result.findings if f.level.at_least(Level.NOTE)] == []


def test_affiliates_only_under_affiliate_rules(tmp_path: Path) -> None:
    assert ("android/legacy/build.gradle", 24) in where("BD101")  # Douyin Open SDK
    assert ("go/go.mod", 10) in where("BD102")  # Lark
    douyin_lines = {(f.location.path, f.location.start_line) for f in native_findings()
                    if "opensdk-china-external" in f.value}
    assert {f.rule_id for f in native_findings() if "opensdk-china-external" in f.value} == {"BD101"}
    assert douyin_lines == {("android/legacy/build.gradle", 24)}

    result = _scan(tmp_path, {
        "requirements.txt": "requests\nlark-oapi==1.4.0\nvolcengine\n",
        "package.json": '{\n  "dependencies": {\n    "@larksuiteoapi/node-sdk": "^1.2.0"\n  }\n}\n',
    })
    got = sorted((f.location.path, f.location.start_line, f.rule_id) for f in result.findings)
    assert got == [("package.json", 3, "BD102"), ("requirements.txt", 2, "BD102"), ("requirements.txt", 3, "BD103")]


def test_malformed_lockfile_is_a_notification(tmp_path: Path) -> None:
    result = _scan(tmp_path, {
        "package-lock.json": '{"packages": {"node_modules/tiktok-pixel": {"version": ',
        "requirements.txt": "TikTokLive==6.0.0\n",
    })
    assert [(f.location.path, f.rule_id, f.location.start_line) for f in result.findings] == [
        ("requirements.txt", "TT106", 1)]
    (note,) = result.notifications
    assert (note.path, note.reason, note.analyzer) == (
        "package-lock.json", SkipReason.PARSE_ERROR, "lockfile/npm-package-lock")
    assert "not valid JSON" in note.message
