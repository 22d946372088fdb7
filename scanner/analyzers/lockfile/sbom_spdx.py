"""lockfile/sbom-spdx: packages of an SPDX 2.x JSON SBOM given as input.

Each package's `externalRefs` entry of type `purl` is reported at the line of its locator.
Relationships (`DEPENDS_ON`, `DEPENDENCY_OF`, `CONTAINS`) from the described root give direct
dependencies and paths.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile._support.purl import declared_from_purl
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.errors import ParseError

_FORWARD = ("DEPENDS_ON", "CONTAINS", "DYNAMIC_LINK", "STATIC_LINK", "RUNTIME_DEPENDENCY_OF")
_BACKWARD = ("DEPENDENCY_OF", "CONTAINED_BY")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    doc = load_json(path, text)
    data = doc.data
    if not isinstance(data, dict) or not str(data.get("spdxVersion", "")).startswith("SPDX-"):
        return []
    packages = data.get("packages")
    packages = [] if packages is None else packages
    if not isinstance(packages, list):
        raise ParseError(f"{path}: packages must be an array")
    names = {str(p.get("SPDXID")): str(p.get("name", p.get("SPDXID"))) for p in packages if isinstance(p, dict)}
    roots = {str(r) for r in data.get("documentDescribes") or []}
    graph: dict[str, list[str]] = {}
    for rel in data.get("relationships") or []:
        if not isinstance(rel, dict):
            continue
        a, kind, b = str(rel.get("spdxElementId")), rel.get("relationshipType"), str(rel.get("relatedSpdxElement"))
        if kind == "DESCRIBES":
            roots.add(b)
        elif kind in _FORWARD:
            graph.setdefault(a, []).append(b)
        elif kind in _BACKWARD:
            graph.setdefault(b, []).append(a)
    roots &= set(names)
    paths = shortest_paths(graph, roots) if roots else {}
    direct = {c for r in roots for c in graph.get(r, ())}
    out: list[DeclaredPackage] = []
    for i, pkg in enumerate(packages):
        if not isinstance(pkg, dict):
            raise ParseError(f"{path}: a package entry is not an object")
        ident = str(pkg.get("SPDXID"))
        if ident in roots:
            continue
        for j, ref in enumerate(pkg.get("externalRefs") or []):
            if not isinstance(ref, dict) or ref.get("referenceType") != "purl":
                continue
            locator = ref.get("referenceLocator")
            offset = doc.string("packages", i, "externalRefs", j, "referenceLocator")
            if not isinstance(locator, str) or offset is None:
                continue
            chain = tuple(names.get(p, p) for p in paths.get(ident, ()))
            found = declared_from_purl(locator, offset, doc.lines, (ident in direct) if paths else None, chain)
            if found is not None:
                out.append(found)
    return out


class SpdxAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/sbom-spdx"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("sbom.json",)
    patterns: ClassVar[tuple[str, ...]] = ("*.spdx.json", "*.sbom.json", "*spdx*.json")
    parse = staticmethod(parse)
