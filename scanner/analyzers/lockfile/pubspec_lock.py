"""lockfile/pubspec-lock: Dart/Flutter `pubspec.lock`.

Each package records `dependency: "direct main" | "direct dev" | "direct overridden" | "transitive"`,
its `source` (hosted, git, path, sdk) and the resolved `version`. No graph edges are recorded.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile._support.yaml import load_yaml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PUB
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_yaml(path, text)
    data, lines = doc.data, doc.lines
    if data is None:
        return []
    packages = data.get("packages") if isinstance(data, dict) else None
    if not isinstance(packages, dict):
        raise ParseError(f"{path}: not a pubspec.lock (no packages mapping)")
    out: list[DeclaredPackage] = []
    for name, info in packages.items():
        if not isinstance(info, dict):
            raise ParseError(f"{path}: package {name!r} must be a mapping")
        if info.get("source") == "sdk":
            continue
        dependency = str(info.get("dependency", ""))
        version = str(info["version"]) if info.get("version") is not None else None
        offset = doc.offset("packages", name)
        assert offset is not None
        out.append(DeclaredPackage(
            purl=PUB.purl(name, version), ecosystem="pub", name=name, version=version,
            line=lines.line(offset), column=lines.column(offset), end_column=lines.column(offset) + len(name),
            direct=dependency.startswith("direct") if dependency else None,
            scope="dev" if dependency == "direct dev" else None))
    return out


class PubspecLockAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/pubspec-lock"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("pubspec.lock",)
    parse = staticmethod(parse)
