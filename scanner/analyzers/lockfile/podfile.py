"""lockfile/podfile: `pod` declarations in a CocoaPods Podfile (a Ruby DSL, read, never run).

`pod 'Name', '~> 1.0'`, `pod 'Name/Subspec'`, `pod 'Name', :subspecs => ['A', 'B']`,
`pod 'Name', :git => '...', :tag => '...'`; the enclosing `target 'App' do` is kept as the scope.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.source import blank_comments
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import COCOAPODS

_POD = re.compile(r"""^[ \t]*pod[ \t]*\(?[ \t]*(["'])(?P<name>[^"']+)\1(?P<rest>[^\n]*)""", re.MULTILINE)
_TARGET = re.compile(r"""^[ \t]*(?:abstract_)?target[ \t]*\(?[ \t]*(?:["']([^"']+)["']|:(\w+))""", re.MULTILINE)
_STRING = re.compile(r"""(["'])([^"']*)\1""")
_OPTION = re.compile(r""":?(\w+)\s*(?:=>|:)\s*""")
_SUBSPECS = re.compile(r""":?subspecs\s*(?:=>|:)\s*\[([^\]]*)\]""")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    code = blank_comments(path, text, hash_=True)
    lines = LineIndex(text)
    targets = [(m.start(), m.group(1) or m.group(2)) for m in _TARGET.finditer(code)]
    out: list[DeclaredPackage] = []
    for m in _POD.finditer(code):
        name = m.group("name")
        rest = m.group("rest")
        requirement = _requirement(rest)
        version = exact_version(requirement)
        scope = next((t for start, t in reversed(targets) if start < m.start()), None)
        start, end = m.start("name") - 1, m.end("name") + 1
        names = [name]
        sub = _SUBSPECS.search(rest)
        if sub:
            names = [f"{name}/{s}" for _, s in _STRING.findall(sub.group(1))] or [name]
        for each in names:
            out.append(DeclaredPackage(
                purl=COCOAPODS.purl(each, version), ecosystem="cocoapods", name=each, version=version,
                line=lines.line(start), column=lines.column(start), end_column=lines.column(end),
                direct=True, scope=scope))
    return out


def _requirement(rest: str) -> str | None:
    """The first positional string argument after the name, before any `:option => value`."""
    option = _OPTION.search(rest)
    head = rest[: option.start()] if option else rest
    strings = [s for _, s in _STRING.findall(head)]
    return ", ".join(strings) if strings else None


class PodfileAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/podfile"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Podfile",)
    patterns: ClassVar[tuple[str, ...]] = ("*.podfile",)
    parse = staticmethod(parse)
