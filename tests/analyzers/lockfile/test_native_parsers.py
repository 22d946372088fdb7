"""Every native parser: empty input, malformed input (ParseError), one package, two packages."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanner.analyzers.lockfile import (
    capacitor_config,
    cargo_lock,
    cargo_toml,
    cartfile,
    cartfile_resolved,
    composer_json,
    composer_lock,
    cordova_config,
    cordova_plugin,
    expo_config,
    flutter_plugins,
    gemfile,
    gemfile_lock,
    gemspec,
    go_mod,
    go_sum,
    gradle,
    gradle_catalog,
    gradle_lockfile,
    maven_pom,
    nuget_lock,
    nuget_packages_config,
    nuget_project,
    pbxproj,
    podfile,
    podfile_lock,
    podspec,
    pubspec,
    pubspec_lock,
    python_metadata,
    react_native_config,
    sbom_cyclonedx,
    sbom_spdx,
    swift_package,
    swift_resolved,
    unity_manifest,
    unity_packages_lock,
)
from scanner.analyzers.lockfile.base import DeclaredPackage
from scanner.errors import ParseError

Parse = Callable[[str, str], list[DeclaredPackage]]

# (parser, file name, malformed content)
MALFORMED: list[tuple[Parse, str, str]] = [
    (gradle.parse, "build.gradle", "dependencies {\n  implementation 'a:b:1'\n"),
    (gradle.parse, "build.gradle.kts", 'dependencies {\n  implementation("a:b:1)\n}\n'),
    (gradle_catalog.parse, "libs.versions.toml", "[libraries]\nx = { module = \n"),
    (gradle_catalog.parse, "libs.versions.toml", '[libraries]\nx = "no-colon"\n'),
    (gradle_lockfile.parse, "gradle.lockfile", "com.tiktok:x=debug\n"),
    (maven_pom.parse, "pom.xml", "<project><dependencies><dependency></project>"),
    (maven_pom.parse, "pom.xml", "<settings/>"),
    (podfile.parse, "Podfile", "pod 'TikTokOpenSDKCore\n"),
    (podfile_lock.parse, "Podfile.lock",
     "PODS:\n  - [a\n"),
    (podfile_lock.parse, "Podfile.lock", "COCOAPODS: 1.15.2\n"),
    (podspec.parse, "x.podspec", "s.dependency 'TikTokBusinessSDK\n"),
    (podspec.parse, "x.podspec.json", '{"dependencies": '),
    (swift_package.parse, "Package.swift", 'let package = Package(dependencies: [\n'),
    (swift_resolved.parse, "Package.resolved", '{"pins": [], "version": 9}'),
    (swift_resolved.parse, "Package.resolved", '{"pins": [,]}'),
    (cartfile.parse, "Cartfile", 'github tiktok/tiktok-opensdk-ios\n'),
    (cartfile_resolved.parse, "Cartfile.resolved", 'svn "x" "1"\n'),
    (pbxproj.parse, "project.pbxproj", "{\n objects = {\n"),
    (pubspec.parse, "pubspec.yaml", "dependencies: [a\n"),
    (pubspec.parse, "pubspec.yaml", "dependencies: 3\n"),
    (pubspec_lock.parse, "pubspec.lock", "packages:\n  a: 1\n"),
    (go_mod.parse, "go.mod", "module x\nrequire (\n\tgithub.com/a/b v1.0.0\n"),
    (go_mod.parse, "go.mod", "modul x\n"),
    (go_sum.parse, "go.sum", "github.com/a/b v1.0.0\n"),
    (cargo_toml.parse, "Cargo.toml", "[dependencies\nserde = 1\n"),
    (cargo_lock.parse, "Cargo.lock", '[[package]]\nname = "a"\n'),
    (gemfile.parse, "Gemfile", "gem 'tiktok-open-sdk\n"),
    (gemfile_lock.parse, "Gemfile.lock", "GEM\n  specs:\n    broken line here\n"),
    (gemfile_lock.parse, "Gemfile.lock", "NOT A SECTION\n"),
    (gemspec.parse, "x.gemspec", 'spec.add_dependency "tiktok-open-sdk\n'),
    (composer_json.parse, "composer.json", '{"require": {"a/b": }'),
    (composer_json.parse, "composer.json", '{"require": ["a/b"]}'),
    (composer_lock.parse, "composer.lock", '{"packages": [{"version": "1"}]}'),
    (nuget_project.parse, "App.csproj", "<Project><ItemGroup></Project>"),
    (nuget_packages_config.parse, "packages.config", "<packages><package version='1'/></packages>"),
    (nuget_lock.parse, "packages.lock.json", '{"version": 1}'),
    (cordova_plugin.parse, "plugin.xml", "<widget/>"),
    (cordova_plugin.parse, "plugin.xml", "<plugin><platform></plugin>"),
    (sbom_cyclonedx.parse, "bom.json", '{"bomFormat": "CycloneDX", '),
    (sbom_spdx.parse, "x.spdx.json", '{"spdxVersion": "SPDX-2.3", "packages": {}}'),
    (python_metadata.parse, "PKG-INFO", "not core metadata\n"),
    (python_metadata.parse, "METADATA", "Metadata-Version: 2.1\nSummary: no name\n"),
    (expo_config.parse, "app.json", '{"expo": {"plugins": [}'),
    (expo_config.parse, "app.config.ts", "export default { plugins: ['expo-router] }\n"),
    (flutter_plugins.parse, ".flutter-plugins-dependencies", '{"plugins": '),
    (flutter_plugins.parse, ".flutter-plugins-dependencies", '{"info": "no plugins"}'),
    (react_native_config.parse, "react-native.config.js", "module.exports = { dependencies: { 'x }\n"),
    (cordova_config.parse, "config.xml", '<widget id="x">\n  <plugin name="a">\n</widget>\n'),
    (capacitor_config.server_values, "capacitor.config.json", '{"server": {"allowNavigation": ['),
    (capacitor_config.server_values, "capacitor.config.ts", "export default { server: { url: 'x } }\n"),
    (unity_manifest.parse, "manifest.json", '{"dependencies": {"a": }'),
    (unity_manifest.parse, "manifest.json", '{"dependencies": ["a"]}'),
    (unity_packages_lock.parse, "packages-lock.json", '{"dependencies": {'),
    (unity_packages_lock.parse, "packages-lock.json", '{"version": 1}'),
]


@pytest.mark.parametrize(("parse", "name", "content"), MALFORMED, ids=[f"{c[1]}-{i}" for i, c in enumerate(MALFORMED)])
def test_malformed_raises_parse_error_naming_the_file(parse: Parse, name: str, content: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(name, content)
    assert str(info.value).startswith(name)


EMPTY: list[tuple[Parse, str]] = [
    (gradle.parse, "build.gradle"), (gradle_catalog.parse, "libs.versions.toml"),
    (gradle_lockfile.parse, "gradle.lockfile"), (podfile.parse, "Podfile"), (podfile_lock.parse, "Podfile.lock"),
    (podspec.parse, "x.podspec"), (swift_package.parse, "Package.swift"), (swift_resolved.parse, "Package.resolved"),
    (cartfile.parse, "Cartfile"), (cartfile_resolved.parse, "Cartfile.resolved"), (pbxproj.parse, "project.pbxproj"),
    (pubspec.parse, "pubspec.yaml"), (pubspec_lock.parse, "pubspec.lock"), (go_mod.parse, "go.mod"),
    (go_sum.parse, "go.sum"), (cargo_toml.parse, "Cargo.toml"), (cargo_lock.parse, "Cargo.lock"),
    (gemfile.parse, "Gemfile"), (gemfile_lock.parse, "Gemfile.lock"), (gemspec.parse, "x.gemspec"),
    (composer_json.parse, "composer.json"), (composer_lock.parse, "composer.lock"),
    (nuget_project.parse, "App.csproj"), (nuget_packages_config.parse, "packages.config"),
    (nuget_lock.parse, "packages.lock.json"), (cordova_plugin.parse, "plugin.xml"),
    (sbom_cyclonedx.parse, "bom.json"), (sbom_spdx.parse, "x.spdx.json"), (python_metadata.parse, "PKG-INFO"),
    (expo_config.parse, "app.json"), (flutter_plugins.parse, ".flutter-plugins-dependencies"),
    (react_native_config.parse, "react-native.config.js"), (cordova_config.parse, "config.xml"),
    (capacitor_config.server_values, "capacitor.config.json"), (unity_manifest.parse, "manifest.json"),
    (unity_packages_lock.parse, "packages-lock.json"),
]


@pytest.mark.parametrize(("parse", "name"), EMPTY, ids=[e[1] for e in EMPTY])
def test_empty_file_has_no_packages(parse: Parse, name: str) -> None:
    assert parse(name, "") == []


def facts(pkgs: list[DeclaredPackage]) -> list[tuple[str, int, bool | None]]:
    return [(p.purl, p.line, p.direct) for p in pkgs]


# (parser, file name, content, expected [(purl, line, direct)])
ONE_AND_TWO: list[tuple[Parse, str, str, list[tuple[str, int, bool | None]]]] = [
    (gradle.parse, "build.gradle", "dependencies {\n    api 'com.tiktok.open.sdk:tiktok-open-sdk-core:2.3.0'\n}\n",
     [("pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-core@2.3.0", 2, True)]),
    (gradle.parse, "build.gradle.kts",
     'dependencies {\n    implementation("a.b:c:1.0@aar")\n    kapt("d.e:f:2.0:sources")\n}\n',
     [("pkg:maven/a.b/c@1.0?type=aar", 2, True), ("pkg:maven/d.e/f@2.0?classifier=sources", 3, True)]),
    (gradle_catalog.parse, "libs.versions.toml",
     '[libraries]\ntiktok = "com.tiktok.open.sdk:tiktok-open-sdk-auth:2.3.0"\n',
     [("pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-auth@2.3.0", 2, True)]),
    (gradle_catalog.parse, "libs.versions.toml",
     '[versions]\nt = { strictly = "1.3.7" }\n\n[libraries]\na = { module = "x:y" }\n'
     'b = { module = "com.github.tiktok:tiktok-business-android-sdk", version = { ref = "t" } }\n',
     [("pkg:maven/x/y", 5, True), ("pkg:maven/com.github.tiktok/tiktok-business-android-sdk@1.3.7", 6, True)]),
    (gradle_lockfile.parse, "gradle.lockfile", "# comment\nempty=\nx:y:1.0=releaseRuntimeClasspath\n",
     [("pkg:maven/x/y@1.0", 3, None)]),
    (maven_pom.parse, "pom.xml",
     "<project>\n<dependencies>\n<dependency><groupId>a</groupId>\n<artifactId>b</artifactId></dependency>\n"
     "<dependency>\n<groupId>c</groupId>\n<artifactId>d</artifactId>\n<version>2</version>\n</dependency>\n"
     "</dependencies>\n</project>\n",
     [("pkg:maven/a/b", 4, True), ("pkg:maven/c/d@2", 7, True)]),
    (podfile.parse, "Podfile", "target 'A' do\n  pod 'TikTokOpenSDKCore', '= 2.5.0'\nend\n",
     [("pkg:cocoapods/TikTokOpenSDKCore@2.5.0", 2, True)]),
    (podfile.parse, "Podfile", "pod 'X/Core'\npod \"Y\", \"~> 1.0\", :modular_headers => true\n",
     [("pkg:cocoapods/X#Core", 1, True), ("pkg:cocoapods/Y", 2, True)]),
    (podfile_lock.parse, "Podfile.lock",
     "PODS:\n  - TikTokBusinessSDK (1.3.7)\n\nDEPENDENCIES:\n  - TikTokBusinessSDK\n",
     [("pkg:cocoapods/TikTokBusinessSDK@1.3.7", 2, True)]),
    (podspec.parse, "x.podspec", "Pod::Spec.new do |s|\n  s.dependency 'TikTokBusinessSDK'\nend\n",
     [("pkg:cocoapods/TikTokBusinessSDK", 2, True)]),
    (podspec.parse, "x.podspec.json",
     '{\n  "name": "x",\n  "dependencies": {\n    "A": [],\n    "B": ["1.0"]\n  }\n}\n',
     [("pkg:cocoapods/A", 4, True), ("pkg:cocoapods/B@1.0", 5, True)]),
    (swift_package.parse, "Package.swift",
     'let p = Package(name: "x", dependencies: [\n  .package(url: "git@github.com:tiktok/tiktok-opensdk-ios.git",'
     ' .exact("2.5.0")),\n  .package(id: "mona.LinkedList", from: "1.0.0"),\n])\n',
     [("pkg:swift/github.com/tiktok/tiktok-opensdk-ios@2.5.0", 2, True), ("pkg:swift/mona/LinkedList", 3, True)]),
    (cartfile.parse, "Cartfile", '# x\ngithub "tiktok/tiktok-opensdk-ios"\n',
     [("pkg:github/tiktok/tiktok-opensdk-ios", 2, True)]),
    (cartfile_resolved.parse, "Cartfile.resolved", 'github "a/b" "v1.0"\ngithub "c/d" "2.0"\n',
     [("pkg:github/a/b@v1.0", 1, None), ("pkg:github/c/d@2.0", 2, None)]),
    (pubspec.parse, "pubspec.yaml", "name: x\ndependencies:\n  tiktok_sdk_v2: ^0.0.4\n",
     [("pkg:pub/tiktok_sdk_v2", 3, True)]),
    (pubspec_lock.parse, "pubspec.lock",
     'packages:\n  a:\n    dependency: transitive\n    source: hosted\n    version: "1.0.0"\n'
     '  b:\n    dependency: "direct main"\n    source: hosted\n    version: "2.0.0"\n',
     [("pkg:pub/a@1.0.0", 2, False), ("pkg:pub/b@2.0.0", 6, True)]),
    (go_mod.parse, "go.mod", "module x\n\nrequire github.com/bububa/tiktok-business v1.2.6\n",
     [("pkg:golang/github.com/bububa/tiktok-business@v1.2.6", 3, True)]),
    (go_sum.parse, "go.sum", "github.com/a/b v1.0.0 h1:x=\ngithub.com/a/b v1.0.0/go.mod h1:y=\nc.io/d v0.1.0 h1:z=\n",
     [("pkg:golang/github.com/a/b@v1.0.0", 1, None), ("pkg:golang/c.io/d@v0.1.0", 3, None)]),
    (cargo_toml.parse, "Cargo.toml", '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\n',
     [("pkg:cargo/serde", 5, True)]),
    (cargo_lock.parse, "Cargo.lock",
     'version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["a"]\n\n'
     '[[package]]\nname = "a"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n'
     'dependencies = ["b 2.0.0"]\n\n[[package]]\nname = "b"\nversion = "2.0.0"\n'
     'source = "registry+https://github.com/rust-lang/crates.io-index"\n',
     [("pkg:cargo/a@1.0.0", 9, True), ("pkg:cargo/b@2.0.0", 15, False)]),
    (gemfile.parse, "Gemfile", "source 'https://rubygems.org'\ngem 'tiktok-open-sdk'\n",
     [("pkg:gem/tiktok-open-sdk", 2, True)]),
    (gemfile_lock.parse, "Gemfile.lock",
     "GEM\n  remote: https://rubygems.org/\n  specs:\n    a (1.0)\n      b (~> 2.0)\n    b (2.1)\n\n"
     "PLATFORMS\n  ruby\n\nDEPENDENCIES\n  a\n",
     [("pkg:gem/a@1.0", 4, True), ("pkg:gem/b@2.1", 6, False)]),
    (gemspec.parse, "x.gemspec", 'Gem::Specification.new do |s|\n  s.add_development_dependency("rake")\nend\n',
     [("pkg:gem/rake", 2, True)]),
    (composer_json.parse, "composer.json",
     '{\n  "require": {\n    "php": "^8",\n    "ecomphp/tiktokshop-php": "^2.6"\n  }\n}',
     [("pkg:composer/ecomphp/tiktokshop-php", 4, True)]),
    (composer_lock.parse, "composer.lock",
     '{\n  "packages": [\n    {\n      "name": "a/b",\n      "version": "v1.0.0"\n    }\n  ]\n}\n',
     [("pkg:composer/a/b@1.0.0", 4, None)]),
    (nuget_project.parse, "App.csproj",
     '<Project>\n  <ItemGroup>\n    <PackageReference Include="A" Version="1.0.0" />\n'
     '    <PackageReference Update="B" Version="[2.0.0]" />\n  </ItemGroup>\n</Project>\n',
     [("pkg:nuget/A@1.0.0", 3, True), ("pkg:nuget/B@2.0.0", 4, True)]),
    (nuget_packages_config.parse, "packages.config", '<packages>\n  <package id="A" version="1.0" />\n</packages>\n',
     [("pkg:nuget/A@1.0", 2, None)]),
    (nuget_lock.parse, "packages.lock.json",
     '{\n "version": 1,\n "dependencies": {\n  "net8.0": {\n   "A": {\n    "type": "Direct",\n    "resolved": "1.0.0"\n'
     '   }\n  }\n }\n}\n',
     [("pkg:nuget/A@1.0.0", 5, True)]),
    (cordova_plugin.parse, "plugin.xml",
     '<plugin id="p" version="1">\n  <platform name="android">\n'
     '    <framework src="com.tiktok.open.sdk:tiktok-open-sdk-share:2.3.0" />\n  </platform>\n</plugin>\n',
     [("pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-share@2.3.0", 3, True)]),
    (sbom_cyclonedx.parse, "bom.json",
     '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.6",\n  "components": [\n'
     '    {"name": "a", "purl": "pkg:npm/tiktok-pixel@2.0.0"},\n    {"name": "b", "purl": "not a purl"}\n  ]\n}\n',
     [("pkg:npm/tiktok-pixel@2.0.0", 5, None)]),
    (sbom_spdx.parse, "x.spdx.json",
     '{\n "spdxVersion": "SPDX-2.3",\n "packages": [\n  {"SPDXID": "SPDXRef-a", "externalRefs": [\n'
     '   {"referenceType": "purl", "referenceLocator": "pkg:pypi/tiktokapi@6.0.0"}]}\n ]\n}\n',
     [("pkg:pypi/tiktokapi@6.0.0", 5, None)]),
]


@pytest.mark.parametrize(("parse", "name", "content", "expected"), ONE_AND_TWO,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(ONE_AND_TWO)])
def test_one_and_two_packages(parse: Parse, name: str, content: str,
                              expected: list[tuple[str, int, bool | None]]) -> None:
    assert facts(parse(name, content)) == expected


def test_every_parser_module_is_covered_by_malformed_and_empty_cases() -> None:
    from scanner.analyzers.registry import ANALYZERS

    native = {cls.__module__ for cls in ANALYZERS if cls.__module__.startswith("scanner.analyzers.lockfile.")}
    from tests.analyzers.lockfile.test_never_crash import SAMPLED

    covered = {p.__module__ for p, *_ in MALFORMED} | {p.__module__ for p, _ in EMPTY}
    covered |= {p.__module__ for p, _ in SAMPLED.values()}  # npm and Python: test_npm_parsers, test_python_parsers
    # Directory.Packages.props reuses the project-file parser
    assert native - covered <= {"scanner.analyzers.lockfile.nuget_central"}
