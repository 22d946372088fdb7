"""source/python_calls: SDK calls resolved from the lexer's tokens, when no parser is needed.

Why: libcst's QualifiedNameProvider is exact but costs ~110 ms to import and a scope analysis per
file, far over a pre-commit hook's budget, and its native parser is a risk on hostile input. Most
files that import an SDK bind each imported name once and never rebind it; for them, the qualified
name of `alias.attr(...)` is the import's target plus the attribute chain, which the lexer's
tokens give exactly. This module answers both questions from the logical lines the lexer already
read:
- `bindings`: the names import statements bind, with their qualified targets;
- `shadowed`: whether any of those names is rebound (assigned, a parameter, a loop or `as`
  target, a def or class, `global`), or used inside an f-string: then only scope analysis knows
  what a call means, and the caller falls back to libcst.
`calls` gives the same (value, range, evidence) as the libcst reader for the files it accepts; a
differential test over real files keeps the two equal.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Iterator, Sequence

Line = Sequence[tokenize.TokenInfo]
Position = tuple[int, int]

_REBINDING_KEYWORDS = frozenset({"as", "def", "class", "global", "nonlocal", "del", "lambda"})
_ASSIGN_OPS = frozenset({"=", ":=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", ">>=", "<<=", "&=", "^=", "|=",
                         "@="})
_OPEN = frozenset({"(", "[", "{"})
_CLOSE = frozenset({")", "]", "}"})
_FSTRING_PREFIX = re.compile(r"^[rRbBuU]*[fF]")


def is_import(line: Line) -> bool:
    return bool(line) and line[0].type == tokenize.NAME and line[0].string in ("import", "from")


def bindings(lines: Sequence[Line]) -> dict[str, set[str]]:
    """Local name -> qualified names that import statements bind to it (relative imports skipped)."""
    out: dict[str, set[str]] = {}
    for line in lines:
        if is_import(line):
            for local, target in _bound_by(line):
                out.setdefault(local, set()).add(target)
    return out


def dotted(line: Line, i: int) -> tuple[str, int]:
    """The dotted name starting at token `i`, and the index after it."""
    parts = [line[i].string]
    i += 1
    while i + 1 < len(line) and line[i].string == "." and line[i + 1].type == tokenize.NAME:
        parts.append(line[i + 1].string)
        i += 2
    return ".".join(parts), i


def _bound_by(line: Line) -> Iterator[tuple[str, str]]:
    if line[0].string == "import":
        i = 1
        while i < len(line) and line[i].type == tokenize.NAME:
            name, i = dotted(line, i)
            if i + 1 < len(line) and line[i].string == "as" and line[i + 1].type == tokenize.NAME:
                yield line[i + 1].string, name
                i += 2
            else:
                yield name.split(".", 1)[0], name.split(".", 1)[0]
            if i < len(line) and line[i].string == ",":
                i += 1
            else:
                return
        return
    # from a.b import c as d, e
    if len(line) < 2 or line[1].type != tokenize.NAME:
        return  # `from . import x`: the project's own code
    module, i = dotted(line, 1)
    if i >= len(line) or line[i].string != "import":
        return
    i += 1
    while i < len(line):
        tok = line[i]
        if tok.type == tokenize.NAME:
            if i + 2 < len(line) and line[i + 1].string == "as" and line[i + 2].type == tokenize.NAME:
                yield line[i + 2].string, f"{module}.{tok.string}"
                i += 3
                continue
            yield tok.string, f"{module}.{tok.string}"
        i += 1


def shadowed(lines: Sequence[Line], names: set[str], fstrings: Sequence[str]) -> bool:
    """True when one of `names` may mean something other than its import somewhere in the file."""
    if any(name in text for text in fstrings for name in names):
        return True
    for line in lines:
        if is_import(line):
            continue
        if _rebinds(line, names):
            return True
    return False


def _rebinds(line: Line, names: set[str]) -> bool:
    words = [t.string for t in line[:2]]
    head = words[1] if words[:1] == ["async"] and len(words) > 1 else (words[0] if words else "")
    if head in ("def", "case"):
        # a signature (parameters, defaults) or a match pattern: any bare use may be a new binding
        return any(t.type == tokenize.NAME and t.string in names and not _after_dot(line, k)
                   for k, t in enumerate(line))
    assign_at = _top_level_assignment(line)
    target_until: str | None = None  # inside `for ... in` or `lambda ...:` the names are new bindings
    for k, tok in enumerate(line):
        if tok.type == tokenize.NAME and tok.string in ("for", "lambda"):
            target_until = "in" if tok.string == "for" else ":"
            continue
        if target_until is not None and tok.string == target_until:
            target_until = None
            continue
        if tok.type != tokenize.NAME or tok.string not in names or _after_dot(line, k):
            continue
        if target_until is not None:
            return True
        prev = line[k - 1].string if k else ""
        nxt = line[k + 1].string if k + 1 < len(line) else ""
        if prev in _REBINDING_KEYWORDS or nxt == ":=":
            return True
        if assign_at is not None and k < assign_at and nxt not in (".", "[", "("):
            return True  # `N = ...`, `a, N = ...`, `N: T = ...`
        if k == 0 and nxt == ":" and assign_at is None:
            return True  # a bare annotation `N: T`
    return False


def _top_level_assignment(line: Line) -> int | None:
    depth = 0
    for k, tok in enumerate(line):
        if tok.string in _OPEN:
            depth += 1
        elif tok.string in _CLOSE:
            depth -= 1
        elif depth == 0 and tok.type == tokenize.OP and tok.string in _ASSIGN_OPS and tok.string != ":=":
            return k
    return None


def _after_dot(line: Line, k: int) -> bool:
    return k > 0 and line[k - 1].string == "."


def calls(lines: Sequence[Line], bound: dict[str, set[str]], roots: frozenset[str]
          ) -> Iterator[tuple[str, Position, Position, str]]:
    """(qualified name, start, end, evidence) of each call whose callee is an imported name."""
    for line in lines:
        if is_import(line):
            continue
        k = 0
        while k < len(line):
            tok = line[k]
            if tok.type != tokenize.NAME or tok.string not in bound or _after_dot(line, k) \
                    or (k and line[k - 1].string in ("def", "class")):
                k += 1
                continue
            shown, after = dotted(line, k)
            if after < len(line) and line[after].string == "(" and line[after].type == tokenize.OP:
                rest = shown.split(".", 1)[1:]
                end = line[after - 1].end
                for target in sorted(bound[tok.string]):
                    qname = ".".join([target, *rest])
                    if qname.split(".", 1)[0].lower() in roots:
                        yield qname, tok.start, end, f"{shown}(...)"
            k = after


def is_fstring(tok: tokenize.TokenInfo) -> bool:
    return tok.type == tokenize.STRING and bool(_FSTRING_PREFIX.match(tok.string))
