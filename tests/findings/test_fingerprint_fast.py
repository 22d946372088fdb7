"""`line_hashes_at` (hashes for a few lines) equals the full rolling-hash algorithm."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.findings.fingerprint import line_hashes, line_hashes_at

PIECES = st.sampled_from(["a", "b", " ", "\t", "\r", "\n", "\r\n", "é", "😀", "\u0a00", "\u0100", "x" * 120,
                          "  \n", "tiktok.com", "\r \n"])


@given(st.lists(PIECES, max_size=60).map("".join))
@settings(max_examples=400, deadline=None)
def test_same_as_full_algorithm(text: str) -> None:
    full = line_hashes(text)
    assert line_hashes_at(text, range(1, len(full) + 3)) == {i + 1: h for i, h in enumerate(full)}


def test_only_asked_lines_and_counters() -> None:
    line = "fetch('https://business-api.tiktok.com/open_api/v1.3/event/track/?" + "a" * 60 + "')\n"
    text = "import x\n" + line * 3 + "end\n"
    full = line_hashes(text)
    got = line_hashes_at(text, [4, 2, 99, 0])
    assert got == {2: full[1], 4: full[3]}
    # lines over 100 characters: equal lines have equal windows, the counter tells them apart
    assert got[2].endswith(":1") and got[4].endswith(":3")


def test_long_minified_line() -> None:
    text = "var a=1;" * 50_000 + "\nhttps://www.tiktok.com/\n"
    assert line_hashes_at(text, [2]) == {2: line_hashes(text)[1]}
