"""lockfile/pipfile: `[packages]`, `[dev-packages]` and custom package categories of a Pipfile."""

from __future__ import annotations

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.support import TomlLines, load_toml, pinned_version, pypi_purl
from scanner.errors import ParseError

_NOT_PACKAGES = frozenset({"source", "requires", "scripts", "pipenv"})


def parse(path: str, text: str) -> list[DeclaredPackage]:
    data = load_toml(path, text)
    lines = TomlLines(text)
    out: list[DeclaredPackage] = []
    for category, table in data.items():
        if category in _NOT_PACKAGES or not isinstance(table, dict):
            continue
        scope = None if category == "packages" else ("dev" if category == "dev-packages" else category)
        for name, spec in table.items():
            line = lines.line(category, name)
            if line is None:
                raise ParseError(f"{path}: cannot locate {category}.{name}")
            if isinstance(spec, dict) and ("path" in spec or "file" in spec) and "version" not in spec:
                continue  # the project's own local package
            version_spec = spec.get("version") if isinstance(spec, dict) else spec
            version = pinned_version(version_spec) if isinstance(version_spec, str) else None
            column = lines.map.column_of(line, name)
            out.append(DeclaredPackage(
                purl=pypi_purl(name, version), ecosystem="pypi", name=name, version=version,
                line=line, column=column, end_column=column + len(name),
                direct=True, dependency_path=("Pipfile", name), scope=scope,
            ))
    return out


class PipfileAnalyzer(ParserAnalyzer):
    name = "lockfile/pipfile"
    filenames = ("Pipfile",)
    parse = staticmethod(parse)
