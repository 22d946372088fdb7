"""Cross-platform app configuration: a Cordova/Ionic `config.xml`, Capacitor's `capacitor.config.*`,
a Unity project's `Packages/manifest.json` and `packages-lock.json`, and a Pangle AAR in a Unity
`Assets/Plugins/Android/`. Plugins are npm packages, UPM packages are `pkg:generic/upm/...`, and a
web view's allowlist entries are configuration (CONFIG, one finding each, never a note); the clean
apps (look-alike names, `tiktokenizer`, other ad networks) and unrelated `config.xml` files give
nothing and no notification. Fixtures: `tests/fixtures/lockfile/cross-platform/` (see its README).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.analyzers.lockfile import capacitor_config, cordova_config, unity_manifest, unity_packages_lock
from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.model import Context, Level, ScanResult
from tests.analyzers.lockfile.conftest import FIXTURES

CROSS = FIXTURES / "cross-platform"
AARS = FIXTURES.parent / "binary" / "android"


def _scan(root: Path) -> ScanResult:
    result = run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1))
    assert result.notifications == []
    return result


def _findings(project: str) -> list[tuple[str, int, int, str, str, str, str]]:
    return sorted((f.location.path, f.location.start_line, f.location.start_column, f.rule_id, f.analyzer,
                   f.context.value, f.value) for f in _scan(CROSS / project).findings)


def test_cordova_config_plugins_and_web_view_allowlist() -> None:
    assert _findings("cordova-app") == [
        ("config.xml", 36, 31, "TT306", "lockfile/cordova-config", "config", "tiktok.com"),  # <access origin>
        ("config.xml", 40, 29, "TT301", "lockfile/cordova-config", "config", "www.tiktok.com/v2/auth/authorize/*"),
        ("config.xml", 41, 29, "TT302", "lockfile/cordova-config", "config", "business-api.tiktok.com/*"),
        ("config.xml", 46, 25, "TT405", "lockfile/cordova-config", "config", "snssdk1233"),  # <allow-intent>
        ("config.xml", 58, 19, "TT101", "lockfile/cordova-config", "dependency", "pkg:npm/cordova-plugin-tiktok-sdk"),
        ("config.xml", 61, 19, "TT102", "lockfile/cordova-config", "dependency",
         "pkg:npm/cordova-plugin-tiktok-business-sdk@0.0.1"),
    ]
    [access] = [f for f in _scan(CROSS / "cordova-app").findings if f.location.start_line == 36]
    assert access.level is Level.WARNING and access.evidence == '<access origin="https://*.tiktok.com">'
    assert "in config" in access.message


def test_cordova_parser_reads_plugins_of_a_widget_only() -> None:
    text = (CROSS / "cordova-app" / "config.xml").read_text()
    assert [(p.name, p.version, p.line, p.scope) for p in cordova_config.parse("config.xml", text)] == [
        ("cordova-plugin-inappbrowser", None, 57, "cordova-plugin"),  # `^6.0.0` is a range
        ("cordova-plugin-tiktok-sdk", None, 58, "cordova-plugin"),  # a git URL spec
        ("cordova-plugin-tiktok-business-sdk", "0.0.1", 61, "cordova-plugin")]
    joomla = (CROSS / "not-cordova" / "config.xml").read_text()
    assert cordova_config.parse("config.xml", joomla) == []


def test_other_config_xml_files_give_nothing_of_their_own_and_no_notification() -> None:
    """A Joomla component's `config.xml` (a TikTok profile URL in a field default) and an ERB template
    that is no XML at all: text/endpoints still reads the URL, the Cordova reader says nothing."""
    assert [(path, rule, analyzer) for path, _, _, rule, analyzer, _, _ in _findings("not-cordova")] == [
        ("config.xml", "TT601", "text/endpoints")]


def test_capacitor_json_server_url_and_allow_navigation_are_config() -> None:
    assert _findings("capacitor-json") == [
        ("capacitor.config.json", 7, 13, "TT306", "lockfile/capacitor-config", "config",
         "shop.tiktok.com/view/product/1729384756"),  # server.url
        ("capacitor.config.json", 10, 10, "TT306", "lockfile/capacitor-config", "config", "tiktok.com"),
        ("capacitor.config.json", 11, 8, "TT302", "lockfile/capacitor-config", "config", "business-api.tiktok.com"),
    ]


def test_capacitor_ts_allow_navigation_is_config_once_not_data_of_the_js_analyzer() -> None:
    result = _scan(CROSS / "capacitor-ts")
    assert sorted((f.location.start_line, f.location.start_column, f.rule_id, f.analyzer, f.context)
                  for f in result.findings) == [
        (10, 26, "TT306", "lockfile/capacitor-config", Context.CONFIG),  # '*.tiktok.com'
        (10, 40, "TT301", "lockfile/capacitor-config", Context.CONFIG),  # 'open.tiktokapis.com'
    ]
    assert all(f.level.at_least(Level.WARNING) for f in result.findings)


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("capacitor.config.ts", "const config = { server: { url: 'https://www.tiktok.com/x', "
     "allowNavigation: ['a.tiktok.com'] }, plugins: { X: { allowNavigation: ['b.com'] } } };",
     ["server.url 'https://www.tiktok.com/x'", "server.allowNavigation 'a.tiktok.com'"]),
    ("capacitor.config.ts", "const config = { plugins: { X: { url: 'https://www.tiktok.com/' } } };", []),
    ("capacitor.config.ts", "const config = { plugins: { X: { allowNavigation: ['b.tiktok.com'] } }, "
     "server: { allowNavigation: ['c.tiktok.com'] } };", ["server.allowNavigation 'c.tiktok.com'"]),
    ("capacitor.config.ts", "const config = { server: { url: process.env.URL } };", []),  # computed
    ("capacitor.config.js", "module.exports = { server: { /* url: 'https://www.tiktok.com' */ } };", []),
    ("capacitor.config.json", '{"server": {"allowNavigation": ["x.tiktok.com", 3]}}',
     ["server.allowNavigation 'x.tiktok.com'"]),
    ("capacitor.config.json", '{"server": "https://www.tiktok.com"}', []),
    ("capacitor.config.json", "", []),
])
def test_capacitor_server_values(name: str, text: str, expected: list[str]) -> None:
    values = capacitor_config.server_values(name, text)
    assert [evidence for _, _, evidence in values] == expected
    for start, end, evidence in values:
        assert evidence.endswith(repr(text[start:end]))


def test_capacitor_clean_app_gives_nothing() -> None:
    assert _findings("capacitor-clean") == []


def test_unity_manifest_and_packages_lock_declare_pangle_adapters() -> None:
    assert _findings("unity-app") == [
        ("Packages/manifest.json", 4, 6, "TT105", "lockfile/unity-manifest", "dependency",
         "pkg:generic/upm/com.applovin.mediation.adapters.bytedance.android@709010300.0.0"),
        ("Packages/manifest.json", 5, 6, "TT105", "lockfile/unity-manifest", "dependency",
         "pkg:generic/upm/com.applovin.mediation.adapters.bytedance.ios@709010100.0.0"),
        ("Packages/packages-lock.json", 3, 6, "TT105", "lockfile/unity-packages-lock", "dependency",
         "pkg:generic/upm/com.applovin.mediation.adapters.bytedance.android@709010300.0.0"),
        ("Packages/packages-lock.json", 12, 6, "TT105", "lockfile/unity-packages-lock", "dependency",
         "pkg:generic/upm/com.applovin.mediation.adapters.bytedance.ios@709010100.0.0"),
        ("Packages/packages-lock.json", 46, 6, "TT105", "lockfile/unity-packages-lock", "dependency",
         "pkg:generic/upm/com.google.ads.mobile.mediation.pangle@5.9.1"),
    ]


def test_unity_parsers() -> None:
    manifest = (CROSS / "unity-app" / "Packages" / "manifest.json").read_text()
    pkgs = unity_manifest.parse("manifest.json", manifest)
    assert [(p.name, p.version, p.line, p.column) for p in pkgs][3:5] == [
        ("com.example.monetization", None, 6, 6),  # `file:` path: no version
        ("com.unity.ide.rider", "3.0.31", 7, 6)]
    assert all(p.direct and p.ecosystem == "generic" for p in pkgs)
    lock = unity_packages_lock.parse("packages-lock.json", (CROSS / "unity-app" / "Packages" /
                                                            "packages-lock.json").read_text())
    by = {p.name: p for p in lock}
    assert by["com.google.ads.mobile.mediation.pangle"].direct is False
    assert by["com.google.ads.mobile.mediation.pangle"].dependency_path == (
        "com.example.monetization", "com.google.ads.mobile.mediation.pangle")
    assert by["com.google.external-dependency-manager"].dependency_path == (
        "com.example.monetization", "com.google.ads.mobile.mediation.pangle", "com.google.ads.mobile",
        "com.google.external-dependency-manager")
    assert by["com.example.monetization"].version is None and by["com.example.monetization"].scope == "embedded"
    assert by["com.unity.modules.androidjni"].purl == "pkg:generic/upm/com.unity.modules.androidjni@1.0.0"


def test_only_a_manifest_in_a_packages_folder_is_a_unity_manifest() -> None:
    analyzer = unity_manifest.UnityManifestAnalyzer()
    assert analyzer.wants("Packages/manifest.json", True)
    assert analyzer.wants("game/Packages/manifest.json", True)
    assert not analyzer.wants("public/manifest.json", True)  # a web app manifest
    assert not analyzer.wants("extension/manifest.json", True)


def test_unity_clean_project_gives_nothing() -> None:
    assert _findings("unity-clean") == []


def test_a_pangle_aar_in_unity_assets_plugins_is_read_by_the_archive_and_class_readers(tmp_path: Path) -> None:
    android = tmp_path / "Assets" / "Plugins" / "Android"
    android.mkdir(parents=True)
    shutil.copy(AARS / "pangle-adapter.aar", android)
    shutil.copy(CROSS / "unity-app" / "Packages" / "manifest.json", tmp_path / "manifest.json")  # not in Packages/
    result = _scan(tmp_path)
    init = "com/bytedance/sdk/openadsdk/api/init"
    assert sorted((f.rule_id, f.location.path, f.location.members) for f in result.findings) == [
        ("TT403", "Assets/Plugins/Android/pangle-adapter.aar", ("classes.jar", f"{init}/{c}"))
        for c in ("PAGConfig$1.class", "PAGConfig$Builder.class", "PAGConfig.class", "PAGSdk.class")]
    assert {f.context for f in result.findings} == {Context.BINARY}


def test_a_look_alike_aar_in_unity_assets_plugins_gives_nothing(tmp_path: Path) -> None:
    android = tmp_path / "Assets" / "Plugins" / "Android"
    android.mkdir(parents=True)
    shutil.copy(AARS / "feed.aar", android)
    assert [f for f in _scan(tmp_path).findings if f.level.at_least(Level.WARNING)] == []


def test_cordova_allowlist_values_of_elements_sharing_a_line() -> None:
    from scanner.analyzers.lockfile._support.lines import LineIndex

    text = ('<widget><access origin="https://cdn.example.com"/>'
            '<access origin="https://x.tiktok.com/?a=1&amp;b=2"/><allow-intent href="snssdk1233://*"/></widget>')
    root = cordova_config.widget("config.xml", text)
    assert root is not None
    assert [(text[start:end], evidence) for start, end, evidence in cordova_config.navigation(root, LineIndex(text))] \
        == [("https://cdn.example.com", '<access origin="https://cdn.example.com">'),
            ("https://x.tiktok.com/?a=1&amp;b=2", '<access origin="https://x.tiktok.com/?a=1&b=2">'),
            ("snssdk1233://*", '<allow-intent href="snssdk1233://*">')]


def test_a_unity_projects_packages_folder_declares_for_the_project_above_it(tmp_path: Path) -> None:
    """`Packages/manifest.json` declares for the Unity project (its parent folder): code in `Assets/`
    that imports the SDK is the same component, neither declared-unused nor used-undeclared."""
    from scanner.findings.components import build_components

    shutil.copytree(CROSS / "unity-app" / "Packages", tmp_path / "Packages")
    scripts = tmp_path / "Assets" / "Scripts"
    scripts.mkdir(parents=True)
    (scripts / "AdsBootstrap.cs").write_text("using ByteDance.Union;\nusing UnityEngine;\n\n"
                                             "public sealed class AdsBootstrap : MonoBehaviour\n{\n}\n")
    [component] = build_components(_scan(tmp_path))
    assert (component.product, component.place.root) == ("pangle", "")
    assert not component.declared_unused and not component.used_undeclared
