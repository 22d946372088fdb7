"""lockfile/yarn-lock: yarn.lock, classic (v1, yarn's own format) and berry (v2+, YAML).

Berry records the workspaces (`name@workspace:path`) with their dependencies, so direct packages and
paths are exact. Classic does not record what the root requires: a package no other entry depends
on is taken as direct, any other as transitive, and paths start at those.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from scanner.analyzers.interface import FileInput
from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.yaml import load_yaml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import NPM
from scanner.errors import ParseError
from scanner.model import Fact, SkipReason

_CLASSIC_MARK = "# yarn lockfile v1"


def descriptor_name(descriptor: str) -> str:
    """`@scope/name@npm:^1.0` -> `@scope/name`."""
    at = descriptor.find("@", 1)
    return descriptor if at == -1 else descriptor[:at]


def parse(path: str, text: str, problems: list[str] | None = None) -> list[DeclaredPackage]:
    """`problems`, when given, receives the classic entries left out because a line of theirs is malformed."""
    if not text.strip():
        return []
    if _CLASSIC_MARK in text[:500] or not re.search(r"^__metadata:", text, re.M):
        return _parse_classic(path, text, problems if problems is not None else [])
    return _parse_berry(path, text)


# -- classic --------------------------------------------------------------------------------------

_VALUE = re.compile(r'^\s+("(?:[^"\\]|\\.)*"|[^\s"]+)\s+("(?:[^"\\]|\\.)*"|\S+)\s*$')


def _unquote(value: str) -> str:
    if value.startswith('"'):
        try:
            return str(json.loads(value))
        except ValueError as exc:
            raise ParseError(f"bad quoted string {value!r}") from exc
    return value


def _split_descriptors(header: str) -> list[str]:
    out: list[str] = []
    for part in re.findall(r'"(?:[^"\\]|\\.)*"|[^,\s]+', header):
        out.append(_unquote(part))
    return out


def _parse_classic(path: str, text: str, problems: list[str]) -> list[DeclaredPackage]:
    """A malformed line costs its entry only (that entry is left out, with a problem); a file
    without one readable entry is a ParseError."""
    entries: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    section: str | None = None
    skipping = False  # inside an entry already left out
    first_error: ParseError | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if skipping and indent > 0:
            continue
        skipping = False
        try:
            if indent == 0:
                if not line.endswith(":"):
                    raise ParseError(f"{path}:{number}: expected an entry header ending in ':', got {line[:80]!r}")
                descriptors = _split_descriptors(line[:-1])
                if not descriptors:
                    raise ParseError(f"{path}:{number}: empty entry header")
                current = {"descriptors": descriptors, "line": number, "deps": {}, "optional": set()}
                entries.append(current)
                section = None
            elif current is None:
                raise ParseError(f"{path}:{number}: indented line outside any entry")
            elif indent <= 2:
                stripped = line.strip()
                if stripped.endswith(":") and " " not in stripped:
                    section = stripped[:-1]
                    continue
                section = None
                m = _VALUE.match(line)
                if m is None:
                    raise ParseError(f"{path}:{number}: cannot read {line.strip()[:80]!r}")
                current[_unquote(m.group(1))] = _unquote(m.group(2))
            elif section in ("dependencies", "optionalDependencies"):
                m = _VALUE.match(line)
                if m is None:
                    raise ParseError(f"{path}:{number}: cannot read dependency {line.strip()[:80]!r}")
                dep = _unquote(m.group(1))
                current["deps"][dep] = _unquote(m.group(2))
        except ParseError as exc:
            error = exc if str(exc).startswith(path) else ParseError(f"{path}:{number}: {exc}")
            first_error = first_error or error
            if current is not None and entries and entries[-1] is current:
                entries.pop()
            problems.append(f"{error}".removeprefix(f"{path}:") + "; that entry is left out")
            current, section, skipping = None, None, True
    if not entries and first_error is not None:
        raise first_error
    by_descriptor: dict[str, int] = {}
    for i, entry in enumerate(entries):
        for desc in entry["descriptors"]:
            by_descriptor[desc] = i
    edges: dict[str, list[str]] = {}
    required: set[int] = set()
    for i, entry in enumerate(entries):
        targets = []
        for dep, rng in entry["deps"].items():
            j = by_descriptor.get(f"{dep}@{rng}")
            if j is not None:
                required.add(j)
                targets.append(str(j))
        edges[str(i)] = targets
    tops = [i for i in range(len(entries)) if i not in required]
    edges[""] = [str(i) for i in tops]
    paths = shortest_paths(edges, [""])
    out: list[DeclaredPackage] = []
    for i, entry in enumerate(entries):
        name = descriptor_name(entry["descriptors"][0])
        version = entry.get("version")
        chain = paths.get(str(i), ("", str(i)))
        labels = tuple(descriptor_name(entries[int(step)]["descriptors"][0]) for step in chain[1:])
        out.append(_package(name, version, entry["line"], 1, i in tops, labels))
    return out


def _package(name: str, version: Any, line: int, column: int, direct: bool,
             labels: tuple[str, ...], scope: str | None = None) -> DeclaredPackage:
    version = version if isinstance(version, str) and version else None
    return DeclaredPackage(
        purl=NPM.purl(name, version), ecosystem="npm", name=name, version=version,
        line=line, column=column, end_column=column + len(name) + 1,
        direct=direct, dependency_path=labels, scope=scope,
    )


# -- berry ----------------------------------------------------------------------------------------


def _parse_berry(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_yaml(path, text)
    data = doc.data
    if not isinstance(data, dict):
        raise ParseError(f"{path}: yarn.lock is a {type(data).__name__}, expected a mapping")
    by_descriptor: dict[str, str] = {}
    for key, entry in data.items():
        if key == "__metadata":
            continue
        if not isinstance(entry, dict):
            raise ParseError(f"{path}: entry {key!r} is a {type(entry).__name__}, expected a mapping")
        for desc in str(key).split(","):
            by_descriptor[desc.strip()] = key
    edges: dict[str, list[str]] = {}
    workspaces: list[str] = []
    for key, entry in data.items():
        if key == "__metadata":
            continue
        resolution = str(entry.get("resolution", key))
        if "@workspace:" in resolution:
            workspaces.append(key)
        targets = []
        for kind in ("dependencies", "peerDependencies"):
            deps = entry.get(kind)
            if isinstance(deps, dict):
                for dep, rng in deps.items():
                    target = by_descriptor.get(f"{dep}@{rng}")
                    if target is not None:
                        targets.append(target)
        edges[key] = targets
    root_ws = next((w for w in workspaces if str(data[w].get("resolution", w)).endswith("@workspace:.")),
                   workspaces[0] if workspaces else None)
    edges[""] = [*([root_ws] if root_ws else []), *sorted(w for w in workspaces if w != root_ws)]
    paths = shortest_paths(edges, [""])
    direct = {t for w in workspaces for t in edges.get(w, ())}
    out: list[DeclaredPackage] = []
    for key, entry in data.items():
        if key == "__metadata" or key in workspaces:
            continue
        resolution = str(entry.get("resolution", key))
        name = descriptor_name(resolution)
        offset = doc.offset(key)
        if offset is None:  # pragma: no cover - every key has a position
            raise ParseError(f"{path}: cannot locate entry {key!r}")
        line = doc.lines.line(offset)
        chain = paths.get(key, ("", key))
        labels = tuple(descriptor_name(str(data[s].get("resolution", s))) for s in chain[1:])
        # only registry resolutions carry a registry version (`patch:`, `git:`, `file:` do not)
        version = entry.get("version") if "@npm:" in resolution else None
        col = 2 if doc.lines.line_text(line).startswith('"') else 1
        out.append(_package(name, version, line, col, key in direct or not workspaces, labels))
    return out


class YarnLockAnalyzer(ParserAnalyzer):
    name = "lockfile/yarn-lock"
    filenames = ("yarn.lock",)
    parse = staticmethod(parse)

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        problems: list[str] = []
        yield from self.facts(file, parse(file.inner_path, file.text, problems))
        self.notify(file, SkipReason.PARSE_ERROR, problems)
