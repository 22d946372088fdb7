"""lockfile/uv-lock: uv.lock. The project and workspace members are entries whose source is
`virtual` or `editable`; their dependencies (and dev groups) are the direct ones, and the
`dependencies` tables of every entry give the graph."""

from __future__ import annotations

from typing import Any

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.support import (
    TomlLines,
    canonical_pypi,
    load_toml,
    pypi_purl,
    shortest_paths,
    toml_entries,
)

_LOCAL = ("virtual", "editable")


def _names(deps: Any) -> list[str]:
    return [canonical_pypi(d["name"]) for d in deps if isinstance(d, dict) and isinstance(d.get("name"), str)] \
        if isinstance(deps, list) else []


def parse(path: str, text: str) -> list[DeclaredPackage]:
    data = load_toml(path, text)
    lines = TomlLines(text)
    entries = toml_entries(path, data, lines, "package")
    edges: dict[str, list[str]] = {}
    roots: list[str] = []
    direct_scope: dict[str, str | None] = {}
    for entry, _ in entries:
        key = canonical_pypi(entry["name"])
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
    paths = shortest_paths(roots, edges)
    display = {canonical_pypi(e["name"]): e["name"] for e, _ in entries}
    out: list[DeclaredPackage] = []
    for entry, line in entries:
        name = entry["name"]
        key = canonical_pypi(name)
        if key in roots:
            continue  # the project itself
        version = entry.get("version") if isinstance(entry.get("version"), str) else None
        column = lines.map.column_of(line, name)
        out.append(DeclaredPackage(
            purl=pypi_purl(name, version), ecosystem="pypi", name=name, version=version,
            line=line, column=column, end_column=column + len(name), direct=key in direct_scope,
            dependency_path=tuple(display.get(s, s) for s in paths.get(key, (key,))),
            scope=direct_scope.get(key),
        ))
    return out


class UvLockAnalyzer(ParserAnalyzer):
    name = "lockfile/uv-lock"
    filenames = ("uv.lock",)
    parse = staticmethod(parse)
