"""lockfile/cartfile-resolved: Carthage's `Cartfile.resolved`: exact versions or commits, no graph."""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.cartfile import parse_cartfile


def parse(path: str, text: str) -> list[DeclaredPackage]:
    return parse_cartfile(path, text, resolved=True)


class CartfileResolvedAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/cartfile-resolved"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Cartfile.resolved",)
    parse = staticmethod(parse)
