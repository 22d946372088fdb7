"""Cheap checks before a native parser (libcst, tree-sitter) sees a file, and the safe-mode switch.

Native parsers can neither be interrupted by SIGALRM nor survived in-process when they overflow
their stack or exhaust memory. The scan workers (scanner.core.workers) survive them; these checks
keep the known pathological shapes (deep nesting, long operator chains, unclosed brackets) away
from the parsers in the first place, so such a file costs milliseconds, not a worker. A file that
fails a check is read by the analyzer's token-level fallback, which still reports TikTok
identifiers and hosts.

`native_parsers_allowed()` is False in a worker retrying a file that killed or hung a worker:
every native parse is then refused and the token fallback runs (worker-bootstrap state only).
"""

from __future__ import annotations

from collections import Counter
from itertools import accumulate, count
from operator import sub

# Nesting over this depth is token-matched: real code nests a few dozen levels, while tree-sitter
# queries and error recovery grow far faster than the file past a few thousand (a 900 KB line of
# `(` kept a query cursor busy past 300 s).
MAX_BRACKET_DEPTH = 1000

_OPEN, _CLOSE, _OTHER = 2, 0, 1
_BRACKETS = bytes(_OPEN if chr(b) in "([{" else _CLOSE if chr(b) in ")]}" else _OTHER for b in range(256))
_NOT_BRACKETS = bytes(b for b in range(256) if chr(b) not in "()[]{}")

_allowed = True
# Native parses per grammar key since start, in this process plus those its workers reported back
# (scanner.core.parallel adds each batch's count): tests prove with it what was (not) parsed.
PARSE_CALLS: Counter[str] = Counter()


class NativeParseRefused(RecursionError):
    """A native parse was refused before it started: the file is too deep or long-chained for it.

    A RecursionError, so analyzers that already fall back on deep nesting (source/python's lexer)
    take the same path; the message says why.
    """


def native_parsers_allowed() -> bool:
    return _allowed


def allow_native_parsers(allowed: bool) -> None:
    """Set by the worker per batch: False while it retries a file that crashed or hung a worker."""
    global _allowed
    _allowed = allowed


def bracket_depth(data: bytes, stop_above: int = MAX_BRACKET_DEPTH) -> int:
    """Deepest nesting of (), [] and {} (brackets in strings and comments count too: an upper bound).

    Runs in C: the brackets are kept with `bytes.translate`, mapped to 2 (open) or 0 (close), and
    depth after k brackets is their running sum minus k. Exact past `stop_above` for well-formed
    text; stray closers lower it (they only ever let a parse run, which the worker survives).
    """
    brackets = data.translate(None, _NOT_BRACKETS)
    if len(brackets) <= stop_above:
        return min(len(brackets), brackets.count(b"(") + brackets.count(b"[") + brackets.count(b"{"))
    steps = brackets.translate(_BRACKETS)
    return max(0, max(map(sub, accumulate(steps), count(1)), default=0))


def python_refusal(text: str) -> str | None:
    """Why libcst must not parse `text`, or None.

    CPython's own parser (C, linear, guarded against deep recursion) goes first: what it rejects
    as too deep (1,300 nested parentheses, 8,000 chained subscripts, 12,000 `+` terms, nested
    lambdas) overflows libcst's native stack or runs it for minutes. Other syntax errors are left
    to libcst, which reads some syntax this interpreter does not.
    """
    if not _allowed:
        return "native parsers are off for this file (it stopped a worker before)"
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            ast.parse(text)
    except RecursionError:
        return "expressions nested or chained too deeply for the parser"
    except MemoryError:
        return "expressions too complex for the parser"
    except SyntaxError as exc:
        if "too many nested" in str(exc.msg) or "too many statically nested" in str(exc.msg):
            return f"{exc.msg}"
    except ValueError:  # NUL bytes: libcst reports those itself
        return None
    return None


def tree_sitter_refusal(data: bytes) -> str | None:
    """Why tree-sitter must not parse `data`, or None."""
    if not _allowed:
        return "native parsers are off for this file (it stopped a worker before)"
    depth = bracket_depth(data)
    if depth > MAX_BRACKET_DEPTH:
        return f"brackets nested over {MAX_BRACKET_DEPTH} deep ({depth})"
    return None
