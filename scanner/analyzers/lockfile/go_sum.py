"""lockfile/go-sum: modules whose source is checksummed in `go.sum`.

Each line is `module version hash`; a `version/go.mod` line only checksums the module's go.mod
(read during resolution, its code not built), so those lines are not reported.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import GOLANG
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    out: list[DeclaredPackage] = []
    seen: set[tuple[str, str]] = set()
    for lineno, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[1].startswith("v") or ":" not in parts[2]:
            raise ParseError(f"{path}: line {lineno}: expected 'module version hash', got {line!r}")
        module, version = parts[0], parts[1]
        if version.endswith("/go.mod") or (module, version) in seen:
            continue
        seen.add((module, version))
        col = raw.find(module) + 1
        out.append(DeclaredPackage(
            purl=GOLANG.purl(module, version), ecosystem="golang", name=module, version=version, line=lineno,
            column=col, end_column=col + len(module)))
    return out


class GoSumAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/go-sum"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("go.sum",)
    parse = staticmethod(parse)
