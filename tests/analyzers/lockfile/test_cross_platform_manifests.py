"""Cross-platform app manifests: Expo config plugins (`app.json`, `app.config.ts`), Flutter's
`.flutter-plugins-dependencies` / `.flutter-plugins`, React Native's `react-native.config.js`, and a
Unity project's `Assets/Plugins`. Each TikTok entry is reported where it is named; the clean apps
(look-alike names, `tiktoken`, commented-out entries) give nothing.
Fixtures: `tests/fixtures/lockfile/cross-platform/` (see its README)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.analyzers.lockfile import expo_config, flutter_plugins, react_native_config
from scanner.config import ScanConfig
from scanner.core.run import run_scan
from tests.analyzers.lockfile.conftest import FIXTURES

CROSS = FIXTURES / "cross-platform"
BINARY = FIXTURES.parent / "binary"


def _findings(project: str) -> list[tuple[str, int, int, str, str]]:
    root = CROSS / project
    result = run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1))
    assert result.notifications == []
    return sorted((f.location.path, f.location.start_line, f.location.start_column, f.rule_id, f.analyzer)
                  for f in result.findings)


def test_expo_config_plugins_in_app_json_and_app_config_ts() -> None:
    assert _findings("expo-app") == [
        ("app.config.ts", 11, 7, "TT102", "lockfile/expo-config"),  # ['expo-tiktok-ads-events', {...}]
        ("app.json", 38, 8, "TT101", "lockfile/expo-config"),  # "react-native-tiktok"
        ("app.json", 40, 10, "TT102", "lockfile/expo-config"),  # ["expo-tiktok-business/app.plugin", {...}]
    ]


def test_expo_parser_names_packages_and_skips_local_plugins() -> None:
    text = (CROSS / "expo-app" / "app.json").read_text()
    assert [(p.name, p.line, p.scope) for p in expo_config.parse("app.json", text)] == [
        ("expo-router", 28, "expo-plugin"), ("expo-splash-screen", 30, "expo-plugin"),
        ("react-native-tiktok", 38, "expo-plugin"), ("expo-tiktok-business", 40, "expo-plugin")]
    ts = (CROSS / "expo-app" / "app.config.ts").read_text()
    assert [p.name for p in expo_config.parse("app.config.ts", ts)] == [
        "expo-router", "expo-tiktok-ads-events", "expo-build-properties"]  # the commented plugin is not one


@pytest.mark.parametrize(("spec", "name"), [
    ("@scope/pkg/app.plugin", "@scope/pkg"), ("pkg/app.plugin", "pkg"), ("pkg", "pkg"),
    ("./plugins/withX", None), ("/abs/plugin", None), ("", None),
])
def test_plugin_references(spec: str, name: str | None) -> None:
    assert expo_config.package_of(spec) == name


def test_flutter_plugin_lists() -> None:
    assert _findings("flutter-app") == [
        (".flutter-plugins", 5, 1, "TT101", "lockfile/flutter-plugins"),
        (".flutter-plugins-dependencies", 1, 310, "TT101", "lockfile/flutter-plugins"),
    ]
    text = (CROSS / "flutter-app" / ".flutter-plugins-dependencies").read_text()
    pkgs = flutter_plugins.parse(".flutter-plugins-dependencies", text)
    assert [(p.name, p.version) for p in pkgs] == [  # once each, though listed for several platforms
        ("path_provider_foundation", "2.4.0"), ("tiktok_sdk_v2", "0.0.4"), ("path_provider_android", "2.2.10")]


def test_react_native_autolinking_config() -> None:
    assert _findings("rn-app") == [("react-native.config.js", 7, 6, "TT101", "lockfile/react-native-config")]
    text = (CROSS / "rn-app" / "react-native.config.js").read_text()
    assert [p.name for p in react_native_config.parse("react-native.config.js", text)] == [
        "react-native-tiktok", "@react-native-community/netinfo"]


@pytest.mark.parametrize("project", ["expo-clean", "flutter-clean", "rn-clean"])
def test_clean_apps_give_nothing(project: str) -> None:
    assert _findings(project) == []


def test_unity_plugins_are_read_by_the_archive_and_mach_o_readers(tmp_path: Path) -> None:
    android = tmp_path / "Assets" / "Plugins" / "Android"
    android.mkdir(parents=True)
    shutil.copy(BINARY / "android" / "tiktok-open-sdk-share.aar", android)
    shutil.copytree(BINARY / "apple" / "TikTokOpenSDK.framework", tmp_path / "Assets" / "Plugins" / "iOS"
                    / "TikTokOpenSDK.framework")
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))
    tt401 = {f.location.path for f in result.findings if f.rule_id == "TT401"}
    assert tt401 == {"Assets/Plugins/Android/tiktok-open-sdk-share.aar",
                     "Assets/Plugins/iOS/TikTokOpenSDK.framework/TikTokOpenSDK"}
