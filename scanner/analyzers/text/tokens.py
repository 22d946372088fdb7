"""Find hosts, URLs, URL schemes and marker tokens around prefilter hits, on raw bytes.

Shared by every analyzer that looks at text (plain files, string literals, binary string
tables). Work is proportional to the number of hits, never quadratic in line length, and
domain boundaries are exact: `nottiktok.com`, `tiktok.com.example.org` and `tiktoken` never
produce a host.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scanner.core.prefilter import Needles
from scanner.model import Context, FactKind

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
    data: str = ""  # why the host is data about TikTok, not a use ("list", "pattern", "filter", "reverse-dns")


def find_tokens(data: bytes, hits: Iterable[tuple[int, int]], needles: Needles, lo: int = 0,
                hi: int | None = None) -> list[Token]:
    """Tokens at the prefilter hits, at most one per start offset and kind, ordered by offset.

    A token never extends outside data[lo:hi] (a string literal, a comment); the bytes around it
    still decide whether it is data about TikTok (an element of a list, a pattern).
    """
    hi = len(data) if hi is None else hi
    literals = needles.literals
    domains = needles.domains
    out: dict[tuple[FactKind, int], Token] = {}
    for needle_index, end in hits:
        literal = literals[needle_index]
        start = end - len(literal)
        if literal in domains:
            tok = _host_at(data, start, end, domains, lo, hi)
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


def _host_at(data: bytes, start: int, end: int, domains: frozenset[str], lo: int, hi: int) -> Token | None:
    # the registrable domain must end at a boundary: not followed by a host char, nor by ".x"
    if end < hi:
        nxt = data[end]
        if nxt in _WORD_CHARS or nxt == 0x2D:  # `tiktok.comx`, `tiktok.com-x`, `tiktoken`
            return None
        if nxt == 0x2E and end + 1 < hi and data[end + 1] in _WORD_CHARS:  # tiktok.com.evil.org
            return None
    # extend left over subdomain labels
    left = start
    while left > lo and data[left - 1] in _HOST_CHARS and start - left < MAX_HOST:
        left -= 1
    host_bytes = data[left:end]
    if start > left and data[start - 1] != 0x2E:
        return None  # `nottiktok.com`: the domain does not start at a label boundary
    while host_bytes[:1] in (b".", b"-"):
        host_bytes = host_bytes[1:]
        left += 1
    if left > lo and data[left - 1] == 0x5F:  # `_tiktok.com` inside an identifier
        return None
    try:
        host = host_bytes.decode("ascii").lower()
    except UnicodeDecodeError:
        return None
    if not _known(host, domains):
        return None
    email = left > lo and data[left - 1] == 0x40  # user@tiktok.com
    # the URL path, when one follows
    stop = end
    if end < hi and data[end] in (0x2F, 0x3A) and not email:  # '/' or ':port'
        stop = end
        limit = min(hi, end + MAX_URL)
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
    scheme_start = max(lo, _scheme_before(data, left))
    evidence = data[scheme_start:stop].decode("ascii", "replace")
    path = path.split("?", 1)[0].split("#", 1)[0]  # queries carry ids and tokens, never signatures
    why = "" if email else mention_reason(data, left, end, scheme_start, stop, host)
    if path.startswith("/") and len(path) > 1:
        return Token(FactKind.URL, host + path, scheme_start, stop, evidence, data=why)
    return Token(FactKind.HOST, host, scheme_start, end, evidence, email=email, data=why)


# -- data about TikTok, not a use -------------------------------------------------------------------
# Decided from the syntax around the host, never from a list of projects: a regular expression or
# URL-matching pattern, an ad-block or hosts-file rule, a reverse-DNS identifier, an element of a
# literal list of several host-like strings (tracker lists, entity databases, link allowlists).

_PATTERN_BEFORE = frozenset(b"*|^\\[+?")
_PATTERN_AFTER = frozenset(b"\\|$()[^*")
_REVERSE_DNS_FIRST = frozenset({"com", "org", "net", "edu", "gov", "io"})
_HOSTS_FILE = (b"0.0.0.0", b"127.0.0.1", b"::1", b"::")
_QUOTES = frozenset(b"\"'`")
_LIST_OPEN = frozenset(b"[({,")
_LIST_CLOSE = frozenset(b"])},")
_SPACE = frozenset(b" \t\r\n")
MAX_ELEMENT = 300  # bytes of a neighbouring list element looked at


def mention_reason(data: bytes, left: int, end: int, token_start: int, stop: int, host: str) -> str:
    """Why the host at data[left:end] (token data[token_start:stop]) is data about TikTok, or ""."""
    before = left
    while before > 0 and data[before - 1] == 0x2E:  # `*.tiktok.com`, `.*tiktok.com`
        before -= 1
    prev = data[before - 1] if before > 0 else 0
    after = data[end] if end < len(data) else 0
    if data[max(0, token_start - 2) : token_start] == b"||" or (after == 0x5E and token_start == left):
        return "filter"  # Adblock Plus syntax: `||tiktok.com^`
    if prev in _PATTERN_BEFORE or (after in _PATTERN_AFTER and not _escaped_quote(data, end)) or (
            stop < len(data) and data[stop] in _PATTERN_AFTER and not _escaped_quote(data, stop)):
        return "pattern"
    if b"\\/" in data[max(0, token_start - 3) : token_start] or b".*" in data[end:stop] or b".+" in data[end:stop]:
        return "pattern"  # a JS regex literal `/https:\/\/tiktok.com\//`, `tiktok.com/.+`
    if _hosts_file_line(data, token_start) or data[end : end + 2] in (b"##", b"#@"):
        return "filter"  # hosts file `0.0.0.0 analytics.tiktok.com`, cosmetic rule `tiktok.com##.ad`
    if token_start == left and host.count(".") >= 2 and host.split(".", 1)[0] in _REVERSE_DNS_FIRST:
        return "reverse-dns"  # a bundle id or Java package: `com.example.tiktok.app`
    if _list_element(data, token_start, stop if stop > end else end) or _word_array(data, token_start, end):
        return "list"
    return ""


def _hosts_file_line(data: bytes, token_start: int) -> bool:
    """Whether only an address of _HOSTS_FILE (and blanks) precedes the token on its line, read
    backwards from the token: a minified line of megabytes is not copied for each host on it."""
    i = _skip_blanks(data, token_start)
    for address in _HOSTS_FILE:
        k = i - len(address)
        if k >= 0 and data[k:i] == address:
            j = _skip_blanks(data, k)
            if j == 0 or data[j - 1] == 0x0A:
                return True
    return False


def _skip_blanks(data: bytes, i: int) -> int:
    """Back from `i` over the white space that `bytes.strip` removes, within the line."""
    while i > 0 and data[i - 1] in _BLANKS:
        i -= 1
    return i


_BLANKS = frozenset(b" \t\r\x0b\x0c")


def _escaped_quote(data: bytes, i: int) -> bool:
    """`\\"` ends a string written inside another string (JS in a JSON value, a GTM Custom HTML
    tag): an escaped quote, not a regular expression's backslash."""
    return data[i] == 0x5C and i + 1 < len(data) and data[i + 1] in (0x22, 0x27)


def data_context(token: Token, context: Context) -> Context:
    """DATA for a host that is data about TikTok (a list element, a pattern...) where it would be a use."""
    if token.data and context not in (Context.COMMENT, Context.DOCUMENTATION):
        return Context.DATA
    return context


def _list_element(data: bytes, start: int, end: int) -> bool:
    """The token is a whole quoted host-like element of a literal list of at least LIST_MIN host-like
    or URL elements, or a string of an entity record (an object whose `[...]` lists wildcard domains)."""
    if start == 0 or end >= len(data) or data[start - 1] not in _QUOTES or data[end] != data[start - 1]:
        return False
    if _entity_record(data, start):
        return True
    if not _host_like(data[start:end], False):
        return False
    open_at = _skip_prefix(data, _skip_space(data, start - 2, -1))
    close_at = _skip_space(data, end + 1, 1)
    if open_at < 0 or close_at >= len(data) or data[open_at] not in _LIST_OPEN or data[close_at] not in _LIST_CLOSE:
        return False
    count = 1
    while data[open_at] == 0x2C and count < LIST_MIN:
        open_at, element = _element_before(data, open_at)
        if not _host_like(element, True):
            break
        count += 1
    while close_at < len(data) and data[close_at] == 0x2C and count < LIST_MIN:
        close_at, element = _element_after(data, close_at)
        if not _host_like(element, True):
            break
        count += 1
    return count >= LIST_MIN


LIST_MIN = 3  # "several": two hosts side by side are as often a client's own pair (primary, fallback)
ENTITY_WINDOW = 600  # bytes searched for the `{` that opens the record around a string


def _entity_record(data: bytes, start: int) -> bool:
    """`{"name": "TikTok", "homepage": "https://www.tiktok.com/", "domains": ["*.tiktok.com", ...]}`."""
    open_ = data.rfind(b"{", max(0, start - ENTITY_WINDOW), start)
    if open_ == -1 or b"}" in data[open_:start]:
        return False
    close = data.find(b"}", start, start + ENTITY_WINDOW)
    if close == -1:
        return False
    record = data[open_:close]
    return b"{" not in record[1:] and _WILDCARD_LIST.search(record) is not None


_WILDCARD_LIST = re.compile(rb"""\[\s*["'`]\*\.[A-Za-z0-9.-]+\.[A-Za-z]{2,}["'`]""")


_WORD_ARRAY = re.compile(rb"%[wWiI]([\[(<{])([^\])>}]*)$")


def _word_array(data: bytes, start: int, end: int) -> bool:
    """Ruby's `%w[www.youtube.com www.tiktok.com vimeo.com]`: a word list of several hosts."""
    if start == 0 or (data[start - 1] not in _SPACE and data[start - 1] not in b"[(<{"):
        return False
    m = _WORD_ARRAY.search(data[max(0, start - MAX_ELEMENT * 2) : start])
    if m is None:
        return False
    close = {b"[": b"]", b"(": b")", b"<": b">", b"{": b"}"}[m.group(1)]
    stop = data.find(close, end, end + MAX_ELEMENT * 2)
    words = (m.group(2) + data[start:stop if stop != -1 else end]).split()
    return stop != -1 and sum(1 for w in words if _host_like(w, True)) >= LIST_MIN


def _skip_prefix(data: bytes, pos: int) -> int:
    """Back over an Objective-C `@` (or Python `r`/`b`/`u`) string prefix: `@[ @"a.com", @"b.com" ]`."""
    if pos > 0 and data[pos] in b"@rbuRBU" and data[pos - 1] not in _WORD_CHARS:
        return _skip_space(data, pos - 1, -1)
    return pos


def _skip_space(data: bytes, pos: int, step: int) -> int:
    while 0 <= pos < len(data) and data[pos] in _SPACE:
        pos += step
    return pos


def _element_before(data: bytes, comma: int) -> tuple[int, bytes]:
    """(position of the delimiter before the element, the element's text) of the element before `comma`."""
    close = _skip_space(data, comma - 1, -1)
    if close < 1 or data[close] not in _QUOTES:
        return 0, b""
    open_ = data.rfind(data[close : close + 1], max(0, close - MAX_ELEMENT), close)
    if open_ == -1:
        return 0, b""
    return max(0, _skip_prefix(data, _skip_space(data, open_ - 1, -1))), data[open_ + 1 : close]


def _element_after(data: bytes, comma: int) -> tuple[int, bytes]:
    open_ = _skip_space(data, comma + 1, 1)
    if open_ + 1 < len(data) and data[open_] in b"@rbuRBU" and data[open_ + 1] in _QUOTES:
        open_ += 1
    if open_ >= len(data) or data[open_] not in _QUOTES:
        return len(data), b""
    close = data.find(data[open_ : open_ + 1], open_ + 1, open_ + 1 + MAX_ELEMENT)
    if close == -1:
        return len(data), b""
    return _skip_space(data, close + 1, 1), data[open_ + 1 : close]


def _host_like(text: bytes, pages: bool) -> bool:
    """`example.com`, `*.example.com`, `https://example.com/`: a domain (or any page, with `pages`)."""
    if not text:
        return False
    rest = text.split(b"://", 1)[-1].removeprefix(b"*.")
    if pages:
        rest = rest.split(b"/", 1)[0]
    rest = rest.rstrip(b"/*")
    labels = rest.split(b".")
    return len(labels) >= 2 and all(lab and all(c in _HOST_CHARS for c in lab) for lab in labels) \
        and labels[-1].isalpha()


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
    # a whole value: <string>tiktokopensdk</string>, "tiktokopensdk", - tiktokopensdk; written in lower
    # case as plists and manifests write schemes (`tiktokOpenSdk = "2.3.0"` in a version catalog is a name)
    if data[start:end] != data[start:end].lower():
        return None
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
