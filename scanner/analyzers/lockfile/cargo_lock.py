"""lockfile/cargo-lock: Rust `Cargo.lock` (format versions 1-4), with the dependency graph.

Packages without `source` are the workspace's own crates: the graph roots. Their dependencies are
direct; paths follow the `dependencies = ["name", "name version", "name version (source)"]` edges.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.toml import load_toml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import CARGO
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_toml(path, text)
    packages = doc.data.get("package", [])
    if not isinstance(packages, list) or not all(isinstance(p, dict) for p in packages):
        raise ParseError(f"{path}: [[package]] must be an array of tables")
    ids: list[str] = []
    by_name: dict[str, list[str]] = {}
    for i, pkg in enumerate(packages):
        if not isinstance(pkg.get("name"), str) or not isinstance(pkg.get("version"), str):
            raise ParseError(f"{path}: package #{i + 1} needs name and version")
        ident = f"{pkg['name']} {pkg['version']}"
        ids.append(ident)
        by_name.setdefault(pkg["name"], []).append(ident)
    graph: dict[str, list[str]] = {}
    for ident, pkg in zip(ids, packages, strict=True):
        edges = []
        for dep in pkg.get("dependencies", []):
            parts = str(dep).split(" ")
            target = f"{parts[0]} {parts[1]}" if len(parts) > 1 else (by_name.get(parts[0]) or [parts[0]])[0]
            edges.append(target)
        graph[ident] = edges
    roots = [ident for ident, pkg in zip(ids, packages, strict=True) if "source" not in pkg]
    paths = shortest_paths(graph, roots)
    direct_ids = {d for r in roots for d in graph.get(r, ())}
    out: list[DeclaredPackage] = []
    for i, (ident, pkg) in enumerate(zip(ids, packages, strict=True)):
        if ident in roots:
            continue
        line = doc.keys.get(("package", i, "name")) or doc.tables.get(("package", i), 1)
        chain = tuple(p.split(" ", 1)[0] for p in paths.get(ident, ()))
        out.append(DeclaredPackage(
            purl=CARGO.purl(pkg["name"], pkg["version"]), ecosystem="cargo", name=pkg["name"],
            version=pkg["version"], line=line, column=1, end_column=len(f'name = "{pkg["name"]}"') + 1,
            direct=ident in direct_ids if roots else None, dependency_path=chain))
    return out


class CargoLockAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/cargo-lock"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Cargo.lock",)
    parse = staticmethod(parse)
