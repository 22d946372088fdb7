"""The cheap checks that keep pathological shapes away from the native parsers (scanner.core.native)."""

from __future__ import annotations

import pytest

from scanner.core import native
from scanner.core.native import MAX_BRACKET_DEPTH, bracket_depth, python_refusal, tree_sitter_refusal


@pytest.mark.parametrize(("data", "depth"), [
    (b"", 0),
    (b"f(a[1], {b: (c)})", 3),
    (b"((()))" + b"(" * 1500, 1500),
    (b")))" + b"(" * 1200, 1197),  # stray closers lower the count (a heuristic: under-counting only lets a parse run)
    (b"[{(" * 700 + b")}]" * 700, 2100),
    (b"()" * 5000, 1),
])
def test_bracket_depth(data: bytes, depth: int) -> None:
    got = bracket_depth(data)
    assert got == depth if depth > MAX_BRACKET_DEPTH else got >= depth  # exact past the limit, a bound below it


def test_real_code_is_parsed_and_deep_nesting_is_refused() -> None:
    assert tree_sitter_refusal(b"function f(a) { return [a, {b: g(a)}]; }\n" * 2000) is None
    assert "nested over 1000" in (tree_sitter_refusal(b"x = " + b"(" * 900_000) or "")
    assert "nested over 1000" in (tree_sitter_refusal(b"{" * 100_000 + b"f(" * 100_000) or "")


@pytest.mark.parametrize("text", [
    "x = " + "(" * 1300 + "1" + ")" * 1300 + "\n",
    "x = a" + "[0]" * 8000 + "\n",
    "x = " + "1+" * 12000 + "1\n",
    "x = " + "lambda: " * 3000 + "1\n",
])
def test_python_too_deep_for_cpython_is_refused(text: str) -> None:
    assert python_refusal("from business_api_client import ApiClient\n" + text) is not None


@pytest.mark.parametrize("text", [
    "from business_api_client import ApiClient\nApiClient().track(data=[1, 2, {'a': (3, 4)}])\n",
    "print 'python 2'\n",  # a syntax error CPython gives: left to libcst, which reports it
    "x = [\n" + "    1,\n" * 5000 + "]\n",  # long but flat
])
def test_ordinary_python_is_not_refused(text: str) -> None:
    assert python_refusal(text) is None


def test_safe_mode_refuses_every_native_parse() -> None:
    try:
        native.allow_native_parsers(False)
        assert python_refusal("import os\n") is not None
        assert tree_sitter_refusal(b"f()") is not None
    finally:
        native.allow_native_parsers(True)
    assert python_refusal("import os\n") is None and tree_sitter_refusal(b"f()") is None
