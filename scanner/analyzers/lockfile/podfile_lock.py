"""lockfile/podfile-lock: CocoaPods `Podfile.lock` (YAML), with subspecs and the dependency graph.

`PODS` lists every resolved pod (`Name (1.2.3)`, optionally with its own dependencies), and
`DEPENDENCIES` what the Podfile asked for: those are direct; paths follow the PODS graph.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.yaml import load_yaml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import COCOAPODS
from scanner.errors import ParseError

_ENTRY = re.compile(r"^\s*(?P<name>[^\s(]+)(?:\s*\((?P<spec>[^)]*)\))?\s*$")


def split_entry(entry: str) -> tuple[str, str | None]:
    """`Name (1.2.3)` / `Name (= 1.2.3)` / `Name (from `url`)` -> (name, text in parentheses)."""
    m = _ENTRY.match(entry)
    if m is None:
        return entry.strip(), None
    return m.group("name"), m.group("spec")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_yaml(path, text)
    data, lines = doc.data, doc.lines
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("PODS"), list):
        raise ParseError(f"{path}: no PODS list; not a Podfile.lock")
    pods: list[tuple[str, str | None, int]] = []  # name, version, offset
    graph: dict[str, list[str]] = {}
    for i, entry in enumerate(data["PODS"]):
        deps: list[Any] = []
        if isinstance(entry, dict) and len(entry) == 1:
            key, deps = next(iter(entry.items()))
            offset = doc.offset("PODS", i, key)
            if not isinstance(deps, list):
                raise ParseError(f"{path}: line {lines.line(offset or 0)}: dependencies must be a list")
        elif isinstance(entry, str):
            key, offset = entry, doc.offset("PODS", i)
        else:
            raise ParseError(f"{path}: unexpected PODS entry {entry!r}")
        name, version = split_entry(str(key))
        pods.append((name, version, offset or 0))
        graph[name] = [split_entry(str(d))[0] for d in deps]
        root = name.split("/", 1)[0]
        if "/" in name:  # a subspec is reached through its root pod
            graph.setdefault(root, []).append(name)
    direct = {split_entry(str(d))[0] for d in data.get("DEPENDENCIES") or []}
    paths = shortest_paths(graph, direct)
    out: list[DeclaredPackage] = []
    for name, version, offset in pods:
        line = lines.line(offset)
        path_ = paths.get(name, ())
        out.append(DeclaredPackage(
            purl=COCOAPODS.purl(name, version), ecosystem="cocoapods", name=name, version=version, line=line,
            column=lines.column(offset), end_column=lines.column(offset) + len(name), direct=name in direct,
            dependency_path=path_))
    return out


class PodfileLockAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/podfile-lock"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Podfile.lock",)
    parse = staticmethod(parse)
