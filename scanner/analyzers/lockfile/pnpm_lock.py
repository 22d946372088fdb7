"""lockfile/pnpm-lock: pnpm-lock.yaml, lockfile versions 5.x, 6.0 and 9.0 (single projects and workspaces).

Importers (`.` and each workspace folder) list their direct dependencies; `packages` (and, since
v9, `snapshots`) hold the graph. Package keys are `/name/1.0.0` (v5), `/name@1.0.0(peer@2)` (v6)
and `name@1.0.0` (v9); peer suffixes are dropped for the purl.
"""

from __future__ import annotations

import re

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.yaml import load_yaml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import NPM
from scanner.errors import ParseError

_IMPORTER_SECTIONS = (("dependencies", None), ("devDependencies", "dev"), ("optionalDependencies", "optional"))
_PEER_SUFFIX = re.compile(r"\(.*\)$")


def split_key(key: str) -> tuple[str, str | None]:
    """A package key to (name, version), for every lockfile version."""
    body = key[1:] if key.startswith("/") else key
    body = _PEER_SUFFIX.sub("", body)
    scope = ""
    if body.startswith("@") and "/" in body:
        scope, body = body.split("/", 1)
        scope += "/"
    slash, at = body.find("/"), body.find("@")
    if slash != -1 and (at == -1 or slash < at):  # v5: name/1.0.0 or name/1.0.0_peer@2
        name, _, version = body.partition("/")
        return scope + name, (version.split("_", 1)[0] or None)
    if at > 0:
        return scope + body[:at], body[at + 1:] or None
    return scope + body, None


def _node(name: str, ref: str) -> str | None:
    """The node id a dependency reference points to (`1.0.0(peer)` or a full key for aliases)."""
    if ref.startswith(("link:", "file:", "workspace:")):
        return None
    ref = _PEER_SUFFIX.sub("", ref)
    if ref.startswith("/") or ("@" in ref[1:] and not ref[0].isdigit()):
        n, v = split_key(ref)
        return f"{n}@{v}"
    return f"{name}@{ref.split('_', 1)[0]}"


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_yaml(path, text)
    data = doc.data
    if data is None:
        return []
    if not isinstance(data, dict):
        raise ParseError(f"{path}: pnpm-lock.yaml is a {type(data).__name__}, expected a mapping")
    importers = data.get("importers")
    if not isinstance(importers, dict):
        importers = {".": {k: data.get(k) for k, _ in _IMPORTER_SECTIONS}}  # a single project
    packages = data.get("packages") or {}
    snapshots = data.get("snapshots") or {}
    if not isinstance(packages, dict) or not isinstance(snapshots, dict):
        raise ParseError(f"{path}: 'packages'/'snapshots' must be mappings")

    # the root importer owns the workspace folders: paths read `. > packages/web > dep`
    edges: dict[str, list[str]] = {"": ["." if "." in importers else str(next(iter(importers), "."))]}
    direct: dict[str, str | None] = {}
    for imp, body in importers.items():
        if not isinstance(body, dict):
            raise ParseError(f"{path}: importer {imp!r} is a {type(body).__name__}, expected a mapping")
        targets: list[str] = []
        for section, scope in _IMPORTER_SECTIONS:
            deps = body.get(section)
            if not isinstance(deps, dict):
                continue
            for name, ref in deps.items():
                version = ref.get("version") if isinstance(ref, dict) else ref
                if not isinstance(version, str):
                    continue
                if version.startswith("link:"):
                    target = _workspace(str(imp), version[5:])
                    if target in importers:
                        targets.append(target)
                    continue
                node = _node(str(name), version)
                if node is not None:
                    targets.append(node)
                    if node not in direct or direct[node] is not None:
                        direct[node] = scope
        edges.setdefault(str(imp), []).extend(targets)
        if imp != ".":
            edges.setdefault(".", []).append(str(imp))
    for table in (packages, snapshots):
        for key, body in table.items():
            if not isinstance(body, dict):
                continue
            n, v = split_key(str(key))
            targets = edges.setdefault(f"{n}@{v}", [])
            for section in ("dependencies", "optionalDependencies"):
                deps = body.get(section)
                if isinstance(deps, dict):
                    for dep, ref in deps.items():
                        node = _node(str(dep), str(ref))
                        if node is not None:
                            targets.append(node)
    paths = shortest_paths(edges, [""])
    out: list[DeclaredPackage] = []
    seen: set[str] = set()
    for key, body in packages.items():
        name, version = split_key(str(key))
        node = f"{name}@{version}"
        if node in seen:
            continue
        seen.add(node)
        offset = doc.offset("packages", key)
        if offset is None:  # pragma: no cover
            raise ParseError(f"{path}: cannot locate package {key!r}")
        line = doc.lines.line(offset)
        chain = paths.get(node)
        labels = tuple(split_key(step)[0] if step not in importers else step for step in chain[1:]) if chain \
            else (name,)
        scope = direct.get(node)
        if scope is None and isinstance(body, dict) and body.get("dev") is True:
            scope = "dev"
        col = doc.lines.column_of(line, name)
        out.append(DeclaredPackage(
            purl=NPM.purl(name, version), ecosystem="npm", name=name, version=version,
            line=line, column=col, end_column=col + len(name),
            direct=node in direct, dependency_path=labels, scope=scope,
        ))
    return out


def _workspace(importer: str, rel: str) -> str:
    parts = [] if importer == "." else importer.split("/")
    for piece in rel.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts) or "."


class PnpmLockAnalyzer(ParserAnalyzer):
    name = "lockfile/pnpm-lock"
    filenames = ("pnpm-lock.yaml",)
    parse = staticmethod(parse)
