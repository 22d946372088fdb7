"""lockfile/gradle-lockfile: Gradle dependency locking (`gradle.lockfile`, `buildscript-gradle.lockfile`).

One resolved module per line: `group:artifact:version=configuration,configuration`; `empty=` lists
configurations without dependencies. The file records no graph, so direct is unknown.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import MAVEN
from scanner.errors import ParseError

_LINE = re.compile(r"^(?P<g>[^:=\s]+):(?P<a>[^:=\s]+):(?P<v>[^:=\s]+)=(?P<c>[\w,\-]*)$")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    out: list[DeclaredPackage] = []
    for lineno, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("empty="):
            continue
        m = _LINE.match(line)
        if m is None:
            raise ParseError(f"{path}: line {lineno}: expected group:artifact:version=configurations, got {line!r}")
        configs = [c for c in m.group("c").split(",") if c]
        scope = "test" if configs and all("test" in c.lower() for c in configs) else None
        out.append(DeclaredPackage(
            purl=MAVEN.purl(m.group("a"), m.group("v"), namespace=m.group("g")), ecosystem="maven",
            name=f"{m.group('g')}:{m.group('a')}", version=m.group("v"), line=lineno,
            column=raw.index(line[0]) + 1, end_column=len(raw) + 1, scope=scope))
    return out


class GradleLockfileAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/gradle-lockfile"
    version: ClassVar[str] = "1.0.0"
    patterns: ClassVar[tuple[str, ...]] = ("*gradle.lockfile",)
    parse = staticmethod(parse)
