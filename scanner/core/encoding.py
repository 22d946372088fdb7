"""Text encodings, detected once per file before the prefilter and the routing.

The prefilter matches UTF-8 bytes and every analyzer reads UTF-8, so a file written in UTF-16 or
UTF-32 (Windows editors and PowerShell's `>` write UTF-16LE, with or without a byte-order mark) is
transcoded here; its lines stay the same lines, so locations stay right. A UTF-8 byte-order mark is
left in the bytes (a vendored file's hash is the hash of the file as shipped) and skipped when
decoding and counting columns.
"""

from __future__ import annotations

import codecs
import re

# Longest first: the UTF-32LE mark starts with the UTF-16LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE_BOMS = tuple(bom for bom, codec in BOMS if codec != "utf-8")
SAMPLE = 4096  # bytes looked at to recognise UTF-16 without a byte-order mark
# Share of code units in the sample whose high byte is NUL: ASCII-range text in UTF-16 is all of them,
# text in another script written in UTF-16 still has spaces, digits and punctuation.
MIN_NUL_SHARE = 0.6
MAX_STRAY_NULS = 0.02  # share of NULs in the other byte of each code unit (U+xx00 characters)
# Text has no C0 controls but tab, newline, form feed and carriage return (and ESC in logs).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def bom_codec(data: bytes) -> tuple[str, int] | None:
    """(codec, mark length) of a leading byte-order mark, or None."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when `data` reads as UTF-16 text without a mark, else None.

    Recognised by the NUL pattern (every other byte NUL in ASCII-range text), then confirmed by a
    strict decode of the whole file that yields no control characters: binaries have NULs in both
    byte positions, or do not decode, or decode to controls.
    """
    found = _utf16_text(data)
    return None if found is None else found[0]


def _utf16_text(data: bytes) -> tuple[str, str] | None:
    """(codec, text) of UTF-16 without a mark: the confirming decode is the text, not done twice."""
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data[:SAMPLE]:
        return None
    head = data[: SAMPLE - SAMPLE % 2] if len(data) > SAMPLE else data
    units = len(head) // 2
    even_nuls, odd_nuls = head[0::2].count(0), head[1::2].count(0)
    if odd_nuls >= MIN_NUL_SHARE * units and even_nuls <= MAX_STRAY_NULS * units:
        codec = "utf-16-le"
    elif even_nuls >= MIN_NUL_SHARE * units and odd_nuls <= MAX_STRAY_NULS * units:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return None if _CONTROL.search(text) else (codec, text)


def to_utf8(data: bytes) -> bytes | None:
    """`data` transcoded to UTF-8 (without a mark) when it is UTF-16 or UTF-32 text, else None.

    None means "read the bytes as they are": UTF-8 (with or without a mark), ASCII, another 8-bit
    encoding, or binary.
    """
    if not data.startswith(_WIDE_BOMS) and data.find(b"\x00", 0, SAMPLE) < 0:
        return None  # every file passes here: no mark of a wide encoding and no NUL, so no copy, no decode
    found = bom_codec(data)
    if found is not None:
        codec, skip = found
        if codec == "utf-8":
            return None
        return data[skip:].decode(codec, errors="replace").encode("utf-8")
    found16 = _utf16_text(data)
    return None if found16 is None else found16[1].encode("utf-8")


def decode(data: bytes) -> str:
    """Text of `data`: by its byte-order mark, else UTF-8, else Latin-1 (lossless for ASCII identifiers)."""
    found = bom_codec(data)
    if found is not None:
        codec, skip = found
        return data[skip:].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
