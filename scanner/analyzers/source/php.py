"""source/php: PHP `use` namespaces (aliases resolved), calls, `new`, strings, comments."""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.source.base import TreeSitterAnalyzer
from scanner.analyzers.source.languages import PHP, LanguageSpec


class PhpAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/php"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (PHP,)
