"""Property: every native parser returns packages or raises ParseError, whatever the input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.analyzers.lockfile.base import ParserAnalyzer
from scanner.analyzers.registry import ANALYZERS
from scanner.errors import ParseError

from .conftest import FIXTURES

PARSERS = [cls for cls in ANALYZERS if isinstance(cls, type) and issubclass(cls, ParserAnalyzer)]
NAMES = {cls: (list(cls.filenames) + [p.replace("*", "x") for p in cls.patterns])[0] for cls in PARSERS}
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.name != "README.md"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PARSERS), st.sampled_from(SEEDS), st.integers(0, 4000), st.integers(0, 4000),
       st.text(max_size=40))
def test_truncated_and_spliced_inputs(cls: type[ParserAnalyzer], seed: str, cut: int, at: int, noise: str) -> None:
    text = seed[:cut] + noise + seed[at:cut + at]
    try:
        result = cls.parse(NAMES[cls], text)
    except ParseError:
        return
    assert all(p.line >= 1 and p.purl.startswith("pkg:") for p in result)
