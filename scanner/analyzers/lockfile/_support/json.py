"""JSON (and bun's JSONC) with the position of every key and string value.

The stdlib parser (C speed) gives the data; one pass of a small tokenizer over the same text
records where each object key and each string value starts, by its path from the root (object
keys by name, array items by index). Where a key repeats, the last one wins, as in the data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from scanner.analyzers.lockfile._support.lines import KeyPath, LineIndex
from scanner.analyzers.lockfile._support.numbers import parse_int
from scanner.errors import ParseError

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')
# bun.lock is JSONC (trailing commas); blanking comments and those commas keeps every offset.
_JSONC_STRIP = re.compile(r'("(?:[^"\\\n]|\\.)*")|(//[^\n]*|/\*.*?\*/)|,(?=\s*[}\]])', re.S)


@dataclass
class JsonDoc:
    """A parsed JSON document and where its keys and string values are written."""

    data: Any
    text: str  # the text offsets refer to: the input, with JSONC comments blanked (same length)
    keys: dict[KeyPath, int] = field(default_factory=dict)  # path of a key -> offset of its opening quote
    strings: dict[KeyPath, int] = field(default_factory=dict)  # path of a string value -> offset of its quote

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.text)

    def key(self, *path: str | int) -> int | None:
        """0-based offset of the opening quote of the key at `path`."""
        return self.keys.get(path)

    def key_position(self, *path: str | int) -> tuple[int, int] | None:
        """(line, column), 1-based, of the first character of the key's name, inside its quotes."""
        offset = self.keys.get(path)
        return None if offset is None else self.lines.position(offset + 1)

    def string(self, *path: str | int) -> int | None:
        """0-based offset of the opening quote of the string value at `path`."""
        return self.strings.get(path)


def load_json(path: str, text: str, *, jsonc: bool = False) -> JsonDoc:
    """Parse JSON (control characters in strings tolerated, a leading BOM ignored); malformed -> ParseError."""
    body = text.lstrip("\ufeff")
    text = " " * (len(text) - len(body)) + body  # a BOM becomes a blank: offsets stay those of the input
    if jsonc:
        text = _JSONC_STRIP.sub(_blank_jsonc, text)
    try:
        data = json.loads(text, strict=False, parse_int=parse_int)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"{path}: not valid JSON: {exc}") from exc
    doc = JsonDoc(data, text)
    _index(text, doc.keys, doc.strings)
    return doc


def _blank_jsonc(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1)
    return re.sub(r"[^\n]", " ", match.group(0))


def _index(text: str, keys: dict[KeyPath, int], strings: dict[KeyPath, int]) -> None:
    """Walks the tokens of an already validated JSON text; only strings and punctuation matter."""
    # each frame: [is_object, path, expecting_key, current_key, array_index]
    stack: list[list[Any]] = []
    pending: tuple[str, int] | None = None  # a key read, its ':' not yet
    for match in _TOKEN.finditer(text):
        tok = match.group(0)
        top = stack[-1] if stack else None
        if tok in "{[":
            stack.append([tok == "{", _value_path(top), True, None, 0])
        elif tok in "}]":
            if stack:
                stack.pop()
        elif tok == ":":
            if top is not None and top[0] and pending is not None:
                top[3], offset = pending
                top[2] = False
                keys[(*top[1], top[3])] = offset
            pending = None
        elif tok == ",":
            if top is not None:
                if top[0]:
                    top[2] = True
                    top[3] = None
                else:
                    top[4] += 1
        elif top is not None and top[0] and top[2]:
            raw = tok[1:-1]
            pending = (json.loads(tok, strict=False) if "\\" in raw else raw, match.start())
        else:
            strings[_value_path(top)] = match.start()


def _value_path(top: list[Any] | None) -> KeyPath:
    """The path of the value about to be read in frame `top` (the root when there is none)."""
    if top is None:
        return ()
    if top[0]:
        return (*top[1], top[3]) if top[3] is not None else top[1]
    return (*top[1], top[4])
