"""lockfile/gemfile: `gem` lines of a Ruby Gemfile (read, never run).

Groups (`group :development do`, `group: :test`) are kept as the scope.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.source import blank_comments
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import GEM

_GEM = re.compile(r"""^[ \t]*gem[ \t]*\(?[ \t]*(["'])(?P<name>[^"']+)\1(?P<rest>[^\n]*)""", re.MULTILINE)
_GROUP = re.compile(r"""^[ \t]*group[ \t]*\(?[ \t]*(?P<names>:[\w]+(?:[ \t]*,[ \t]*:[\w]+)*)[^\n]*\bdo\b""",
                    re.MULTILINE)
_END = re.compile(r"^[ \t]*end\b", re.MULTILINE)
_INLINE_GROUP = re.compile(r"""\bgroups?[ \t]*(?::|=>)[ \t]*\[?[ \t]*:(\w+)""")
_STRING = re.compile(r"""(["'])([^"']*)\1""")
_OPTION = re.compile(r"""(?:\b\w+:|:\w+\s*=>)""")


def gem_requirement(rest: str) -> str | None:
    option = _OPTION.search(rest)
    head = rest[: option.start()] if option else rest
    strings = [s for _, s in _STRING.findall(head)]
    return ", ".join(strings) if strings else None


def parse(path: str, text: str) -> list[DeclaredPackage]:
    code = blank_comments(path, text, hash_=True)
    lines = LineIndex(text)
    groups: list[tuple[int, int, str]] = []
    for g in _GROUP.finditer(code):
        end = _END.search(code, g.end())
        names = g.group("names").replace(":", "").replace(" ", "")
        groups.append((g.start(), end.start() if end else len(code), names))
    out: list[DeclaredPackage] = []
    for m in _GEM.finditer(code):
        rest = m.group("rest")
        version = exact_version(gem_requirement(rest))
        inline = _INLINE_GROUP.search(rest)
        scope = inline.group(1) if inline else next((n for s, e_, n in groups if s < m.start() < e_), None)
        start, stop = m.start("name") - 1, m.end("name") + 1
        out.append(DeclaredPackage(
            purl=GEM.purl(m.group("name"), version), ecosystem="gem", name=m.group("name"),
            version=version, line=lines.line(start), column=lines.column(start), end_column=lines.column(stop),
            direct=True, scope=scope))
    return out


class GemfileAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/gemfile"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Gemfile", "gems.rb")
    parse = staticmethod(parse)
