"""Build scripts that name their dependencies through a version catalog or buildSrc constants are
reported at the line of use, with the catalog (or constant) line as a related location; catalog
aliases of other libraries (`okhttp`, the `jtokkit` tokenizer, `retrofit`) give nothing.

The fixture `tests/fixtures/lockfile/catalog-app/` is an Android Studio project (see its README).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pytest

from scanner.analyzers.lockfile import gradle, gradle_build, gradle_catalog
from scanner.analyzers.lockfile.gradle_build import GradleBuild
from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.model import Finding, Level, ScanResult, SkipReason
from tests.analyzers.lockfile.conftest import FIXTURES

APP = FIXTURES / "catalog-app"


@lru_cache(maxsize=1)
def _app_scan() -> ScanResult:
    return run_scan(ScanConfig(roots=[str(APP)], srcroot=str(APP), jobs=1))


def _gradle_findings(path: str) -> dict[int, Finding]:
    found = [f for f in _app_scan().findings if f.analyzer == "lockfile/gradle" and f.location.path == path]
    lines = [f.location.start_line for f in found]
    assert len(lines) == len(set(lines)), found
    return {f.location.start_line: f for f in found}


def _line(rel: str, needle: str) -> int:
    text = (APP / rel).read_text(encoding="utf-8")
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _related(finding: Finding) -> list[tuple[str, int, str]]:
    return [(r.location.path, r.location.start_line, r.message) for r in finding.related]


def test_accessors_bundles_custom_catalogs_and_constants_are_reported_at_the_line_of_use() -> None:
    found = _gradle_findings("app/build.gradle.kts")
    assert {line: f.rule_id for line, f in found.items()} == {
        _line("app/build.gradle.kts", "libs.tiktok.open.sdk.core"): "TT101",
        _line("app/build.gradle.kts", "libs.bundles.tiktok.login"): "TT101",
        _line("app/build.gradle.kts", "libs.tiktokOpenSdkShare"): "TT101",
        _line("app/build.gradle.kts", "deps.tiktok.business"): "TT102",
        _line("app/build.gradle.kts", "Deps.pangle"): "TT105",
    }


def test_the_dependency_path_names_the_alias_and_the_catalog_line_is_related() -> None:
    found = _gradle_findings("app/build.gradle.kts")
    core = found[_line("app/build.gradle.kts", "libs.tiktok.open.sdk.core")]
    assert core.package is not None
    assert core.package.dependency_path == ("version catalog alias tiktok-open-sdk-core",
                                            "com.tiktok.open.sdk:tiktok-open-sdk-core")
    assert core.package.version == "2.3.0" and core.package.scope == "implementation"
    assert "via version catalog alias tiktok-open-sdk-core" in core.message
    assert (core.location.start_column, core.location.end_column) == (20, 45)  # `libs.tiktok.open.sdk.core`
    catalog_line = _line("gradle/libs.versions.toml", "tiktok-open-sdk-core =")
    assert _related(core) == [("gradle/libs.versions.toml", catalog_line,
                               "version catalog alias tiktok-open-sdk-core = "
                               "com.tiktok.open.sdk:tiktok-open-sdk-core:2.3.0")]


def test_a_bundle_names_the_bundle_and_the_member_alias() -> None:
    bundle = _gradle_findings("app/build.gradle.kts")[_line("app/build.gradle.kts", "libs.bundles.tiktok.login")]
    assert bundle.package is not None
    assert bundle.package.dependency_path[0] == "version catalog bundle tiktok-login"
    assert [r[:2] for r in _related(bundle)] == [
        ("gradle/libs.versions.toml", _line("gradle/libs.versions.toml", "tiktok-login =")),
        ("gradle/libs.versions.toml", _line("gradle/libs.versions.toml", "tiktok-open-sdk-core =")),
        ("gradle/libs.versions.toml", _line("gradle/libs.versions.toml", "tiktok_open_sdk_auth =")),
    ]


def test_a_custom_catalog_and_a_buildsrc_constant_are_related_to_their_definitions() -> None:
    found = _gradle_findings("app/build.gradle.kts")
    business = found[_line("app/build.gradle.kts", "deps.tiktok.business")]
    assert business.package is not None
    assert business.package.dependency_path[0] == "version catalog deps alias tiktok-business"
    assert [r[:2] for r in _related(business)] == [("gradle/deps.versions.toml", 5)]
    pangle = found[_line("app/build.gradle.kts", "Deps.pangle")]
    assert pangle.package is not None and pangle.package.version == "6.2.0.7"  # ${Versions.pangle}
    assert pangle.package.dependency_path == ("build constant Deps.pangle", "com.pangle.global:ads-sdk")
    assert _related(pangle) == [("buildSrc/src/main/kotlin/Dependencies.kt",
                                 _line("buildSrc/src/main/kotlin/Dependencies.kt", "val pangle = \"com"),
                                 'constant Deps.pangle = "com.pangle.global:ads-sdk:6.2.0.7"')]


def test_groovy_scripts_and_find_library_in_an_included_build_resolve_too() -> None:
    groovy = _gradle_findings("feature/share/build.gradle")
    assert {line: f.rule_id for line, f in groovy.items()} == {
        _line("feature/share/build.gradle", "libs.tiktok.open.sdk.core"): "TT101"}
    # build-logic has its own settings script, importing the root catalog with from(files("../gradle/..."))
    script = "build-logic/convention/src/main/kotlin/sharedemo.tiktok-share.gradle.kts"
    plugin = _gradle_findings(script)
    assert {line: f.rule_id for line, f in plugin.items()} == {_line(script, "tiktokOpenSdkShare"): "TT101"}
    [related] = _related(plugin[_line(script, "tiktokOpenSdkShare")])
    assert related[:2] == ("gradle/libs.versions.toml", _line("gradle/libs.versions.toml", "tiktokOpenSdkShare ="))


def test_the_scan_of_the_app_has_no_notifications_and_no_finding_for_look_alikes() -> None:
    result = _app_scan()
    assert result.notifications == []
    values = {f.value for f in result.findings}
    assert not [v for v in values if "okhttp" in v or "jtokkit" in v or "retrofit" in v or "coil" in v]


def _catalog(text: str) -> GradleBuild:
    build = GradleBuild(root="/x")
    shown = "gradle/libs.versions.toml"
    build.catalogs["libs"] = (gradle_catalog.read_catalog(shown, text), shown)
    build.declared.add("libs")
    return build


CATALOG = """[libraries]
tiktok-open-sdk-core = "com.tiktok.open.sdk:tiktok-open-sdk-core:2.3.0"
tiktok_open_sdk_auth = "com.tiktok.open.sdk:tiktok-open-sdk-auth:2.3.0"
tiktokOpenSdkShare = "com.tiktok.open.sdk:tiktok-open-sdk-share:2.3.0"
tiktoken = "com.example.tokens:tiktoken-jvm:0.1.0"
okhttp = "com.squareup.okhttp3:okhttp:4.12.0"

[plugins]
tiktok-upload = { id = "com.example.tiktok-upload", version = "1.0" }
"""


def test_each_file_of_a_build_is_read_once_per_build_root_not_per_build_script(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Seven build scripts in two builds (the app and its included build-logic): the settings
    scripts, catalogs and buildSrc sources are read when a build root is first met, then cached."""
    from scanner.core.scanner import Scanner
    from scanner.core.walk import Walker, WalkOptions

    reads: dict[str, int] = {}
    real = gradle_build.read_regular_file

    def counting(path: Path, max_bytes: int, **kwargs: bool) -> bytes:
        rel = Path(os.path.relpath(path, APP)).as_posix()
        reads[rel] = reads.get(rel, 0) + 1
        return real(path, max_bytes, **kwargs)

    monkeypatch.setattr(gradle_build, "read_regular_file", counting)
    scanner = Scanner(ScanConfig(roots=[str(APP)], srcroot=str(APP), jobs=1))
    scripts = 0
    for ref in Walker(WalkOptions()).walk([str(APP)], str(APP)):
        scripts += ref.path.endswith((".gradle", ".gradle.kts"))
        scanner.scan_file(ref)
    assert scripts == 7
    # the default catalog is named by both builds (build-logic imports it with from(files(..)))
    assert reads == {"settings.gradle.kts": 1, "build-logic/settings.gradle.kts": 1,
                     "gradle/deps.versions.toml": 1, "gradle/libs.versions.toml": 2,
                     "buildSrc/src/main/kotlin/Dependencies.kt": 1}


@pytest.mark.parametrize(("accessor", "artifact"), [
    ("libs.tiktok.open.sdk.core", "tiktok-open-sdk-core"),  # `-` in the alias
    ("libs.tiktok.open.sdk.auth", "tiktok-open-sdk-auth"),  # `_` in the alias
    ("libs.tiktokOpenSdkShare", "tiktok-open-sdk-share"),  # camel case is kept, not split
    ("libs.findLibrary(\"tiktok-open-sdk-core\").get()", "tiktok-open-sdk-core"),
    ("libs.findLibrary(\"tiktok_open_sdk_core\").get()", "tiktok-open-sdk-core"),
    ("libs.tiktok.open.sdk.core.get()", "tiktok-open-sdk-core"),
])
def test_aliases_are_normalised_as_gradle_does(accessor: str, artifact: str) -> None:
    pkgs, unread = gradle.resolve("build.gradle.kts", f"dependencies {{\n    implementation({accessor})\n}}\n",
                                  _catalog(CATALOG))
    assert [(p.name, p.line, p.column) for p in pkgs] == [(f"com.tiktok.open.sdk:{artifact}", 2, 20)]
    assert unread == []


@pytest.mark.parametrize("accessor", [
    "libs.tiktok.open.sdk.share",  # the alias is `tiktokOpenSdkShare`: Gradle does not split camel case
    "libs.tiktokOpenSdkCore",  # nor join dotted parts into camel case
    "libs.tiktok.open.sdk",  # a prefix of an alias is no alias
    "libs.tiktoken",  # a look-alike, resolved but not TikTok's (matching decides)
    "libs.versions.tiktok",  # a version, not a dependency
    "otherLibs.tiktok.open.sdk.core",  # not a catalog of this build
])
def test_names_that_are_no_tiktok_alias_resolve_to_nothing_tiktok(accessor: str) -> None:
    pkgs, _ = gradle.resolve("build.gradle.kts", f"dependencies {{\n    implementation({accessor})\n}}\n",
                             _catalog(CATALOG))
    assert not [p for p in pkgs if p.name.startswith("com.tiktok.open.sdk")]


def test_a_plugin_alias_resolves_to_its_plugin_marker() -> None:
    pkgs, _ = gradle.resolve("build.gradle.kts", "plugins {\n    alias(libs.plugins.tiktok.upload)\n}\n",
                             _catalog(CATALOG))
    assert [(p.purl, p.scope, p.dependency_path[0]) for p in pkgs] == [
        ("pkg:maven/com.example.tiktok-upload/com.example.tiktok-upload.gradle.plugin@1.0", "alias",
         "version catalog plugin tiktok-upload")]


def test_comments_are_not_uses() -> None:
    text = "dependencies {\n    // implementation(libs.tiktok.open.sdk.core)\n    /* libs.tiktokOpenSdkShare */\n}\n"
    assert gradle.resolve("build.gradle.kts", text, _catalog(CATALOG)) == ([], [])


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


SETTINGS = 'rootProject.name = "x"\ninclude(":app")\n'
USE = "dependencies {\n    implementation(libs.tiktok.open.sdk.core)\n}\n"


def test_one_bad_catalog_entry_and_a_version_ref_cycle_cost_only_those_entries(tmp_path: Path) -> None:
    """Issue 19: the TikTok entry beside a broken one is still reported, in the catalog and at the use."""
    _write(tmp_path, {"settings.gradle.kts": SETTINGS, "app/build.gradle.kts": USE, "gradle/libs.versions.toml": """\
[versions]
a = { ref = "a" }
sdk = "2.3.0"

[libraries]
loop = { module = "com.example:loop", version.ref = "a" }
broken = { version = "1.0" }
odd = { module = "com.example:odd", version = { ref = ["x"] } }
tiktok-open-sdk-core = { module = "com.tiktok.open.sdk:tiktok-open-sdk-core", version.ref = "sdk" }
"""})
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))
    assert sorted((f.rule_id, f.location.path, f.location.start_line) for f in result.findings
                  if f.analyzer.startswith("lockfile/")) == [
        ("TT101", "app/build.gradle.kts", 2), ("TT101", "gradle/libs.versions.toml", 9)]
    notes = sorted((n.reason, n.message) for n in result.notifications)
    assert notes == [
        (SkipReason.LIMIT, "gradle/libs.versions.toml: 'loop': version.ref 'a' leads to another reference; "
                           "not followed (Gradle allows one hop), version unknown"),
        (SkipReason.PARSE_ERROR, "gradle/libs.versions.toml: 'odd': version.ref must be a string; version unknown"),
        (SkipReason.PARSE_ERROR, "gradle/libs.versions.toml: library 'broken' has neither module nor group/name; "
                                 "entry skipped"),
    ]
    assert all(n.analyzer == "lockfile/gradle-catalog" and n.level is Level.WARNING for n in result.notifications)


def test_a_catalog_outside_the_scan_root_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "libs.versions.toml"
    _write(tmp_path, {"elsewhere/libs.versions.toml": CATALOG,
                      "repo/settings.gradle.kts": 'dependencyResolutionManagement {\n  versionCatalogs {\n'
                      '    create("libs") {\n      from(files("../elsewhere/libs.versions.toml"))\n    }\n  }\n}\n',
                      "repo/app/build.gradle.kts": USE})
    assert outside.is_file()
    result = run_scan(ScanConfig(roots=[str(tmp_path / "repo")], srcroot=str(tmp_path / "repo"), jobs=1))
    assert result.findings == []
    assert sorted((n.path, n.reason, n.level) for n in result.notifications) == [
        ("../elsewhere/libs.versions.toml", SkipReason.LIMIT, Level.NOTE),
        ("app/build.gradle.kts", SkipReason.PARSE_ERROR, Level.NOTE),
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symlinked_catalog_is_not_followed(tmp_path: Path) -> None:
    _write(tmp_path, {"real.toml": CATALOG, "settings.gradle.kts": SETTINGS, "app/build.gradle.kts": USE})
    (tmp_path / "gradle").mkdir()
    os.symlink(tmp_path / "real.toml", tmp_path / "gradle" / "libs.versions.toml")
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))
    assert [f for f in result.findings if f.location.path == "app/build.gradle.kts"] == []
    assert ("gradle/libs.versions.toml", SkipReason.UNREADABLE) in {(n.path, n.reason) for n in result.notifications}


DEPS = 'object Deps {\n    const val sdk = "com.tiktok.open.sdk:tiktok-open-sdk-core:2.3.0"\n}\n'


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_links_and_paths_the_tree_names_do_not_lead_the_build_reader_out_of_the_scan_root(tmp_path: Path) -> None:
    """A linked buildSrc, an included build and a catalog folder outside the scan root, named by the
    scanned tree, are not read; nor is a linked source file, whether it leads out of the root or not."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    _write(outside, {"buildSrc/src/main/kotlin/Deps.kt": DEPS, "logic/src/main/kotlin/Deps.kt": DEPS,
                     "gradle/libs.versions.toml": CATALOG})
    _write(repo, {"settings.gradle.kts": 'includeBuild("../outside/logic")\ndependencyResolutionManagement {\n'
                  '  versionCatalogs {\n    create("ext") {\n      from(files("linked/libs.versions.toml"))\n'
                  '    }\n  }\n}\n', "logic/src/main/kotlin/Other.kt": "object Other\n", "Real.kt": DEPS})
    os.symlink(outside / "buildSrc", repo / "buildSrc")
    os.symlink(outside / "gradle", repo / "linked")
    os.symlink(outside / "buildSrc/src/main/kotlin/Deps.kt", repo / "logic/src/main/kotlin/Deps.kt")
    os.symlink(repo / "Real.kt", repo / "logic/src/main/kotlin/Inner.kt")
    build = gradle_build.BuildReader(str(repo), str(repo), str(repo)).read()
    assert build.constants == {}
    assert build.catalogs == {}
    assert sorted((p, r) for p, r, _ in build.notes) == [("linked/libs.versions.toml", SkipReason.LIMIT)]
    reader = gradle_build.BuildReader(str(repo), str(repo), str(repo))
    sources = reader._sources(str(repo / "logic"))
    assert sources == [str(repo / "logic/src/main/kotlin" / n) for n in ("Deps.kt", "Inner.kt", "Other.kt")]
    assert [c for path in sources for c in reader._file_constants(path)] == []
    assert [(p, r) for p, r, _ in reader.build.notes] == [("logic/src/main/kotlin/Deps.kt", SkipReason.LIMIT),
                                                          ("logic/src/main/kotlin/Inner.kt", SkipReason.UNREADABLE)]


def test_a_build_script_inside_an_archive_is_read_alone(tmp_path: Path) -> None:
    import zipfile

    _write(tmp_path, {"settings.gradle.kts": SETTINGS, "gradle/libs.versions.toml": CATALOG})
    with zipfile.ZipFile(tmp_path / "sources.zip", "w") as zf:
        zf.writestr("app/build.gradle.kts", USE)
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))
    assert not [f for f in result.findings if f.location.members]
    assert not [n for n in result.notifications if n.analyzer == "lockfile/gradle"]


def test_constant_expansion_is_bounded(tmp_path: Path) -> None:
    chain = "\n".join(f'    const val v{i} = "${{Versions.v{i + 1}}}"' for i in range(20))
    deps = 'object Deps {\n    const val sdk = "com.tiktok.open.sdk:tiktok-open-sdk-core:${Versions.v0}"\n}\n'
    versions = f'object Versions {{\n{chain}\n    const val v20 = "1"\n}}\n'
    _write(tmp_path, {"settings.gradle.kts": SETTINGS, "buildSrc/src/main/kotlin/Versions.kt": versions + deps,
                      "app/build.gradle.kts": "dependencies {\n    implementation(Deps.sdk)\n}\n"})
    build = gradle_build.BuildReader(str(tmp_path), str(tmp_path), str(tmp_path)).read()
    assert "sdk" not in build.constants
    assert [(p, r) for p, r, _ in build.notes][:1] == [("buildSrc/src/main/kotlin/Versions.kt", SkipReason.LIMIT)]


def test_nested_objects_and_java_constants_are_qualified(tmp_path: Path) -> None:
    _write(tmp_path, {"buildSrc/src/main/kotlin/Libs.kt": """\
object Libs {
    object TikTok {
        private const val version = "2.3.0"
        const val share = "com.tiktok.open.sdk:tiktok-open-sdk-share:$version"
    }
    const val okhttp = "com.squareup.okhttp3:okhttp:4.12.0"
}
""", "buildSrc/src/main/java/Deps.java": """\
public final class Deps {
    public static final String TIKTOK_CORE = "com.tiktok.open.sdk:tiktok-open-sdk-core:2.3.0";
}
"""})
    build = gradle_build.BuildReader(str(tmp_path), str(tmp_path), str(tmp_path)).read()
    text = ("dependencies {\n    implementation(Libs.TikTok.share)\n    implementation(Deps.TIKTOK_CORE)\n"
            "    implementation(Libs.okhttp)\n    implementation(TikTok.share)\n}\n")
    pkgs, _ = gradle.resolve("build.gradle.kts", text, build)
    assert [(p.name, p.version, p.line) for p in pkgs] == [
        ("com.tiktok.open.sdk:tiktok-open-sdk-share", "2.3.0", 2),
        ("com.tiktok.open.sdk:tiktok-open-sdk-core", "2.3.0", 3),
        ("com.squareup.okhttp3:okhttp", "4.12.0", 4),
        ("com.tiktok.open.sdk:tiktok-open-sdk-share", "2.3.0", 5),  # `import Libs.TikTok` then `TikTok.share`
    ]


def test_names_inside_strings_are_not_uses_but_templates_are(tmp_path: Path) -> None:
    build = _catalog(CATALOG)
    text = ('dependencies {\n    println("see libs.tiktok.open.sdk.core")\n'
            '    implementation("${libs.tiktok.open.sdk.core.get()}")\n}\n')
    pkgs, _ = gradle.resolve("build.gradle.kts", text, build)
    assert [(p.name, p.line) for p in pkgs] == [("com.tiktok.open.sdk:tiktok-open-sdk-core", 3)]


def test_a_top_level_constant_is_named_by_its_bare_name_only(tmp_path: Path) -> None:
    _write(tmp_path, {"buildSrc/src/main/kotlin/Sdk.kt":
                      'const val sdk = "com.tiktok.open.sdk:tiktok-open-sdk-core:2.3.0"\n'})
    build = gradle_build.BuildReader(str(tmp_path), str(tmp_path), str(tmp_path)).read()
    text = "dependencies {\n    implementation(sdk)\n    implementation(project.extra.sdk)\n}\n"
    pkgs, _ = gradle.resolve("build.gradle.kts", text, build)
    assert [(p.name, p.line) for p in pkgs] == [("com.tiktok.open.sdk:tiktok-open-sdk-core", 2)]


def test_a_catalog_built_in_the_settings_script_resolves_to_its_library_call() -> None:
    root = FIXTURES / "native" / "android"
    build = gradle_build.BuildReader(str(root), str(root), str(root)).read()
    assert sorted(build.catalogs) == ["ads", "libs"]
    pkgs, _ = gradle.resolve("app/build.gradle.kts", "dependencies {\n    implementation(ads.pangle)\n}\n", build)
    [pkg] = pkgs
    assert (pkg.name, pkg.version, pkg.dependency_path[0]) == ("com.pangle.global:ads-sdk", "6.2.0.7",
                                                              "version catalog ads alias pangle")
    settings_line = next(i for i, line in enumerate((root / "settings.gradle.kts").read_text().splitlines(), 1)
                         if 'library("pangle"' in line)
    assert [(r.location.path, r.location.start_line) for r in pkg.related] == [("settings.gradle.kts", settings_line)]


def test_a_catalog_over_gradles_entry_limit_is_read_up_to_it() -> None:
    entries = "\n".join(f'lib{i} = "com.example:lib{i}:1.0"' for i in range(gradle_catalog.MAX_ENTRIES))
    text = f'[libraries]\ntiktok = "com.tiktok.open.sdk:tiktok-open-sdk-core:2.3.0"\n{entries}\n'
    catalog = gradle_catalog.read_catalog("libs.versions.toml", text)
    assert len(catalog.libraries) == gradle_catalog.MAX_ENTRIES
    assert catalog.libraries["tiktok"].line == 2
    assert catalog.problems == [(SkipReason.LIMIT, f"more than {gradle_catalog.MAX_ENTRIES} entries (Gradle's "
                                                   f"limit); the rest not read")]


def test_groovy_settings_name_custom_catalogs_and_the_default_extension_name(tmp_path: Path) -> None:
    _write(tmp_path, {
        "settings.gradle": "dependencyResolutionManagement {\n    defaultLibrariesExtensionName = 'projectLibs'\n"
                           "    versionCatalogs {\n        deps {\n"
                           "            from(files('gradle/deps.versions.toml'))\n        }\n    }\n}\n",
        "gradle/libs.versions.toml": CATALOG,
        "gradle/deps.versions.toml": '[libraries]\nbusiness = "com.github.tiktok:tiktok-business-android-sdk:1.3.7"\n',
        "app/build.gradle": "dependencies {\n    implementation projectLibs.tiktok.open.sdk.core\n"
                            "    implementation deps.business\n    implementation libs.tiktok.open.sdk.auth\n}\n"})
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))
    assert sorted((f.location.path, f.location.start_line, f.rule_id) for f in result.findings
                  if f.location.path == "app/build.gradle") == [
        ("app/build.gradle", 2, "TT101"), ("app/build.gradle", 3, "TT102")]  # `libs` is not the name any more
