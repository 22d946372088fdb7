"""lockfile/uv-lock: uv.lock. The project and workspace members are entries whose source is
`virtual` or `editable`; their dependencies (and dev groups) are the direct ones, and the
`dependencies` tables of every entry give the graph."""

from __future__ import annotations

from typing import Any

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.toml import load_toml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PYPI, pep503

_LOCAL = ("virtual", "editable")


def _names(deps: Any) -> list[str]:
    return [pep503(d["name"]) for d in deps if isinstance(d, dict) and isinstance(d.get("name"), str)] \
        if isinstance(deps, list) else []


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_toml(path, text)
    entries = doc.entries(path, "package")
    edges: dict[str, list[str]] = {}
    roots: list[str] = []
    direct_scope: dict[str, str | None] = {}
    for entry, _ in entries:
        key = pep503(entry["name"])
        source = entry.get("source")
        local = isinstance(source, dict) and any(k in source for k in _LOCAL)
        if local:
            roots.append(key)
        targets = edges.setdefault(key, [])
        groups: list[tuple[str | None, Any]] = [(None, entry.get("dependencies"))]
        for table, scope in (("optional-dependencies", "optional"), ("dev-dependencies", None)):
            extra = entry.get(table)
            if isinstance(extra, dict):
                groups += [(scope or str(group), deps) for group, deps in extra.items()]
        for scope, deps in groups:
            for dep in _names(deps):
                targets.append(dep)
                if local and (dep not in direct_scope or direct_scope[dep] is not None):
                    direct_scope[dep] = scope
    paths = shortest_paths(edges, roots)
    display = {pep503(e["name"]): e["name"] for e, _ in entries}
    out: list[DeclaredPackage] = []
    for entry, line in entries:
        name = entry["name"]
        key = pep503(name)
        if key in roots:
            continue  # the project itself
        version = entry.get("version") if isinstance(entry.get("version"), str) else None
        column = doc.lines.column_of(line, name)
        out.append(DeclaredPackage(
            purl=PYPI.purl(name, version), ecosystem="pypi", name=name, version=version,
            line=line, column=column, end_column=column + len(name), direct=key in direct_scope,
            dependency_path=tuple(display.get(s, s) for s in paths.get(key, (key,))),
            scope=direct_scope.get(key),
        ))
    return out


class UvLockAnalyzer(ParserAnalyzer):
    name = "lockfile/uv-lock"
    filenames = ("uv.lock",)
    parse = staticmethod(parse)
