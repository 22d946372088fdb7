"""source/go: Go import paths (aliases resolved), calls, strings, comments; Events API servers built on net/http."""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.source.base import TreeSitterAnalyzer
from scanner.analyzers.source.languages import GO, LanguageSpec


class GoAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/go"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (GO,)
