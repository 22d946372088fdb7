"""Names that were not UTF-8 on disk, rendered safely.

The core carries a path exactly as the file system gave it: bytes that are not UTF-8 become lone
surrogates (Python's `surrogateescape`, PEP 383), so nothing is lost and the file can be opened
again. No output may contain a lone surrogate (it cannot be encoded as UTF-8, and JSON readers
reject `\\udcff`): URIs are percent-encoded from the raw bytes, text and JSON show such a byte as
`\\xff`, as `ls -b` and Python's `backslashreplace` do.
"""

from __future__ import annotations

import re
from typing import Any

_LONE = re.compile("[\ud800-\udfff]")
_JSON_ESCAPED = re.compile(r"\\ud[89a-f]", re.IGNORECASE)  # what json.dumps(ensure_ascii=True) writes for one


def path_bytes(path: str) -> bytes:
    """The bytes a path had on disk (UTF-8 for a normal name)."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no decoding made (a member name stored as UTF-16)
        return path.encode("utf-8", "surrogatepass")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def escape_surrogates(text: str) -> str:
    """`text` with every lone surrogate written as `\\xNN` (an undecodable byte) or `\\uNNNN`."""
    return _LONE.sub(_escape, text) if _LONE.search(text) else text


def clean_strings(value: Any) -> Any:
    """A copy of a JSON-like document (dicts, lists, strings) with `escape_surrogates` applied to
    every string, keys included."""
    if isinstance(value, str):
        return escape_surrogates(value)
    if isinstance(value, dict):
        return {clean_strings(k): clean_strings(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_strings(v) for v in value]
    return value


def may_hold_surrogates(text: str, *, ascii_escaped: bool) -> bool:
    """Cheap test on a dumped document: False means it certainly holds no lone surrogate.

    `ascii_escaped`: the text was written by `json.dumps(ensure_ascii=True)`, which writes a
    surrogate as `\\udcff` (a proper pair for an emoji also matches: then the caller cleans for nothing).
    """
    return bool(_JSON_ESCAPED.search(text) if ascii_escaped else _LONE.search(text))
