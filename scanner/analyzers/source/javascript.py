"""source/javascript: JavaScript, TypeScript, JSX/TSX imports, requires, calls, strings, comments.

Source maps (`*.map`) are JSON with whole sources in one line: always token-matched.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.source.base import TreeSitterAnalyzer
from scanner.analyzers.source.languages import JAVASCRIPT, TSX, TYPESCRIPT, LanguageSpec


class JavaScriptAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/javascript"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (JAVASCRIPT, TYPESCRIPT, TSX)
    token_only_suffixes: ClassVar[tuple[str, ...]] = (".js.map", ".mjs.map", ".cjs.map", ".css.map", ".ts.map")
