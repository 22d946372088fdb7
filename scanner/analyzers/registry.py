"""The explicit list of analyzers, in report order, and how each is built.

A test fails when an analyzer module is missing here. Why some are lazy: a pre-commit hook names a
few source files, and importing the manifest, lockfile, binary and other-language analyzers it never
uses was a tenth of its time budget. An analyzer routed by its file names alone (NameRouted's or
TreeSitterAnalyzer's own `wants`), or an analyzer of binaries that declares `binary_only`, is built
as a LazyAnalyzer from routes.py, a table generated from the classes (`python -m
scanner.analyzers.registry > scanner/analyzers/routes.py`; a test keeps it equal), and its module is
imported on the first file it takes. Every other analyzer is imported when built.
"""

from __future__ import annotations

import functools
import importlib
import pprint
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from scanner.analyzers.routes import ROUTES, Route
from scanner.analyzers.routing import NameRoute, NameRouted

if TYPE_CHECKING:
    from scanner.analyzers.interface import Analyzer, FileInput
    from scanner.model import Fact

# The order is the order of the analyzers in every report (SARIF tool extensions), so it is kept
# as it was released: source analyzers, the endpoint text analyzer, lockfiles, binaries, and the
# Python analyzer, added last. Which fact wins for one span is decided by `priority`, then by order.
ENTRIES: tuple[str, ...] = (
    "scanner.analyzers.source.apple:AppleAnalyzer",
    "scanner.analyzers.source.dart:DartAnalyzer",
    "scanner.analyzers.source.dotnet:DotnetAnalyzer",
    "scanner.analyzers.source.go:GoAnalyzer",
    "scanner.analyzers.source.html:HtmlAnalyzer",
    "scanner.analyzers.source.javascript:JavaScriptAnalyzer",
    "scanner.analyzers.source.jvm:JvmAnalyzer",
    "scanner.analyzers.source.php:PhpAnalyzer",
    "scanner.analyzers.source.ruby:RubyAnalyzer",
    "scanner.analyzers.text.endpoints:EndpointsAnalyzer",
    "scanner.analyzers.lockfile.npm_package_json:NpmPackageJsonAnalyzer",
    "scanner.analyzers.lockfile.npm_package_lock:NpmPackageLockAnalyzer",
    "scanner.analyzers.lockfile.yarn_lock:YarnLockAnalyzer",
    "scanner.analyzers.lockfile.pnpm_lock:PnpmLockAnalyzer",
    "scanner.analyzers.lockfile.bun_lock:BunLockAnalyzer",
    "scanner.analyzers.lockfile.python_requirements:PythonRequirementsAnalyzer",
    "scanner.analyzers.lockfile.python_metadata:PythonMetadataAnalyzer",
    "scanner.analyzers.lockfile.pyproject:PyprojectAnalyzer",
    "scanner.analyzers.lockfile.setup_cfg:SetupCfgAnalyzer",
    "scanner.analyzers.lockfile.pipfile:PipfileAnalyzer",
    "scanner.analyzers.lockfile.pipfile_lock:PipfileLockAnalyzer",
    "scanner.analyzers.lockfile.poetry_lock:PoetryLockAnalyzer",
    "scanner.analyzers.lockfile.uv_lock:UvLockAnalyzer",
    "scanner.analyzers.lockfile.pdm_lock:PdmLockAnalyzer",
    "scanner.analyzers.lockfile.pylock:PylockAnalyzer",
    "scanner.analyzers.binary.dex:DexAnalyzer",
    "scanner.analyzers.binary.classfile:ClassFileAnalyzer",
    "scanner.analyzers.binary.axml:AxmlAnalyzer",
    "scanner.analyzers.binary.macho:MachOAnalyzer",
    "scanner.analyzers.binary.plist:PlistAnalyzer",
    "scanner.analyzers.binary.elf:ElfAnalyzer",
    "scanner.analyzers.binary.strings:StringsAnalyzer",
    "scanner.analyzers.binary.ar:StaticLibraryAnalyzer",
    "scanner.analyzers.binary.filehash:FileHashAnalyzer",
    "scanner.analyzers.lockfile.cargo_lock:CargoLockAnalyzer",
    "scanner.analyzers.lockfile.cargo_toml:CargoTomlAnalyzer",
    "scanner.analyzers.lockfile.cartfile:CartfileAnalyzer",
    "scanner.analyzers.lockfile.cartfile_resolved:CartfileResolvedAnalyzer",
    "scanner.analyzers.lockfile.composer_json:ComposerJsonAnalyzer",
    "scanner.analyzers.lockfile.composer_lock:ComposerLockAnalyzer",
    "scanner.analyzers.lockfile.cordova_plugin:CordovaPluginAnalyzer",
    "scanner.analyzers.lockfile.gemfile:GemfileAnalyzer",
    "scanner.analyzers.lockfile.gemfile_lock:GemfileLockAnalyzer",
    "scanner.analyzers.lockfile.gemspec:GemspecAnalyzer",
    "scanner.analyzers.lockfile.go_mod:GoModAnalyzer",
    "scanner.analyzers.lockfile.go_sum:GoSumAnalyzer",
    "scanner.analyzers.lockfile.gradle:GradleAnalyzer",
    "scanner.analyzers.lockfile.gradle_catalog:GradleCatalogAnalyzer",
    "scanner.analyzers.lockfile.gradle_lockfile:GradleLockfileAnalyzer",
    "scanner.analyzers.lockfile.maven_pom:MavenPomAnalyzer",
    "scanner.analyzers.lockfile.nuget_central:NugetCentralAnalyzer",
    "scanner.analyzers.lockfile.nuget_lock:NugetLockAnalyzer",
    "scanner.analyzers.lockfile.nuget_packages_config:NugetPackagesConfigAnalyzer",
    "scanner.analyzers.lockfile.nuget_project:NugetProjectAnalyzer",
    "scanner.analyzers.lockfile.pbxproj:PbxprojAnalyzer",
    "scanner.analyzers.lockfile.podfile:PodfileAnalyzer",
    "scanner.analyzers.lockfile.podfile_lock:PodfileLockAnalyzer",
    "scanner.analyzers.lockfile.podspec:PodspecAnalyzer",
    "scanner.analyzers.lockfile.pubspec:PubspecAnalyzer",
    "scanner.analyzers.lockfile.pubspec_lock:PubspecLockAnalyzer",
    "scanner.analyzers.lockfile.sbom_cyclonedx:CycloneDxAnalyzer",
    "scanner.analyzers.lockfile.sbom_spdx:SpdxAnalyzer",
    "scanner.analyzers.lockfile.swift_package:SwiftPackageAnalyzer",
    "scanner.analyzers.lockfile.swift_resolved:SwiftResolvedAnalyzer",
    "scanner.analyzers.source.python:PythonAnalyzer",
    "scanner.analyzers.source.templates:TemplatesAnalyzer",
    "scanner.analyzers.source.sniffed:SniffedAnalyzer",
    "scanner.analyzers.text.gtm:GtmContainerAnalyzer",
    "scanner.analyzers.android.proguard:ProguardAnalyzer",
    "scanner.analyzers.android.r8_mapping:R8MappingAnalyzer",
    "scanner.analyzers.android.manifest:AndroidManifestAnalyzer",
    "scanner.analyzers.lockfile.expo_config:ExpoConfigAnalyzer",
    "scanner.analyzers.lockfile.flutter_plugins:FlutterPluginsAnalyzer",
    "scanner.analyzers.lockfile.react_native_config:ReactNativeConfigAnalyzer",
    "scanner.analyzers.lockfile.cordova_config:CordovaConfigAnalyzer",
    "scanner.analyzers.lockfile.capacitor_config:CapacitorConfigAnalyzer",
    "scanner.analyzers.lockfile.unity_manifest:UnityManifestAnalyzer",
    "scanner.analyzers.lockfile.unity_packages_lock:UnityPackagesLockAnalyzer",
)


def load(entry: str) -> type[Analyzer]:
    module, _, name = entry.partition(":")
    return cast("type[Analyzer]", getattr(importlib.import_module(module), name))


def __getattr__(name: str) -> Any:
    """`ANALYZERS`: every analyzer class, imported (reports of the inputs, tests)."""
    if name == "ANALYZERS":
        return tuple(load(entry) for entry in ENTRIES)
    raise AttributeError(name)


class LazyAnalyzer:
    """An analyzer known by its route until a file it may want comes: then imported, and asked.
    Routes: a ParserAnalyzer's file names, or `binary_only` (declared by analyzers of binaries)."""

    def __init__(self, entry: str, route: Route) -> None:
        self.entry = entry
        self.name, self.version, self.priority, self.needs_candidates, self.handles_long_lines, \
            filenames, patterns, suffixes, self.binary_only = route
        self.route = NameRoute(filenames, patterns, suffixes)
        self._real: Analyzer | None = None

    def wants(self, path: str, is_text: bool) -> bool:
        """The class's own answer: `binary_only` wants no text file, the others only their names."""
        if self.binary_only:
            return not is_text and self.real.wants(path, is_text)
        return is_text and self.route.matches(path)

    def analyze(self, file: FileInput) -> Iterable[Fact]:
        return self.real.analyze(file)

    @property
    def real(self) -> Analyzer:
        if self._real is None:
            self._real = load(self.entry)()
        return self._real


Factory = Callable[[], "Analyzer"]


def factories() -> tuple[Factory, ...]:
    """How to build each analyzer, in report order: its class, or a LazyAnalyzer of its route.
    A test that sets `ANALYZERS` (the real ones plus misbehaving doubles) gets exactly those classes."""
    override = globals().get("ANALYZERS")
    if override is not None:
        return tuple(override)
    out: list[Factory] = []
    for entry in ENTRIES:
        route = ROUTES.get(entry)
        out.append(cast(Factory, functools.partial(LazyAnalyzer, entry, route)) if route is not None else load(entry))
    return tuple(out)


def build_analyzers() -> tuple[Analyzer, ...]:
    return tuple(make() for make in factories())


def routes_source() -> str:
    """routes.py as the classes say it should be: the analyzers whose `wants` is NameRouted's (names,
    globs) or TreeSitterAnalyzer's (suffixes), and those that declare `binary_only`."""
    from scanner.analyzers.source.base import TreeSitterAnalyzer, suffix_route

    lines = []
    for entry in ENTRIES:
        cls = load(entry)
        binary_only = bool(getattr(cls, "binary_only", False))
        if cls.wants is NameRouted.wants:
            named = cast("type[NameRouted]", cls)
            names: tuple[tuple[str, ...], ...] = (tuple(named.filenames), tuple(named.patterns), ())
        elif cls.wants is TreeSitterAnalyzer.wants:
            names = ((), (), suffix_route(cast("type[TreeSitterAnalyzer]", cls)))
        elif binary_only:
            names = ((), (), ())
        else:
            continue
        route = (cls.name, cls.version, cls.priority, cls.needs_candidates, cls.handles_long_lines, *names,
                 binary_only)
        shown = pprint.pformat(route, width=110).replace("\n", "\n        ")
        lines.append(f"    {entry!r}:\n        {shown},")
    return ROUTES_HEADER + "\n".join(lines) + "\n}\n"


ROUTES_HEADER = '''"""Routes of the lazily imported analyzers (registry.py). Generated: do not edit; run
`python -m scanner.analyzers.registry > scanner/analyzers/routes.py` after changing an analyzer's name,
version or file names (tests/analyzers/test_registry.py fails until then)."""

from __future__ import annotations

# entry -> (name, version, priority, needs_candidates, handles_long_lines, filenames, patterns, suffixes,
#           binary_only)
Route = tuple[str, str, int, bool, bool, tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]

ROUTES: dict[str, Route] = {
'''

ROUTES_FILE = Path(__file__).with_name("routes.py")

if __name__ == "__main__":  # python -m scanner.analyzers.registry > scanner/analyzers/routes.py
    sys.stdout.write(routes_source())
