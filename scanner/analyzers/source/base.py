"""The shared base of the tree-sitter analyzers: lazy grammars, counted parses, cost gates.

A grammar wheel is imported only when the first file of its language is analyzed, and a file is
parsed only when the prefilter found a candidate in it (`needs_candidates`). Files whose lines
are too long to parse cheaply (minified bundles, source maps) get bounded token matching instead.
`PARSE_CALLS` counts parses per language so tests can prove what was (not) parsed.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.routing import NameRoute
from scanner.analyzers.source.languages import LanguageSpec, spec_for
from scanner.core.native import PARSE_CALLS
from scanner.errors import AnalysisError
from scanner.model import Fact, Level, Notification, SkipReason

QUERY_DIR = Path(__file__).parent / "queries"
MAX_PARSE_BYTES = 16 * 1024 * 1024  # larger files are token-matched: parse trees cost ~10x the source

# PARSE_CALLS (scanner.core.native): language key -> parses since start, worker processes' included

_LANGUAGES: dict[str, Any] = {}
_QUERIES: dict[str, Any] = {}


def language(spec: LanguageSpec) -> Any:
    """The tree-sitter Language for `spec`, importing its grammar wheel on first use."""
    lang = _LANGUAGES.get(spec.key)
    if lang is not None:
        return lang
    try:
        import tree_sitter

        module = importlib.import_module(spec.module)
        lang = tree_sitter.Language(getattr(module, spec.function)())
    except (ImportError, AttributeError, ValueError) as exc:
        raise AnalysisError(f"the {spec.key} grammar ({spec.module}) cannot be loaded: {exc}") from exc
    _LANGUAGES[spec.key] = lang
    return lang


def query(spec: LanguageSpec) -> Any:
    """The compiled query of `queries/<spec.query>.scm` for the spec's grammar."""
    q = _QUERIES.get(spec.key)
    if q is not None:
        return q
    import tree_sitter

    path = QUERY_DIR / f"{spec.query}.scm"
    try:
        q = tree_sitter.Query(language(spec), query_text(spec.query))
    except (OSError, tree_sitter.QueryError) as exc:
        raise AnalysisError(f"query {path.name!r} for {spec.key} is invalid: {exc}") from exc
    _QUERIES[spec.key] = q
    return q


_COMMENT = re.compile(r";[^\n]*")
_OPTIONAL_CAPTURES = ("@flow.", "@global")  # patterns only some files can use (issue 15)
_SPLIT: dict[str, tuple[Any, Any | None]] = {}


def query_parts(spec: LanguageSpec) -> tuple[Any, Any | None]:
    """The spec's query as two compiled queries: the patterns every file needs, and the optional ones
    (followed strings `@flow.*`, JS globals `@global*`) or None. Minified bundles are full of the
    bindings and member expressions those match; a file whose hits cannot use them (no TikTok host,
    no global access form) runs only the first."""
    parts = _SPLIT.get(spec.key)
    if parts is not None:
        return parts
    import tree_sitter

    core_text, extra_text = split_patterns(query_text(spec.query), _OPTIONAL_CAPTURES)
    try:
        core = tree_sitter.Query(language(spec), core_text)
        extra = tree_sitter.Query(language(spec), extra_text) if extra_text.strip() else None
    except tree_sitter.QueryError as exc:
        raise AnalysisError(f"query {spec.query!r} for {spec.key} is invalid: {exc}") from exc
    _SPLIT[spec.key] = (core, extra)
    return core, extra


def split_patterns(text: str, markers: tuple[str, ...]) -> tuple[str, str]:
    """(patterns without any of `markers`, patterns with one): the text cut before each top-level
    `(` or `[`, skipping comments and strings; a pattern keeps the captures that follow it."""
    starts = [0]
    depth, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == ";":
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch in "([":
            if depth == 0 and i:
                starts.append(i)
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        i += 1
    chunks = [text[a:b] for a, b in zip(starts, [*starts[1:], n], strict=True)]

    def optional(chunk: str) -> bool:  # by its captures, not by a comment that names them
        return any(m in _COMMENT.sub("", chunk) for m in markers)

    core = "".join(c for c in chunks if not optional(c))
    extra = "".join(c for c in chunks if optional(c))
    return core, extra


def query_text(name: str) -> str:
    """`queries/<name>.scm`, after the query it names on an `; extends: <other>` line.

    The TypeScript grammars extend the JavaScript one: their query is the JavaScript patterns plus
    their own, kept in one place.
    """
    text = (QUERY_DIR / f"{name}.scm").read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    if first.startswith("; extends: "):
        return query_text(first.removeprefix("; extends: ").strip()) + "\n" + text
    return text


def parse(spec: LanguageSpec, data: bytes, ranges: list[tuple[int, int]] | None = None, file: FileInput | None = None,
          *, vetted: bool = False) -> Any:
    """Parse `data` (only the given byte ranges, when set); counted in PARSE_CALLS.

    Callers ask `too_costly` first; a parse that is refused anyway (a worker's retry without
    native parsers, an embedded range too deep, a copy with template tags blanked) raises
    NativeParseRefused, a RecursionError. `vetted`: `too_costly` has just passed these very bytes
    (the whole file), so their nesting is not measured a second time.
    """
    import tree_sitter

    from scanner.core.native import NativeParseRefused, tree_sitter_refusal

    if not vetted:
        # only the bytes this parse reads: an HTML file's scripts are parsed one range at a time
        refused = tree_sitter_refusal(b"".join(data[start:end] for start, end in ranges) if ranges else data)
        if refused is not None:
            raise NativeParseRefused(f"{spec.key} not parsed: {refused}")

    parser = tree_sitter.Parser(language(spec))
    if ranges:
        assert file is not None
        parser.included_ranges = [_range(file, start, end) for start, end in ranges]
    PARSE_CALLS[spec.key] += 1
    return parser.parse(data)


def _range(file: FileInput, start: int, end: int) -> Any:
    import tree_sitter

    newlines = file.newline_offsets

    def point(offset: int) -> tuple[int, int]:
        from bisect import bisect_left

        row = bisect_left(newlines, offset)
        col = offset - (newlines[row - 1] + 1 if row else 0)
        return (row, col)

    return tree_sitter.Range(point(start), point(end), start, end)


def longest_line(file: FileInput) -> int:
    """Length in bytes of the longest line (one pass over the cached newline offsets)."""
    prev = -1
    longest = 0
    for pos in file.newline_offsets:
        longest = max(longest, pos - prev - 1)
        prev = pos
    return max(longest, len(file.data) - prev - 1)


def too_costly(file: FileInput) -> str | None:
    """Why `file` should be token-matched instead of parsed, or None to parse it.

    Besides size and line length: nesting deep enough to make the native parser or its query run
    for minutes, and a retry of a file that already crashed or hung a worker (scanner.core.native).
    """
    from scanner.core.native import tree_sitter_refusal

    if len(file.data) > MAX_PARSE_BYTES:
        return f"{len(file.data)} bytes is over the {MAX_PARSE_BYTES}-byte parse limit"
    longest = longest_line(file)
    if longest > file.limits.max_line_length:
        return f"a {longest}-byte line is over the {file.limits.max_line_length}-byte line limit"
    return tree_sitter_refusal(file.data)


def suffix_route(analyzer: TreeSitterAnalyzer | type[TreeSitterAnalyzer]) -> tuple[str, ...]:
    """The lower-case name suffixes an analyzer of these languages takes (registry routes are made of it)."""
    return tuple(dict.fromkeys((*analyzer.token_only_suffixes, *(s for spec in analyzer.languages
                                                                    for s in spec.suffixes))))


class TreeSitterAnalyzer:
    """Routes files by suffix to a grammar, parses candidates, extracts facts with the query."""

    name: ClassVar[str] = "source/tree-sitter"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 10  # import/call/string/comment context beats text/endpoints' guess
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True
    languages: ClassVar[tuple[LanguageSpec, ...]] = ()
    token_only_suffixes: ClassVar[tuple[str, ...]] = ()  # never parsed: always token matching

    def wants(self, path: str, is_text: bool) -> bool:
        """A suffix of one of the languages (as `spec_for` picks them), or a token-only suffix."""
        if not is_text:
            return False
        route = type(self).__dict__.get("_route")
        if route is None:  # one per class: routing runs for every file of a scan
            route = NameRoute((), (), suffix_route(self))
            type(self)._route = route  # type: ignore[attr-defined]
        return bool(route.matches(path))

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        from scanner.analyzers.source.minified import token_facts

        name = file.name.lower()
        spec = spec_for(name, self.languages)
        if spec is None or name.endswith(self.token_only_suffixes):
            yield from token_facts(file, self.languages[0], self.name)
            return
        yield from self.parse_or_match(file, spec)

    def parse_or_match(self, file: FileInput, spec: LanguageSpec) -> Iterator[Fact]:
        """`extract` when the file is cheap enough to parse, else bounded token matching."""
        from scanner.analyzers.source.minified import token_facts

        reason = too_costly(file)
        if reason is not None:
            file.notifications.append(Notification(
                file.display_path, SkipReason.LIMIT,
                f"{file.display_path}: {reason}; {self.name} matched tokens instead of parsing", Level.NOTE,
                self.name))
            yield from token_facts(file, spec, self.name)
            return
        yield from self.extract(file, spec)

    def extract(self, file: FileInput, spec: LanguageSpec) -> Iterator[Fact]:
        from scanner.analyzers.source.extract import Extractor

        tree = parse(spec, file.data, vetted=True)  # parse_or_match asked too_costly
        yield from Extractor(file, spec, self.name).run(tree.root_node)
