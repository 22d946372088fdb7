"""TOML with the line of every table header, key and array string item.

tomllib gives the data (and has validated the document); one pass over the same text records
where tables, keys (dotted and inline-table keys too) and the string items of arrays are written.
Tables are addressed by their dotted path, the n-th `[[name]]` entry by (*name, n).
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from typing import Any

from scanner.analyzers.lockfile._support.lines import KeyPath, LineIndex
from scanner.analyzers.lockfile._support.numbers import blank_long_integers
from scanner.errors import ParseError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the same parser on older interpreters
    import tomli as tomllib


_QUOTED = r""""(?:[^"\\]|\\.)*"|'[^']*'"""
_BARE = r"[A-Za-z0-9_-]+"
_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*((?:" + _QUOTED + r"|[^\]\[\"'#])+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"^\s*((?:" + _QUOTED + "|" + _BARE + r")(?:\s*\.\s*(?:" + _QUOTED + "|" + _BARE + r"))*)\s*=")
_TOML_KEY_PART = re.compile(r""""((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+)""")
_TOML_TOKEN = re.compile(r'"""|\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]')
_INLINE_KEY = re.compile(r"""(?:^|[{,])\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def _key_parts(raw: str) -> tuple[str, ...]:
    return tuple(next(g for g in m.groups() if g is not None) for m in _TOML_KEY_PART.finditer(raw))


class TomlDoc:
    """A parsed TOML document and where its tables, keys and array items are written (1-based lines).

    `keys[path]`: the line of a key assignment; `tables[path]`: the line of a `[table]` header or
    of the n-th `[[name]]` entry (path `(*name, n)`); `items[path]`: (line, value) of each string
    item of the array at `path`. Lines inside multi-line strings and arrays are values, never keys.
    """

    def __init__(self, data: dict[str, Any], text: str) -> None:
        self.data = data
        self.lines = LineIndex(text)
        self.keys: dict[KeyPath, int] = {}
        self.tables: dict[KeyPath, int] = {}
        self.items: dict[KeyPath, list[tuple[int, str]]] = {}
        self.array_tables: dict[tuple[str, ...], int] = {}  # name -> entries seen
        self._scan(text.split("\n"))

    def line(self, *path: str | int) -> int | None:
        """The line of the key, or of the table header, at `path`."""
        return self.keys.get(path) or self.tables.get(path)

    def declared_line(self, *path: str | int) -> int | None:
        """Where `path` is declared: its key or table header, else its first nested key (`x.version = ...`)."""
        found = self.line(*path)
        if found is not None:
            return found
        size = len(path)
        return next((ln for key, ln in self.keys.items() if key[:size] == path), None)

    def entries(self, path: str, table: str) -> list[tuple[dict[str, Any], int]]:
        """The `[[table]]` entries with the line of each entry's `name` (its header line without one)."""
        found = self.data.get(table, [])
        if not isinstance(found, list):
            raise ParseError(f"{path}: {table!r} is a {type(found).__name__}, expected an array of tables")
        out: list[tuple[dict[str, Any], int]] = []
        for i, entry in enumerate(found):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise ParseError(f"{path}: {table}[{i}] has no name")
            line = self.keys.get((table, i, "name")) or self.tables.get((table, i))
            if line is None:  # pragma: no cover - tomllib and the scan agree on entries
                raise ParseError(f"{path}: cannot locate {table}[{i}]")
            out.append((entry, line))
        return out

    def _scan(self, lines: list[str]) -> None:
        table: KeyPath = ()
        i = 0
        while i < len(lines):
            line = lines[i]
            header = _TOML_HEADER.match(line)
            if header and not _TOML_KEY.match(line):
                name = _key_parts(header.group(2))
                if header.group(1) == "[[":
                    count = self.array_tables.get(name, 0)
                    self.array_tables[name] = count + 1
                    table = (*name, count)
                else:
                    table = self._resolve(name)
                self.tables.setdefault(table, i + 1)
                i += 1
                continue
            key = _TOML_KEY.match(line)
            if key is None:
                i += 1
                continue
            path = (*table, *_key_parts(key.group(1)))
            self.keys.setdefault(path, i + 1)
            i = self._value(lines, i, key.end(), path)

    def _resolve(self, name: tuple[str, ...]) -> KeyPath:
        """`[package.dependencies]` after `[[package]]` belongs to the last package entry."""
        for cut in range(len(name), 0, -1):
            count = self.array_tables.get(name[:cut])
            if count:
                return (*name[:cut], count - 1, *name[cut:])
        return name

    def _value(self, lines: list[str], i: int, start: int, path: KeyPath) -> int:
        """Records the string items of an array value (and inline-table keys); returns the next line index."""
        depth = 0
        items: list[tuple[int, str]] = []
        in_multi: str | None = None
        col = start
        while i < len(lines):
            text = lines[i]
            pos = col
            while pos < len(text):
                if in_multi is not None:
                    end = text.find(in_multi, pos)
                    if end == -1:
                        break
                    pos = end + 3
                    in_multi = None
                    continue
                m = _TOML_TOKEN.search(text, pos)
                if m is None:
                    break
                tok = m.group(0)
                pos = m.end()
                if tok in ('"""', "'''"):
                    in_multi = tok
                elif tok.startswith("#"):
                    break
                elif tok in "[{":
                    depth += 1
                    if tok == "{" and depth == 1:
                        for k in _INLINE_KEY.finditer("{" + text[pos:]):
                            self.keys.setdefault((*path, *_key_parts(k.group(1))), i + 1)
                elif tok in "]}":
                    depth -= 1
                elif depth == 1 and tok[0] in "\"'":
                    value = tok[1:-1]
                    if tok[0] == '"' and "\\" in value:
                        with contextlib.suppress(ValueError):
                            value = json.loads(tok)
                    items.append((i + 1, value))
            i += 1
            col = 0
            if depth <= 0 and in_multi is None:
                break
        if items:
            self.items[path] = items
        return i


def load_toml(path: str, text: str) -> TomlDoc:
    """Parse TOML (a leading BOM ignored); malformed -> ParseError."""
    try:
        data = tomllib.loads(blank_long_integers(text.lstrip("\ufeff")))
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ParseError(f"{path}: not valid TOML: {exc}") from exc
    return TomlDoc(data, text)
