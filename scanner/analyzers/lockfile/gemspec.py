"""lockfile/gemspec: `add_dependency` / `add_runtime_dependency` / `add_development_dependency`
of a `*.gemspec` (Ruby, read, never run); development dependencies get scope `dev`.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.source import blank_comments
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.gemfile import gem_requirement
from scanner.ecosystems import GEM

_GEMSPEC_DEP = re.compile(
    r"""\b\w+\.add_(?P<kind>runtime_|development_)?dependency[ \t]*\(?[ \t]*(["'])(?P<name>[^"']+)\2(?P<rest>[^\n]*)""")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    code = blank_comments(path, text, hash_=True)
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    for m in _GEMSPEC_DEP.finditer(code):
        version = exact_version(gem_requirement(m.group("rest")))
        start, end = m.start("name") - 1, m.end("name") + 1
        out.append(DeclaredPackage(
            purl=GEM.purl(m.group("name"), version), ecosystem="gem", name=m.group("name"),
            version=version, line=lines.line(start), column=lines.column(start), end_column=lines.column(end),
            direct=True, scope="dev" if m.group("kind") == "development_" else None))
    return out


class GemspecAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/gemspec"
    version: ClassVar[str] = "1.0.0"
    patterns: ClassVar[tuple[str, ...]] = ("*.gemspec",)
    parse = staticmethod(parse)
