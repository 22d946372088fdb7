"""lockfile/go-mod: `require` directives of a Go `go.mod` (single-line and block form).

`// indirect` marks modules the main module does not import itself. `replace` directives that
point at another module are reported as that module too (the code that is actually built).
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import GOLANG
from scanner.errors import ParseError

_DIRECTIVES = ("module", "go", "toolchain", "require", "replace", "exclude", "retract", "godebug", "tool",
               "ignore")
_REQ = re.compile(r'^"?(?P<mod>[^\s"]+)"?\s+(?P<ver>v[^\s]+)\s*(?://\s*(?P<comment>.*))?$')
_REPLACE = re.compile(r'^"?(?P<old>[^\s"]+)"?(?:\s+v\S+)?\s*=>\s*"?(?P<new>[^\s"]+)"?(?:\s+(?P<ver>v\S+))?\s*(?://.*)?$')


def parse(path: str, text: str) -> list[DeclaredPackage]:
    out: list[DeclaredPackage] = []
    block: str | None = None
    for lineno, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        if block is not None:
            if line == ")":
                block = None
                continue
            _entry(path, block, line, raw, lineno, out)
            continue
        word, _, rest = line.partition(" ")
        if word not in _DIRECTIVES:
            raise ParseError(f"{path}: line {lineno}: unknown directive {word!r}")
        rest = rest.strip()
        if rest == "(":
            block = word
        elif word in ("require", "replace"):
            _entry(path, word, rest, raw, lineno, out)
    if block is not None:
        raise ParseError(f"{path}: {block} block is not closed")
    return out


def _entry(path: str, directive: str, line: str, raw: str, lineno: int, out: list[DeclaredPackage]) -> None:
    if directive == "require":
        m = _REQ.match(line)
        if m is None:
            raise ParseError(f"{path}: line {lineno}: malformed require {line!r}")
        module, version = m.group("mod"), m.group("ver")
        indirect = (m.group("comment") or "").strip().startswith("indirect")
        direct: bool | None = not indirect
    elif directive == "replace":
        r = _REPLACE.match(line)
        if r is None:
            raise ParseError(f"{path}: line {lineno}: malformed replace {line!r}")
        if r.group("ver") is None:  # replaced by a local directory
            return
        module, version, direct = r.group("new"), r.group("ver"), None
    else:
        return
    col = raw.find(module) + 1
    out.append(DeclaredPackage(
        purl=GOLANG.purl(module, version), ecosystem="golang", name=module, version=version, line=lineno,
        column=col, end_column=col + len(module), direct=direct, scope="replace" if directive == "replace" else None))


class GoModAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/go-mod"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("go.mod",)
    parse = staticmethod(parse)
