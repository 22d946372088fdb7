"""Routing by file name: exact base names, globs over the base name, or lower-cased suffixes.

One matcher for every analyzer routed by name alone (`NameRouted`: the lockfile parsers and the
Android rule, mapping and manifest readers; the tree-sitter analyzers by suffix) and for the
registry's LazyAnalyzer, which must answer exactly as the class would without importing it.
`matches` runs for every file of a scan against each of them, so the globs are compiled once.
"""

from __future__ import annotations

import fnmatch
import re
from typing import ClassVar


class NameRoute:
    __slots__ = ("_regex", "filenames", "patterns", "suffixes")

    def __init__(self, filenames: tuple[str, ...], patterns: tuple[str, ...], suffixes: tuple[str, ...] = ()) -> None:
        self.filenames = filenames
        self.patterns = patterns
        self.suffixes = suffixes  # matched against the lower-cased base name
        self._regex: re.Pattern[str] | None = None

    def matches(self, path: str) -> bool:
        base = path.rsplit("/", 1)[-1]
        if base in self.filenames:
            return True
        if self.suffixes and base.lower().endswith(self.suffixes):
            return True
        if not self.patterns:
            return False
        if self._regex is None:
            self._regex = re.compile("|".join(fnmatch.translate(p) for p in self.patterns))
        return self._regex.match(base) is not None


class NameRouted:
    """An analyzer of text files known by their names: `filenames` (exact) or `patterns` (globs)."""

    filenames: ClassVar[tuple[str, ...]] = ()
    patterns: ClassVar[tuple[str, ...]] = ()

    def wants(self, path: str, is_text: bool) -> bool:
        if not is_text:
            return False
        route = type(self).__dict__.get("_route")
        if route is None:  # one per class
            route = NameRoute(tuple(self.filenames), tuple(self.patterns))
            type(self)._route = route  # type: ignore[attr-defined]
        return bool(route.matches(path))
