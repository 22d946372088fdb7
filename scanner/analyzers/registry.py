"""The explicit list of analyzers. A test fails when an analyzer module is missing here."""

from __future__ import annotations

from scanner.analyzers.android.manifest import AndroidManifestAnalyzer
from scanner.analyzers.android.proguard import ProguardAnalyzer
from scanner.analyzers.android.r8_mapping import R8MappingAnalyzer
from scanner.analyzers.binary.ar import StaticLibraryAnalyzer
from scanner.analyzers.binary.axml import AxmlAnalyzer
from scanner.analyzers.binary.classfile import ClassFileAnalyzer
from scanner.analyzers.binary.dex import DexAnalyzer
from scanner.analyzers.binary.elf import ElfAnalyzer
from scanner.analyzers.binary.filehash import FileHashAnalyzer
from scanner.analyzers.binary.macho import MachOAnalyzer
from scanner.analyzers.binary.plist import PlistAnalyzer
from scanner.analyzers.binary.strings import StringsAnalyzer
from scanner.analyzers.interface import Analyzer
from scanner.analyzers.lockfile.bun_lock import BunLockAnalyzer
from scanner.analyzers.lockfile.capacitor_config import CapacitorConfigAnalyzer
from scanner.analyzers.lockfile.cargo_lock import CargoLockAnalyzer
from scanner.analyzers.lockfile.cargo_toml import CargoTomlAnalyzer
from scanner.analyzers.lockfile.cartfile import CartfileAnalyzer
from scanner.analyzers.lockfile.cartfile_resolved import CartfileResolvedAnalyzer
from scanner.analyzers.lockfile.composer_json import ComposerJsonAnalyzer
from scanner.analyzers.lockfile.composer_lock import ComposerLockAnalyzer
from scanner.analyzers.lockfile.cordova_config import CordovaConfigAnalyzer
from scanner.analyzers.lockfile.cordova_plugin import CordovaPluginAnalyzer
from scanner.analyzers.lockfile.expo_config import ExpoConfigAnalyzer
from scanner.analyzers.lockfile.flutter_plugins import FlutterPluginsAnalyzer
from scanner.analyzers.lockfile.gemfile import GemfileAnalyzer
from scanner.analyzers.lockfile.gemfile_lock import GemfileLockAnalyzer
from scanner.analyzers.lockfile.gemspec import GemspecAnalyzer
from scanner.analyzers.lockfile.go_mod import GoModAnalyzer
from scanner.analyzers.lockfile.go_sum import GoSumAnalyzer
from scanner.analyzers.lockfile.gradle import GradleAnalyzer
from scanner.analyzers.lockfile.gradle_catalog import GradleCatalogAnalyzer
from scanner.analyzers.lockfile.gradle_lockfile import GradleLockfileAnalyzer
from scanner.analyzers.lockfile.maven_pom import MavenPomAnalyzer
from scanner.analyzers.lockfile.npm_package_json import NpmPackageJsonAnalyzer
from scanner.analyzers.lockfile.npm_package_lock import NpmPackageLockAnalyzer
from scanner.analyzers.lockfile.nuget_central import NugetCentralAnalyzer
from scanner.analyzers.lockfile.nuget_lock import NugetLockAnalyzer
from scanner.analyzers.lockfile.nuget_packages_config import NugetPackagesConfigAnalyzer
from scanner.analyzers.lockfile.nuget_project import NugetProjectAnalyzer
from scanner.analyzers.lockfile.pbxproj import PbxprojAnalyzer
from scanner.analyzers.lockfile.pdm_lock import PdmLockAnalyzer
from scanner.analyzers.lockfile.pipfile import PipfileAnalyzer
from scanner.analyzers.lockfile.pipfile_lock import PipfileLockAnalyzer
from scanner.analyzers.lockfile.pnpm_lock import PnpmLockAnalyzer
from scanner.analyzers.lockfile.podfile import PodfileAnalyzer
from scanner.analyzers.lockfile.podfile_lock import PodfileLockAnalyzer
from scanner.analyzers.lockfile.podspec import PodspecAnalyzer
from scanner.analyzers.lockfile.poetry_lock import PoetryLockAnalyzer
from scanner.analyzers.lockfile.pubspec import PubspecAnalyzer
from scanner.analyzers.lockfile.pubspec_lock import PubspecLockAnalyzer
from scanner.analyzers.lockfile.pylock import PylockAnalyzer
from scanner.analyzers.lockfile.pyproject import PyprojectAnalyzer
from scanner.analyzers.lockfile.python_metadata import PythonMetadataAnalyzer
from scanner.analyzers.lockfile.python_requirements import PythonRequirementsAnalyzer
from scanner.analyzers.lockfile.react_native_config import ReactNativeConfigAnalyzer
from scanner.analyzers.lockfile.sbom_cyclonedx import CycloneDxAnalyzer
from scanner.analyzers.lockfile.sbom_spdx import SpdxAnalyzer
from scanner.analyzers.lockfile.setup_cfg import SetupCfgAnalyzer
from scanner.analyzers.lockfile.swift_package import SwiftPackageAnalyzer
from scanner.analyzers.lockfile.swift_resolved import SwiftResolvedAnalyzer
from scanner.analyzers.lockfile.unity_manifest import UnityManifestAnalyzer
from scanner.analyzers.lockfile.unity_packages_lock import UnityPackagesLockAnalyzer
from scanner.analyzers.lockfile.uv_lock import UvLockAnalyzer
from scanner.analyzers.lockfile.yarn_lock import YarnLockAnalyzer
from scanner.analyzers.source.apple import AppleAnalyzer
from scanner.analyzers.source.dart import DartAnalyzer
from scanner.analyzers.source.dotnet import DotnetAnalyzer
from scanner.analyzers.source.go import GoAnalyzer
from scanner.analyzers.source.html import HtmlAnalyzer
from scanner.analyzers.source.javascript import JavaScriptAnalyzer
from scanner.analyzers.source.jvm import JvmAnalyzer
from scanner.analyzers.source.php import PhpAnalyzer
from scanner.analyzers.source.python import PythonAnalyzer
from scanner.analyzers.source.ruby import RubyAnalyzer
from scanner.analyzers.source.sniffed import SniffedAnalyzer
from scanner.analyzers.source.templates import TemplatesAnalyzer
from scanner.analyzers.text.endpoints import EndpointsAnalyzer
from scanner.analyzers.text.gtm import GtmContainerAnalyzer

# The order is the order of the analyzers in every report (SARIF tool extensions), so it is kept
# as it was released: source analyzers, the endpoint text analyzer, lockfiles, binaries, and the
# Python analyzer, added last. Which fact wins for one span is decided by `priority`, then by order.
ANALYZERS: tuple[type[Analyzer], ...] = (
    AppleAnalyzer,
    DartAnalyzer,
    DotnetAnalyzer,
    GoAnalyzer,
    HtmlAnalyzer,
    JavaScriptAnalyzer,
    JvmAnalyzer,
    PhpAnalyzer,
    RubyAnalyzer,
    EndpointsAnalyzer,
    NpmPackageJsonAnalyzer,
    NpmPackageLockAnalyzer,
    YarnLockAnalyzer,
    PnpmLockAnalyzer,
    BunLockAnalyzer,
    PythonRequirementsAnalyzer,
    PythonMetadataAnalyzer,
    PyprojectAnalyzer,
    SetupCfgAnalyzer,
    PipfileAnalyzer,
    PipfileLockAnalyzer,
    PoetryLockAnalyzer,
    UvLockAnalyzer,
    PdmLockAnalyzer,
    PylockAnalyzer,
    DexAnalyzer,
    ClassFileAnalyzer,
    AxmlAnalyzer,
    MachOAnalyzer,
    PlistAnalyzer,
    ElfAnalyzer,
    StringsAnalyzer,
    StaticLibraryAnalyzer,
    FileHashAnalyzer,
    CargoLockAnalyzer,
    CargoTomlAnalyzer,
    CartfileAnalyzer,
    CartfileResolvedAnalyzer,
    ComposerJsonAnalyzer,
    ComposerLockAnalyzer,
    CordovaPluginAnalyzer,
    GemfileAnalyzer,
    GemfileLockAnalyzer,
    GemspecAnalyzer,
    GoModAnalyzer,
    GoSumAnalyzer,
    GradleAnalyzer,
    GradleCatalogAnalyzer,
    GradleLockfileAnalyzer,
    MavenPomAnalyzer,
    NugetCentralAnalyzer,
    NugetLockAnalyzer,
    NugetPackagesConfigAnalyzer,
    NugetProjectAnalyzer,
    PbxprojAnalyzer,
    PodfileAnalyzer,
    PodfileLockAnalyzer,
    PodspecAnalyzer,
    PubspecAnalyzer,
    PubspecLockAnalyzer,
    CycloneDxAnalyzer,
    SpdxAnalyzer,
    SwiftPackageAnalyzer,
    SwiftResolvedAnalyzer,
    PythonAnalyzer,
    TemplatesAnalyzer,
    SniffedAnalyzer,
    GtmContainerAnalyzer,
    ProguardAnalyzer,
    R8MappingAnalyzer,
    AndroidManifestAnalyzer,
    ExpoConfigAnalyzer,
    FlutterPluginsAnalyzer,
    ReactNativeConfigAnalyzer,
    CordovaConfigAnalyzer,
    CapacitorConfigAnalyzer,
    UnityManifestAnalyzer,
    UnityPackagesLockAnalyzer,
)


def build_analyzers() -> tuple[Analyzer, ...]:
    return tuple(cls() for cls in ANALYZERS)
