"""binary/plist: binary property lists (`Info.plist` in IPAs, frameworks and app bundles).

XML plists on disk are text and the text analyzer reads them; binary plists (`bplist00`) need
`plistlib` to be read at all. The same walk serves the XML plist that linkers embed in a Mach-O
`__TEXT,__info_plist` section. Keys that are signature markers (`TikTokClientKey`) become MARKER
facts, `LSApplicationQueriesSchemes` and `CFBundleURLSchemes` entries become SCHEME facts, and
every other string value goes through the shared token finder. A property list is configuration
(Context.CONFIG), compiled or not: an app's `TikTokClientKey` there is Open SDK configuration,
unlike the same word among a binary's strings.
"""

from __future__ import annotations

import plistlib
from collections.abc import Iterator
from typing import Any, ClassVar

from scanner.analyzers.binary.common import hits_in, location, sniff
from scanner.analyzers.interface import FileInput
from scanner.analyzers.text.tokens import find_tokens
from scanner.errors import ParseError
from scanner.model import Context, Fact, FactKind

SCHEME_KEYS = frozenset({"LSApplicationQueriesSchemes", "CFBundleURLSchemes"})
MAX_NODES = 100_000


def load_plist(raw: bytes) -> Any:
    try:
        return plistlib.loads(raw)
    except Exception as exc:  # expat and the binary reader raise assorted errors on hostile input
        raise ParseError(f"unreadable property list: {type(exc).__name__}: {exc}") from exc


def _offset_of(raw: bytes, text: str, base: int) -> int:
    """Where a string sits in the plist bytes (ASCII, or UTF-16BE in binary plists); else the start."""
    for encoded in (text.encode("utf-8"), text.encode("utf-16-be")):
        pos = raw.find(encoded)
        if pos != -1:
            return base + pos
    return base


def plist_facts(file: FileInput, raw: bytes, base: int, analyzer: str, where: str,
                members: tuple[str, ...] | None = None) -> Iterator[Fact]:
    """Facts of one property list whose bytes start at `base` in the file."""
    root = load_plist(raw)
    needles = file.needles
    stack: list[tuple[str, Any]] = [("", root)]
    seen = 0
    while stack:
        key, node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise ParseError(f"property list has more than {MAX_NODES} values")
        if isinstance(node, dict):
            for child_key, child in node.items():
                name = str(child_key)
                if name in needles.markers:
                    yield Fact(kind=FactKind.MARKER, value=name, location=location(file, _offset_of(raw, name, base),
                                                                                   members),
                               context=Context.CONFIG, analyzer=analyzer, evidence=f"key {name} ({where})")
                stack.append((name, child))
        elif isinstance(node, list):
            stack.extend((key, child) for child in reversed(node))
        elif isinstance(node, str):
            if key in SCHEME_KEYS:
                yield Fact(kind=FactKind.SCHEME, value=node.lower(),
                           location=location(file, _offset_of(raw, node, base), members),
                           context=Context.CONFIG, analyzer=analyzer, evidence=f"{key}: {node} ({where})")
                continue
            encoded = node.encode("utf-8")
            hits = hits_in(encoded, needles)
            if not hits:
                continue
            offset = _offset_of(raw, node, base)
            for token in find_tokens(encoded, hits, needles):
                yield Fact(kind=token.kind, value=token.value, location=location(file, offset + token.start, members),
                           context=Context.CONFIG, analyzer=analyzer,
                           evidence=f"{key}: {token.evidence} ({where})" if key else f"{token.evidence} ({where})")


class PlistAnalyzer:
    name: ClassVar[str] = "binary/plist"
    version: ClassVar[str] = "1.1.0"
    priority: ClassVar[int] = 10
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    binary_only: ClassVar[bool] = True  # wants no text file: the registry imports it only for a binary one

    def wants(self, path: str, is_text: bool) -> bool:
        return not is_text and path.lower().endswith(".plist")

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        if sniff(file.data) != "bplist":
            return
        yield from plist_facts(file, file.data, 0, self.name, "binary Info.plist")
