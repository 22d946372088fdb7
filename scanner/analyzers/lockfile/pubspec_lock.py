"""lockfile/pubspec-lock: Dart/Flutter `pubspec.lock`.

Each package records `dependency: "direct main" | "direct dev" | "direct overridden" | "transitive"`,
its `source` (hosted, git, path, sdk) and the resolved `version`. No graph edges are recorded.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.common import LineIndex, PosDict, load_yaml, make_purl
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    data = load_yaml(path, text)
    if data is None:
        return []
    if not isinstance(data, PosDict) or not isinstance(data.get("packages", {}), PosDict):
        raise ParseError(f"{path}: not a pubspec.lock (no packages mapping)")
    packages = data.get("packages") or PosDict()
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    for name, info in packages.items():
        if not isinstance(info, dict):
            raise ParseError(f"{path}: package {name!r} must be a mapping")
        if info.get("source") == "sdk":
            continue
        dependency = str(info.get("dependency", ""))
        version = str(info["version"]) if info.get("version") is not None else None
        offset = packages.key_offsets[name]
        out.append(DeclaredPackage(
            purl=make_purl("pub", name, version=version), ecosystem="pub", name=name, version=version,
            line=lines.line(offset), column=lines.column(offset), end_column=lines.column(offset) + len(name),
            direct=dependency.startswith("direct") if dependency else None,
            scope="dev" if dependency == "direct dev" else None))
    return out


class PubspecLockAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/pubspec-lock"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("pubspec.lock",)
    parse = staticmethod(parse)
