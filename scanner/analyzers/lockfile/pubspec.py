"""lockfile/pubspec: Dart/Flutter `pubspec.yaml` dependencies.

`dependencies`, `dev_dependencies` and `dependency_overrides`; a dependency is a version
constraint string, or a map (`hosted`, `git`, `path`, `sdk`). SDK packages (flutter) are skipped.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile._support.yaml import load_yaml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PUB
from scanner.errors import ParseError

_SECTIONS = (("dependencies", None), ("dev_dependencies", "dev"), ("dependency_overrides", "override"))


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_yaml(path, text)
    data, lines = doc.data, doc.lines
    if data is None:
        return []
    if not isinstance(data, dict):
        raise ParseError(f"{path}: a pubspec must be a mapping")
    out: list[DeclaredPackage] = []
    for section, scope in _SECTIONS:
        deps = data.get(section)
        if deps is None:
            continue
        if not isinstance(deps, dict):
            raise ParseError(f"{path}: {section} must be a mapping")
        for name, spec in deps.items():
            if isinstance(spec, dict) and "sdk" in spec:
                continue
            constraint = spec if isinstance(spec, str) else spec.get("version") if isinstance(spec, dict) else None
            version = exact_version(str(constraint)) if constraint is not None else None
            offset = doc.offset(section, name)
            assert offset is not None
            out.append(DeclaredPackage(
                purl=PUB.purl(name, version), ecosystem="pub", name=name, version=version,
                line=lines.line(offset), column=lines.column(offset), end_column=lines.column(offset) + len(name),
                direct=True, scope=scope))
    return sorted(out, key=lambda p: p.line)


class PubspecAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/pubspec"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("pubspec.yaml", "pubspec.yml")
    parse = staticmethod(parse)
