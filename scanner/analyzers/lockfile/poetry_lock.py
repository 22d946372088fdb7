"""lockfile/poetry-lock: poetry.lock (Poetry 1.x and 2.x).

The lock records each package's dependencies but not the project's own: a package nobody requires
is taken as direct, any other as transitive, and paths start at those.
"""

from __future__ import annotations

from scanner.analyzers.lockfile._support.graph import roots_by_heuristic, shortest_paths
from scanner.analyzers.lockfile._support.toml import load_toml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PYPI, pep503


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_toml(path, text)
    entries = doc.entries(path, "package")
    edges: dict[str, list[str]] = {}
    for entry, _ in entries:
        deps = entry.get("dependencies")
        edges.setdefault(pep503(entry["name"]), []).extend(
            pep503(d) for d in (deps if isinstance(deps, dict) else {}))
    names = [pep503(e["name"]) for e, _ in entries]
    roots = roots_by_heuristic(names, edges)
    paths = shortest_paths(edges, roots)
    display = {pep503(e["name"]): e["name"] for e, _ in entries}
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
        key = pep503(name)
        chain = paths.get(key, (key,))
        column = doc.lines.column_of(line, name)
        out.append(DeclaredPackage(
            purl=PYPI.purl(name, version), ecosystem="pypi", name=name, version=version,
            line=line, column=column, end_column=column + len(name),
            direct=key in roots, dependency_path=tuple(display.get(s, s) for s in chain), scope=scope,
        ))
    return out


class PoetryLockAnalyzer(ParserAnalyzer):
    name = "lockfile/poetry-lock"
    filenames = ("poetry.lock",)
    parse = staticmethod(parse)
