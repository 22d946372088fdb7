"""Literal structure inside JavaScript/TypeScript config modules (`app.config.ts`, `react-native.config.js`).

Config modules are programs and are never run; what they declare is mostly an object or array
literal (`plugins: ["expo-x", ["expo-y", {...}]]`, `dependencies: { "react-native-x": {...} }`).
These helpers read such a literal's strings and keys from comment-blanked code, by bracket depth,
and ignore everything computed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_TOKEN = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|[{}\[\]()]|[A-Za-z_$][\w$]*|:|,""")
_OPENERS = {"{": "}", "[": "]", "(": ")"}


def literal_after(code: str, key: str, opener: str) -> int | None:
    """Offset of the `opener` bracket of the first `key: <opener>` in `code` (key bare or quoted)."""
    m = re.search(r"""(?:\b|["'])""" + re.escape(key) + r"""["']?\s*:\s*""" + re.escape(opener), code)
    return m.end() - 1 if m else None


def _walk(code: str, start: int) -> Iterator[tuple[int, str, int]]:
    """(depth inside the literal opened at `start`, token, offset) until that literal closes."""
    depth = 0
    for m in _TOKEN.finditer(code, start):
        tok = m.group(0)
        if tok in _OPENERS:
            depth += 1
            yield depth, tok, m.start()
        elif tok in ")]}":
            depth -= 1
            if depth <= 0:
                return
        else:
            yield depth, tok, m.start()


def _unquote(tok: str) -> str | None:
    return tok[1:-1] if tok[:1] in "\"'" or (tok[:1] == "`" and "${" not in tok) else None


def array_entries(code: str, start: int) -> list[tuple[str, int]]:
    """(string, offset of its first character) of each entry of the array at `start`: a string
    item, or the first string of an item that is itself an array (`["expo-x", {...}]`)."""
    out: list[tuple[str, int]] = []
    first_of_nested = False
    for depth, tok, offset in _walk(code, start):
        if depth == 2 and tok == "[":
            first_of_nested = True
            continue
        value = _unquote(tok)
        if value is None:
            continue
        if depth == 1 or (depth == 2 and first_of_nested):
            out.append((value, offset + 1))
        first_of_nested = False
    return out


def object_keys(code: str, start: int) -> list[tuple[str, int]]:
    """(key, offset of its first character) of each property of the object literal at `start`."""
    out: list[tuple[str, int]] = []
    previous: tuple[int, str, int] | None = None
    for depth, tok, offset in _walk(code, start):
        if tok == ":" and previous is not None and previous[0] == 1:
            name = _unquote(previous[1])
            if name is not None:
                out.append((name, previous[2] + 1))
            elif re.match(r"[A-Za-z_$]", previous[1]):
                out.append((previous[1], previous[2]))
        previous = (depth, tok, offset)
    return out


def string_property(code: str, start: int, key: str) -> tuple[str, int] | None:
    """(string, offset of its first character) of the property `key: "..."` of the object literal at
    `start` (not of a nested object); None when absent or not a plain string."""
    previous: tuple[int, str] | None = None
    after_key = False
    for depth, tok, offset in _walk(code, start):
        if after_key:
            value = _unquote(tok)
            return (value, offset + 1) if depth == 1 and value is not None else None
        after_key = tok == ":" and previous is not None and previous[0] == 1 and \
            (previous[1] == key or _unquote(previous[1]) == key)
        previous = (depth, tok)
    return None


def literal_end(code: str, start: int) -> int:
    """Offset just past the bracket closing the literal opened at `start` (strings skipped); len(code) if none."""
    depth = 0
    for m in _TOKEN.finditer(code, start):
        tok = m.group(0)
        if tok in _OPENERS:
            depth += 1
        elif tok in ")]}":
            depth -= 1
            if depth <= 0:
                return m.end()
    return len(code)
