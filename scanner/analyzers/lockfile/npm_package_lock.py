"""lockfile/npm-package-lock: package-lock.json and npm-shrinkwrap.json, lockfile versions 1, 2 and 3.

v2/v3 list every installed folder under `packages` (`node_modules/a/node_modules/b`), so the graph
is rebuilt with Node's resolution (nearest `node_modules` upwards) from the root and the workspace
folders. v1 only has the nested `dependencies` tree and does not say what the root itself
requires: a package nobody requires is taken as direct, any other as transitive.
"""

from __future__ import annotations

from typing import Any

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.json import JsonDoc, load_json
from scanner.analyzers.lockfile._support.shapes import display_name
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import NPM
from scanner.errors import ParseError

_DEP_KEYS = ("dependencies", "optionalDependencies", "peerDependencies", "devDependencies")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_json(path, text)
    data = doc.data
    if not isinstance(data, dict):
        raise ParseError(f"{path}: lockfile is a {type(data).__name__}, expected an object")
    root = display_name(data.get("name"), "(root)")
    packages = data.get("packages")
    if isinstance(packages, dict) and packages:
        return _parse_packages(path, packages, doc, root)
    deps = data.get("dependencies")
    if deps is None:
        return []
    if not isinstance(deps, dict):
        raise ParseError(f"{path}: 'dependencies' is a {type(deps).__name__}, expected an object")
    return _parse_v1(path, deps, doc, root)


def _name_of(key: str, entry: dict[str, Any]) -> str:
    name = entry.get("name")
    if isinstance(name, str) and name and "node_modules/" in key:
        return name  # an alias: the folder name differs from the package
    idx = key.rfind("node_modules/")
    return key[idx + len("node_modules/"):] if idx >= 0 else (name if isinstance(name, str) and name else key)


def _resolve(packages: dict[str, Any], start: str, dep: str) -> str | None:
    base = start
    while True:
        candidate = f"{base}/node_modules/{dep}" if base else f"node_modules/{dep}"
        if candidate in packages:
            return candidate
        if not base:
            return None
        cut = base.rfind("/node_modules/")
        base = base[:cut] if cut >= 0 else ""


def _target(packages: dict[str, Any], key: str) -> str:
    """Follow a workspace link (`node_modules/web` -> `packages/web`)."""
    entry = packages.get(key)
    if isinstance(entry, dict) and entry.get("link") and isinstance(entry.get("resolved"), str):
        return str(entry["resolved"])
    return key


def _parse_packages(path: str, packages: dict[str, Any], doc: JsonDoc, root: str) -> list[DeclaredPackage]:
    edges: dict[str, list[str]] = {}
    workspaces = {""}
    for key, entry in packages.items():
        if not isinstance(entry, dict):
            raise ParseError(f"{path}: packages[{key!r}] is a {type(entry).__name__}, expected an object")
        if entry.get("link") and isinstance(entry.get("resolved"), str):
            workspaces.add(str(entry["resolved"]))
    for key, entry in packages.items():
        own = key in workspaces or "node_modules/" not in key
        kinds = _DEP_KEYS if own else _DEP_KEYS[:3]
        targets: list[str] = []
        for kind in kinds:
            deps = entry.get(kind)
            if isinstance(deps, dict):
                for dep in deps:
                    found = _resolve(packages, key, dep)
                    if found is not None:
                        targets.append(_target(packages, found))
        edges[key] = targets
    # The root owns its workspace folders even though it does not list them as dependencies.
    edges[""] = [*sorted(workspaces - {""}), *edges.get("", [])]
    paths = shortest_paths(edges, [""])
    out: list[DeclaredPackage] = []
    for key, entry in packages.items():
        if "node_modules/" not in key or entry.get("link"):
            continue  # the root, workspace folders and links to them are the project itself
        name = _name_of(key, entry)
        version = entry.get("version") if isinstance(entry.get("version"), str) else None
        pos = doc.key_position("packages", key)
        assert pos is not None
        chain = paths.get(key)
        labels = _labels(chain, packages, root) if chain else (name,)  # extraneous: nothing requires it
        direct = any(parent in workspaces and key in edges.get(parent, ()) for parent in workspaces)
        scope = "dev" if entry.get("dev") else ("optional" if entry.get("optional") else None)
        col = pos[1] + key.rfind(name) if key.endswith(name) else pos[1]
        out.append(DeclaredPackage(
            purl=NPM.purl(name, version), ecosystem="npm", name=name, version=version,
            line=pos[0], column=col, end_column=col + len(name),
            direct=direct, dependency_path=labels, scope=scope,
        ))
    return out


def _labels(chain: tuple[str, ...], packages: dict[str, Any], root: str) -> tuple[str, ...]:
    out = []
    for key in chain:
        found = packages.get(key)
        entry: dict[str, Any] = found if isinstance(found, dict) else {}
        if key == "":
            out.append(root)
        elif "node_modules/" not in key:
            name = entry.get("name") if isinstance(entry.get("name"), str) else None
            out.append(name or key.rsplit("/", 1)[-1])
        else:
            out.append(_name_of(key, entry))
    return tuple(out)


def _parse_v1(path: str, deps: dict[str, Any], doc: JsonDoc, root: str) -> list[DeclaredPackage]:
    # Nodes are key paths into the nested tree: ("dependencies", "a", "dependencies", "b").
    nodes: dict[tuple[str, ...], dict[str, Any]] = {}

    def walk(tree: dict[str, Any], prefix: tuple[str, ...], depth: int) -> None:
        if depth > 200:
            raise ParseError(f"{path}: dependency tree nested deeper than 200 levels")
        for name, entry in tree.items():
            if not isinstance(entry, dict):
                raise ParseError(f"{path}: dependency {name!r} is a {type(entry).__name__}, expected an object")
            key = (*prefix, "dependencies", name)
            nodes[key] = entry
            sub = entry.get("dependencies")
            if isinstance(sub, dict):
                walk(sub, key, depth + 1)

    walk(deps, (), 0)

    def resolve(start: tuple[str, ...], dep: str) -> tuple[str, ...] | None:
        base = start
        while True:
            candidate = (*base, "dependencies", dep)
            if candidate in nodes:
                return candidate
            if not base:
                return None
            base = base[:-2]

    edges: dict[str, list[str]] = {}
    required: set[tuple[str, ...]] = set()
    for key, entry in nodes.items():
        requires = entry.get("requires")
        targets: list[str] = []
        if isinstance(requires, dict):
            for dep in requires:
                found = resolve(key, dep)
                if found is not None:
                    required.add(found)
                    targets.append("\0".join(found))
        edges["\0".join(key)] = targets
    tops = [k for k in nodes if len(k) == 2 and k not in required]
    edges[""] = ["\0".join(k) for k in tops]
    paths = shortest_paths(edges, [""])
    out: list[DeclaredPackage] = []
    for key, entry in nodes.items():
        name = key[-1]
        version = entry.get("version") if isinstance(entry.get("version"), str) else None
        if version and version.startswith(("npm:",)):  # alias: "npm:real@1.0.0"
            name, version = version[4:].rsplit("@", 1)
        elif version and ("/" in version or ":" in version):
            version = None  # a git/file/URL reference, not a registry version
        pos = doc.key_position(*key)
        assert pos is not None
        chain = paths.get("\0".join(key), ("", "\0".join(key)))
        labels = (root, *(step.rsplit("\0", 1)[-1] for step in chain[1:]))
        scope = "dev" if entry.get("dev") else ("optional" if entry.get("optional") else None)
        out.append(DeclaredPackage(
            purl=NPM.purl(name, version), ecosystem="npm", name=name, version=version,
            line=pos[0], column=pos[1], end_column=pos[1] + len(key[-1]),
            direct=key in tops, dependency_path=labels, scope=scope,
        ))
    return out


class NpmPackageLockAnalyzer(ParserAnalyzer):
    name = "lockfile/npm-package-lock"
    filenames = ("package-lock.json", "npm-shrinkwrap.json")
    parse = staticmethod(parse)
