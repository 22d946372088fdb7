"""lockfile/python-metadata: Python core metadata (`*.dist-info/METADATA`, `PKG-INFO`).

What a wheel or sdist says about itself: its own `Name`/`Version` (scope `self`: these files ARE
that distribution, as an installed `site-packages/*.dist-info` or a downloaded wheel shows) and its
`Requires-Dist` dependencies (scope `optional` under an `extra ==` marker), each on its line.
Only the header block is read (the long description after the first blank line is prose).
"""

from __future__ import annotations

import re

from scanner.analyzers.lockfile._support.versions import pinned_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PYPI
from scanner.errors import ParseError

_HEADER = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9-]*):[ \t]*(?P<value>.*)$")
_EXTRA = re.compile(r"\bextra\s*==")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    from packaging.requirements import InvalidRequirement, Requirement

    if not text.strip():
        return []
    headers: list[tuple[int, str, str, int]] = []  # (line, key lower-case, value, value column)
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            break  # end of the headers: the body is the description
        if raw[0] in " \t":
            continue  # a folded continuation (multi-line License:, Description:)
        m = _HEADER.match(raw)
        if m is None:
            if number == 1:
                raise ParseError(f"{path}:1: not core metadata (no `Key: value` header)")
            continue
        headers.append((number, m.group("key").lower(), m.group("value").strip(), m.start("value") + 1))
    values = {key: (line, value, col) for line, key, value, col in reversed(headers)}
    if "name" not in values or "metadata-version" not in values:
        raise ParseError(f"{path}: core metadata without Metadata-Version and Name")
    line, name, col = values["name"]
    version = values.get("version", (0, "", 0))[1] or None
    out = [DeclaredPackage(purl=PYPI.purl(name, version), ecosystem="pypi", name=name, version=version,
                           line=line, column=col, end_column=col + len(name), direct=None,
                           dependency_path=(name,), scope="self")]
    for line, key, value, col in headers:
        if key != "requires-dist":
            continue
        try:
            req = Requirement(value)
        except InvalidRequirement:
            continue  # one odd line does not hide the others
        dep_version = pinned_version(str(req.specifier))
        optional = req.marker is not None and _EXTRA.search(str(req.marker)) is not None
        out.append(DeclaredPackage(
            purl=PYPI.purl(req.name, dep_version), ecosystem="pypi", name=req.name, version=dep_version,
            line=line, column=col, end_column=col + len(req.name), direct=True,
            dependency_path=(name, req.name), scope="optional" if optional else None,
        ))
    return out


class PythonMetadataAnalyzer(ParserAnalyzer):
    name = "lockfile/python-metadata"
    filenames = ("PKG-INFO",)
    parse = staticmethod(parse)

    def wants(self, path: str, is_text: bool) -> bool:
        if not is_text:
            return False
        return path.endswith(".dist-info/METADATA") or path.rsplit("/", 1)[-1] == "PKG-INFO"
