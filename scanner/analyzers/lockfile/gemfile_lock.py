"""lockfile/gemfile-lock: Bundler's `Gemfile.lock`, with the dependency graph.

Sections `GEM`/`GIT`/`PATH` list `specs:` at four spaces (`name (version[-platform])`) and each
spec's dependencies at six; `DEPENDENCIES` lists what the Gemfile asked for (`name!` = from a
git/path source): those are direct, and paths follow the spec graph.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import GEM
from scanner.errors import ParseError

_SPEC = re.compile(r"^    (?P<name>[^\s(]+) \((?P<version>[^)]+)\)$")
_SPEC_DEP = re.compile(r"^      (?P<name>[^\s(!]+)(?: \([^)]*\))?$")
_DEPENDENCY = re.compile(r"^  (?P<name>[^\s(!]+)!?(?: \([^)]*\))?$")
_SECTIONS = ("GEM", "GIT", "PATH", "PLATFORMS", "DEPENDENCIES", "BUNDLED WITH", "RUBY VERSION", "CHECKSUMS",
             "PLUGIN SOURCE")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    specs: list[tuple[str, str, int, int]] = []  # name, version, line, column
    graph: dict[str, list[str]] = {}
    direct: set[str] = set()
    section: str | None = None
    current: str | None = None
    for lineno, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if not line.startswith(" "):
            if line not in _SECTIONS:
                raise ParseError(f"{path}: line {lineno}: unknown section {line!r}")
            section, current = line, None
            continue
        if section in ("GEM", "GIT", "PATH", "PLUGIN SOURCE"):
            spec = _SPEC.match(line)
            if spec:
                name = spec.group("name")
                version = spec.group("version").split("-", 1)[0] if _platformed(spec.group("version")) else \
                    spec.group("version")
                specs.append((name, version, lineno, 5))
                graph.setdefault(name, [])
                current = name
                continue
            dep = _SPEC_DEP.match(line)
            if dep and current is not None:
                graph[current].append(dep.group("name"))
                continue
            if re.match(r"^  (remote|revision|ref|branch|tag|glob|submodules|specs):", line):
                current = None
                continue
            raise ParseError(f"{path}: line {lineno}: unexpected line in {section}: {line.strip()!r}")
        if section == "DEPENDENCIES":
            dep = _DEPENDENCY.match(line)
            if dep is None:
                raise ParseError(f"{path}: line {lineno}: malformed dependency {line.strip()!r}")
            direct.add(dep.group("name"))
    paths = shortest_paths(graph, direct)
    out: list[DeclaredPackage] = []
    seen: set[tuple[str, str]] = set()
    for name, version, lineno, col in specs:
        if (name, version) in seen:  # one line per platform variant; report the first
            continue
        seen.add((name, version))
        out.append(DeclaredPackage(
            purl=GEM.purl(name, version), ecosystem="gem", name=name, version=version, line=lineno,
            column=col, end_column=col + len(name), direct=(name in direct) if direct else None,
            dependency_path=paths.get(name, ())))
    return out


def _platformed(version: str) -> bool:
    """`1.16.0-x86_64-linux` / `1.16.0-arm64-darwin`: the platform suffix is not part of the version."""
    return bool(re.match(r"^[\d.]+-(?:x86|x64|arm|aarch|universal|java|mingw|mswin|darwin|linux|ruby)", version))


class GemfileLockAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/gemfile-lock"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Gemfile.lock", "gems.locked")
    parse = staticmethod(parse)
