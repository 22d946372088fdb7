"""lockfile/pubspec: Dart/Flutter `pubspec.yaml` dependencies.

`dependencies`, `dev_dependencies` and `dependency_overrides`; a dependency is a version
constraint string, or a map (`hosted`, `git`, `path`, `sdk`). SDK packages (flutter) are skipped.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.common import LineIndex, PosDict, exact_version, load_yaml, make_purl
from scanner.errors import ParseError

_SECTIONS = (("dependencies", None), ("dev_dependencies", "dev"), ("dependency_overrides", "override"))


def parse(path: str, text: str) -> list[DeclaredPackage]:
    data = load_yaml(path, text)
    if data is None:
        return []
    if not isinstance(data, PosDict):
        raise ParseError(f"{path}: a pubspec must be a mapping")
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    for section, scope in _SECTIONS:
        deps = data.get(section)
        if deps is None:
            continue
        if not isinstance(deps, PosDict):
            raise ParseError(f"{path}: {section} must be a mapping")
        for name, spec in deps.items():
            if isinstance(spec, dict) and "sdk" in spec:
                continue
            constraint = spec if isinstance(spec, str) else spec.get("version") if isinstance(spec, dict) else None
            version = exact_version(str(constraint)) if constraint is not None else None
            offset = deps.key_offsets[name]
            out.append(DeclaredPackage(
                purl=make_purl("pub", name, version=version), ecosystem="pub", name=name, version=version,
                line=lines.line(offset), column=lines.column(offset), end_column=lines.column(offset) + len(name),
                direct=True, scope=scope))
    return sorted(out, key=lambda p: p.line)


class PubspecAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/pubspec"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("pubspec.yaml", "pubspec.yml")
    parse = staticmethod(parse)
