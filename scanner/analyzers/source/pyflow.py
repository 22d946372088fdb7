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
from scanner.analyzers.source.extract import HitIndex, flow_facts, focused_flow, has_host_hit
from scanner.analyzers.source.flow import grammar
from scanner.analyzers.source.languages import PYTHON
from scanner.model import Fact


def python_flow_facts(file: FileInput, analyzer: str) -> Iterator[Fact]:
    """Called endpoints and built URLs of one Python file (nothing when it is too costly to parse)."""
    if grammar(PYTHON.key) is None or not has_host_hit(file.hits, file.needles) or too_costly(file) is not None:
        return
    import tree_sitter

    root = parse(PYTHON, file.data, vetted=True).root_node
    core, extra = query_parts(PYTHON)
    calls: list[Any] = []
    strings: list[Any] = []
    for _, caps in tree_sitter.QueryCursor(core).matches(root):
        if "call" in caps:
            calls.append(caps["call"][0])
        elif "string" in caps:
            strings.append(caps["string"][0])
    hits = HitIndex(file.hits, file.needles)
    _, focus, flow = focused_flow(file, PYTHON, analyzer, extra, root, calls, True, hits)
    if flow is not None:
        yield from flow_facts(flow, calls, strings, hits, focus)
