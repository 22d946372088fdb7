"""lockfile/pipfile-lock: Pipfile.lock (JSON). It pins every package but records neither which ones
the Pipfile asked for nor the graph, so `direct` stays unknown (None)."""

from __future__ import annotations

from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile._support.versions import pinned_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PYPI
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_json(path, text)
    data = doc.data
    if not isinstance(data, dict):
        raise ParseError(f"{path}: Pipfile.lock is a {type(data).__name__}, expected an object")
    out: list[DeclaredPackage] = []
    for category, table in data.items():
        if category == "_meta" or not isinstance(table, dict):
            continue
        scope = None if category == "default" else ("dev" if category == "develop" else category)
        for name, entry in table.items():
            if not isinstance(entry, dict):
                raise ParseError(f"{path}: {category}.{name} is a {type(entry).__name__}, expected an object")
            spec = entry.get("version")
            version = pinned_version(spec) if isinstance(spec, str) else None
            pos = doc.key_position(category, name)
            assert pos is not None
            out.append(DeclaredPackage(
                purl=PYPI.purl(name, version), ecosystem="pypi", name=name, version=version,
                line=pos[0], column=pos[1], end_column=pos[1] + len(name), direct=None, scope=scope,
            ))
    return out


class PipfileLockAnalyzer(ParserAnalyzer):
    name = "lockfile/pipfile-lock"
    filenames = ("Pipfile.lock",)
    parse = staticmethod(parse)
