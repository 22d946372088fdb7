"""lockfile/composer-lock: PHP `composer.lock`, with the dependency graph.

`packages` / `packages-dev` list every installed package with its own `require`. The lock does not
name the root's requirements, so direct is unknown; the chain from a package nothing else
requires is given as the path.
"""

from __future__ import annotations

from typing import Any, ClassVar

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import COMPOSER
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    doc = load_json(path, text)
    data, lines = doc.data, doc.lines
    if not isinstance(data, dict):
        raise ParseError(f"{path}: composer.lock must be an object")
    entries: list[tuple[dict[str, Any], str | None, int]] = []  # package, scope, offset of its name
    for section, scope in (("packages", None), ("packages-dev", "dev")):
        pkgs = data.get(section)
        pkgs = [] if pkgs is None else pkgs
        if not isinstance(pkgs, list):
            raise ParseError(f"{path}: {section} must be an array")
        for i, pkg in enumerate(pkgs):
            offset = doc.string(section, i, "name")
            if not isinstance(pkg, dict) or not isinstance(pkg.get("name"), str) or offset is None:
                raise ParseError(f"{path}: a {section} entry without a name")
            entries.append((pkg, scope, offset))
    names = {str(p["name"]).lower() for p, _, _ in entries}
    graph: dict[str, list[str]] = {}
    required: set[str] = set()
    for pkg, _, _ in entries:
        reqs: Any = pkg.get("require") or {}
        children = [r.lower() for r in reqs if r.lower() in names] if isinstance(reqs, dict) else []
        graph[str(pkg["name"]).lower()] = children
        required.update(children)
    paths = shortest_paths(graph, names - required)
    out: list[DeclaredPackage] = []
    for pkg, scope, offset in entries:
        name: str = pkg["name"]
        version = str(pkg.get("version", "")).removeprefix("v") or None
        chain = paths.get(name.lower(), ())
        out.append(DeclaredPackage(
            purl=COMPOSER.purl(name, version), ecosystem="composer", name=name, version=version,
            line=lines.line(offset), column=lines.column(offset), end_column=lines.column(offset) + len(name) + 2,
            dependency_path=chain if len(chain) > 1 else (), scope=scope))
    return out


class ComposerLockAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/composer-lock"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("composer.lock",)
    parse = staticmethod(parse)
