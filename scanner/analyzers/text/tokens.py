"""Find hosts, URLs, URL schemes and marker tokens around prefilter hits, on raw bytes.

Shared by every analyzer that looks at text (plain files, string literals, binary string
tables). Work is proportional to the number of hits, never quadratic in line length, and
domain boundaries are exact: `nottiktok.com`, `tiktok.com.example.org` and `tiktoken` never
produce a host.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scanner.core.prefilter import Needles
from scanner.model import FactKind

_HOST_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
_WORD_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_URL_STOP = frozenset(b" \t\r\n\"'<>`()[]{}\\|^,;")
MAX_URL = 2048
MAX_HOST = 253


@dataclass(frozen=True)
class Token:
    kind: FactKind
    value: str  # host, host/path, scheme or marker
    start: int  # byte offset in the data given
    end: int
    evidence: str  # as written (URL with scheme, marker)
    email: bool = False  # host seen as the domain of an e-mail address


def find_tokens(data: bytes, hits: Iterable[tuple[int, int]], needles: Needles) -> list[Token]:
    """Tokens at the prefilter hits, at most one per start offset and kind, ordered by offset."""
    literals = needles.literals
    domains = needles.domains
    out: dict[tuple[FactKind, int], Token] = {}
    for needle_index, end in hits:
        literal = literals[needle_index]
        start = end - len(literal)
        if literal in domains:
            tok = _host_at(data, start, end, domains)
            if tok is not None:
                out.setdefault((tok.kind, tok.start), tok)
        if literal in needles.schemes:
            tok = _scheme_at(data, start, end)
            if tok is not None:
                out.setdefault((tok.kind, tok.start), tok)
        for marker in _markers_for(literal, needles):
            tok = _marker_at(data, start, end, marker)
            if tok is not None:
                out.setdefault((FactKind.MARKER, tok.start), tok)
    return sorted(out.values(), key=lambda t: (t.start, t.kind.value))


def _markers_for(literal: str, needles: Needles) -> tuple[str, ...]:
    # markers are case-sensitive; the prefilter is not, so compare the original spelling
    return needles.markers_by_lower.get(literal, ())


def _host_at(data: bytes, start: int, end: int, domains: frozenset[str]) -> Token | None:
    # the registrable domain must end at a boundary: not followed by a host char, nor by ".x"
    if end < len(data):
        nxt = data[end]
        if nxt in _WORD_CHARS or nxt == 0x2D:  # `tiktok.comx`, `tiktok.com-x`, `tiktoken`
            return None
        if nxt == 0x2E and end + 1 < len(data) and data[end + 1] in _WORD_CHARS:  # tiktok.com.evil.org
            return None
    # extend left over subdomain labels
    left = start
    while left > 0 and data[left - 1] in _HOST_CHARS and start - left < MAX_HOST:
        left -= 1
    host_bytes = data[left:end]
    if start > left and data[start - 1] != 0x2E:
        return None  # `nottiktok.com`: the domain does not start at a label boundary
    while host_bytes[:1] in (b".", b"-"):
        host_bytes = host_bytes[1:]
        left += 1
    if left > 0 and data[left - 1] == 0x5F:  # `_tiktok.com` inside an identifier
        return None
    try:
        host = host_bytes.decode("ascii").lower()
    except UnicodeDecodeError:
        return None
    if not _known(host, domains):
        return None
    email = left > 0 and data[left - 1] == 0x40  # user@tiktok.com
    # the URL path, when one follows
    stop = end
    if end < len(data) and data[end] in (0x2F, 0x3A) and not email:  # '/' or ':port'
        stop = end
        limit = min(len(data), end + MAX_URL)
        while stop < limit and data[stop] not in _URL_STOP and data[stop] >= 0x21:
            stop += 1
        while stop > end and data[stop - 1] in b".,:;!?":
            stop -= 1
    path = data[end:stop].decode("ascii", "replace")
    if path.startswith(":"):  # host:port/path
        port_end = 1
        while port_end < len(path) and path[port_end].isdigit():
            port_end += 1
        path = path[port_end:]
    scheme_start = _scheme_before(data, left)
    evidence = data[scheme_start:stop].decode("ascii", "replace")
    path = path.split("?", 1)[0].split("#", 1)[0]  # queries carry ids and tokens, never signatures
    if path.startswith("/") and len(path) > 1:
        return Token(FactKind.URL, host + path, scheme_start, stop, evidence)
    return Token(FactKind.HOST, host, scheme_start, end, evidence, email=email)


def _known(host: str, domains: frozenset[str]) -> bool:
    if host in domains:
        return True
    labels = host.split(".")
    return any(".".join(labels[i:]) in domains for i in range(1, len(labels) - 1))


def _scheme_before(data: bytes, left: int) -> int:
    """Offset of `https://` (or `//`) right before a host, else `left`."""
    if data[max(0, left - 2) : left] != b"//":
        return left
    pos = left - 2
    if pos > 0 and data[pos - 1] == 0x3A:  # ':'
        s = pos - 1
        while s > 0 and (chr(data[s - 1]).isalnum() or data[s - 1] in b"+.-") and pos - s < 12:
            s -= 1
        return s
    return pos


def _scheme_at(data: bytes, start: int, end: int) -> Token | None:
    if start > 0 and (data[start - 1] in _WORD_CHARS or data[start - 1] in b".-"):
        return None
    scheme = data[start:end].decode("ascii", "replace").lower()
    tail = data[end : end + 3]
    if tail == b"://" or (tail[:1] == b":" and tail[1:2] not in _WORD_CHARS):
        return Token(FactKind.SCHEME, scheme, start, end, data[start : end + 3].decode("ascii", "replace"))
    # a whole value: <string>tiktokopensdk</string>, "tiktokopensdk", - tiktokopensdk
    before = data[start - 1 : start] if start else b""
    after = data[end : end + 1]
    if (before, after) in ((b">", b"<"), (b'"', b'"'), (b"'", b"'")) or (
        before in (b" ", b"-", b"\t") and after in (b"\n", b"\r", b"")
    ):
        return Token(FactKind.SCHEME, scheme, start, end, data[start:end].decode("ascii", "replace"))
    return None


def _marker_at(data: bytes, start: int, end: int, marker: str) -> Token | None:
    raw = data[start:end]
    if raw != marker.encode():
        return None
    if start > 0 and data[start - 1] in _WORD_CHARS:
        return None
    if end < len(data) and data[end] in _WORD_CHARS:
        return None
    # a marker that is itself a hyphenated name (`tiktok-embed`) must not match a longer one
    # (`tiktok-embed-placeholder`, `my-tiktok-embed`)
    if b"-" in raw and ((start > 0 and data[start - 1] == 0x2D) or (end < len(data) and data[end] == 0x2D)):
        return None
    return Token(FactKind.MARKER, marker, start, end, marker)
