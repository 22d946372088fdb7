"""source/python: imports, SDK calls and endpoint strings in Python, read with libcst.

Why not a regex: it cannot tell `from TikTokApi import TikTokApi` from the same words in a
comment, a docstring or a commented-out line. Two readers share the work:
- the standard `tokenize` lexer, on every candidate file (fast, tolerant of any syntax): the exact
  ranges of string literals, docstrings and comments, and the import statements;
- libcst, only when the file imports a module whose name is a candidate: every import, and every
  call with the qualified name its callee resolves to through aliases (QualifiedNameProvider:
  `import TikTokApi as t; t.TikTokApi()` is `TikTokApi.TikTokApi`). Its scope analysis costs
  seconds on a large file, so files that merely contain an endpoint string never pay for it.

Endpoint strings reuse `find_tokens` on the file's bytes, exactly as `text/endpoints` does, so the
spans are identical and this analyzer's higher priority replaces the generic fact with one that
knows its context (a string literal, a docstring, a comment). Hosts inside f-strings and inside
the literal parts of a concatenation are found because each literal part is searched.

libcst is imported lazily: a scan that needs no parser never loads it. A file libcst cannot
parse (Python 2, a syntax error, a line over the limit) keeps the lexer's imports and contexts,
and a note says so.
"""

from __future__ import annotations

import bisect
import io
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.source import python_calls
from scanner.analyzers.text.tokens import data_context, find_tokens
from scanner.model import Context, Fact, FactKind, Level, Location, Notification, SkipReason

if TYPE_CHECKING:
    import libcst

LANGUAGE = "python"
SUFFIXES = (".py", ".pyi", ".pyw")

# (line, column): 1-based line, 0-based column in characters, as libcst and tokenize count.
Position = tuple[int, int]


@dataclass(frozen=True, order=True)
class Region:
    """A span of source whose tokens share one context (a string literal, a comment...)."""

    start: Position
    end: Position  # exclusive
    context: Context


@dataclass(frozen=True)
class CodeFact:
    """An import or call seen by the parser, before it becomes a Fact."""

    kind: FactKind
    value: str  # dotted module or qualified name
    start: Position
    end: Position
    context: Context
    evidence: str


@dataclass
class Reading:
    """What one pass over a Python file found."""

    regions: list[Region]
    code: list[CodeFact]
    lines: list[list[tokenize.TokenInfo]] = field(default_factory=list)  # logical lines of code tokens
    fstrings: list[str] = field(default_factory=list)  # f-string texts (names used inside them)


class PythonAnalyzer:
    name: ClassVar[str] = "source/python"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 10  # beats text/endpoints on the same span
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    def wants(self, path: str, is_text: bool) -> bool:
        return is_text and path.lower().endswith(SUFFIXES)

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        from scanner.analyzers.source.pyflow import python_flow_facts  # hook: constant strings and sinks

        yield from python_flow_facts(file, self.name)  # first: a called endpoint wins its literal's span
        reading = self._read(file)
        yield from self._code_facts(file, reading.code)
        yield from self._token_facts(file, reading.regions)

    # -- reading ---------------------------------------------------------------------------------

    def _read(self, file: FileInput) -> Reading:
        """The lexer always (strings, comments, imports, calls: cheap); libcst only when it can matter.

        Calls resolve from the lexer's tokens when every imported candidate name keeps its import's
        meaning in the whole file (`python_calls`). Scope analysis for qualified names costs an
        import of ~110 ms and seconds on a large file, so libcst runs only when a candidate name is
        rebound somewhere, and only when the file imports a module whose top-level name is a
        candidate needle: only then can a call resolve to an SDK name.
        """
        text = file.text
        lexed = read_with_tokenize(text)
        roots = _candidate_roots(file)
        imported = {c.value.split(".", 1)[0] for c in lexed.code if c.value.split(".", 1)[0].lower() in roots}
        if not imported:
            return lexed
        folders = set(file.inner_path.split("/")[:-1])
        if imported <= folders:
            # the SDK's own package (`TikTokLive/client/client.py` importing `TikTokLive.…`): its
            # imports already identify it; resolving its internal calls would add nothing but time
            return lexed
        bound = {name: targets for name, targets in python_calls.bindings(lexed.lines).items()
                 if any(t.split(".", 1)[0].lower() in roots for t in targets)}
        if not python_calls.shadowed(lexed.lines, set(bound), lexed.fstrings):
            calls = [CodeFact(FactKind.SYMBOL, qname, start, end, Context.CALL, evidence)
                     for qname, start, end, evidence in python_calls.calls(lexed.lines, bound, roots)]
            return Reading(regions=lexed.regions, code=[*lexed.code, *calls])
        if len(file.data) > LIBCST_MAX_BYTES:
            # scope analysis grows far faster than the file (generated API clients of 100+ KB took
            # seconds each): past this size the lexer's imports and strings stand alone
            self._note(file, f"{len(file.data)} bytes is over the {LIBCST_MAX_BYTES}-byte limit for resolving calls; "
                             f"imports and endpoint strings were read by the lexer")
            return lexed
        longest = max((len(line) for line in text.splitlines()), default=0)
        if longest > file.limits.max_line_length:
            self._note(file, f"a line of {longest} characters is over the {file.limits.max_line_length}-character "
                             f"limit; imports were read by the lexer and calls were not resolved")
            return lexed
        try:
            parsed = read_with_libcst(_parse(text), roots)
        except RecursionError:
            self._note(file, "nesting too deep for the parser; imports were read by the lexer")
            return lexed
        except Exception as exc:  # libcst.ParserSyntaxError and friends: never crash a scan
            self._note(file, f"not parsed as Python 3 ({_short(exc)}); fell back to the lexer")
            return lexed
        return Reading(regions=lexed.regions, code=parsed.code)

    def _note(self, file: FileInput, message: str) -> None:
        file.notifications.append(Notification(file.display_path, SkipReason.PARSE_ERROR,
                                               f"{file.display_path}: {message}", Level.NOTE, self.name))

    # -- facts -----------------------------------------------------------------------------------

    def _code_facts(self, file: FileInput, code: Sequence[CodeFact]) -> Iterator[Fact]:
        for item in code:
            yield Fact(
                kind=item.kind,
                value=item.value,
                location=_char_location(file, item.start, item.end),
                context=item.context,
                analyzer=self.name,
                evidence=item.evidence,
                language=LANGUAGE,
            )

    def _token_facts(self, file: FileInput, regions: list[Region]) -> Iterator[Fact]:
        index = RegionIndex(regions)
        for token in find_tokens(file.data, file.hits, file.needles):
            location = file.byte_location(token.start, token.end)
            # `support@tiktok.com` is a contact address, not a call (as text/endpoints says too)
            context = Context.DOCUMENTATION if token.email else \
                data_context(token, index.context_at((location.start_line, location.start_column - 1)))
            yield Fact(
                kind=token.kind,
                value=token.value,
                location=location,
                context=context,
                analyzer=self.name,
                evidence=token.evidence,
            )


def _parse(text: str) -> libcst.Module:
    """The one place libcst parses; tests count calls to it.

    CPython's parser vets the text first (scanner.core.native): what is too deep for it would
    overflow libcst's native stack or run it for minutes, so it raises NativeParseRefused (a
    RecursionError: the caller falls back to the lexer).
    """
    import libcst

    from scanner.core.native import NativeParseRefused, python_refusal

    refused = python_refusal(text)
    if refused is not None:
        raise NativeParseRefused(refused)

    return libcst.parse_module(text)


def _short(exc: Exception) -> str:
    first = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__


def _candidate_roots(file: FileInput) -> frozenset[str]:
    """Lower-case needles: a call is worth a fact only when its module root is one of them."""
    return frozenset(file.needles.literals)


def _char_location(file: FileInput, start: Position, end: Position) -> Location:
    starts = file.line_starts
    begin = starts[start[0] - 1] + start[1] if start[0] <= len(starts) else 0
    finish = starts[end[0] - 1] + end[1] if end[0] <= len(starts) else begin + 1
    return file.location(begin, max(finish, begin + 1))


class RegionIndex:
    """Which regions hold a position: regions nest (a string inside an f-string) but never cross."""

    def __init__(self, regions: list[Region]) -> None:
        self.regions = regions
        self.starts = [r.start for r in regions]
        self.max_end: list[Position] = []  # max end over regions[0..i]: stops the backward scan early
        best: Position = (0, 0)
        for region in regions:
            best = max(best, region.end)
            self.max_end.append(best)

    def context_at(self, pos: Position) -> Context:
        """A docstring anywhere around `pos` wins; else the innermost region; else code."""
        inner: Context | None = None
        i = bisect.bisect_right(self.starts, pos) - 1
        while i >= 0 and self.max_end[i] > pos:
            region = self.regions[i]
            if region.start <= pos < region.end:
                if region.context is Context.DOCUMENTATION:
                    return Context.DOCUMENTATION
                if inner is None:
                    inner = region.context
            i -= 1
        return inner or Context.CODE


LIBCST_MAX_BYTES = 24 * 1024  # files resolved with libcst's QualifiedNameProvider; larger ones are lexed


# -- libcst ---------------------------------------------------------------------------------------


def read_with_libcst(module: libcst.Module, roots: frozenset[str]) -> Reading:
    import libcst
    from libcst.helpers import get_full_name_for_node
    from libcst.metadata import MetadataWrapper, PositionProvider, QualifiedNameProvider, QualifiedNameSource

    code: list[CodeFact] = []

    class Visitor(libcst.CSTVisitor):
        METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider)

        def _range(self, node: libcst.CSTNode) -> tuple[Position, Position]:
            rng: Any = self.get_metadata(PositionProvider, node)
            return (rng.start.line, rng.start.column), (rng.end.line, rng.end.column)

        def visit_Import(self, node: libcst.Import) -> None:
            for alias in node.names:
                name = get_full_name_for_node(alias.name)
                if name:
                    start, end = self._range(alias.name)
                    code.append(CodeFact(FactKind.MODULE, name, start, end, Context.IMPORT, f"import {name}"))

        def visit_ImportFrom(self, node: libcst.ImportFrom) -> None:
            if node.relative or node.module is None:
                return  # `from . import x`: the project's own code
            name = get_full_name_for_node(node.module)
            if name:
                start, end = self._range(node.module)
                code.append(CodeFact(FactKind.MODULE, name, start, end, Context.IMPORT, f"from {name} import"))

        def visit_Call(self, node: libcst.Call) -> None:
            names: Any = self.get_metadata(QualifiedNameProvider, node.func, set())
            seen: set[str] = set()
            for qname in sorted(names, key=lambda q: q.name):
                if qname.source is not QualifiedNameSource.IMPORT or qname.name in seen:
                    continue
                root = qname.name.split(".", 1)[0].lower()
                if root not in roots:
                    continue
                seen.add(qname.name)
                start, end = self._range(node.func)
                shown = get_full_name_for_node(node.func) or qname.name
                code.append(CodeFact(FactKind.SYMBOL, qname.name, start, end, Context.CALL, f"{shown}(...)"))

    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    wrapper.visit(Visitor())
    return Reading(regions=[], code=code)


def _ordered(regions: list[Region]) -> list[Region]:
    """Sorted by start, outer before inner; a docstring replaces the string region of its span."""
    best: dict[tuple[Position, Position], Region] = {}
    for region in regions:
        key = (region.start, region.end)
        if key not in best or region.context is Context.DOCUMENTATION:
            best[key] = region
    return sorted(best.values(), key=lambda r: (r.start, (-r.end[0], -r.end[1])))


# -- tokenize ----------------------------------------------------------------------------

_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)  # Python 3.12+ splits f-strings
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)
_LINE_BREAKS = (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)


def read_with_tokenize(text: str) -> Reading:
    """Strings, docstrings, comments and import statements from the lexer; tolerant of any syntax.

    A statement made only of strings is a docstring (or a string used as a comment), exactly the
    `Expr(SimpleString | ConcatenatedString)` statements of the syntax tree.
    """
    regions: list[Region] = []
    code: list[CodeFact] = []
    lines: list[list[tokenize.TokenInfo]] = []
    fstrings: list[str] = []
    line: list[tokenize.TokenInfo] = []  # tokens of the current logical line
    fstring_start: list[Position] = []

    def end_of_line() -> None:
        strings = [t for t in line if t.type == tokenize.STRING]
        others = [t for t in line if t.type != tokenize.STRING and t.string not in ("(", ")")]
        if strings and not others:  # a statement that is only a string, maybe parenthesized
            for t in strings:
                regions.append(Region(t.start, t.end, Context.DOCUMENTATION))
        else:
            regions.extend(Region(t.start, t.end, Context.STRING) for t in strings)
        code.extend(_imports_in(line))
        fstrings.extend(t.string for t in strings if python_calls.is_fstring(t))
        if line:
            lines.append(list(line))
        line.clear()

    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                regions.append(Region(tok.start, tok.end, Context.COMMENT))
            elif tok.type == _FSTRING_START:
                fstring_start.append(tok.start)
            elif tok.type == _FSTRING_END:
                if fstring_start:
                    regions.append(Region(fstring_start.pop(), tok.end, Context.STRING))
                line.append(tok._replace(type=tokenize.OP))  # an f-string is never a docstring
            elif tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                end_of_line()
            elif tok.type not in _LINE_BREAKS and not fstring_start:
                line.append(tok)
            elif fstring_start and tok.type == tokenize.NAME:
                fstrings.append(tok.string)  # Python 3.12+: names inside an f-string's braces
    except (tokenize.TokenError, SyntaxError):
        pass  # keep what was read before the point the lexer gave up
    end_of_line()
    return Reading(regions=_ordered(regions), code=code, lines=lines, fstrings=fstrings)


def _imports_in(line: Sequence[tokenize.TokenInfo]) -> Iterator[CodeFact]:
    """`import a.b, c as d` and `from a.b import x` from one logical line of tokens."""
    if not line or line[0].type != tokenize.NAME or line[0].string not in ("import", "from"):
        return
    i = 1
    while i < len(line):
        start_tok = line[i]
        if start_tok.type != tokenize.NAME:
            return  # `from . import x` and other shapes: not a third-party module
        name, i = python_calls.dotted(line, i)
        end_tok = line[i - 1]
        verb = "from" if line[0].string == "from" else "import"
        evidence = f"from {name} import" if verb == "from" else f"import {name}"
        yield CodeFact(FactKind.MODULE, name, start_tok.start, end_tok.end, Context.IMPORT, evidence)
        if verb == "from":
            return
        # skip `as alias`, then expect a comma
        while i < len(line) and line[i].string != ",":
            i += 1
        i += 1
