"""Constant strings and sinks in Python, with the tree-sitter-python grammar.

analyzers/source/python.py reads imports and calls with the tokenizer (and libcst when an SDK
module is imported); the string evaluator (flow.py) needs a tree, which tree-sitter gives at a
fraction of libcst's cost. It runs on the files the prefilter admitted and the Python analyzer
was given, never on others.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.analyzers.interface import FileInput
from scanner.analyzers.source.base import parse, query_parts, too_costly
from scanner.analyzers.source.extract import HitIndex, flow_facts, has_host_hit
from scanner.analyzers.source.flow import FlowFacts, collect, grammar
from scanner.analyzers.source.focus import Focus, focused_matches
from scanner.analyzers.source.languages import PYTHON
from scanner.model import Fact


def python_flow_facts(file: FileInput, analyzer: str) -> Iterator[Fact]:
    """Called endpoints and built URLs of one Python file (nothing when it is too costly to parse)."""
    g = grammar(PYTHON.key)
    if g is None or not has_host_hit(file.hits, file.needles) or too_costly(file) is not None:
        return
    import tree_sitter

    tree = parse(PYTHON, file.data)
    core, extra = query_parts(PYTHON)
    calls: list[Any] = []
    strings: list[Any] = []
    for _, caps in tree_sitter.QueryCursor(core).matches(tree.root_node):
        if "call" in caps:
            calls.append(caps["call"][0])
        elif "string" in caps:
            strings.append(caps["string"][0])

    def text(node: Any) -> str:
        return file.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    hits = HitIndex(file.hits, file.needles)
    flow = FlowFacts(file, PYTHON.key, analyzer, g, {}, [])
    spans = Focus(whole=True)
    if extra is not None:  # the bindings around the hits and the names that carry them (focus.py)
        seeds = [(s, e) for s, e, _ in hits.items]
        found, spans = focused_matches(extra, tree.root_node, file.data, seeds, calls, flow.reads, flow.sent_reads)
        bindings, keyed = collect([caps for _, caps in found if "flow.name" in caps or "flow.key" in caps], text)
        flow = FlowFacts(file, PYTHON.key, analyzer, g, bindings, keyed)
    near = [c for c in calls if spans.touches(c.start_byte, c.end_byte)]
    yield from flow_facts(flow, near, strings, hits)
