"""lockfile/pylock: PEP 751 lock files (`pylock.toml`, `pylock.<name>.toml`). The format lists
`[[packages]]` without the project's own requirements or a graph: `direct` stays unknown."""

from __future__ import annotations

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.support import TomlLines, load_toml, pypi_purl, toml_entries


def parse(path: str, text: str) -> list[DeclaredPackage]:
    data = load_toml(path, text)
    lines = TomlLines(text)
    out: list[DeclaredPackage] = []
    for entry, line in toml_entries(path, data, lines, "packages"):
        name = entry["name"]
        version = entry.get("version") if isinstance(entry.get("version"), str) else None
        column = lines.map.column_of(line, name)
        out.append(DeclaredPackage(
            purl=pypi_purl(name, version), ecosystem="pypi", name=name, version=version,
            line=line, column=column, end_column=column + len(name), direct=None,
        ))
    return out


class PylockAnalyzer(ParserAnalyzer):
    name = "lockfile/pylock"
    filenames = ("pylock.toml",)
    patterns = ("pylock.*.toml",)
    parse = staticmethod(parse)
