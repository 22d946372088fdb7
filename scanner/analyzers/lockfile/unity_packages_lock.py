"""lockfile/unity-packages-lock: `Packages/packages-lock.json`, what Unity Package Manager resolved.

Each entry of `"dependencies"` is a resolved package: `version`, `depth` (0 for a package the
manifest names, more for one another package pulls in), `source` (`registry`, `git`, `builtin`,
`embedded`, `local`) and its own `dependencies`. Each is reported where it is named, with the path
from a direct package down to it when it is transitive. Purls as lockfile/unity-manifest's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.unity_manifest import upm_package
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    doc = load_json(path, text)
    deps = doc.data.get("dependencies") if isinstance(doc.data, dict) else None
    if not isinstance(deps, dict):
        raise ParseError(f"{path}: no `dependencies` object")
    entries: dict[str, dict[str, Any]] = {k: v for k, v in deps.items() if k and isinstance(v, dict)}
    parents: dict[str, str] = {}  # package -> the first package (by name) that depends on it
    for name in sorted(entries):
        children = entries[name].get("dependencies")
        for child in children if isinstance(children, dict) else {}:
            parents.setdefault(child, name)
    lines = LineIndex(doc.text)
    out: list[DeclaredPackage] = []
    for name, entry in entries.items():
        offset = doc.key("dependencies", name)
        if offset is None:
            continue
        version = entry.get("version") if isinstance(entry.get("version"), str) and \
            entry.get("source") not in ("git", "local", "embedded") else None
        depth = entry.get("depth")
        direct = depth == 0 if isinstance(depth, int) and not isinstance(depth, bool) else None
        pkg = upm_package(lines, offset + 1, name, version, direct=direct, scope=entry.get("source") or None)
        chain = [name]
        while not direct and chain[-1] in parents and parents[chain[-1]] not in chain and len(chain) < 64:
            chain.append(parents[chain[-1]])
        out.append(pkg if len(chain) == 1 else replace(pkg, dependency_path=tuple(reversed(chain))))
    return out


class UnityPackagesLockAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/unity-packages-lock"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("packages-lock.json",)
    parse = staticmethod(parse)
