"""lockfile/gradle: dependency declarations in Gradle build scripts (Groovy and Kotlin DSL).

Build scripts are programs; they are never run. Declarations are read from the text with
comments blanked: string notation (`implementation "g:a:v"`, `implementation(platform("g:a:v"))`),
map notation (`group: 'g', name: 'a', version: 'v'` / `group = "g", name = "a"`) and the
settings-script catalog builder (`library("alias", "g", "a").version("v")`). Simple version
variables defined in the same file (`val tiktokVersion = "2.3.0"`) are resolved.

Names that point into other files of the build are resolved when the script is on disk
(scanner.analyzers.lockfile.gradle_build reads them once per build root): version catalog
accessors (`libs.tiktok.open.sdk.core`, `libs.bundles.x`, `alias(libs.plugins.x)`,
`libs.findLibrary("x")`, custom catalogs named in the settings script) and buildSrc or
convention-build constants (`implementation(Deps.tiktok)`). Each is reported at the script line
that uses it, with the catalog or constant line as a related location.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.source import blank_comments, check_balanced
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.gradle_build import CATALOG_BUILDER, BuildReader, GradleBuild, Source, build_root
from scanner.analyzers.lockfile.gradle_catalog import Entry, Library, Plugin, normalize_alias
from scanner.ecosystems import MAVEN
from scanner.errors import ParseError
from scanner.model import Fact, Level, Location, Notification, Related, SkipReason

_COORD = r"[A-Za-z0-9_][\w.\-]*"
# A string literal holding maven coordinates: group:artifact[:version[:classifier]][@ext]
_STRING_NOTATION = re.compile(
    r"""(?P<q>["'])(?P<g>""" + _COORD + r"):(?P<a>" + _COORD + r")"
    r"""(?::(?P<v>[^:@"'\s]*))?(?::(?P<c>[\w.\-]+))?(?:@(?P<ext>\w+))?(?P=q)"""
)
_MAP_NOTATION = re.compile(
    r"""\bgroup\s*[:=]\s*(["'])(?P<g>[^"'\s]+)\1\s*,\s*name\s*[:=]\s*(["'])(?P<a>[^"'\s]+)\3"""
    r"""(?:\s*,\s*version\s*[:=]\s*(["'])(?P<v>[^"'\s]+)\5)?"""
)
# The configuration (or function) the declaration is an argument of: `implementation(`, `api `.
_CONFIG_BEFORE = re.compile(r"""(\w+)\s*(?:\(\s*)?(?:(?:platform|enforcedPlatform|project|files)\s*\(\s*)?$""")
_INTERP = re.compile(r"^\$\{?([\w.]+)\}?$")


def _variables(code: str) -> dict[str, str]:
    """`name = "1.2.3"` style assignments (def/val/var/ext.), last one wins; only literal strings."""
    out: dict[str, str] = {}
    for m in re.finditer(r"""(?:\b(?:def|val|var|const\s+val)\s+|\bext\.|\bextra\[["']|\bset\(\s*["'])"""
                         r"""?(?P<n>[A-Za-z_]\w*)["']?\]?\s*(?:=|,)\s*(["'])(?P<v>[^"'$\s]+)\2""", code):
        out[m.group("n")] = m.group("v")
    return out


def _resolve(version: str | None, variables: dict[str, str]) -> str | None:
    if not version:
        return None
    if "$" not in version:
        return version
    m = _INTERP.match(version)
    if m:
        name = m.group(1)
        for key in (name, name.rsplit(".", 1)[-1]):
            if key in variables:
                return variables[key]
    return None


def parse(path: str, text: str) -> list[DeclaredPackage]:
    return _declarations(path, text, _code(path, text))


def _code(path: str, text: str) -> str:
    """The script with comments blanked: what both parse() and resolve() read (ParseError if malformed)."""
    return blank_comments(path, text, slash=True, triple_quotes=True)


def _declarations(path: str, text: str, code: str) -> list[DeclaredPackage]:
    check_balanced(path, code)
    lines = LineIndex(text)
    variables = _variables(code)
    out: list[DeclaredPackage] = []
    seen: set[int] = set()

    def add(start: int, end: int, group: str, artifact: str, version: str | None, scope: str | None,
            ext: str | None = None, classifier: str | None = None) -> None:
        if start in seen:
            return
        seen.add(start)
        version = _resolve(version, variables)
        qualifiers = {k: v for k, v in (("classifier", classifier), ("type", ext)) if v}
        line = lines.line(start)
        out.append(DeclaredPackage(
            purl=MAVEN.purl(artifact, version, namespace=group, qualifiers=qualifiers),
            ecosystem="maven", name=f"{group}:{artifact}", version=version, line=line,
            column=lines.column(start), end_column=lines.column(end), direct=True, scope=scope))

    for m in CATALOG_BUILDER.finditer(code):
        add(m.start("g") - 1, m.end("a") + 1, m.group("g"), m.group("a"), m.group("v"), "version-catalog")
    for m in _MAP_NOTATION.finditer(code):
        add(m.start(), m.end(), m.group("g"), m.group("a"), m.group("v"), _configuration(code, m.start()))
    for m in _STRING_NOTATION.finditer(code):
        config = _configuration(code, m.start())
        if config in ("id", "plugin", "include", "includeBuild", "project", "files", "url", "uri", "file"):
            continue
        add(m.start(), m.end(), m.group("g"), m.group("a"), m.group("v") or None, config,
            m.group("ext"), m.group("c"))
    return sorted(out, key=lambda p: (p.line, p.column))


def _configuration(code: str, start: int) -> str | None:
    line_start = code.rfind("\n", 0, start) + 1
    m = _CONFIG_BEFORE.search(code[line_start:start])
    return m.group(1) if m else None


_CHAIN = re.compile(r"(?<![\w.$])([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)")
_FIND = re.compile(r"""\bfind(Library|Bundle|Plugin)\s*\(\s*["']([^"'\n]+)["']\s*\)""")
_FIND_OWNER = re.compile(r"""(?:\b(?:named|find|getByName)\s*\(\s*["'](\w+)["']\s*\)|\b(\w+))\s*\.\s*$""")
_PROVIDER_CALLS = frozenset({"get", "asProvider", "getOrNull", "orNull"})
# resolve()'s `add`: (start, end, name, purl, version, dependency path before the package, related)
_Add = Callable[[int, int, str, str, "str | None", "tuple[str, ...]", "tuple[Related, ...]"], None]
MAX_BUILDS = 64  # build roots cached per analyzer (per worker process)


def resolve(path: str, text: str, build: GradleBuild,
            code: str | None = None) -> tuple[list[DeclaredPackage], list[str]]:
    """Packages a script names through `build` (catalog accessors, constants), at the line of use;
    and the catalog accessors that name a catalog the build declares but that could not be read.
    `code`: the script with comments blanked, when the caller has it already."""
    code = _code(path, text) if code is None else code
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    unread: list[str] = []
    names = build.declared | set(build.catalogs)

    def add(start: int, end: int, name: str, purl: str, version: str | None, via: tuple[str, ...],
            related: tuple[Related, ...]) -> None:
        line = lines.line(start)
        out.append(DeclaredPackage(
            purl=purl, ecosystem="maven", name=name, version=version, line=line, column=lines.column(start),
            end_column=lines.column(end), direct=True, dependency_path=(*via, name),
            scope=_configuration(code, start), related=related))

    for m in _CHAIN.finditer(_blank_strings(code)):
        parts = [p.strip() for p in m.group(1).split(".")]
        end = m.end()
        if len(parts) > 1 and parts[0] in names:
            if code[end:end + 1] == "(":
                parts.pop()  # `.get()`, `.findLibrary(` ...: a call, not part of the alias
            while parts and parts[-1] in _PROVIDER_CALLS:
                parts.pop()
            if len(parts) < 2 or parts[1] == "versions":
                continue
            if parts[0] not in build.catalogs:
                unread.append(".".join(parts))
                continue
            _catalog_use(build, parts[0], parts[1:], m.start(), end, add)
        elif parts[-1] in build.constants and code[end:end + 1] != "(":
            chain = ".".join(parts)
            for const in build.constants[parts[-1]]:
                if _names_constant(chain, const.qualified):
                    g, a, v = _split(const.value)
                    add(m.start(), end, f"{g}:{a}", MAVEN.purl(a, v, namespace=g), v,
                        (f"build constant {const.qualified}",),
                        (_related(const.source, f"constant {const.qualified} = \"{const.value}\""),))
                    break
    for m in _FIND.finditer(code):
        window = max(code.rfind("\n", 0, m.start()) + 1, m.start() - 200)
        owner = _FIND_OWNER.search(code, window, m.start())
        name = next((n for n in (owner.group(1), owner.group(2)) if n), None) if owner else None
        start = owner.start() if owner and name in build.catalogs else m.start()
        if name not in build.catalogs:
            name = "libs" if "libs" in build.catalogs else None
        if name is None:
            continue
        kind = {"Library": [], "Bundle": ["bundles"], "Plugin": ["plugins"]}[m.group(1)]
        _catalog_use(build, name, [*kind, *normalize_alias(m.group(2)).split(".")], start, m.end(), add)
    return sorted(out, key=lambda p: (p.line, p.column, p.name)), unread


def _names_constant(chain: str, qualified: str) -> bool:
    """`Deps.x` names `Deps.x`, `com.example.Deps.x` (package-qualified) and, after an import of
    `Libs.TikTok`, `TikTok.x` names `Libs.TikTok.x`; a top-level constant only by its bare name."""
    if chain == qualified:
        return True
    if "." not in qualified or "." not in chain:
        return False
    return chain.endswith("." + qualified) or qualified.endswith("." + chain)


_STRING = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
_TEMPLATE = re.compile(r"\$\{[^}\n]*\}")


def _blank_strings(code: str) -> str:
    """String contents blanked (offsets kept), except `${...}` templates: names in prose are no uses."""
    def blank(m: re.Match[str]) -> str:
        text = m.group(0)
        keep = {i for t in _TEMPLATE.finditer(text) for i in range(t.start() + 2, t.end() - 1)}
        return "".join(ch if i in keep or i in (0, len(text) - 1) else " " for i, ch in enumerate(text))
    return _STRING.sub(blank, code)


def _catalog_use(build: GradleBuild, name: str, parts: list[str], start: int, end: int, add: _Add) -> None:
    catalog, shown = build.catalogs[name]
    label = "version catalog" if name == "libs" else f"version catalog {name}"
    if parts[0] == "bundles":
        bundle = catalog.bundles.get(".".join(parts[1:]))
        if bundle is None:
            return
        members = [catalog.libraries[m] for m in bundle.libraries if m in catalog.libraries]
        # every member's line: one finding per rule is kept at the use, whichever member it came from
        related = (_related(_source(bundle, shown), f"bundle {bundle.alias}"),
                   *(_library_related(lib, shown) for lib in members))
        for member in members:
            add(start, end, member.name, member.purl, member.version,
                (f"{label} bundle {bundle.alias}", f"{label} alias {member.alias}"), related)
        return
    if parts[0] == "plugins":
        plugin: Plugin | None = catalog.plugins.get(".".join(parts[1:]))
        if plugin is not None:
            add(start, end, plugin.name, plugin.purl, plugin.version, (f"{label} plugin {plugin.alias}",),
                (_related(_source(plugin, shown), f"plugin {plugin.alias}"),))
        return
    lib: Library | None = catalog.libraries.get(".".join(parts))
    if lib is not None:
        add(start, end, lib.name, lib.purl, lib.version, (f"{label} alias {lib.alias}",),
            (_library_related(lib, shown),))


def _library_related(lib: Library, shown: str) -> Related:
    version = f":{lib.version}" if lib.version else ""
    return _related(_source(lib, shown),
                    f"version catalog alias {lib.alias} = {lib.name}{version}")


def _source(entry: Entry, shown: str) -> Source:
    return Source(shown, entry.line, entry.column, entry.end_column)


def _related(source: Source, message: str) -> Related:
    return Related(Location(path=source.path, start_line=source.line, start_column=source.column,
                            end_line=source.line, end_column=source.end_column), message)


def _split(value: str) -> tuple[str, str, str | None]:
    group, artifact, *rest = value.split(":")
    return group, artifact, (rest[0] or None) if rest else None


class GradleAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/gradle"
    version: ClassVar[str] = "1.1.0"
    # run without a prefilter candidate too: `implementation(Deps.social)` names no TikTok literal
    needs_candidates: ClassVar[bool] = False
    patterns: ClassVar[tuple[str, ...]] = ("*.gradle", "*.gradle.kts")
    inputs_note: ClassVar[str] = ("version catalog accessors (`libs.x`, `libs.bundles.x`, `alias(libs.plugins.x)`, "
                                  "`findLibrary`, custom catalogs) and buildSrc / convention-build constants resolved "
                                  "to the line of use")
    parse = staticmethod(parse)

    def __init__(self) -> None:
        self._builds: dict[str, GradleBuild | None] = {}
        self._noted: set[str] = set()  # build roots whose reading problems were reported

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        path, text = file.inner_path, file.text
        code: str | None = None  # comments blanked once for both readings
        if file.hits:
            code = _code(path, text)
            yield from self.facts(file, _declarations(path, text, code))
        build = self._build(file)
        if build is None:
            return
        if code is None:
            try:
                code = _code(path, text)
            except ParseError:
                return  # nothing of TikTok's in it and not valid in its language: as before, no note
        packages, unread = resolve(path, text, build, code)
        yield from self.facts(file, packages)
        shown = file.display_path
        if unread:
            file.notifications.append(Notification(
                shown, SkipReason.PARSE_ERROR, f"{shown}: `{unread[0]}` names a version catalog that could not be "
                f"read; {len(unread)} catalog reference(s) not resolved", Level.NOTE, self.name))
        if build.root not in self._noted:  # a build's reading problems once, not on each of its scripts
            self._noted.add(build.root)
            for where, reason, message in build.notes:
                file.notifications.append(Notification(where, reason, message, Level.NOTE, self.name))

    def _build(self, file: FileInput) -> GradleBuild | None:
        if file.origin is None or file.scan_root is None:
            return None
        root = build_root(file.origin, file.scan_root)
        if root is None:
            return None
        if root not in self._builds:
            if len(self._builds) >= MAX_BUILDS:
                self._builds.clear()
            base = _display_base(file.origin, file.path)
            self._builds[root] = None  # a read the file budget stops is not started again for each script
            self._builds[root] = BuildReader(root, file.scan_root, base).read() if base else None
        return self._builds[root]


def _display_base(origin: str, shown: str) -> str | None:
    """The directory report paths are relative to: `origin` minus the file's shown path."""
    parts = PurePosixPath(shown).parts
    base = origin
    for _ in parts:
        base = os.path.dirname(base)
    return base if os.path.join(base, *parts) == origin else None
