"""Where the optional patterns (followed strings, JS globals) need to look in one file.

Why: a TikTok URL can only be built from a literal that holds a prefilter hit, so the bindings
worth reading are the ones around the hits and around the names that carry them, transitively
(`BASE = "https://business-api.tiktok.com"`, then `URL = BASE + PATH`, then `post(URL)`). A
minified bundle whose one entity list names tiktok.com has tens of thousands of bindings and
calls; queries restricted to those byte spans read a handful. When the spans grow past a few
hundred (a one-letter minified name everywhere), one query over the whole file is cheaper and
gives the same matches.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_ROUNDS = 6  # rounds of names found through names; a longer chain is read from the whole file
MAX_SPANS = 256  # more spans than this: one whole-file query
MAX_READ = 4096  # a value or call longer than this (a function body, an entity list) gives no names

_NAME = re.compile(r"[A-Za-z_$][\w$]*")
# Words that are never a binding worth following, in any of the grammars (their occurrences are everywhere).
_NOT_NAMES = frozenset({
    "const", "let", "var", "val", "fun", "func", "function", "def", "return", "new", "this", "self", "true",
    "false", "null", "nil", "None", "True", "False", "await", "async", "if", "else", "in", "of", "is", "as",
    "and", "or", "not", "string", "String", "str", "int", "final", "static", "public", "private", "class",
    "import", "from", "export", "default", "typeof", "void", "undefined", "window", "document",
})


Reads = Callable[[Any], tuple[set[str], bool]]


@dataclass
class Focus:
    """Disjoint sorted byte spans: where a hit, or a name that may carry one, is."""

    whole: bool = False
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def touches(self, start: int, end: int) -> bool:
        if self.whole:
            return True
        i = bisect_right(self.starts, end - 1) - 1
        return i >= 0 and self.ends[i] > start

    @classmethod
    def of(cls, spans: Iterable[tuple[int, int]]) -> Focus:
        out = cls()
        for s, e in sorted(spans):
            if out.ends and s <= out.ends[-1]:
                out.ends[-1] = max(out.ends[-1], e)
            else:
                out.starts.append(s)
                out.ends.append(e)
        return out


def focused_matches(query: Any, root: Any, data: bytes, seeds: Sequence[tuple[int, int]], calls: Sequence[Any],
                    reads: Reads, call_reads: Reads) -> tuple[list[Any], Focus]:
    """The query's matches that touch the hits (`seeds`) or the names that may carry them, and the spans.

    `reads(node)` is (the names the evaluator asks for when it evaluates `node`, whether the value holds a
    TikTok host even with every name unknown) (flow.py); `call_reads(call)` the same for the arguments a
    sink call sends. The names followed are: those the expressions around a hit read
    (`'https://{}.tiktok.com/{}'.format(prefix, version)`); a name bound to a value that holds a host or
    reads a followed name, and the names that value reads; the names a sink call reads when they include a
    followed one (`post(BASE + PATH)`). Every occurrence of a followed name is a span, so every assignment
    of it is read (a name assigned two values is no constant).
    """
    import tree_sitter

    reads, call_reads = _cached(reads), _cached(call_reads)

    def whole() -> tuple[list[Any], Focus]:
        return tree_sitter.QueryCursor(query).matches(root), Focus(whole=True)

    raw = list(seeds)
    focus = Focus.of(raw)
    pending = list(zip(focus.starts, focus.ends, strict=True))
    known: set[str] = set()  # names worth following, found so far
    for start, end in pending:
        node = root.descendant_for_byte_range(start, end)
        for _ in range(8):  # the expressions around the hit, as FlowFacts.built walks them
            if node is None or node.end_byte - node.start_byte > MAX_READ:
                break
            known |= reads(node)[0]
            node = node.parent
    followed: set[str] = set()  # names whose occurrences are spans already
    seen_matches: set[tuple[Any, ...]] = set()
    matches: list[Any] = []
    bindings: list[tuple[set[str], Any]] = []  # (bound names, value) not yet known to matter
    far_calls = list(calls)  # calls that touch no span yet
    near_calls: list[Any] = []  # calls that touch one, whose arguments do not matter yet
    for _ in range(MAX_ROUNDS + 1):
        if len(focus.starts) > MAX_SPANS:
            return whole()
        for start, end in pending:
            cursor = tree_sitter.QueryCursor(query)
            cursor.set_byte_range(start, end)
            for match in cursor.matches(root):
                key = (match[0], *sorted((name, n.start_byte, n.end_byte) for name, nodes in match[1].items()
                                         for n in nodes))
                if key in seen_matches:
                    continue
                seen_matches.add(key)
                matches.append(match)
                caps: dict[str, list[Any]] = match[1]
                values = caps.get("flow.value") or caps.get("flow.keyed")
                if values:
                    value = values[0]
                    bound = caps.get("flow.name")
                    text = data[bound[0].start_byte : bound[0].end_byte].decode("utf-8", "replace") if bound else ""
                    bindings.append(({n.lstrip("$") for n in _NAME.findall(text)}, value))
        still_far: list[Any] = []
        for call in far_calls:
            (near_calls if focus.touches(call.start_byte, call.end_byte) else still_far).append(call)
        far_calls = still_far
        bindings, near_calls = _settle(known, bindings, near_calls, focus, reads, call_reads)
        new = {n.lstrip("$") for n in known} - followed - _NOT_NAMES
        new.discard("")
        followed |= new
        if not new:
            return matches, focus
        # `$name` counts (PHP variables, Kotlin/Dart/Groovy templates); `a$name` is then read too, harmlessly
        pattern = re.compile(rb"(?<!\w)(?:" + b"|".join(re.escape(n.encode()) for n in sorted(new)) + rb")(?![\w$])")
        found = Focus.of((m.start(), m.end()) for m in pattern.finditer(data) if not focus.touches(m.start(), m.end()))
        pending = list(zip(found.starts, found.ends, strict=True))
        raw.extend(pending)
        focus = Focus.of(raw)
    return whole()  # names still coming after MAX_ROUNDS: a chain this long is read from the whole file


def _settle(known: set[str], bindings: list[tuple[set[str], Any]], calls: list[Any], focus: Focus, reads: Reads,
            call_reads: Reads) -> tuple[list[tuple[set[str], Any]], list[Any]]:
    """Grow `known` until no binding or call adds a name (a binding can be seen before the one whose
    name it reads); returns the bindings and calls that still do not matter."""
    changed = True
    while changed:
        changed = False
        kept = []
        for bound_names, value in bindings:
            if focus.touches(value.start_byte, value.end_byte) or bound_names & known:
                value_reads, carries = reads(value)
                if carries or value_reads & known or bound_names & known:
                    known |= bound_names | value_reads
                    changed = True
                    continue
            kept.append((bound_names, value))
        bindings = kept
        waiting = []
        for call in calls:
            sent_reads, carries = call_reads(call)
            if carries or sent_reads & known:
                known |= sent_reads
                changed = True
            else:
                waiting.append(call)
        calls = waiting
    return bindings, calls


def _cached(reads: Reads) -> Reads:
    seen: dict[tuple[int, int, str], tuple[set[str], bool]] = {}

    def cached(node: Any) -> tuple[set[str], bool]:
        key = (node.start_byte, node.end_byte, node.type)
        if key not in seen:
            seen[key] = reads(node)
        return seen[key]

    return cached
