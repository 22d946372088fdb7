"""lockfile/swift-resolved: SwiftPM `Package.resolved`, versions 1, 2 and 3.

v1 nests pins under `object` with `repositoryURL`; v2/v3 list `pins` with `identity`, `kind`,
`location` (v3 adds `originHash`). The file pins every package in the graph but not the edges.
"""

from __future__ import annotations

from typing import Any, ClassVar

from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile._support.purl import swift_purl
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import SWIFT
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    doc = load_json(path, text)
    data, lines = doc.data, doc.lines
    if not isinstance(data, dict):
        raise ParseError(f"{path}: not a Package.resolved object")
    fmt = data.get("version")
    if fmt == 1:
        obj: Any = data.get("object")
        pins = obj.get("pins") if isinstance(obj, dict) else None
        url_key = "repositoryURL"
        where: tuple[str, ...] = ("object", "pins")
    elif fmt in (2, 3):
        pins = data.get("pins")
        url_key = "location"
        where = ("pins",)
    else:
        raise ParseError(f"{path}: unsupported Package.resolved version {fmt!r}")
    if not isinstance(pins, list):
        raise ParseError(f"{path}: no pins list")
    out: list[DeclaredPackage] = []
    for i, pin in enumerate(pins):
        at = doc.string(*where, i, url_key)
        if not isinstance(pin, dict) or not isinstance(pin.get(url_key), str) or at is None:
            raise ParseError(f"{path}: a pin without {url_key!r}")
        location: str = pin[url_key]
        state: Any = pin.get("state") if isinstance(pin.get("state"), dict) else {}
        version = state.get("version") if isinstance(state.get("version"), str) else None
        if pin.get("kind") == "registry":
            scope, _, name = str(pin.get("identity", location)).partition(".")
            purl: str | None = SWIFT.purl(name, version, namespace=scope)
        elif pin.get("kind") == "localSourceControl":
            continue
        else:
            purl = swift_purl(location, version)
        if purl is None:
            raise ParseError(f"{path}: line {lines.line(at)}: {str(location)!r} is not a git URL")
        out.append(DeclaredPackage(
            purl=purl, ecosystem="swift", name=str(pin.get("identity") or pin.get("package") or location),
            version=version, line=lines.line(at), column=lines.column(at),
            end_column=lines.column(at) + len(location) + 2))
    return out


class SwiftResolvedAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/swift-resolved"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Package.resolved",)
    parse = staticmethod(parse)
