"""lockfile/pbxproj: Swift packages an Xcode project references (`XCRemoteSwiftPackageReference`).

Apps that add the TikTok SDK through Xcode's "Add Package" have no Package.swift: the reference
lives in `project.pbxproj` (an old-style plist), with `repositoryURL` and a `requirement` dict.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.purl import swift_purl
from scanner.analyzers.lockfile._support.source import blank_comments, check_balanced
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.errors import ParseError

_ISA = re.compile(r"\bisa\s*=\s*XCRemoteSwiftPackageReference\s*;")
_URL = re.compile(r'\brepositoryURL\s*=\s*(?:"(?P<q>[^"]*)"|(?P<b>[^\s;]+))\s*;')
_KIND = re.compile(r"\bkind\s*=\s*\"?(?P<k>\w+)\"?\s*;")
_VERSION = re.compile(r"\bversion\s*=\s*\"?(?P<v>[^\s\";]+)\"?\s*;")


def _block(code: str, inside: int) -> tuple[int, int]:
    """The `{ ... }` that encloses offset `inside`."""
    depth = 0
    start = inside
    while start > 0:
        start -= 1
        if code[start] == "}":
            depth += 1
        elif code[start] == "{":
            if depth == 0:
                break
            depth -= 1
    depth = 0
    for end in range(start, len(code)):
        if code[end] == "{":
            depth += 1
        elif code[end] == "}":
            depth -= 1
            if depth == 0:
                return start, end
    return start, len(code)


def parse(path: str, text: str) -> list[DeclaredPackage]:
    code = blank_comments(path, text, slash=True)
    check_balanced(path, code, "{}()")
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    for m in _ISA.finditer(code):
        start, end = _block(code, m.start())
        body = code[start:end]
        url = _URL.search(body)
        if url is None:
            raise ParseError(f"{path}: line {lines.line(m.start())}: package reference without repositoryURL")
        value = url.group("q") if url.group("q") is not None else url.group("b")
        kind = _KIND.search(body)
        exact = _VERSION.search(body) if kind and kind.group("k") == "exactVersion" else None
        version = exact.group("v") if exact else None
        purl = swift_purl(value, version)
        if purl is None:
            raise ParseError(f"{path}: line {lines.line(m.start())}: {value!r} is not a git URL")
        offset = start + url.start("q" if url.group("q") is not None else "b")
        out.append(DeclaredPackage(
            purl=purl, ecosystem="swift", name=value, version=version, line=lines.line(offset),
            column=lines.column(offset), end_column=lines.column(offset) + len(value), direct=True))
    return out


class PbxprojAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/pbxproj"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("project.pbxproj",)
    parse = staticmethod(parse)
