"""lockfile/gradle-catalog: the `[libraries]` of a Gradle version catalog (gradle/libs.versions.toml).

Apps declare `implementation(libs.tiktok.opensdk)` in build scripts; the coordinates live here,
so each catalog entry is reported at its own line (and lockfile/gradle reports the build-script
line that uses it). Forms: `"g:a:v"`, `{ module = "g:a", version = .. }`,
`{ group = "g", name = "a", version.ref = "x" }`, and rich versions `{ strictly/require/prefer }`.
One bad entry costs that entry only (a notification names it), never the rest of the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.lockfile._support.toml import TomlDoc, load_toml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import MAVEN
from scanner.errors import ParseError
from scanner.model import Fact, SkipReason

# Gradle refuses catalogs with more entries than this (JVM class-file limits on the generated
# accessors; docs.gradle.org "Too many entries in a single catalog"): the rest is not read.
MAX_ENTRIES = 32_000

_SEPARATORS = re.compile(r"[-_.]")


def normalize_alias(alias: str) -> str:
    """Gradle's accessor form of an alias: '-', '_' and '.' all become '.' (`VersionCatalog.findLibrary`)."""
    return _SEPARATORS.sub(".", alias)


@dataclass(frozen=True)
class Entry:
    """Where a catalog entry's alias is written: `line`/`column`/`end_column` 1-based, end exclusive."""

    alias: str
    line: int
    column: int
    end_column: int


@dataclass(frozen=True)
class Library(Entry):
    group: str
    artifact: str
    version: str | None

    @property
    def name(self) -> str:
        return f"{self.group}:{self.artifact}"

    @cached_property  # a catalog entry is named by many build scripts; packageurl is not cheap
    def purl(self) -> str:
        return MAVEN.purl(self.artifact, self.version, namespace=self.group)


@dataclass(frozen=True)
class Bundle(Entry):
    libraries: tuple[str, ...]  # normalized library aliases


@dataclass(frozen=True)
class Plugin(Library):
    """A `[plugins]` entry, as the coordinates Gradle resolves it through: the plugin marker
    `id:id.gradle.plugin` (group = the plugin id)."""

    @property
    def id(self) -> str:
        return self.group


@dataclass
class Catalog:
    """A read catalog, keyed by normalized alias; `problems` are (reason, message) per bad entry."""

    libraries: dict[str, Library] = field(default_factory=dict)
    bundles: dict[str, Bundle] = field(default_factory=dict)
    plugins: dict[str, Plugin] = field(default_factory=dict)
    problems: list[tuple[SkipReason, str]] = field(default_factory=list)


def _version(alias: str, value: Any, versions: dict[str, Any], problems: list[tuple[SkipReason, str]],
             follow: bool = True) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "ref" in value:
            ref = value["ref"]
            if not isinstance(ref, str):
                problems.append((SkipReason.PARSE_ERROR, f"{alias!r}: version.ref must be a string; version unknown"))
                return None
            if not follow:
                # one hop: a [versions] entry is a version, never a reference (a self-referencing
                # one would otherwise recurse until the stack runs out and the whole file would be lost)
                problems.append((SkipReason.LIMIT, f"{alias!r}: version.ref {ref!r} leads to another reference; "
                                                   f"not followed (Gradle allows one hop), version unknown"))
                return None
            if ref not in versions:
                problems.append((SkipReason.PARSE_ERROR, f"{alias!r}: version.ref {ref!r} is not in [versions]"))
                return None
            return _version(alias, versions[ref], versions, problems, follow=False)
        for key in ("strictly", "require", "prefer"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def _coordinates(alias: str, spec: Any) -> tuple[str, str, Any]:
    """(group, artifact, version spec) of a library entry; ValueError says what is wrong."""
    if isinstance(spec, str):
        parts = spec.split(":")
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValueError(f"{spec!r} is not group:artifact[:version]")
        return parts[0], parts[1], parts[2] if len(parts) > 2 else None
    if isinstance(spec, dict):
        module = spec.get("module")
        if isinstance(module, str) and ":" in module:
            group, artifact = module.split(":", 1)
        elif isinstance(spec.get("group"), str) and isinstance(spec.get("name"), str):
            group, artifact = spec["group"], spec["name"]
        else:
            raise ValueError("has neither module nor group/name")
        return group, artifact, spec.get("version")
    raise ValueError("must be a string or a table")


def _span(doc: TomlDoc, table: str, alias: str) -> tuple[int, int, int]:
    line = doc.declared_line(table, alias) or doc.tables.get((table,), 1)
    column, end_column = doc.lines.span(line, alias)
    return line, column, end_column


def read_catalog(path: str, text: str) -> Catalog:
    """Every readable entry of the catalog; a malformed document raises ParseError, a bad entry
    becomes a problem and is left out."""
    doc = load_toml(path, text)
    data = doc.data
    versions = data.get("versions", {})
    libraries = data.get("libraries", {})
    if not isinstance(libraries, dict) or not isinstance(versions, dict):
        raise ParseError(f"{path}: [libraries] and [versions] must be tables")
    out = Catalog()
    problems = out.problems
    budget = MAX_ENTRIES
    for alias, spec in libraries.items():
        if budget <= 0:
            problems.append((SkipReason.LIMIT, f"more than {MAX_ENTRIES} entries (Gradle's limit); the rest not read"))
            return out
        budget -= 1
        try:
            group, artifact, version_spec = _coordinates(alias, spec)
        except ValueError as exc:
            problems.append((SkipReason.PARSE_ERROR, f"library {alias!r} {exc}; entry skipped"))
            continue
        version = _version(alias, version_spec, versions, problems)
        out.libraries[normalize_alias(alias)] = Library(alias, *_span(doc, "libraries", alias), group=group,
                                                        artifact=artifact, version=version)
    bundles = data.get("bundles", {})
    for alias, members in bundles.items() if isinstance(bundles, dict) else ():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            problems.append((SkipReason.PARSE_ERROR, f"bundle {alias!r} must be an array of library aliases; skipped"))
            continue
        out.bundles[normalize_alias(alias)] = Bundle(alias, *_span(doc, "bundles", alias),
                                                     libraries=tuple(normalize_alias(m) for m in members))
    plugins = data.get("plugins", {})
    for alias, spec in plugins.items() if isinstance(plugins, dict) else ():
        plugin_id: Any = None
        plugin_version: Any = None
        if isinstance(spec, str):
            plugin_id, _, plugin_version = spec.partition(":")
        elif isinstance(spec, dict):
            plugin_id, plugin_version = spec.get("id"), spec.get("version")
        if not isinstance(plugin_id, str) or not plugin_id:
            problems.append((SkipReason.PARSE_ERROR, f"plugin {alias!r} has no id; skipped"))
            continue
        resolved = _version(alias, plugin_version or None, versions, problems)
        out.plugins[normalize_alias(alias)] = Plugin(alias, *_span(doc, "plugins", alias), group=plugin_id,
                                                     artifact=f"{plugin_id}.gradle.plugin", version=resolved)
    return out


def parse(path: str, text: str) -> list[DeclaredPackage]:
    """The libraries; ParseError when the catalog has bad entries and not one good library."""
    catalog = read_catalog(path, text)
    if catalog.problems and not catalog.libraries:
        raise ParseError(f"{path}: {catalog.problems[0][1]}")
    return _packages(catalog)


def _packages(catalog: Catalog) -> list[DeclaredPackage]:
    out = [DeclaredPackage(purl=lib.purl, ecosystem="maven", name=lib.name, version=lib.version, line=lib.line,
                           column=lib.column, end_column=lib.end_column, direct=True, scope="version-catalog")
           for lib in catalog.libraries.values()]
    return sorted(out, key=lambda p: p.line)


class GradleCatalogAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/gradle-catalog"
    version: ClassVar[str] = "1.1.0"
    patterns: ClassVar[tuple[str, ...]] = ("*.versions.toml",)
    parse = staticmethod(parse)

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        catalog = read_catalog(file.inner_path, file.text)
        yield from self.facts(file, _packages(catalog))
        for reason in dict.fromkeys(reason for reason, _ in catalog.problems):
            self.notify(file, reason, [message for r, message in catalog.problems if r is reason])
