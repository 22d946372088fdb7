"""lockfile/bun-lock: bun.lock, bun's text lockfile (JSONC with trailing commas; bun >= 1.1.39).

`workspaces` holds each workspace's declared dependencies; `packages` maps an install path
(`a`, or `a/b` when `b` is nested under `a`) to `[name@version, registry, {dependencies}, integrity]`.
The binary `bun.lockb` is not read.
"""

from __future__ import annotations

from typing import Any

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.npm_package_json import SECTIONS
from scanner.ecosystems import NPM
from scanner.errors import ParseError


def _split(ident: str) -> tuple[str, str]:
    at = ident.find("@", 1)
    return (ident, "") if at == -1 else (ident[:at], ident[at + 1:])


def _resolve(packages: dict[str, Any], start: str, dep: str) -> str | None:
    base = start
    while True:
        candidate = f"{base}/{dep}" if base else dep
        if candidate in packages:
            return candidate
        if not base:
            return None
        # drop the last package name (two segments when scoped)
        parts = base.split("/")
        cut = 2 if len(parts) >= 2 and parts[-2].startswith("@") else 1
        base = "/".join(parts[:-cut])


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_json(path, text, jsonc=True)
    data = doc.data
    if not isinstance(data, dict):
        raise ParseError(f"{path}: bun.lock is a {type(data).__name__}, expected an object")
    workspaces = data.get("workspaces") or {}
    packages = data.get("packages") or {}
    if not isinstance(workspaces, dict) or not isinstance(packages, dict):
        raise ParseError(f"{path}: 'workspaces' and 'packages' must be objects")
    ws_node = {key: f"ws:{key}" for key in workspaces}
    edges: dict[str, list[str]] = {"": ["ws:"] if "" in workspaces else list(ws_node.values())}
    direct: dict[str, str | None] = {}
    for key, body in workspaces.items():
        if not isinstance(body, dict):
            raise ParseError(f"{path}: workspace {key!r} is a {type(body).__name__}, expected an object")
        targets = edges.setdefault(ws_node[key], [])
        if key != "":
            edges.setdefault("ws:", []).append(ws_node[key])
        for section, scope in SECTIONS:
            deps = body.get(section)
            if isinstance(deps, dict):
                for dep in deps:
                    found = _resolve(packages, "", dep)
                    if found is not None:
                        targets.append(found)
                        direct.setdefault(found, scope)
    entries: dict[str, tuple[str, str]] = {}
    for key, value in packages.items():
        if not isinstance(value, list) or not value or not isinstance(value[0], str):
            raise ParseError(f"{path}: packages[{key!r}] is not a [name@version, ...] array")
        name, version = _split(value[0])
        entries[key] = (name, version)
        meta = next((v for v in value[1:] if isinstance(v, dict)), {})
        targets = edges.setdefault(key, [])
        for section in ("dependencies", "optionalDependencies", "peerDependencies"):
            deps = meta.get(section)
            if isinstance(deps, dict):
                for dep in deps:
                    found = _resolve(packages, key, dep)
                    if found is not None:
                        targets.append(found)
    paths = shortest_paths(edges, [""])
    out: list[DeclaredPackage] = []
    for key, (name, version) in entries.items():
        if version.startswith("workspace:"):
            continue  # the project's own workspace member
        registry_version = version if version and not any(c in version for c in ":/") else None
        pos = doc.key_position("packages", key)
        assert pos is not None
        chain = paths.get(key)
        labels = tuple(_label(step, workspaces, entries) for step in chain[1:]) if chain else (name,)
        out.append(DeclaredPackage(
            purl=NPM.purl(name, registry_version), ecosystem="npm", name=name, version=registry_version,
            line=pos[0], column=pos[1], end_column=pos[1] + len(key),
            direct=key in direct, dependency_path=labels, scope=direct.get(key),
        ))
    return out


def _label(step: str, workspaces: dict[str, Any], entries: dict[str, tuple[str, str]]) -> str:
    if step.startswith("ws:"):
        key = step[3:]
        body = workspaces.get(key)
        name = body.get("name") if isinstance(body, dict) else None
        return name if isinstance(name, str) and name else (key or "(root)")
    return entries[step][0] if step in entries else step


class BunLockAnalyzer(ParserAnalyzer):
    name = "lockfile/bun-lock"
    filenames = ("bun.lock",)
    parse = staticmethod(parse)
