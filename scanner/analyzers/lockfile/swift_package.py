"""lockfile/swift-package: `.package(...)` dependencies of a SwiftPM `Package.swift` (never run).

`.package(url: "https://github.com/tiktok/tiktok-opensdk-ios", from: "2.5.0")`, `exact:`,
`.exact("...")`, `.upToNextMajor(from:)`, ranges, `branch:`/`revision:`; `path:` packages are local
and skipped. Products (`.product(name: "TikTokOpenAuthSDK", package: ...)`) come from these packages.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.purl import swift_purl
from scanner.analyzers.lockfile._support.source import blank_comments, check_balanced
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import SWIFT
from scanner.errors import ParseError

_PACKAGE = re.compile(r"\.package\s*\(")
_URL = re.compile(r'\burl\s*:\s*"(?P<url>[^"]+)"')
_ID = re.compile(r'\bid\s*:\s*"(?P<id>[^"]+)"')
_EXACT = re.compile(r'(?:\bexact\s*:\s*|\.exact\s*\(\s*)"(?P<v>[^"]+)"')


def _close(code: str, open_paren: int) -> int:
    depth = 0
    for i in range(open_paren, len(code)):
        if code[i] == "(":
            depth += 1
        elif code[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(code)


def parse(path: str, text: str) -> list[DeclaredPackage]:
    code = blank_comments(path, text, slash=True, triple_quotes=True)
    check_balanced(path, code)
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    for m in _PACKAGE.finditer(code):
        body_end = _close(code, m.end() - 1)
        body = code[m.end():body_end]
        exact = _EXACT.search(body)
        version = exact.group("v") if exact else None
        url = _URL.search(body)
        if url:
            purl = swift_purl(url.group("url"), version)
            if purl is None:
                raise ParseError(f"{path}: line {lines.line(m.start())}: {url.group('url')!r} is not a git URL")
            start = m.end() + url.start("url") - 1
            end = m.end() + url.end("url") + 1
            name = url.group("url")
        else:
            ident = _ID.search(body)  # registry identity `scope.name`
            if ident is None or "." not in ident.group("id"):
                continue  # local `path:` package
            scope, _, pkg = ident.group("id").partition(".")
            purl = SWIFT.purl(pkg, version, namespace=scope)
            start = m.end() + ident.start("id") - 1
            end = m.end() + ident.end("id") + 1
            name = ident.group("id")
        out.append(DeclaredPackage(
            purl=purl, ecosystem="swift", name=name, version=version, line=lines.line(start),
            column=lines.column(start), end_column=lines.column(end), direct=True))
    return out


class SwiftPackageAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/swift-package"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Package.swift",)
    patterns: ClassVar[tuple[str, ...]] = ("Package@swift-*.swift",)
    parse = staticmethod(parse)
