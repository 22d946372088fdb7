"""Shared helpers for manifest/lockfile parsers: positions in JSON, YAML, TOML and XML, purls, graphs.

Standard parsers (json, PyYAML, tomllib, defusedxml) do the parsing; these helpers only recover
where each value was written, because findings must point at the real declaring line.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
import sys
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from packageurl import PackageURL

from scanner.errors import ParseError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class LineIndex:
    """Maps 0-based character offsets of a text to 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = find("\n", pos + 1)

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, max(offset, 0))

    def column(self, offset: int) -> int:
        return offset - self.starts[self.line(offset) - 1] + 1

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]


def span(lines: list[str], line: int, needle: str) -> tuple[int, int]:
    """(column, end_column) of `needle` on a 1-based line; the whole line's text if not found."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    col = text.find(needle) if needle else -1
    if col == -1:
        stripped = len(text) - len(text.lstrip())
        return stripped + 1, max(len(text), stripped + 1) + 1
    return col + 1, col + len(needle) + 1


# -- purls ---------------------------------------------------------------------------------------


def make_purl(type_: str, name: str, namespace: str | None = None, version: str | None = None,
              subpath: str | None = None, qualifiers: Mapping[str, str] | None = None) -> str:
    """A canonical purl string; packageurl-python does the escaping."""
    return PackageURL(type=type_, namespace=namespace or None, name=name, version=version or None,
                      qualifiers=dict(qualifiers) if qualifiers else None, subpath=subpath or None).to_string()


def golang_purl(module: str, version: str | None = None) -> str:
    """Go modules: the last path element is the name (`github.com/a/b/v3` -> ns `github.com/a/b`, `v3`)."""
    namespace, _, name = module.rpartition("/")
    return make_purl("golang", name, namespace or None, version)


_GIT_URL = re.compile(r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:]+)[:/](?P<path>.+?)(?:\.git)?/*$", re.IGNORECASE)


def swift_purl(url: str, version: str | None = None) -> str | None:
    """`pkg:swift/github.com/owner/repo` from a git URL (https, ssh or scp-like); None if not a URL."""
    m = _GIT_URL.match(url.strip())
    if m is None or "/" not in m.group("path"):
        return None
    host = m.group("host").lower()
    namespace, _, name = m.group("path").rpartition("/")
    return make_purl("swift", name, f"{host}/{namespace}", version)


def github_repo(url: str) -> tuple[str, str] | None:
    """(owner, repo) for a github.com git URL."""
    m = _GIT_URL.match(url.strip())
    if m is None or m.group("host").lower() != "github.com":
        return None
    parts = m.group("path").split("/")
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


EXACT_VERSION = re.compile(r"^v?\d+(?:\.\d+)*(?:[-+.][0-9A-Za-z.+-]+)?$")


def exact_version(spec: str | None) -> str | None:
    """The version if `spec` pins one exactly (`2.3.0`, `=2.3.0`, `[2.3.0]`), else None (ranges)."""
    if not spec:
        return None
    s = spec.strip()
    for prefix in ("==", "="):
        if s.startswith(prefix):
            s = s[len(prefix):].strip()
            break
    if s.startswith("[") and s.endswith("]") and "," not in s:
        s = s[1:-1].strip()
    return s if EXACT_VERSION.match(s) else None


# -- dependency graphs ---------------------------------------------------------------------------


def shortest_paths(graph: Mapping[str, Iterable[str]], roots: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Breadth-first from the roots: for each reachable node, the shortest chain root..node.

    Deterministic: roots and children are visited in sorted order.
    """
    paths: dict[str, tuple[str, ...]] = {}
    queue: deque[str] = deque()
    for root in sorted(set(roots)):
        if root not in paths:
            paths[root] = (root,)
            queue.append(root)
    while queue:
        node = queue.popleft()
        for child in sorted(set(graph.get(node, ()))):
            if child not in paths:
                paths[child] = (*paths[node], child)
                queue.append(child)
    return paths


# -- JSON with positions -------------------------------------------------------------------------


class PosStr(str):
    """A str that remembers its 0-based character offset in the source text."""

    offset: int = 0


class PosDict(dict[str, Any]):
    """A JSON object / YAML mapping that remembers where it starts; `key_offsets` for YAML keys."""

    offset: int = 0
    key_offsets: dict[str, int]


class PosList(list[Any]):
    offset: int = 0


def _pos_str(value: str, offset: int) -> PosStr:
    s = PosStr(value)
    s.offset = offset
    return s


class _PosDecoder(json.JSONDecoder):
    """A decoder on the pure-Python scanner, so that objects, arrays and strings keep offsets."""

    def __init__(self) -> None:
        super().__init__(strict=False)
        # the pure-Python pieces of the stdlib decoder: the C scanner cannot report positions
        base_object: Any = getattr(json.decoder, "JSONObject")  # noqa: B009
        base_array: Any = getattr(json.decoder, "JSONArray")  # noqa: B009
        base_string: Any = getattr(json.decoder, "py_scanstring")  # noqa: B009

        def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[Any, int]:
            start = s_and_end[1] - 1
            pairs, end = base_object(s_and_end, *args, **kwargs)
            out = PosDict(pairs)
            out.offset = start
            return out, end

        def parse_array(s_and_end: tuple[str, int], scan_once: Any, **kwargs: Any) -> tuple[Any, int]:
            start = s_and_end[1] - 1
            values, end = base_array(s_and_end, scan_once, **kwargs)
            out = PosList(values)
            out.offset = start
            return out, end

        def parse_string(s: str, end: int, strict: bool = True) -> tuple[str, int]:
            value, new_end = base_string(s, end, strict)
            return _pos_str(value, end - 1), new_end

        self.parse_object = parse_object
        self.parse_array = parse_array
        self.parse_string = parse_string
        self.object_pairs_hook = list  # keep pairs; PosDict is built in parse_object
        self.memo: dict[str, str] = {}
        self.scan_once = getattr(json.scanner, "py_make_scanner")(self)  # noqa: B009


def load_json(path: str, text: str) -> Any:
    """Parse JSON keeping positions (PosDict/PosList/PosStr); malformed -> ParseError."""
    try:
        return _PosDecoder().decode(text.lstrip("\ufeff"))
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"{path}: not valid JSON: {exc}") from exc


def json_key_offset(text: str, obj: PosDict, key: str) -> int:
    """Offset of `"key"` in `obj`: just before its value when the value knows its offset, so a
    same-named key nested earlier in the object is not taken for it."""
    quoted = json.dumps(key, ensure_ascii=False)
    value = obj.get(key)
    value_offset = getattr(value, "offset", None)
    if isinstance(value_offset, int) and value_offset > obj.offset:
        pos = text.rfind(quoted, obj.offset, value_offset)
    else:
        pos = text.find(quoted, obj.offset)
    return pos if pos != -1 else obj.offset


# -- YAML with positions -------------------------------------------------------------------------


def load_yaml(path: str, text: str) -> Any:
    """Parse one YAML document safely, keeping positions: mappings -> PosDict, strings -> PosStr."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ParseError(f"{path}: not valid YAML: {exc}") from exc
    if node is None:
        return None
    loader = yaml.SafeLoader("")
    try:
        return _construct(node, loader, 0)
    except (yaml.YAMLError, RecursionError) as exc:
        raise ParseError(f"{path}: not valid YAML: {exc}") from exc
    finally:
        loader.dispose()


def _construct(node: Any, loader: Any, depth: int) -> Any:
    import yaml

    if depth > 200:
        raise yaml.YAMLError("nesting too deep")
    if isinstance(node, yaml.MappingNode):
        out = PosDict()
        out.offset = node.start_mark.index
        out.key_offsets = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, loader, depth + 1)
            key = str(key) if not isinstance(key, str) else key
            if not isinstance(key, PosStr):
                key = _pos_str(key, key_node.start_mark.index)
            out[key] = _construct(value_node, loader, depth + 1)
            out.key_offsets[key] = key_node.start_mark.index
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = PosList(_construct(v, loader, depth + 1) for v in node.value)
        seq.offset = node.start_mark.index
        return seq
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str):
        return _pos_str(value, node.start_mark.index)
    return value


# -- TOML with positions -------------------------------------------------------------------------


def load_toml(path: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text.lstrip("\ufeff"))
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ParseError(f"{path}: not valid TOML: {exc}") from exc


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_BARE = r"""(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)"""
_TOML_KEY = re.compile(r"^\s*(" + _TOML_BARE + r"(?:\s*\.\s*" + _TOML_BARE + r")*)\s*=")
_TOML_PART = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.|$)""")


def _toml_path(dotted: str) -> tuple[str, ...]:
    return tuple(m.group(1).strip("\"'") for m in _TOML_PART.finditer(dotted))


@dataclass
class TomlLines:
    """Where TOML tables and keys are written (1-based lines).

    `keys[(table..., key...)]` is the line of a key assignment; array-of-tables elements are
    numbered (`("package", "3", "name")`). Lines inside multi-line strings and arrays are skipped.
    """

    tables: dict[tuple[str, ...], int] = field(default_factory=dict)
    keys: dict[tuple[str, ...], int] = field(default_factory=dict)

    def key(self, *path: str) -> int | None:
        return self.keys.get(tuple(path))


def toml_lines(text: str) -> TomlLines:
    out = TomlLines()
    table: tuple[str, ...] = ()
    counters: dict[tuple[str, ...], int] = {}
    depth = 0  # open brackets/braces of a multi-line value
    in_ml: str | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if in_ml is not None:
            if line.count(in_ml) % 2 == 1:
                in_ml = None
            continue
        if depth > 0:
            depth += _bracket_delta(line)
            continue
        header = _TOML_HEADER.match(line)
        if header and not _TOML_KEY.match(line):
            path = _toml_path(header.group(2))
            if header.group(1) == "[[":
                idx = counters.get(path, -1) + 1
                counters[path] = idx
                table = (*path, str(idx))
            else:
                table = _resolve_aot(path, counters)
            out.tables.setdefault(table, lineno)
            continue
        key = _TOML_KEY.match(line)
        if key:
            out.keys.setdefault((*table, *_toml_path(key.group(1))), lineno)
            rest = line[key.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_ml = quote
            if in_ml is None:
                depth = max(_bracket_delta(rest), 0)
    return out


def _resolve_aot(path: tuple[str, ...], counters: dict[tuple[str, ...], int]) -> tuple[str, ...]:
    """`[package.metadata]` after `[[package]]` belongs to the last package element."""
    for cut in range(len(path), 0, -1):
        prefix = path[:cut]
        if prefix in counters:
            return (*prefix, str(counters[prefix]), *path[cut:])
    return path


_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


def _bracket_delta(fragment: str) -> int:
    body = _STRING_RE.sub("", fragment.split("#", 1)[0] if '"' not in fragment else fragment)
    body = _STRING_RE.sub("", body)
    if "#" in body:
        body = body.split("#", 1)[0]
    return body.count("[") + body.count("{") - body.count("]") - body.count("}")


# -- XML with positions --------------------------------------------------------------------------


@dataclass
class XmlNode:
    """A light element tree from SAX (defusedxml), with the 1-based line each start tag is on."""

    tag: str  # local name, namespace prefix removed
    attrs: dict[str, str]
    line: int
    children: list[XmlNode] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> XmlNode | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[XmlNode]:
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> str | None:
        node = self.find(tag)
        return node.text.strip() if node is not None else None

    def iter(self, tag: str | None = None) -> Iterable[XmlNode]:
        stack = [self]
        while stack:
            node = stack.pop()
            if tag is None or node.tag == tag:
                yield node
            stack.extend(reversed(node.children))

    def attr(self, name: str) -> str | None:
        """Attribute by local name, case-insensitive (MSBuild writes `Include` and `include`)."""
        lower = name.lower()
        for key, value in self.attrs.items():
            if key.rsplit(":", 1)[-1].lower() == lower:
                return value
        return None


def load_xml(path: str, text: str) -> XmlNode:
    """Parse XML with defusedxml's SAX parser (no entities, no DTD fetching); malformed -> ParseError."""
    import xml.sax
    import xml.sax.handler

    import defusedxml.sax
    from defusedxml import DefusedXmlException

    class Handler(xml.sax.handler.ContentHandler):
        def __init__(self) -> None:
            super().__init__()
            self.root: XmlNode | None = None
            self.stack: list[XmlNode] = []
            self.locator: Any = None

        def setDocumentLocator(self, locator: Any) -> None:
            self.locator = locator

        def startElement(self, name: str, attrs: Any) -> None:
            line = self.locator.getLineNumber() if self.locator is not None else 1
            node = XmlNode(tag=name.rsplit(":", 1)[-1], attrs=dict(attrs.items()), line=line)
            if self.stack:
                self.stack[-1].children.append(node)
            else:
                self.root = node
            self.stack.append(node)

        def endElement(self, name: str) -> None:
            self.stack.pop()

        def characters(self, content: str) -> None:
            if self.stack:
                self.stack[-1].text += content

    handler = Handler()
    data = text.lstrip("\ufeff").encode("utf-8")
    # An XML declaration naming another encoding would make expat re-decode our UTF-8 bytes.
    data = re.sub(rb"^(<\?xml[^>]*?)\sencoding=(['\"])[^'\"]*\2", rb"\1", data, count=1)
    try:
        defusedxml.sax.parseString(data, handler)
    except (xml.sax.SAXException, DefusedXmlException, ValueError) as exc:
        raise ParseError(f"{path}: not valid XML: {exc}") from exc
    if handler.root is None:
        raise ParseError(f"{path}: no XML root element")
    return handler.root


# -- source-like manifests (Gradle, Swift, Ruby DSLs) --------------------------------------------


def blank_comments(path: str, text: str, *, slash: bool = False, hash_: bool = False,
                   triple_quotes: bool = False) -> str:
    """The text with comments replaced by spaces (newlines kept), so offsets and lines stay valid.

    Strings are skipped over so `"https://jitpack.io"` keeps its `//`. An unterminated string or
    block comment raises ParseError: the file is not valid in its language.
    """
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if triple_quotes and text.startswith(('"""', "'''"), i):
            quote = text[i:i + 3]
            end = text.find(quote, i + 3)
            if end == -1:
                raise ParseError(f"{path}: unterminated string starting on line {text.count(chr(10), 0, i) + 1}")
            i = end + 3
            continue
        if ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            if j >= n or text[j] == "\n":
                raise ParseError(f"{path}: unterminated string on line {text.count(chr(10), 0, i) + 1}")
            i = j + 1
            continue
        if slash and text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end == -1 else end
            for k in range(i, end):
                out[k] = " "
            i = end
            continue
        if slash and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                raise ParseError(f"{path}: unterminated block comment on line {text.count(chr(10), 0, i) + 1}")
            for k in range(i, end + 2):
                if out[k] != "\n":
                    out[k] = " "
            i = end + 2
            continue
        if hash_ and ch == "#":
            end = text.find("\n", i)
            end = n if end == -1 else end
            for k in range(i, end):
                out[k] = " "
            i = end
            continue
        i += 1
    return "".join(out)


def check_balanced(path: str, code: str, pairs: str = "(){}[]") -> None:
    """Brackets outside strings must balance (comments already blanked)."""
    stripped = _STRING_RE.sub("", code)
    opens = {pairs[i]: pairs[i + 1] for i in range(0, len(pairs), 2)}
    closes = {v: k for k, v in opens.items()}
    stack: list[str] = []
    for ch in stripped:
        if ch in opens:
            stack.append(ch)
        elif ch in closes:
            if not stack or stack[-1] != closes[ch]:
                raise ParseError(f"{path}: unbalanced {ch!r}")
            stack.pop()
    if stack:
        raise ParseError(f"{path}: unclosed {stack[-1]!r}")
