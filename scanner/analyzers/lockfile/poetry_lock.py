"""lockfile/poetry-lock: poetry.lock (Poetry 1.x and 2.x).

The lock records each package's dependencies but not the project's own: a package nobody requires
is taken as direct, any other as transitive, and paths start at those.
"""

from __future__ import annotations

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.support import (
    TomlLines,
    canonical_pypi,
    load_toml,
    pypi_purl,
    roots_by_heuristic,
    shortest_paths,
    toml_entries,
)


def parse(path: str, text: str) -> list[DeclaredPackage]:
    data = load_toml(path, text)
    lines = TomlLines(text)
    entries = toml_entries(path, data, lines, "package")
    edges: dict[str, list[str]] = {}
    for entry, _ in entries:
        deps = entry.get("dependencies")
        edges.setdefault(canonical_pypi(entry["name"]), []).extend(
            canonical_pypi(d) for d in (deps if isinstance(deps, dict) else {}))
    names = [canonical_pypi(e["name"]) for e, _ in entries]
    roots = roots_by_heuristic(names, edges)
    paths = shortest_paths(roots, edges)
    display = {canonical_pypi(e["name"]): e["name"] for e, _ in entries}
    out: list[DeclaredPackage] = []
    for entry, line in entries:
        name = entry["name"]
        version = entry.get("version") if isinstance(entry.get("version"), str) else None
        groups = entry.get("groups")
        if isinstance(groups, list):
            scope = None if "main" in groups else ",".join(str(g) for g in groups)
        else:  # Poetry 1.x
            category = entry.get("category")
            scope = None if category in (None, "main") else str(category)
        key = canonical_pypi(name)
        chain = paths.get(key, (key,))
        column = lines.map.column_of(line, name)
        out.append(DeclaredPackage(
            purl=pypi_purl(name, version), ecosystem="pypi", name=name, version=version,
            line=line, column=column, end_column=column + len(name),
            direct=key in roots, dependency_path=tuple(display.get(s, s) for s in chain), scope=scope,
        ))
    return out


class PoetryLockAnalyzer(ParserAnalyzer):
    name = "lockfile/poetry-lock"
    filenames = ("poetry.lock",)
    parse = staticmethod(parse)
