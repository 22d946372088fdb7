"""HitIndex.within, the lookup every string literal and script range of the flow pass asks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scanner.analyzers.source.extract import HitIndex
from scanner.core.prefilter import Needles

LITERALS = ("tiktok.com", "ttq", "business-api.tiktok.com", "tiktokopensdk")
NEEDLES = Needles(literals=LITERALS, domains=frozenset(LITERALS[::2]), markers=frozenset(), schemes=frozenset(),
                  classes=())


@given(st.lists(st.tuples(st.integers(0, len(LITERALS) - 1), st.integers(25, 400)), max_size=60),
       st.integers(0, 420), st.integers(0, 420))
def test_within_is_the_hits_lying_fully_inside_the_range(hits: list[tuple[int, int]], start: int, end: int) -> None:
    index = HitIndex(hits, NEEDLES)
    inside = sorted((i, e) for i, e in hits if start <= e - len(LITERALS[i]) and e <= end)
    assert sorted(index.within(start, end)) == inside


def test_within_keeps_start_order() -> None:
    hits = [(0, 300), (2, 100), (1, 50), (0, 400)]  # as the prefilter reports them: by needle, not offset
    assert HitIndex(hits, NEEDLES).within(0, 350) == [(1, 50), (2, 100), (0, 300)]
