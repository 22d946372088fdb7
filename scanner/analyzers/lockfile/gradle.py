"""lockfile/gradle: dependency declarations in Gradle build scripts (Groovy and Kotlin DSL).

Build scripts are programs; they are never run. Declarations are read from the text with
comments blanked: string notation (`implementation "g:a:v"`, `implementation(platform("g:a:v"))`),
map notation (`group: 'g', name: 'a', version: 'v'` / `group = "g", name = "a"`) and the
settings-script catalog builder (`library("alias", "g", "a").version("v")`). Simple version
variables defined in the same file (`val tiktokVersion = "2.3.0"`) are resolved.
`implementation(libs.tiktok.opensdk)` cannot be resolved from one file: the catalog
(gradle/libs.versions.toml) reports those entries itself.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.source import blank_comments, check_balanced
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import MAVEN

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
_CATALOG_BUILDER = re.compile(
    r"""\blibrary\(\s*(["'])[^"']*\1\s*,\s*(["'])(?P<g>[^"'\s]+)\2\s*,\s*(["'])(?P<a>[^"'\s]+)\4\s*\)"""
    r"""(?:\s*\.\s*version\(\s*(["'])(?P<v>[^"'\s]+)\6\s*\))?"""
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
    code = blank_comments(path, text, slash=True, triple_quotes=True)
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

    for m in _CATALOG_BUILDER.finditer(code):
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


class GradleAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/gradle"
    version: ClassVar[str] = "1.0.0"
    patterns: ClassVar[tuple[str, ...]] = ("*.gradle", "*.gradle.kts")
    parse = staticmethod(parse)
