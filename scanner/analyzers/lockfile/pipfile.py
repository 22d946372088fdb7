"""lockfile/pipfile: `[packages]`, `[dev-packages]` and custom package categories of a Pipfile."""

from __future__ import annotations

from scanner.analyzers.lockfile._support.toml import load_toml
from scanner.analyzers.lockfile._support.versions import pinned_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PYPI
from scanner.errors import ParseError

_NOT_PACKAGES = frozenset({"source", "requires", "scripts", "pipenv"})


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_toml(path, text)
    out: list[DeclaredPackage] = []
    for category, table in doc.data.items():
        if category in _NOT_PACKAGES or not isinstance(table, dict):
            continue
        scope = None if category == "packages" else ("dev" if category == "dev-packages" else category)
        for name, spec in table.items():
            line = doc.line(category, name)
            if line is None:
                raise ParseError(f"{path}: cannot locate {category}.{name}")
            if isinstance(spec, dict) and ("path" in spec or "file" in spec) and "version" not in spec:
                continue  # the project's own local package
            version_spec = spec.get("version") if isinstance(spec, dict) else spec
            version = pinned_version(version_spec) if isinstance(version_spec, str) else None
            column = doc.lines.column_of(line, name)
            out.append(DeclaredPackage(
                purl=PYPI.purl(name, version), ecosystem="pypi", name=name, version=version,
                line=line, column=column, end_column=column + len(name),
                direct=True, dependency_path=("Pipfile", name), scope=scope,
            ))
    return out


class PipfileAnalyzer(ParserAnalyzer):
    name = "lockfile/pipfile"
    filenames = ("Pipfile",)
    parse = staticmethod(parse)
