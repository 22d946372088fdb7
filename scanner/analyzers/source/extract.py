"""Facts from one parse tree, driven by the language's query captures.

Capture names the queries use (queries/*.scm):
  @import.module  the path of an import/using/require; with @import.alias (the local name bound to
                  the module), @import.member and @import.local (a member imported under a name)
  @call           a call or instantiation; @call.callee when the grammar names the callee
                  (otherwise the callee is the call minus its argument list, the last child)
  @message        an Objective-C message send (receiver + first selector part)
  @string         a string literal; hosts/URLs/markers in it get STRING context
  @comment        a comment; COMMENT context (DOCUMENTATION for doc comments), never use
  @concat         a `+`/`.` concatenation whose leading literals spell an endpoint
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.analyzers.interface import FileInput
from scanner.analyzers.source.base import query_parts
from scanner.analyzers.source.flow import FlowFacts, collect, grammar
from scanner.analyzers.source.focus import Focus, focused_matches
from scanner.analyzers.source.imports import default_binding, module_value, strip_quotes
from scanner.analyzers.source.languages import LanguageSpec
from scanner.analyzers.text.tokens import Token, data_context, find_tokens
from scanner.core.prefilter import JS_GLOBAL_OBJECTS, Needles
from scanner.model import Context, Fact, FactKind

MAX_CALLEE = 400  # characters of a callee looked at: a chain never needs more
MAX_EVIDENCE = 160

_GROUPS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|<[^<>()=]*>|\{[^{}]*\}")
# Every member separator of the languages (LanguageSpec.member_separators) as one regex group,
# `?->` before `->` and `?.` before `.`; interop/semgrep writes its call regexes with it too.
CALL_SEPARATOR = r"(?:\?->|->|\?\.|!!\.|!\.|&\.|::|\.)"
_CHAIN = re.compile(r"((?:[A-Za-z_$][\w$]*[!?]?\s*" + CALL_SEPARATOR + r"\s*)*[A-Za-z_$][\w$]*)[\s!?]*$")
_SPLIT = re.compile(r"\s*(" + CALL_SEPARATOR + r")\s*")
_INTERESTING: dict[int, frozenset[str]] = {}
_BRACKETED_NAME = re.compile(r"""\[\s*(['"`])([A-Za-z_$][\w$]*)\1\s*\]""")  # window['ttq'] -> window.ttq


def interesting_words(needles: Needles) -> frozenset[str]:
    """Lower-case identifier parts of every needle: a call whose chain has none cannot match."""
    words = _INTERESTING.get(id(needles))
    if words is None:
        parts: set[str] = set()
        for lit in needles.literals:
            parts.update(p for p in re.split(r"[^a-z0-9_$]+", lit) if p)
        words = frozenset(parts)
        _INTERESTING[id(needles)] = words
    return words


def callee_chain(text: str, keep_double_colon: bool) -> list[str]:
    """`AuthApi(activity).authorize` -> [AuthApi, authorize]; `window.ttq?.track` -> [window, ttq, track]."""
    text = _BRACKETED_NAME.sub(r".\2", text[-MAX_CALLEE:])
    for _ in range(8):
        reduced = _GROUPS.sub("", text)
        if reduced == text:
            break
        text = reduced
    m = _CHAIN.search(text)
    if m is None:
        return []
    pieces = _SPLIT.split(m.group(1))
    out: list[str] = [pieces[0].rstrip("!?")]
    for sep, ident in zip(pieces[1::2], pieces[2::2], strict=False):
        ident = ident.rstrip("!?")
        if keep_double_colon and sep == "::":
            out[-1] = out[-1] + "::" + ident  # Ruby constants stay `A::B`
        else:
            out.append(ident)
    return [p for p in out if p]


class HitIndex:
    """Prefilter hits ordered by start offset, for `hits inside [start, end)` lookups."""

    def __init__(self, hits: Iterable[tuple[int, int]], needles: Needles) -> None:
        lits = needles.literals
        self.items = sorted((end - len(lits[i]), end, i) for i, end in hits)
        self.starts = [s for s, _, _ in self.items]

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """(needle index, end offset) pairs of the hits lying fully inside [start, end)."""
        items = self.items
        out = []
        for k in range(bisect_left(self.starts, start), len(items)):  # no `items[lo:]`: a copy per call
            s, e, i = items[k]
            if s >= end:
                break
            if e <= end:
                out.append((i, e))
        return out


def tokens_in(file: FileInput, hits: HitIndex, start: int, end: int) -> list[Token]:
    """Hosts/URLs/schemes/markers inside data[start:end], with offsets in the whole file.

    The slice ends the token where the literal or comment ends, so spans equal the ones the
    text analyzer reports and the higher priority of source facts wins for them.
    """
    inside = hits.within(start, end)
    if not inside:
        return []
    return find_tokens(file.data, inside, file.needles, start, end)


@dataclass
class _Import:
    value: str
    start: int
    end: int
    evidence: str


@dataclass
class Extractor:
    file: FileInput
    spec: LanguageSpec
    analyzer: str
    hits: HitIndex = field(init=False)
    bindings: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.hits = HitIndex(self.file.hits, self.file.needles)
        self.words = interesting_words(self.file.needles)

    # -- driver ---------------------------------------------------------------------------------

    def run(self, root: Any) -> Iterator[Fact]:
        import tree_sitter

        core, extra = query_parts(self.spec)
        matches = tree_sitter.QueryCursor(core).matches(root)
        host_hit = has_host_hit(self.file.hits, self.file.needles)
        if not (host_hit or has_global_hit(self.file.hits, self.file.needles)):
            extra = None  # the optional patterns (followed strings, globals) cannot use these hits
        seen: list[Any] = []  # the calls focus.py may follow names into
        if extra is not None:
            seen = [caps["call"][0] for _, caps in matches if "call" in caps]
            seen += [caps[k][0] for _, caps in matches for k in ("message", "call.selector") if k in caps]
        found, focus, flow = focused_flow(self.file, self.spec, self.analyzer, extra, root, seen, host_hit,
                                          self.hits)
        matches = matches + found
        imports: dict[tuple[int, int], _Import] = {}
        calls: list[tuple[Any, Any | None]] = []
        messages: list[Any] = []
        selectors: list[Any] = []
        strings: dict[tuple[int, int], Any] = {}
        comments: list[Any] = []
        concats: list[Any] = []
        globals_: list[tuple[Any, str]] = []
        for _, caps in matches:
            if "flow.name" in caps or "flow.key" in caps:
                continue  # read by focused_flow
            if "global.member" in caps or "global.declared" in caps:
                globals_.extend(self._global(caps))
            elif "import.module" in caps:
                self._import(caps, imports)
            elif "call" in caps:
                calls.append((caps["call"][0], caps.get("call.callee", [None])[0]))
            elif "call.selector" in caps:
                selectors.append(caps["call.selector"][0])
            elif "message" in caps:
                messages.append(caps["message"][0])
            elif "string" in caps:
                node = caps["string"][0]
                strings[(node.start_byte, node.end_byte)] = node
            elif "comment" in caps:
                comments.append(caps["comment"][0])
            elif "concat" in caps:
                concats.append(caps["concat"][0])
        for imp in imports.values():
            yield self._fact(FactKind.MODULE, imp.value, imp.start, imp.end, Context.IMPORT, imp.evidence)
        for call, callee in calls:
            yield from self._call(call, callee)
        for node in messages:
            yield from self._message(node)
        for node in selectors:
            yield from self._selector(node)
        for node, member in globals_:
            if member.lower() in self.words:
                shown = " ".join(self._text(node).split())
                yield self._fact(FactKind.SYMBOL, f"window.{member}", node.start_byte, node.end_byte, Context.CODE,
                                 f"interface Window {{ {shown} }}" if shown == member else shown)
        if flow is not None:
            yield from flow_facts(flow, [c for c, _ in calls] + messages + selectors, strings.values(), self.hits,
                                  focus)
        for node in concats:  # before the literals: the longer URL is the one to show
            yield from self._concat(node, strings)
        for node in strings.values():
            yield from self._tokens(node.start_byte, node.end_byte, Context.STRING)
        for node in comments:
            text = self.file.data[node.start_byte : node.start_byte + 8].decode("utf-8", "replace")
            doc = text.startswith(self.spec.doc_comment_prefixes)
            yield from self._tokens(node.start_byte, node.end_byte, Context.DOCUMENTATION if doc else Context.COMMENT)

    # -- facts ----------------------------------------------------------------------------------

    def _fact(self, kind: FactKind, value: str, start: int, end: int, context: Context, evidence: str) -> Fact:
        return Fact(kind=kind, value=value, location=self.file.byte_location(start, end), context=context,
                    analyzer=self.analyzer, evidence=evidence[:MAX_EVIDENCE],
                    language=self.spec.ecosystem if kind in (FactKind.MODULE, FactKind.SYMBOL) else None)

    def _text(self, node: Any) -> str:
        return self.file.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def _tokens(self, start: int, end: int, context: Context) -> Iterator[Fact]:
        for tok in tokens_in(self.file, self.hits, start, end):
            # an e-mail address (`sdk-team@bytedance.com`) names a company, it does not call a service
            here = Context.DOCUMENTATION if tok.email else data_context(tok, context)
            yield self._fact(tok.kind, tok.value, tok.start, tok.end, here, tok.evidence)

    # -- imports --------------------------------------------------------------------------------

    def _import(self, caps: dict[str, list[Any]], imports: dict[tuple[int, int], _Import]) -> None:
        style = self.spec.import_style
        node = caps["import.module"][0]
        value = module_value(style, self._text(node))
        if value is None:
            return
        key = (node.start_byte, node.end_byte)
        if key not in imports:
            whole = caps.get("import", [node])[0]
            evidence = " ".join(self._text(whole).split())
            imports[key] = _Import(value, node.start_byte, node.end_byte, evidence)
        alias = caps.get("import.alias")
        member = caps.get("import.member")
        if member:
            local = caps.get("import.local") or member
            self.bindings[self._text(local[0])] = f"{value}.{self._text(member[0])}"
        elif alias:
            self.bindings[self._text(alias[0])] = value
        elif not self._text(caps.get("import", [node])[0]).rstrip("; \n").endswith("*"):
            name = default_binding(style, value)
            if name:
                self.bindings.setdefault(name, value)

    # -- globals (JavaScript) -------------------------------------------------------------------

    def _global(self, caps: dict[str, list[Any]]) -> list[tuple[Any, str]]:
        """A global reached through `window`/`globalThis`/`self`, or declared on `interface Window`.

        Returns the (node, member) references to report; a binding (`const px = window.ttq`)
        makes `px.track()` resolve to `ttq.track`.
        """
        if "global.declared" in caps:
            node = caps["global.declared"][0]
            return [(node, self._text(node))]
        member = self._text(caps["global.member"][0])
        if member.lower() not in self.words:
            return []  # `const e = window.innerHeight`: no SDK global, nothing to resolve through `e`
        alias = caps.get("global.alias")
        if alias:
            self.bindings[self._text(alias[0])] = member
        node = caps.get("global", [None])[0]
        return [(node, member)] if node is not None else []

    # -- calls ----------------------------------------------------------------------------------

    def _call(self, call: Any, callee: Any | None) -> Iterator[Fact]:
        start = call.start_byte
        if callee is not None:
            end = callee.end_byte
        else:
            args = call.child_by_field_name("arguments")
            if args is None and call.named_child_count > 1:
                args = call.named_children[-1]
            end = args.start_byte if args is not None else call.end_byte
        text = self.file.data[max(start, end - MAX_CALLEE * 4) : end].decode("utf-8", "replace")
        chain = callee_chain(text, keep_double_colon=self.spec.ecosystem == "ruby")
        yield from self._symbols(chain, start, end)

    def _selector(self, node: Any) -> Iterator[Fact]:
        """Dart: `a.b.c(args)` is a run of selectors; the callee is everything before the call's."""
        parent = node.parent
        start = parent.start_byte if parent is not None else node.start_byte
        end = node.start_byte
        text = self.file.data[max(start, end - MAX_CALLEE * 4) : end].decode("utf-8", "replace")
        chain = callee_chain(text, keep_double_colon=False)
        first = parent.named_children[0] if parent is not None and parent.named_child_count else node
        yield from self._symbols(chain, first.start_byte, end)

    def _message(self, node: Any) -> Iterator[Fact]:
        chain = self._objc_chain(node, 0)
        method = node.child_by_field_name("method")
        end = method.end_byte if method is not None else node.end_byte
        yield from self._symbols(chain, node.start_byte, end)

    def _objc_chain(self, node: Any, depth: int) -> list[str]:
        if node is None or depth > 32:
            return []
        if node.type == "message_expression":
            method = node.child_by_field_name("method")
            tail = [self._text(method)] if method is not None else []
            return self._objc_chain(node.child_by_field_name("receiver"), depth + 1) + tail
        return callee_chain(self._text(node)[-MAX_CALLEE:], keep_double_colon=False)

    def _symbols(self, chain: list[str], start: int, end: int) -> Iterator[Fact]:
        if not chain:
            return
        bound = self.bindings.get(chain[0])
        if bound is None and not any(part.lower() in self.words for p in chain for part in p.split("::")):
            return
        sep = "."
        if len(chain) > 2 and chain[0] in JS_GLOBAL_OBJECTS and self.spec.ecosystem == "js":
            chain = chain[1:]  # `window.ttq.track`, `globalThis.ttq?.track`: the global's own API
        values: list[str] = [sep.join(chain)]
        if len(chain) >= 2:
            values.append(sep.join(chain[-2:]))
        if len(chain) >= 2 and chain[-1] in ("new", "alloc"):
            values.append(sep.join(chain[:-1]))  # Ruby `Foo.new`, Objective-C `[Foo alloc]`
        if bound is not None:
            values.append(sep.join([bound, *chain[1:]]))
        evidence = " ".join(self.file.data[start:end].decode("utf-8", "replace").split())
        if len(evidence) > MAX_EVIDENCE:
            evidence = "…" + evidence[-MAX_EVIDENCE + 1 :]
        seen: set[str] = set()
        for value in values:
            if value not in seen:
                seen.add(value)
                yield self._fact(FactKind.SYMBOL, value, start, end, Context.CALL, evidence)

    # -- concatenation --------------------------------------------------------------------------

    def _concat(self, node: Any, strings: dict[tuple[int, int], Any]) -> Iterator[Fact]:
        parent = node.parent
        if parent is not None and parent.type == node.type and _is_concat(parent):
            return  # the outermost `+` does the work
        if not _is_concat(node):
            return
        literals: list[Any] = []
        for operand in _operands(node, 0):
            if (operand.start_byte, operand.end_byte) not in strings:
                break
            literals.append(operand)
        if len(literals) < 2:
            return
        first = literals[0]
        first_text = self._text(first)
        first_content = strip_quotes(first_text)
        offset = first.start_byte + max(0, first_text.find(first_content)) if first_content else first.start_byte
        inside = self.hits.within(first.start_byte, first.end_byte)
        if not inside:
            return
        joined = "".join(strip_quotes(self._text(n)) for n in literals).encode("utf-8")
        head = len(first_content.encode("utf-8"))
        adjusted = [(i, e - offset) for i, e in inside if 0 < e - offset <= head]
        for tok in find_tokens(joined, adjusted, self.file.needles):
            if tok.start < head < tok.end and tok.kind in (FactKind.URL, FactKind.HOST):
                yield self._fact(tok.kind, tok.value, offset + tok.start, literals[-1].end_byte, Context.STRING,
                                 tok.evidence)


def _no_names(node: Any) -> tuple[set[str], bool]:
    return set(), False


def has_host_hit(hits: Iterable[tuple[int, int]], needles: Needles) -> bool:
    """Whether a prefilter hit is a TikTok host or URL: without one no string of the file can be or
    build a TikTok URL, so following strings to sinks can find nothing (most candidate files only
    name an SDK class or icon, and the flow pass looks at every call)."""
    literals, domains = needles.literals, needles.domains
    return any(literals[i].split("/", 1)[0] in domains for i, _ in hits if i < len(literals))


def has_global_hit(hits: Iterable[tuple[int, int]], needles: Needles) -> bool:
    """Whether a prefilter hit is one of the global access forms (`window.ttq`, `ttq?.`, `'ttq'`...):
    only then can the globals patterns report anything."""
    literals, forms = needles.literals, needles.js_globals
    return any(literals[i] in forms for i, _ in hits if i < len(literals))


def focused_flow(file: FileInput, spec: LanguageSpec, analyzer: str, extra: Any, root: Any, calls: Sequence[Any],
                 host_hit: bool, hits: HitIndex) -> tuple[list[Any], Focus, FlowFacts | None]:
    """The optional patterns' matches (`extra`: followed strings, globals; None for none), read only
    around the hits and the names that carry them (focus.py); the spans read; and the file's constant
    strings and sinks, or None when no hit is a TikTok host or the grammar has no flow table.

    The one set-up of the flow pass, for the tree-sitter languages (Extractor) and Python (pyflow.py).
    """
    g = grammar(spec.key) if host_hit else None
    probe = FlowFacts(file, spec.key, analyzer, g, {}, []) if g is not None else None
    if extra is None:
        return [], Focus(whole=True), probe
    seeds = [(s, e) for s, e, _ in hits.items]
    if probe is None:  # globals only: the hits and the names the global patterns bind are enough
        found, focus = focused_matches(extra, root, file.data, seeds, calls, _no_names, _no_names)
        return found, focus, None
    found, focus = focused_matches(extra, root, file.data, seeds, calls, probe.reads, probe.sent_reads)

    def text(node: Any) -> str:
        return file.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    bindings, keyed = collect([caps for _, caps in found if "flow.name" in caps or "flow.key" in caps], text)
    return found, focus, FlowFacts(file, spec.key, analyzer, probe.g, bindings, keyed)


def flow_facts(flow: FlowFacts, calls: Iterable[Any], strings: Iterable[Any], hits: HitIndex,
               focus: Focus) -> Iterator[Fact]:
    """Called endpoints (a TikTok URL reaching a client, a WebView, a base-URL key) and strings built
    around a literal with a hit; every call inside `focus` is looked at, only hit-bearing literals are
    evaluated."""
    for call in calls:
        if focus.touches(call.start_byte, call.end_byte):
            yield from flow.sink_call(call)
    yield from flow.sink_keys()
    for node in strings:
        if hits.within(node.start_byte, node.end_byte):
            yield from flow.built(node)


def _is_concat(node: Any) -> bool:
    return any(not c.is_named and c.type in ("+", ".") for c in node.children)


def _operands(node: Any, depth: int) -> list[Any]:
    """Operands of a left-nested `a + b + c`, in source order."""
    out: list[Any] = []
    for child in node.named_children:
        if child.type == node.type and _is_concat(child) and depth < 64:
            out.extend(_operands(child, depth + 1))
        elif child.type not in ("comment", "line_comment", "block_comment"):
            out.append(child)
    return out
