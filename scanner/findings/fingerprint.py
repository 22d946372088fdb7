"""GitHub-compatible `primaryLocationLineHash` values.

GitHub's upload action computes this itself for text files it can read and warns when a tool's
value differs, so we compute it the same way: a rolling hash over the 100 non-blank characters
starting at each line (github/codeql-action, src/fingerprints.ts), in UTF-16 code units,
64-bit wrap-around arithmetic, printed as unsigned hex with an occurrence counter.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable

_BLOCK = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK, 1 << 64)
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13
_EOF = 65535


def line_hashes(text: str) -> list[str]:
    """One hash per line (index 0 is line 1), exactly as GitHub computes them."""
    units = _utf16_units(text)
    window = [0] * _BLOCK
    line_numbers = [-1] * _BLOCK
    hashes: list[str] = []
    counts: dict[str, int] = {}
    value = 0
    index = 0
    line_number = 0
    line_start = True
    prev_cr = False

    def output() -> None:
        hex_value = format(value & _MASK, "x")
        counts[hex_value] = counts.get(hex_value, 0) + 1
        hashes.append(f"{hex_value}:{counts[hex_value]}")
        line_numbers[index] = -1

    def update(current: int) -> None:
        nonlocal value, index
        begin = window[index]
        window[index] = current
        value = (_MOD * value + current - _FIRST_MOD * begin) & _MASK
        index = (index + 1) % _BLOCK

    def process(current: int) -> None:
        nonlocal prev_cr, line_start, line_number
        if current in (_SPACE, _TAB) or (prev_cr and current == _LF):
            prev_cr = False
            return
        if current == _CR:
            current = _LF
            prev_cr = True
        else:
            prev_cr = False
        if line_numbers[index] != -1:
            output()
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[index] = line_number
        if current == _LF:
            line_start = True
        update(current)

    for unit in units:
        process(unit)
    process(_EOF)
    for _ in range(_BLOCK):
        if line_numbers[index] != -1:
            output()
        update(0)
    return hashes


def _utf16_units(text: str) -> list[int]:
    if text.isascii():
        return list(text.encode("ascii"))
    data = text.encode("utf-16-le", errors="surrogatepass")
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def stable_hash(*parts: str) -> str:
    """A fingerprint for content without lines (binaries, archive members): same form as GitHub's."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{digest[:16]}:1"


def line_hashes_at(text: str, lines: Iterable[int]) -> dict[int, str]:
    """`line_hashes(text)[n - 1]` for the asked 1-based lines only (lines past the end are left out).

    The rolling hash in pure Python costs about a microsecond per character, seconds for a big
    minified bundle. Two lines share a hash value when their 100-unit windows are equal, so the
    occurrence counter comes from comparing windows (C-speed slices) and the hash itself is
    computed for the asked lines only.
    """
    wanted = {n for n in lines if n >= 1}
    if not wanted:
        return {}
    # The same unit stream GitHub hashes: CR and CRLF become LF, spaces and tabs are dropped
    # (a CR, then a space, then LF stays two line ends, as in the original state machine).
    kept = text.replace("\r\n", "\n").replace("\r", "\n").replace(" ", "").replace("\t", "")
    units = kept.encode("utf-16-le", "surrogatepass") + b"\xff\xff" + b"\x00\x00" * _BLOCK
    starts = [0]  # unit offsets (in bytes, so 2 x unit index) where each line starts
    find = units.find
    pos = find(b"\n\x00")
    end = len(units) - 2 * (_BLOCK + 1)
    while pos != -1 and pos < end:
        if pos % 2 == 0:
            starts.append(pos + 2)
            pos = find(b"\n\x00", pos + 2)
        else:
            pos = find(b"\n\x00", pos + 1)
    width = 2 * _BLOCK
    last = min(max(wanted), len(starts))
    targets = {units[starts[n - 1] : starts[n - 1] + width] for n in wanted if n <= last}
    counts: dict[bytes, int] = {}
    out: dict[int, str] = {}
    for n in range(1, last + 1):
        window = units[starts[n - 1] : starts[n - 1] + width]
        if window not in targets:
            continue
        counts[window] = counts.get(window, 0) + 1
        if n in wanted:
            value = 0
            for unit in struct.unpack(f"<{_BLOCK}H", window):
                value = (value * _MOD + unit) & _MASK
            out[n] = f"{value:x}:{counts[window]}"
    return out
