"""Constant strings followed within one file, and where they go: the generic evaluator.

Why: a host built at run time (`'https://{}.tiktok.com/open_api/{}'.format(p, v)`, a template
literal, `fmt.Sprintf`) hides the API path from a literal-by-literal reader, and a string that
reaches an HTTP client, a script `src`, a WebView or a base-URL key is a called endpoint, not a
mention. One evaluator serves every grammar; what differs (node types) is data in
`queries/flow.toml`, and the bindings and keyed values come from each language's query
(`@flow.name`/`@flow.value`, `@flow.key`/`@flow.keyed`).

Values are strings in which `UNKNOWN` stands for a part not known in the file (rendered `{?}`):
`https://{?}.tiktok.com/open_api/v1.3/event/track/` still names the Business API. It runs only on
files the prefilter admitted and the parser already read, and evaluates only expressions whose
literals hold a hit or that a sink receives.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from scanner.analyzers.interface import FileInput
from scanner.analyzers.text.tokens import Token, find_tokens
from scanner.core.prefilter import Needles
from scanner.model import Context, Fact, FactKind, Related

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

UNKNOWN = "\x00"
SHOWN_UNKNOWN = "{?}"
MAX_DEPTH = 12  # names resolved through names: deeper chains are unknown
MAX_VALUE = 2048  # characters of an evaluated string
MAX_EVIDENCE = 160
_HEAD_MAX = 512  # callee text longer than this (an IIFE) goes the full way
FLOW_FILE = Path(__file__).parent / "queries" / "flow.toml"

_DELIMS = re.compile(r"""^[A-Za-z@$]*("{3}|'{3}|"|'|`)?(.*?)("{3}|'{3}|"|'|`)?$""", re.DOTALL)
_DOLLAR = re.compile(r"\$\{?([A-Za-z_][\w]*)\}?")
_PRINTF = re.compile(r"%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:[hlqLjzt]{0,2})([sdifvqxXu@%])")
_BRACES = re.compile(r"\{(\d*|[A-Za-z_]\w*)(?::[^{}]*)?\}")
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_SCHEMED = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_ARG_WRAPPERS = frozenset({"argument", "value_argument", "keyword_argument", "named_argument", "labeled_argument",
                           "pair"})


@dataclass(frozen=True)
class Grammar:
    """The node types of one grammar the evaluator reads (queries/flow.toml)."""

    strings: frozenset[str]
    interpolations: frozenset[str]
    identifiers: frozenset[str]
    members: frozenset[str]
    binaries: frozenset[str]
    calls: frozenset[str]
    lists: frozenset[str]
    adjacent: frozenset[str]
    wrappers: frozenset[str]
    dollar: bool


@dataclass(frozen=True)
class Sinks:
    methods: frozenset[str]
    receivers: dict[str, frozenset[str]]  # method -> names one of which its callee chain must hold
    keys: re.Pattern[str]
    wrappers: frozenset[str]
    formats: frozenset[str]
    environment: frozenset[str]
    method_bytes: re.Pattern[bytes]  # any of `methods` in a callee's bytes: the cheap reject of sink_arguments


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, Grammar], Sinks]:
    data = tomllib.loads(FLOW_FILE.read_text(encoding="utf-8"))
    grammars = {}
    fields = ("strings", "interpolations", "identifiers", "members", "binaries", "calls", "lists", "adjacent",
              "wrappers")
    for key, rec in data["languages"].items():
        sets = {f: frozenset(rec.get(f, ())) for f in fields}
        grammars[key] = Grammar(**sets, dollar=bool(rec.get("dollar", False)))
    s = data["sinks"]
    receivers = {k: frozenset(v) for k, v in s.get("receivers", {}).items()}
    method_bytes = re.compile(b"|".join(re.escape(m.encode()) for m in sorted(s["methods"])))
    sinks = Sinks(frozenset(s["methods"]), receivers, re.compile(s["keys"]), frozenset(s["wrappers"]),
                  frozenset(s["formats"]), frozenset(s["environment"]), method_bytes)
    return grammars, sinks


def sink_tables() -> tuple[str, str]:
    """A regex of the sink callees (a dotted chain) and the base-URL key regex, for interop/semgrep."""
    sinks = _tables()[1]
    free = sorted(m for m in sinks.methods if m not in sinks.receivers)
    alts = [r"(?:.*[.:>\s])?(?:" + "|".join(re.escape(m) for m in free) + ")"]
    for method, names in sorted(sinks.receivers.items()):
        alts.append(r".*\b(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")\b.*[.:>\s]" + re.escape(method))
    return r"(?s)^(?:" + "|".join(alts) + r")$", sinks.keys.pattern


def grammar(key: str) -> Grammar | None:
    return _tables()[0].get(key)


def shown(value: str) -> str:
    return value.replace(UNKNOWN, SHOWN_UNKNOWN)


class _Asked(dict[str, list[Any]]):
    """Bindings that know no name and remember every name asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.names.add(key)
        return default


class Evaluator:
    """The constant value of an expression node, with the definitions it came from."""

    def __init__(self, data: bytes, g: Grammar, bindings: dict[str, list[Any]]) -> None:
        self.data = data
        self.g = g
        self.bindings = bindings
        self.sinks = _tables()[1]
        self.sources: list[Any] = []  # binding value nodes used by the last evaluation

    def text(self, node: Any) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def value(self, node: Any, depth: int = 0) -> str:
        if node is None or depth > MAX_DEPTH:
            return UNKNOWN
        out = self._value(node, depth)
        return out[:MAX_VALUE]

    def _value(self, node: Any, depth: int) -> str:
        t = node.type
        g = self.g
        if t in g.strings:
            return self._string(node, depth)
        if t in g.adjacent:
            return "".join(self.value(c, depth + 1) for c in node.named_children)
        if t in g.identifiers:
            return self._name(self.text(node), depth)
        if t in g.members:
            names = _NAME.findall(self.text(node))
            return self._name(names[-1], depth) if names else UNKNOWN
        if t in g.binaries:
            return self._binary(node, depth)
        if t in g.calls:
            return self._call(node, depth)
        if t == "argument" and node.named_child_count > 1:  # Dart: `Uri.parse(url)` is a name and selectors
            return self._selectors(node, depth)
        if t in g.wrappers or t.startswith("paren"):
            kids = [c for c in node.named_children if c.type not in ("type_identifier", "predefined_type", "comment")]
            return self.value(kids[-1] if t == "cast_expression" and kids else (kids[0] if kids else None), depth + 1)
        return UNKNOWN

    def _name(self, raw: str, depth: int) -> str:
        name = raw.lstrip("$")
        nodes = self.bindings.get(name)
        if not nodes:
            return UNKNOWN
        values = {self.value(n, depth + 1) for n in nodes[:8]}
        if len(values) != 1:
            return UNKNOWN  # assigned different values: not a constant
        self.sources.append(nodes[0])
        return values.pop()

    def _string(self, node: Any, depth: int) -> str:
        parts: list[str] = []
        pos = node.start_byte
        for child in self._interpolations(node):
            start, end = _interpolation_span(self.data, child)
            if start < pos:
                continue
            parts.append(self.data[pos:start].decode("utf-8", "replace"))
            parts.append(self._interpolated(child, depth))
            pos = end
        parts.append(self.data[pos : node.end_byte].decode("utf-8", "replace"))
        m = _DELIMS.match("".join(parts))
        text = m.group(2) if m else "".join(parts)
        if self.g.dollar:
            text = _DOLLAR.sub(lambda d: self._name(d.group(1), depth + 1), text)
        return text

    def _interpolations(self, node: Any) -> list[Any]:
        out = []
        for child in node.named_children:
            if child.type in self.g.interpolations:
                out.append(child)
            elif child.named_child_count and child.type not in self.g.strings:
                out.extend(c for c in child.named_children if c.type in self.g.interpolations)
        return out

    def _interpolated(self, node: Any, depth: int) -> str:
        if node.type in self.g.identifiers or node.type in self.g.members:
            return self.value(node, depth + 1)
        inner = node.child_by_field_name("value") or node.child_by_field_name("expression")
        if inner is None:
            kids = [c for c in node.named_children if "brace" not in c.type and "format" not in c.type]
            inner = kids[0] if kids else None
        return self.value(inner, depth + 1)

    def _binary(self, node: Any, depth: int) -> str:
        kids = node.named_children
        if len(kids) < 2:
            return UNKNOWN
        left, right = kids[0], kids[-1]
        op = self.text(node)[left.end_byte - node.start_byte : right.start_byte - node.start_byte].strip()
        if op in ("+", "."):
            return self.value(left, depth + 1) + self.value(right, depth + 1)
        if op in ("??", "||", "or", "?:"):
            first = self.value(left, depth + 1)
            return self.value(right, depth + 1) if first.strip(UNKNOWN) == "" else first
        if op == "%" and left.type in self.g.strings:
            args = right.named_children if right.type in self.g.lists or right.type == "tuple" else [right]
            return _printf(self.value(left, depth + 1), [self.value(a, depth + 1) for a in args])
        return UNKNOWN

    def _selectors(self, node: Any, depth: int) -> str:
        last = node.named_children[-1]
        if last.type != "selector" or last.named_child_count == 0 or last.named_children[0].type != "argument_part":
            return UNKNOWN
        callee, _, args = selector_parts(last, self.text)
        return self.value(args[0], depth + 1) if args and callee.rsplit(".", 1)[-1] in self.sinks.wrappers \
            else UNKNOWN

    def _call(self, node: Any, depth: int) -> str:
        callee, receiver, args = call_parts(node, self.text)
        names = callee.split(".") if callee else []
        last = names[-1] if names else ""
        s = self.sinks
        if last in s.formats:
            if receiver is not None and receiver.type in self.g.strings:
                template, rest = self.value(receiver, depth + 1), args
            elif args:
                template, rest = self.value(args[0], depth + 1), args[1:]
            else:
                return UNKNOWN
            values = [self.value(a, depth + 1) for a in rest]
            return _braces(template, values) if _BRACES.search(template) else _printf(template, values)
        if last == "join" and args:
            if receiver is not None and receiver.type in self.g.strings and args[0].type in self.g.lists:
                return self.value(receiver, depth + 1).join(self.value(c, depth + 1) for c in args[0].named_children)
            if receiver is not None and receiver.type in self.g.lists:
                sep = self.value(args[0], depth + 1)
                return sep.join(self.value(c, depth + 1) for c in receiver.named_children)
            return UNKNOWN
        if callee in s.environment or ".".join(names[-2:]) in s.environment:
            return self.value(args[1], depth + 1) if len(args) > 1 else UNKNOWN
        if last in s.wrappers and args:
            return self.value(args[0], depth + 1)
        return UNKNOWN


def call_parts(node: Any, text: Any) -> tuple[str, Any | None, list[Any]]:
    """(dotted callee, receiver node or None, argument value nodes) of a call in any grammar."""
    args_node = node.child_by_field_name("arguments")
    if args_node is None:
        for child in reversed(node.named_children):
            if "argument" in child.type or child.type in ("call_suffix", "arguments"):
                args_node = child
                break
    if node.type == "message_expression":  # [receiver method:arg ...]
        receiver = node.child_by_field_name("receiver")
        method = node.child_by_field_name("method")
        args = [c for c in node.named_children if c not in (receiver, method) and c.type != "comment"]
        name = text(method) if method is not None else ""
        return (f"{text(receiver)}.{name}" if receiver is not None else name), receiver, args
    if args_node is not None and args_node.type == "call_suffix":
        inner = [c for c in args_node.named_children if "arguments" in c.type]
        args_node = inner[0] if inner else args_node
    end = args_node.start_byte if args_node is not None else node.end_byte
    head = text(node)[: end - node.start_byte]
    from scanner.analyzers.source.extract import callee_chain

    chain = callee_chain(head.removeprefix("new ").strip(), keep_double_colon=False)
    function = node.child_by_field_name("function") or node.child_by_field_name("object") \
        or node.child_by_field_name("receiver") or (node.named_children[0] if node.named_child_count else None)
    receiver = None
    if function is not None:
        obj = function.child_by_field_name("object") or function.child_by_field_name("operand") \
            or function.child_by_field_name("expression")
        receiver = obj if obj is not None else (function if function is not node.child_by_field_name("function")
                                                 and function.end_byte <= end and len(chain) > 1 else None)
    found: list[Any] = []
    if args_node is not None:
        for child in args_node.named_children:
            while child.type in _ARG_WRAPPERS and child.named_child_count:
                value = child.child_by_field_name("value")
                child = value if value is not None else child.named_children[-1]
            if child.type != "comment":
                found.append(child)
    return ".".join(chain), receiver, found


def selector_parts(node: Any, text: Any) -> tuple[str, None, list[Any]]:
    """Dart's `a.b.c(args)`: the callee is what precedes the selector that holds the argument part."""
    from scanner.analyzers.source.extract import callee_chain

    parent = node.parent
    start = parent.start_byte if parent is not None else node.start_byte
    head = text(parent)[: node.start_byte - start] if parent is not None else ""
    args: list[Any] = []
    part = node.named_children[0] if node.named_child_count else None
    arguments = part.named_children[0] if part is not None and part.named_child_count else None
    if arguments is not None:
        for child in arguments.named_children:
            if child.type == "named_argument" and child.named_child_count > 1:
                child = child.named_children[-1]
            elif child.type == "argument" and child.named_child_count == 1:
                child = child.named_children[0]
            args.append(child)
    return ".".join(callee_chain(head, keep_double_colon=False)), None, args


def _interpolation_span(data: bytes, node: Any) -> tuple[int, int]:
    """The bytes an interpolation occupies, its opener and closer included (`\\(x)`, `${x}`)."""
    start, end = node.start_byte, node.end_byte
    before = data[max(0, start - 2) : start]
    if before == b"\\(" and data[end : end + 1] == b")":
        return start - 2, end + 1
    if before in (b"${", b"#{", b"{$") and data[end : end + 1] == b"}":
        return start - 2, end + 1
    if before[-1:] == b"{" and data[end : end + 1] == b"}" and data[start : start + 1] != b"{":
        return start - 1, end + 1
    return start, end


def _printf(template: str, values: list[str]) -> str:
    it = iter(values)

    def sub(m: re.Match[str]) -> str:
        return "%" if m.group(1) == "%" else next(it, UNKNOWN)

    return _PRINTF.sub(sub, template)


def _braces(template: str, values: list[str]) -> str:
    it = iter(values)

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key.isdigit():
            return values[int(key)] if int(key) < len(values) else UNKNOWN
        return next(it, UNKNOWN) if not key else UNKNOWN

    return _BRACES.sub(sub, template)


# -- facts --------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _domain_literals(needles: Needles) -> tuple[tuple[int, bytes], ...]:
    return tuple((i, lit.encode()) for i, lit in enumerate(needles.literals) if lit in needles.domains)


def tokens_of(value: str, needles: Needles) -> list[tuple[Token, str]]:
    """TikTok hosts and URLs in an evaluated string, each with its shown value (`{?}.tiktok.com/...`)."""
    data = value.replace(UNKNOWN, "\x01").encode("utf-8", "replace")
    lowered = data.lower()
    hits = []
    for i, lit in _domain_literals(needles):
        pos = lowered.find(lit)
        while pos != -1:
            hits.append((i, pos + len(lit)))
            pos = lowered.find(lit, pos + 1)
    out = []
    for tok in find_tokens(data, hits, needles):
        if tok.kind not in (FactKind.HOST, FactKind.URL):
            continue
        host_start = data.find(tok.value.split("/", 1)[0].encode(), tok.start)
        shown_value = tok.value
        if host_start > 1 and data[host_start - 2 : host_start] == b"\x01.":
            shown_value = SHOWN_UNKNOWN + "." + tok.value  # a host under an unknown subdomain
        out.append((tok, shown_value))
    return out


@dataclass
class FlowFacts:
    """Sinks and built strings of one parsed file, as facts."""

    file: FileInput
    key: str
    analyzer: str
    g: Grammar
    bindings: dict[str, list[Any]]
    keyed: list[tuple[Any, Any]]

    def __post_init__(self) -> None:
        self.ev = Evaluator(self.file.data, self.g, self.bindings)
        self.sinks = _tables()[1]

    def _fact(self, kind: FactKind, value: str, node: Any, context: Context, evidence: str,
              related: tuple[Related, ...] = ()) -> Fact:
        return Fact(kind=kind, value=value, location=self.file.byte_location(node.start_byte, node.end_byte),
                    context=context, analyzer=self.analyzer, evidence=evidence[:MAX_EVIDENCE], related=related)

    def _evaluate(self, node: Any) -> tuple[str, tuple[Related, ...]]:
        self.ev.sources = []
        value = self.ev.value(node)
        related = tuple(dict.fromkeys(
            Related(self.file.byte_location(n.start_byte, n.end_byte), "the URL is defined here")
            for n in self.ev.sources if not (node.start_byte <= n.start_byte < node.end_byte)))
        return value, related

    def sink_call(self, call: Any) -> Iterator[Fact]:
        """A call whose method sends a request (or loads a page) with a TikTok URL argument."""
        sent = self.sink_arguments(call)
        if sent is not None:
            callee, candidates = sent
            for arg in candidates:
                yield from self._reached(arg, f"{callee}(", ")")

    def sink_arguments(self, call: Any) -> tuple[str, list[Any]] | None:
        """(callee, the argument nodes a URL is read from) when `call` is a sink call, else None."""
        args_node = call.child_by_field_name("arguments")
        if args_node is not None and 0 < args_node.start_byte - call.start_byte <= _HEAD_MAX:
            # cheap reject: the callee's text (what call_parts reads the method from) names no sink
            # method; a minified bundle has tens of thousands of calls and a handful of sinks
            head = self.file.data[call.start_byte : args_node.start_byte]
            if not self.sinks.method_bytes.search(head):
                return None
        if call.type == "selector":
            callee, receiver, args = selector_parts(call, self.ev.text)
        else:
            callee, receiver, args = call_parts(call, self.ev.text)
        chain = callee.split(".") if callee else []
        last = chain[-1] if chain else ""
        if last not in self.sinks.methods:
            return None
        needs = self.sinks.receivers.get(last)
        if needs is not None and not needs.intersection(chain[:-1]):
            return None  # `maven { url "..." }` is not `Request.Builder().url(...)`
        candidates = list(args)
        if last in ("openConnection", "openStream") and receiver is not None:
            candidates = [receiver]
        return callee, candidates[:4]

    def reads(self, node: Any) -> tuple[set[str], bool]:
        """(The binding names evaluating `node` asks for, whether its value names a TikTok host with every
        name unknown): what focus.py follows, and why."""
        asked = _Asked()
        value = Evaluator(self.file.data, self.g, asked).value(node)
        return asked.names, bool(value.strip(UNKNOWN)) and bool(tokens_of(value, self.file.needles))

    def sent_reads(self, call: Any) -> tuple[set[str], bool]:
        """`reads` over the arguments a sink call sends; nothing for any other call."""
        sent = self.sink_arguments(call)
        names: set[str] = set()
        carries = False
        for arg in sent[1] if sent else ():
            arg_names, arg_carries = self.reads(arg)
            names |= arg_names
            carries = carries or arg_carries
        return names, carries

    def _reached(self, node: Any, before: str, after: str) -> Iterator[Fact]:
        """Facts for the TikTok URLs `node` evaluates to, as called endpoints: at the literal's own token
        when the argument is a plain literal, else at the argument with the definitions as related."""
        value, related = self._evaluate(node)
        if not _SCHEMED.match(value.replace(UNKNOWN, "x")):
            return
        evidence = f"{before}{shown(value)}{after}"
        if node.type in self.g.strings and not related and UNKNOWN not in value:
            lo, hi = node.start_byte, node.end_byte
            hits = [(i, e) for i, e in self.file.hits if lo < e <= hi]
            for tok in find_tokens(self.file.data, hits, self.file.needles, lo, hi):
                if tok.kind in (FactKind.HOST, FactKind.URL):
                    yield Fact(kind=tok.kind, value=tok.value, location=self.file.byte_location(tok.start, tok.end),
                               context=Context.CALL, analyzer=self.analyzer, evidence=evidence[:MAX_EVIDENCE])
            return
        for tok, val in tokens_of(value, self.file.needles):
            yield self._fact(tok.kind, val, node, Context.CALL, evidence, related)

    def sink_keys(self) -> Iterator[Fact]:
        """`baseURL: BASE`, `base_url=...`, `client.BaseAddress = new Uri(...)`, `script.src = ...`."""
        for key_node, value_node in self.keyed:
            key = _NAME.findall(self.ev.text(key_node))
            if not key or not self.sinks.keys.match(key[-1]):
                continue
            yield from self._reached(value_node, f"{key[-1]} = ", "")

    def built(self, string: Any) -> Iterator[Fact]:
        """The string a literal with a hit is part of (`+`, format, interpolation), when it says more."""
        top = string
        for _ in range(6):
            parent = top.parent
            if parent is None:
                break
            if parent.type in self.g.binaries or parent.type in self.g.adjacent or parent.type.startswith("paren"):
                top = parent
                continue
            grand = parent.parent
            holder = grand if parent.type in ("argument_list", "arguments", "value_arguments", "argument") \
                or parent.type in self.g.members or parent.type in self.g.lists else parent
            if holder is not None and holder.type in ("argument_list", "arguments", "value_arguments"):
                holder = holder.parent
            if holder is not None and holder.type in self.g.calls:
                callee, _, _ = call_parts(holder, self.ev.text)
                if callee.rsplit(".", 1)[-1] in self.sinks.formats or callee.endswith("join"):
                    top = holder
                    continue
            break
        if top is string and not self.ev._interpolations(string) and not self.g.dollar:
            return
        value, related = self._evaluate(top)
        if top is string and value == _DELIMS.sub(r"\2", self.ev.text(string)):
            return  # nothing was interpolated: the literal's own facts say it all
        for tok, val in tokens_of(value, self.file.needles):
            if tok.data:
                continue
            yield self._fact(tok.kind, val, top, Context.STRING, shown(value), related)


def collect(caps_list: list[dict[str, list[Any]]], text: Any) -> tuple[dict[str, list[Any]], list[tuple[Any, Any]]]:
    """Bindings (name -> value nodes) and keyed values from the query captures of one file."""
    bindings: dict[str, list[Any]] = {}
    keyed: list[tuple[Any, Any]] = []
    for caps in caps_list:
        if "flow.name" in caps and "flow.value" in caps:
            names = _NAME.findall(text(caps["flow.name"][0]))
            if names:
                bindings.setdefault(names[-1].lstrip("$"), []).append(caps["flow.value"][0])
                keyed.append((caps["flow.name"][0], caps["flow.value"][0]))
        elif "flow.key" in caps and "flow.keyed" in caps:
            keyed.append((caps["flow.key"][0], caps["flow.keyed"][0]))
    return bindings, keyed
