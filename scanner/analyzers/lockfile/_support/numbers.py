"""Integers too long for `int()`: read as infinity, so one absurd number costs that value only.

CPython refuses to convert a decimal string of more than 4,300 digits (`sys.int_max_str_digits`,
CVE-2020-10735) and raises ValueError, which would make the whole manifest unreadable. No version,
count or flag in a manifest is that long; JavaScript's JSON.parse reads such a number as Infinity,
and so do these loaders.
"""

from __future__ import annotations

import re

MAX_DIGITS = 4000  # under CPython's default limit of 4,300, whatever the interpreter's setting
# a decimal integer literal (TOML allows `_` between digits) too long for int(), with its sign
_LONG_INTEGER = re.compile(r"(?<![\w.])([+-]?)(\d[\d_]{" + str(MAX_DIGITS) + r",})(?![\w.])")


def parse_int(text: str) -> int | float:
    """`int(text)`, or a signed infinity past MAX_DIGITS digits."""
    if sum(c.isdigit() for c in text) <= MAX_DIGITS:
        return int(text)
    return float("-inf") if text.lstrip().startswith("-") else float("inf")


def blank_long_integers(text: str) -> str:
    """`text` with each over-long integer literal written `inf` and padded: offsets do not move."""
    return _LONG_INTEGER.sub(lambda m: m.group(1) + "inf" + " " * (len(m.group(2)) - 3), text)
