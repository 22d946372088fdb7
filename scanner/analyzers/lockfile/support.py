"""Helpers shared by the lockfile parsers: real format libraries for the data, small indexes for lines.

The format libraries (json, tomllib, PyYAML) give data without positions, so each format gets a
cheap side index of where its keys sit. A parser reads values from the library's result and asks
the index for the declaring line; it never guesses with line 1.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from typing import Any

from packageurl import PackageURL

from scanner.analyzers.lockfile import common
from scanner.errors import ParseError

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - the project targets 3.11, tomli is the same parser
    pass

KeyPath = tuple[str | int, ...]


class LineMap:
    """Offsets (0-based) to 1-based lines and columns of one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        pos = text.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.starts = starts

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        line = self.line(offset)
        return line, offset - self.starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        if not 1 <= line <= len(self.starts):
            return ""
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[self.starts[line - 1]:end].rstrip("\r")

    def column_of(self, line: int, needle: str) -> int:
        """1-based column of `needle` on `line` (case-insensitive), 1 when absent."""
        found = self.line_text(line).lower().find(needle.lower())
        return found + 1 if found >= 0 else 1


# -- JSON -----------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,]')
_JSONC_STRIP = re.compile(r'("(?:[^"\\\n]|\\.)*")|(//[^\n]*|/\*.*?\*/)|,(?=\s*[}\]])', re.S)


def load_json(path: str, text: str, *, jsonc: bool = False) -> tuple[Any, str]:
    """Parsed JSON plus the text the key index must read (JSONC: comments and trailing commas blanked).

    bun.lock is JSONC (trailing commas); blanking keeps every offset, so lines stay exact.
    """
    if jsonc:
        text = _JSONC_STRIP.sub(_blank_jsonc, text)
    try:
        return json.loads(text), text
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ParseError(f"{path}: not valid JSON: {exc}") from exc


def _blank_jsonc(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1)
    return re.sub(r"[^\n]", " ", match.group(0))


def json_key_offsets(text: str) -> dict[KeyPath, int]:
    """Offset of every object key, by its path from the root (array items by index); first one wins."""
    out: dict[KeyPath, int] = {}
    # each frame: [is_object, path, expecting_key, pending_key, array_index]
    stack: list[list[Any]] = []
    pending: tuple[str, int] | None = None
    for match in _JSON_TOKEN.finditer(text):
        tok = match.group(0)
        top = stack[-1] if stack else None
        if tok in "{[":
            if top is None:
                path: KeyPath = ()
            elif top[0]:
                path = (*top[1], top[3]) if top[3] is not None else top[1]
            else:
                path = (*top[1], top[4])
            stack.append([tok == "{", path, True, None, 0])
        elif tok in "}]":
            if stack:
                stack.pop()
        elif tok == ":":
            if top is not None and top[0] and pending is not None:
                key, offset = pending
                top[3] = key
                top[2] = False
                out.setdefault((*top[1], key), offset)
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
            pending = (json.loads(tok) if "\\" in raw else raw, match.start())
    return out


class JsonLines:
    """Declaring lines for JSON (and blanked JSONC) documents."""

    def __init__(self, text: str) -> None:
        self.map = LineMap(text)
        self.offsets = json_key_offsets(text)

    def position(self, *path: str | int) -> tuple[int, int] | None:
        """(line, column) of the key at `path`; the column points inside the quotes."""
        offset = self.offsets.get(path)
        if offset is None:
            return None
        line, col = self.map.position(offset)
        return line, col + 1

    def line(self, *path: str | int, fallback: int | None = None) -> int:
        pos = self.position(*path)
        if pos is not None:
            return pos[0]
        if fallback is not None:
            return fallback
        raise KeyError(path)


# -- YAML -----------------------------------------------------------------------------------------


def load_yaml(path: str, text: str) -> tuple[Any, dict[KeyPath, int]]:
    """Safe-loaded YAML plus the 1-based line of every mapping key, by path (one parse)."""
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ParseError(f"{path}: not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    _yaml_lines(node, (), lines, 0)
    return data, lines


def _yaml_lines(node: Any, path: KeyPath, out: dict[KeyPath, int], depth: int) -> None:
    import yaml

    if depth > 64:
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                sub = (*path, str(key.value))
                out.setdefault(sub, key.start_mark.line + 1)
                _yaml_lines(value, sub, out, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            sub = (*path, i)
            out.setdefault(sub, value.start_mark.line + 1)
            _yaml_lines(value, sub, out, depth + 1)


# -- TOML -----------------------------------------------------------------------------------------

_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]\[#]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(
    r"""^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="""
)
_TOML_KEY_PART = re.compile(r""""((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+)""")
_TOML_STRING = re.compile(r'"""|\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]')


load_toml = common.load_toml  # one TOML loader for every lockfile parser


def _toml_key(raw: str) -> tuple[str, ...]:
    return tuple(m.group(1) if m.group(1) is not None else (m.group(2) if m.group(2) is not None else m.group(3))
                 for m in _TOML_KEY_PART.finditer(raw))


class TomlLines:
    """Where keys, array-of-table entries and array string items sit in a TOML text (1-based lines).

    Tables are addressed by their dotted path; the n-th `[[name]]` entry by (*name, n). Only the text
    is scanned; the values come from tomllib, which has already validated the document.
    """

    def __init__(self, text: str) -> None:
        self.map = LineMap(text)
        self.keys: dict[KeyPath, int] = {}
        self.items: dict[KeyPath, list[tuple[int, str]]] = {}
        self.array_tables: dict[tuple[str, ...], list[int]] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        table: KeyPath = ()
        lines = text.split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            header = _TOML_HEADER.match(line)
            if header and not _TOML_KEY.match(line):
                name = _toml_key(header.group(2))
                if header.group(1) == "[[":
                    entries = self.array_tables.setdefault(name, [])
                    entries.append(i + 1)
                    table = (*name, len(entries) - 1)
                else:
                    table = self._resolve(name)
                    self.keys.setdefault(table, i + 1)
                i += 1
                continue
            key = _TOML_KEY.match(line)
            if key is None:
                i += 1
                continue
            path = (*table, *_toml_key(key.group(1)))
            self.keys.setdefault(path, i + 1)
            i = self._value(lines, i, key.end(), path)

    def _resolve(self, name: tuple[str, ...]) -> KeyPath:
        """`[package.dependencies]` after `[[package]]` belongs to the last package entry."""
        for cut in range(len(name), 0, -1):
            entries = self.array_tables.get(name[:cut])
            if entries:
                return (*name[:cut], len(entries) - 1, *name[cut:])
        return name

    def _value(self, lines: list[str], i: int, start: int, path: KeyPath) -> int:
        """Records string items of an array value (and inline-table keys); returns the next line index."""
        depth = 0
        items: list[tuple[int, str]] = []
        in_multi: str | None = None
        col = start
        inline_keys = True
        while i < len(lines):
            text = lines[i]
            pos = col
            while pos < len(text):
                if in_multi is not None:
                    end = text.find(in_multi, pos)
                    if end == -1:
                        pos = len(text)
                        break
                    pos = end + 3
                    in_multi = None
                    continue
                m = _TOML_STRING.search(text, pos)
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
                    if tok == "{" and depth == 1 and inline_keys:
                        self._inline_keys(text, pos, path, i + 1)
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

    def _inline_keys(self, text: str, pos: int, path: KeyPath, line: int) -> None:
        for m in re.finditer(r"""(?:^|[{,])\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""", "{" + text[pos:]):
            self.keys.setdefault((*path, *_toml_key(m.group(1))), line)

    def line(self, *path: str | int) -> int | None:
        return self.keys.get(path)

    def entry_line(self, name: tuple[str, ...], index: int, key: str = "name") -> int | None:
        """Line of `key` inside the index-th `[[name]]` entry, else its header line."""
        found = self.keys.get((*name, index, key))
        if found is not None:
            return found
        entries = self.array_tables.get(name, [])
        return entries[index] if index < len(entries) else None


# -- package URLs and graphs --------------------------------------------------------------------


def npm_purl(name: str, version: str | None) -> str:
    namespace, _, short = name.rpartition("/") if name.startswith("@") else ("", "", name)
    return PackageURL(type="npm", namespace=namespace or None, name=short, version=version or None).to_string()


def pypi_purl(name: str, version: str | None) -> str:
    return PackageURL(type="pypi", name=canonical_pypi(name), version=version or None).to_string()


def canonical_pypi(name: str) -> str:
    """PEP 503: the name PyPI compares (`TikTokLive` and `tiktok_live` differ; `Tik.Tok_Live` == `tik-tok-live`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def shortest_paths(roots: Iterable[str], edges: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Breadth-first paths from the roots: node -> (root, ..., node) (see `common.shortest_paths`)."""
    return common.shortest_paths(edges, roots)


def require_mapping(path: str, value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ParseError(f"{path}: {what} is a {type(value).__name__}, expected a table/object")
    return value


def display_name(value: Any, fallback: str) -> str:
    return value if isinstance(value, str) and value else fallback


# -- Python requirements ------------------------------------------------------------------------


def parse_pep508(path: str, line: int, text: str) -> tuple[str, str | None]:
    """(name, pinned version or None) of a PEP 508 requirement; ParseError when it is not one."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        raise ParseError(f"{path}:{line}: not a valid requirement {text[:120]!r}: {exc}") from exc
    return req.name, pinned_version(str(req.specifier))


def pinned_version(spec: str) -> str | None:
    """`==1.2.3` / `===1.2.3` (a single exact pin, no wildcard) -> `1.2.3`."""
    spec = spec.strip()
    if "," in spec:
        return None
    for op in ("===", "=="):
        if spec.startswith(op):
            value = spec[len(op):].strip()
            return value if value and "*" not in value else None
    return None


def toml_entries(path: str, data: dict[str, Any], lines: TomlLines, table: str) -> list[tuple[dict[str, Any], int]]:
    """The `[[table]]` entries of a TOML lockfile with the line of each entry's `name`."""
    entries = data.get(table, [])
    if not isinstance(entries, list):
        raise ParseError(f"{path}: {table!r} is a {type(entries).__name__}, expected an array of tables")
    out: list[tuple[dict[str, Any], int]] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ParseError(f"{path}: {table}[{i}] has no name")
        line = lines.entry_line((table,), i)
        if line is None:  # pragma: no cover - tomllib and the scanner agree on entries
            raise ParseError(f"{path}: cannot locate {table}[{i}]")
        out.append((entry, line))
    return out


def roots_by_heuristic(names: Iterable[str], edges: Mapping[str, Iterable[str]]) -> list[str]:
    """Lockfiles that do not record the project's own requirements: a package nobody requires is direct."""
    required = {child for children in edges.values() for child in children}
    return sorted(n for n in names if n not in required)
