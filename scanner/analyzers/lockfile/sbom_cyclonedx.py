"""lockfile/sbom-cyclonedx: components of a CycloneDX JSON SBOM given as input.

Every component (nested ones too) with a `purl` is reported at the line of its purl. When the
SBOM has a `dependencies` graph and a `metadata.component`, the root's `dependsOn` are direct
and paths follow the graph from the root.
"""

from __future__ import annotations

from typing import Any, ClassVar

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile._support.lines import KeyPath
from scanner.analyzers.lockfile._support.purl import declared_from_purl
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.errors import ParseError


def _components(items: Any, where: KeyPath, out: list[tuple[dict[str, Any], KeyPath]]) -> None:
    """Every component, nested ones too, with its path in the document."""
    if not isinstance(items, list):
        return
    for i, item in enumerate(items):
        if isinstance(item, dict):
            out.append((item, (*where, i)))
            _components(item.get("components"), (*where, i, "components"), out)


def _display(comp: dict[str, Any]) -> str:
    name, group = str(comp.get("name", comp.get("bom-ref"))), comp.get("group")
    if not group:
        return name
    return f"{group}/{name}" if str(group).startswith("@") else f"{group}:{name}"


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    doc = load_json(path, text)
    data = doc.data
    if not isinstance(data, dict) or data.get("bomFormat") != "CycloneDX":
        return []  # another JSON document with a generic SBOM-like name
    found: list[tuple[dict[str, Any], KeyPath]] = []
    _components(data.get("components"), ("components",), found)
    components = [comp for comp, _ in found]
    meta = data.get("metadata")
    root = meta.get("component") if isinstance(meta, dict) else None
    root_ref = str(root.get("bom-ref")) if isinstance(root, dict) and root.get("bom-ref") else None
    names = {str(c.get("bom-ref")): _display(c) for c in components if c.get("bom-ref")}
    if root_ref and isinstance(root, dict):
        names[root_ref] = str(root.get("name", root_ref))
    graph: dict[str, list[str]] = {}
    deps = data.get("dependencies")
    deps = [] if deps is None else deps
    if not isinstance(deps, list):
        raise ParseError(f"{path}: dependencies must be an array")
    for dep in deps:
        if isinstance(dep, dict) and dep.get("ref"):
            graph[str(dep["ref"])] = [str(d) for d in dep.get("dependsOn") or []]
    paths = shortest_paths(graph, [root_ref]) if root_ref and root_ref in graph else {}
    direct_refs = set(graph.get(root_ref, ())) if root_ref else set()
    out: list[DeclaredPackage] = []
    for comp, where in found:
        purl = comp.get("purl")
        offset = doc.string(*where, "purl")
        if not isinstance(purl, str) or offset is None:
            continue
        ref = str(comp.get("bom-ref", ""))
        chain = tuple(names.get(p, p) for p in paths.get(ref, ()))
        scope = comp.get("scope") if isinstance(comp.get("scope"), str) else None
        pkg = declared_from_purl(purl, offset, doc.lines, (ref in direct_refs) if paths else None, chain, scope)
        if pkg is not None:
            out.append(pkg)
    return out


class CycloneDxAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/sbom-cyclonedx"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("bom.json", "sbom.json")
    patterns: ClassVar[tuple[str, ...]] = ("*.cdx.json", "*.bom.json", "*.sbom.json", "*cyclonedx*.json")
    parse = staticmethod(parse)
