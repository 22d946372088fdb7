"""lockfile/pdm-lock: pdm.lock. Like poetry.lock it does not list the project's own requirements:
a package nobody requires is taken as direct, any other as transitive."""

from __future__ import annotations

from scanner.analyzers.lockfile._support.graph import roots_by_heuristic, shortest_paths
from scanner.analyzers.lockfile._support.toml import load_toml
from scanner.analyzers.lockfile._support.versions import parse_pep508
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PYPI, pep503


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_toml(path, text)
    entries = doc.entries(path, "package")
    edges: dict[str, list[str]] = {}
    for entry, line in entries:
        deps = entry.get("dependencies")
        targets = edges.setdefault(pep503(entry["name"]), [])
        for dep in deps if isinstance(deps, list) else []:
            if isinstance(dep, str):
                targets.append(pep503(parse_pep508(path, line, dep)[0]))
    names = [pep503(e["name"]) for e, _ in entries]
    roots = roots_by_heuristic(names, edges)
    paths = shortest_paths(edges, roots)
    display = {pep503(e["name"]): e["name"] for e, _ in entries}
    out: list[DeclaredPackage] = []
    for entry, line in entries:
        name = entry["name"]
        version = entry.get("version") if isinstance(entry.get("version"), str) else None
        groups = entry.get("groups")
        scope = None
        if isinstance(groups, list) and "default" not in groups:
            scope = ",".join(str(g) for g in groups)
        key = pep503(name)
        column = doc.lines.column_of(line, name)
        out.append(DeclaredPackage(
            purl=PYPI.purl(name, version), ecosystem="pypi", name=name, version=version,
            line=line, column=column, end_column=column + len(name), direct=key in roots,
            dependency_path=tuple(display.get(s, s) for s in paths.get(key, (key,))), scope=scope,
        ))
    return out


class PdmLockAnalyzer(ParserAnalyzer):
    name = "lockfile/pdm-lock"
    filenames = ("pdm.lock",)
    parse = staticmethod(parse)
