"""lockfile/pylock: PEP 751 lock files (`pylock.toml`, `pylock.<name>.toml`). The format lists
`[[packages]]` without the project's own requirements or a graph: `direct` stays unknown."""

from __future__ import annotations

from scanner.analyzers.lockfile._support.toml import load_toml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PYPI


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_toml(path, text)
    out: list[DeclaredPackage] = []
    for entry, line in doc.entries(path, "packages"):
        name = entry["name"]
        version = entry.get("version") if isinstance(entry.get("version"), str) else None
        column = doc.lines.column_of(line, name)
        out.append(DeclaredPackage(
            purl=PYPI.purl(name, version), ecosystem="pypi", name=name, version=version,
            line=line, column=column, end_column=column + len(name), direct=None,
        ))
    return out


class PylockAnalyzer(ParserAnalyzer):
    name = "lockfile/pylock"
    filenames = ("pylock.toml",)
    patterns = ("pylock.*.toml",)
    parse = staticmethod(parse)
