"""lockfile/nuget-lock: NuGet `packages.lock.json`, per target framework, with the graph.

Each package has `type` (Direct, Transitive, CentralTransitive, Project), `resolved` version and
`dependencies` (name -> range): direct packages are the roots and paths follow those edges.
A package appearing under several frameworks is reported once, at its first entry.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import NUGET
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    doc = load_json(path, text)
    data, lines = doc.data, doc.lines
    if not isinstance(data, dict) or not isinstance(data.get("dependencies"), dict):
        raise ParseError(f"{path}: not a packages.lock.json (no dependencies object)")
    out: list[DeclaredPackage] = []
    seen: set[tuple[str, str | None]] = set()
    for framework, packages in data["dependencies"].items():
        if not isinstance(packages, dict):
            raise ParseError(f"{path}: framework {framework!r} must map to an object")
        graph = {n.lower(): [d.lower() for d in (p.get("dependencies") or {})]
                 for n, p in packages.items() if isinstance(p, dict)}
        roots = {n.lower() for n, p in packages.items() if isinstance(p, dict) and p.get("type") == "Direct"}
        paths = shortest_paths(graph, roots)
        names = {n.lower(): n for n in packages}
        for name, info in packages.items():
            if not isinstance(info, dict):
                raise ParseError(f"{path}: package {name!r} must be an object")
            kind = info.get("type")
            if kind == "Project":
                continue
            version = str(info["resolved"]) if info.get("resolved") is not None else None
            if (name.lower(), version) in seen:
                continue
            seen.add((name.lower(), version))
            offset = doc.key("dependencies", framework, name)
            assert offset is not None
            chain = tuple(names.get(p, p) for p in paths.get(name.lower(), ()))
            out.append(DeclaredPackage(
                purl=NUGET.purl(name, version), ecosystem="nuget", name=name, version=version,
                line=lines.line(offset), column=lines.column(offset), end_column=lines.column(offset) + len(name) + 2,
                direct=kind == "Direct", dependency_path=chain, scope=str(framework)))
    return out


class NugetLockAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/nuget-lock"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("packages.lock.json",)
    parse = staticmethod(parse)
