"""Routing by file name: exact base names, or globs over the base name.

One matcher for a ParserAnalyzer's own `wants` and for the registry's LazyAnalyzer, which must
answer exactly as the class would without importing it. `matches` runs for every file of a scan
against every such analyzer, so the globs are compiled once, on first use.
"""

from __future__ import annotations

import fnmatch
import re


class NameRoute:
    __slots__ = ("_regex", "filenames", "patterns")

    def __init__(self, filenames: tuple[str, ...], patterns: tuple[str, ...]) -> None:
        self.filenames = filenames
        self.patterns = patterns
        self._regex: re.Pattern[str] | None = None

    def matches(self, path: str) -> bool:
        base = path.rsplit("/", 1)[-1]
        if base in self.filenames:
            return True
        if not self.patterns:
            return False
        if self._regex is None:
            self._regex = re.compile("|".join(fnmatch.translate(p) for p in self.patterns))
        return self._regex.match(base) is not None
