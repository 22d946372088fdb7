"""lockfile/swift-resolved: SwiftPM `Package.resolved`, versions 1, 2 and 3.

v1 nests pins under `object` with `repositoryURL`; v2/v3 list `pins` with `identity`, `kind`,
`location` (v3 adds `originHash`). The file pins every package in the graph but not the edges.
"""

from __future__ import annotations

from typing import Any, ClassVar

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.common import LineIndex, PosDict, PosStr, load_json, make_purl, swift_purl
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    data = load_json(path, text)
    if not isinstance(data, dict):
        raise ParseError(f"{path}: not a Package.resolved object")
    fmt = data.get("version")
    if fmt == 1:
        obj: Any = data.get("object")
        pins = obj.get("pins") if isinstance(obj, dict) else None
        url_key = "repositoryURL"
    elif fmt in (2, 3):
        pins = data.get("pins")
        url_key = "location"
    else:
        raise ParseError(f"{path}: unsupported Package.resolved version {fmt!r}")
    if not isinstance(pins, list):
        raise ParseError(f"{path}: no pins list")
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    for pin in pins:
        if not isinstance(pin, PosDict) or not isinstance(pin.get(url_key), str):
            raise ParseError(f"{path}: a pin without {url_key!r}")
        location: PosStr = pin[url_key]
        state: Any = pin.get("state") if isinstance(pin.get("state"), dict) else {}
        version = state.get("version") if isinstance(state.get("version"), str) else None
        if pin.get("kind") == "registry":
            scope, _, name = str(pin.get("identity", location)).partition(".")
            purl: str | None = make_purl("swift", name, scope, version)
        elif pin.get("kind") == "localSourceControl":
            continue
        else:
            purl = swift_purl(location, version)
        if purl is None:
            raise ParseError(f"{path}: line {lines.line(location.offset)}: {str(location)!r} is not a git URL")
        out.append(DeclaredPackage(
            purl=purl, ecosystem="swift", name=str(pin.get("identity") or pin.get("package") or location),
            version=version, line=lines.line(location.offset), column=lines.column(location.offset),
            end_column=lines.column(location.offset) + len(location) + 2))
    return out


class SwiftResolvedAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/swift-resolved"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Package.resolved",)
    parse = staticmethod(parse)
