"""Realistic files (shapes of real projects): the TikTok components, their lines, direct flags and paths."""

from __future__ import annotations

import pytest

from scanner.analyzers.lockfile import (
    cargo_lock,
    cargo_toml,
    cartfile,
    cartfile_resolved,
    composer_json,
    composer_lock,
    cordova_plugin,
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
    sbom_cyclonedx,
    sbom_spdx,
    swift_package,
    swift_resolved,
)
from tests.analyzers.lockfile.conftest import by_purl, native_text


def test_gradle_kotlin_build_script() -> None:
    pkgs = by_purl(gradle.parse("app/build.gradle.kts", native_text("android/app/build.gradle.kts")))
    business = pkgs["pkg:maven/com.github.tiktok/tiktok-business-android-sdk@1.3.7"]
    assert (business.line, business.column, business.direct, business.scope) == (26, 20, True, "implementation")
    assert pkgs["pkg:maven/com.pangle.global/ads-sdk@6.2.0.7"].line == 28  # map notation, Kotlin DSL
    assert pkgs["pkg:maven/androidx.lifecycle/lifecycle-runtime-ktx@2.8.4"].line == 25  # `$lifecycleVersion`
    # the commented-out Open SDK line and catalog accessors are not declarations of coordinates
    assert not any("tiktok-open-sdk" in p for p in pkgs)


def test_gradle_groovy_legacy_script_resolves_ext_versions() -> None:
    pkgs = by_purl(gradle.parse("build.gradle", native_text("android/legacy/build.gradle")))
    assert pkgs["pkg:maven/com.bytedance.ies.ugc.aweme/opensdk-oversea-external@0.2.0.2"].line == 23
    assert pkgs["pkg:maven/com.bytedance.ies.ugc.aweme/opensdk-china-external@0.1.9.0"].line == 24
    assert pkgs["pkg:maven/com.pangle.global/ads-sdk@4.3.0.4"].line == 25
    assert len(pkgs) == 4  # fileTree and project(':core') are not packages


def test_gradle_settings_catalog_builder() -> None:
    [pkg] = gradle.parse("settings.gradle.kts", native_text("android/settings.gradle.kts"))
    assert (pkg.purl, pkg.line, pkg.scope) == ("pkg:maven/com.pangle.global/ads-sdk@6.2.0.7", 22, "version-catalog")


def test_version_catalog_entries_and_refs() -> None:
    pkgs = gradle_catalog.parse("libs.versions.toml", native_text("android/gradle/libs.versions.toml"))
    lines = {p.purl: p.line for p in pkgs}
    assert lines["pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-core@2.3.0"] == 12
    assert lines["pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-auth@2.3.0"] == 13
    assert lines["pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-share@2.3.0"] == 14  # group/name form
    assert lines["pkg:maven/com.github.tiktok/tiktok-business-android-sdk@1.3.7"] == 15
    assert lines["pkg:maven/androidx.appcompat/appcompat@1.7.0"] == 11  # string form
    assert len(pkgs) == 8  # [plugins] are not libraries


def test_gradle_lockfile() -> None:
    pkgs = by_purl(gradle_lockfile.parse("gradle.lockfile", native_text("android/gradle.lockfile")))
    assert pkgs["pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-auth@2.3.0"].line == 9
    assert pkgs["pkg:maven/junit/junit@4.13.2"].scope == "test"
    assert len(pkgs) == 8


def test_pom_properties_and_dependency_management() -> None:
    pkgs = by_purl(maven_pom.parse("pom.xml", native_text("maven/pom.xml")))
    official = pkgs["pkg:maven/io.github.jasonchentt/tiktok-business-api-sdk-official@1.0.2"]
    assert (official.line, official.direct) == (41, True)
    assert pkgs["pkg:maven/io.github.jwdeveloper.tiktok/client@1.8.5-Release"].line == 46
    lark = pkgs["pkg:maven/com.larksuite.oapi/oapi-sdk@2.3.4"]
    assert (lark.line, lark.direct, lark.scope) == (28, None, "dependencyManagement")
    assert pkgs["pkg:maven/org.junit.jupiter/junit-jupiter"].scope == "test"


def test_podfile_targets_and_subspecs() -> None:
    pkgs = by_purl(podfile.parse("Podfile", native_text("ios/Podfile")))
    assert pkgs["pkg:cocoapods/TikTokOpenAuthSDK"].line == 8  # `~> 2.5.0` is a range: no version
    assert pkgs["pkg:cocoapods/TikTokOpenShareSDK@2.5.0"].line == 9
    assert pkgs["pkg:cocoapods/Ads-Global#BUAdSDK"].line == 11
    assert pkgs["pkg:cocoapods/Quick"].scope == "ShopDemoTests"
    assert pkgs["pkg:cocoapods/TikTokBusinessSDK"].scope == "ShopDemo"


def test_podfile_lock_graph_gives_paths() -> None:
    pkgs = by_purl(podfile_lock.parse("Podfile.lock", native_text("ios/Podfile.lock")))
    core = pkgs["pkg:cocoapods/TikTokOpenSDKCore@2.5.0"]
    assert (core.line, core.direct, core.dependency_path) == (8, False, ("TikTokOpenAuthSDK", "TikTokOpenSDKCore"))
    auth = pkgs["pkg:cocoapods/TikTokOpenAuthSDK@2.5.0"]
    assert (auth.line, auth.direct, auth.dependency_path) == (6, True, ("TikTokOpenAuthSDK",))
    subspec = pkgs["pkg:cocoapods/Ads-Global@6.2.0.7#BUAdSDK"]
    assert (subspec.line, subspec.direct, subspec.name) == (2, True, "Ads-Global/BUAdSDK")


def test_podspec_of_a_flutter_plugin() -> None:
    pkgs = podspec.parse("tiktok_events_bridge.podspec", native_text("flutter/ios/tiktok_events_bridge.podspec"))
    assert [(p.purl, p.line) for p in pkgs] == [("pkg:cocoapods/Flutter", 14), ("pkg:cocoapods/TikTokBusinessSDK", 15)]


def test_package_swift() -> None:
    pkgs = swift_package.parse("Package.swift", native_text("ios/Package.swift"))
    assert [(p.purl, p.line) for p in pkgs] == [
        ("pkg:swift/github.com/tiktok/tiktok-opensdk-ios", 11),
        ("pkg:swift/github.com/tiktok/tiktok-business-ios-sdk@1.3.7", 12),
        ("pkg:swift/github.com/Alamofire/Alamofire", 13),
    ]  # the commented-out package and the local path package are not reported


@pytest.mark.parametrize(("rel", "expected"), [
    ("ios/spm-v1/Package.resolved", [("pkg:swift/github.com/Alamofire/Alamofire@5.6.4", 6),
                                     ("pkg:swift/github.com/tiktok/tiktok-opensdk-ios@2.2.0", 15)]),
    ("ios/spm-v2/Package.resolved", [("pkg:swift/github.com/Alamofire/Alamofire@5.8.1", 6),
                                     ("pkg:swift/github.com/tiktok/tiktok-business-ios-sdk@1.3.5", 15)]),
    ("ios/spm-v3/Package.resolved", [("pkg:swift/github.com/Alamofire/Alamofire@5.10.1", 7),
                                     ("pkg:swift/github.com/tiktok/tiktok-business-ios-sdk@1.3.7", 16),
                                     ("pkg:swift/github.com/tiktok/tiktok-opensdk-ios@2.5.0", 25)]),
])
def test_package_resolved_versions_1_to_3(rel: str, expected: list[tuple[str, int]]) -> None:
    assert [(p.purl, p.line) for p in swift_resolved.parse("Package.resolved", native_text(rel))] == expected


def test_cartfile_and_resolved() -> None:
    declared = by_purl(cartfile.parse("Cartfile", native_text("ios/Cartfile")))
    assert declared["pkg:github/tiktok/tiktok-opensdk-ios@2.5.0"].line == 3  # `== 2.5.0` is exact
    assert declared["pkg:github/tiktok/tiktok-business-ios-sdk"].line == 4  # git URL on github.com
    resolved = by_purl(cartfile_resolved.parse("Cartfile.resolved", native_text("ios/Cartfile.resolved")))
    assert resolved["pkg:github/tiktok/tiktok-opensdk-ios@2.5.0"].line == 4
    assert resolved["pkg:github/alamofire/alamofire@5.9.1"].direct is None


def test_pbxproj_remote_package_references() -> None:
    pkgs = pbxproj.parse("project.pbxproj", native_text("ios/App.xcodeproj/project.pbxproj"))
    assert [(p.purl, p.line, p.direct) for p in pkgs] == [
        ("pkg:swift/github.com/tiktok/tiktok-opensdk-ios", 49, True),
        ("pkg:swift/github.com/tiktok/tiktok-business-ios-sdk@1.3.7", 57, True),  # kind = exactVersion
        ("pkg:swift/github.com/apple/swift-collections", 65, True),
    ]


def test_pubspec_and_lock() -> None:
    declared = by_purl(pubspec.parse("pubspec.yaml", native_text("flutter/pubspec.yaml")))
    assert declared["pkg:pub/tiktok_sdk_v2@0.0.4"].line == 14
    assert declared["pkg:pub/pangle_flutter"].line == 18  # git dependency
    assert declared["pkg:pub/flutter_lints"].scope == "dev"
    assert "pkg:pub/flutter" not in declared  # SDK dependency
    locked = by_purl(pubspec_lock.parse("pubspec.lock", native_text("flutter/pubspec.lock")))
    events = locked["pkg:pub/tiktok_events_sdk@1.0.3"]
    assert (events.line, events.direct) == (50, True)
    assert locked["pkg:pub/async@2.11.0"].direct is False


def test_go_mod_and_sum() -> None:
    mod = by_purl(go_mod.parse("go.mod", native_text("go/go.mod")))
    assert (mod["pkg:golang/github.com/bububa/tiktok-business@v1.2.6"].line,
            mod["pkg:golang/github.com/bububa/tiktok-business@v1.2.6"].direct) == (8, True)
    assert mod["pkg:golang/github.com/cloudwego/base64x@v0.1.4"].direct is False  # // indirect
    assert mod["pkg:golang/github.com/larksuite/oapi-sdk-go/v3@v3.3.1"].line == 10
    summed = go_sum.parse("go.sum", native_text("go/go.sum"))
    assert ("pkg:golang/github.com/bububa/tiktok-business@v1.2.6", 1) in [(p.purl, p.line) for p in summed]
    assert len(summed) == 10  # /go.mod-only lines (sonic/loader v0.1.1) are not built code


def test_cargo_manifest_and_lock_graph() -> None:
    manifest = by_purl(cargo_toml.parse("Cargo.toml", native_text("rust/Cargo.toml")))
    assert manifest["pkg:cargo/reqwest@0.12.5"].line == 9  # `=0.12.5` is exact
    assert manifest["pkg:cargo/tokio"].line == 12  # [dependencies.tokio] table
    assert manifest["pkg:cargo/insta"].scope == "dev"
    assert "pkg:cargo/clip-core" not in manifest  # workspace path crate
    lock = by_purl(cargo_lock.parse("Cargo.lock", native_text("rust/Cargo.lock")))
    fancy = lock["pkg:cargo/fancy-regex@0.12.0"]
    assert (fancy.line, fancy.direct) == (16, False)
    assert fancy.dependency_path == ("clip-tools", "tiktoken-rs", "fancy-regex")


def test_ruby_gemfile_lock_and_gemspec() -> None:
    declared = by_purl(gemfile.parse("Gemfile", native_text("ruby/Gemfile")))
    assert declared["pkg:gem/tiktok-open-sdk@0.3.0"].line == 8
    assert declared["pkg:gem/rspec-rails"].scope == "development,test"
    locked = by_purl(gemfile_lock.parse("Gemfile.lock", native_text("ruby/Gemfile.lock")))
    sdk = locked["pkg:gem/tiktok-open-sdk@0.3.0"]
    assert (sdk.line, sdk.direct) == (18, True)
    faraday = locked["pkg:gem/faraday@2.10.1"]
    assert (faraday.line, faraday.direct, faraday.dependency_path) == (4, False, ("tiktok-open-sdk", "faraday"))
    assert "pkg:gem/nokogiri@1.16.7" in locked  # platform suffix removed
    spec = by_purl(gemspec.parse("x.gemspec", native_text("ruby/tiktok_creator_tools.gemspec")))
    assert spec["pkg:gem/tiktok-open-sdk"].line == 11
    assert spec["pkg:gem/rspec"].scope == "dev"


def test_composer_json_and_lock() -> None:
    declared = by_purl(composer_json.parse("composer.json", native_text("php/composer.json")))
    assert declared["pkg:composer/ecomphp/tiktokshop-php"].line == 8
    assert declared["pkg:composer/wechatpay/wechatpay@1.4.10"].line == 10
    assert not any(p.name == "php" or p.name.startswith("ext-") for p in declared.values())
    locked = by_purl(composer_lock.parse("composer.lock", native_text("php/composer.lock")))
    assert locked["pkg:composer/ecomphp/tiktokshop-php@2.6.1"].line == 10
    psr7 = locked["pkg:composer/guzzlehttp/psr7@2.7.0"]
    assert psr7.dependency_path == ("ecomphp/tiktokshop-php", "guzzlehttp/guzzle", "guzzlehttp/psr7")
    assert locked["pkg:composer/phpunit/phpunit@11.3.1"].scope == "dev"


def test_nuget_project_central_lock_and_config() -> None:
    project = by_purl(nuget_project.parse("App.csproj", native_text("dotnet/App/App.csproj")))
    assert project["pkg:nuget/TikTokLiveSharp@1.3.0"].line == 11
    assert project["pkg:nuget/Serilog@4.0.1"].line == 13  # <Version> child element
    assert project["pkg:nuget/GoogleMobileAds.Mediation.Pangle"].line == 16  # version set centrally
    central = by_purl(nuget_project.parse("Directory.Packages.props", native_text("dotnet/Directory.Packages.props")))
    assert central["pkg:nuget/GoogleMobileAds.Mediation.Pangle@5.6.0"].line == 6
    lock = by_purl(nuget_lock.parse("packages.lock.json", native_text("dotnet/App/packages.lock.json")))
    transitive = lock["pkg:nuget/GoogleMobileAds@9.2.0"]
    assert (transitive.line, transitive.direct) == (35, False)  # not the edge on line 11
    assert transitive.dependency_path == ("GoogleMobileAds.Mediation.Pangle", "GoogleMobileAds")
    config = by_purl(nuget_packages_config.parse("packages.config", native_text("dotnet/packages.config")))
    assert config["pkg:nuget/TikTokLiveSharp@1.2.0"].line == 4


def test_cordova_plugin_native_dependencies() -> None:
    pkgs = cordova_plugin.parse("plugin.xml", native_text("cordova/plugin.xml"))
    assert [(p.purl, p.line, p.scope) for p in pkgs] == [
        ("pkg:npm/cordova-plugin-add-swift-support@2.0.2", 12, None),
        ("pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-core@2.3.0", 20, "android"),
        ("pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-auth@2.3.0", 21, "android"),
        ("pkg:maven/androidx.browser/browser@1.8.0", 22, "android"),
        ("pkg:cocoapods/TikTokOpenAuthSDK", 32, "ios"),
        ("pkg:cocoapods/TikTokOpenSDKCore@2.5.0", 35, "ios"),
    ]


def test_cyclonedx_input_graph() -> None:
    pkgs = by_purl(sbom_cyclonedx.parse("app.cdx.json", native_text("sbom/app.cdx.json")))
    native = pkgs["pkg:maven/com.github.tiktok/tiktok-business-android-sdk@1.3.7"]
    assert (native.line, native.direct) == (37, False)
    assert native.dependency_path == ("app", "react-native-tiktok-business-sdk",
                                      "com.github.tiktok:tiktok-business-android-sdk")
    assert pkgs["pkg:npm/react-native-tiktok-business-sdk@1.7.1"].direct is True


def test_spdx_input_relationships() -> None:
    pkgs = by_purl(sbom_spdx.parse("ios-app.spdx.json", native_text("sbom/ios-app.spdx.json")))
    core = pkgs["pkg:cocoapods/TikTokOpenSDKCore@2.5.0"]
    assert (core.line, core.direct, core.dependency_path) == (45, False,
                                                              ("ShopDemo", "TikTokOpenAuthSDK", "TikTokOpenSDKCore"))
    assert len(pkgs) == 3  # the described root is not a dependency


def test_sbom_parsers_ignore_other_json_with_generic_names() -> None:
    assert sbom_cyclonedx.parse("sbom.json", native_text("sbom/ios-app.spdx.json")) == []
    assert sbom_spdx.parse("sbom.json", native_text("sbom/app.cdx.json")) == []
