"""Helpers shared by the binary analyzers: format sniffing, hits inside slices, token facts.

Binary formats keep their strings in tables (DEX string data, class-file constant pools, AXML
string pools, plist objects). Tokens are looked up per string with `find_tokens`, so a length
prefix in front of a string never spoils the boundary checks, and every fact points at the byte
offset of the string in the file.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from scanner.analyzers.binary.container import AR_MAGIC, FAT_MAGICS, MACHO_MAGICS
from scanner.analyzers.interface import FileInput
from scanner.analyzers.text.tokens import find_tokens
from scanner.core.prefilter import Needles, Prefilter
from scanner.model import Context, Fact, FactKind, Location, Related

MAX_EVIDENCE_ITEMS = 4
MAX_RELATED = 100  # related locations of one class fact (GitHub keeps 1,000 per result)

# Magic numbers of the formats that have their own analyzer (see `sniff`).
DEX_MAGIC = b"dex\n"
ELF_MAGIC = b"\x7fELF"
BPLIST_MAGIC = b"bplist00"
AXML_MAGIC = b"\x03\x00\x08\x00"


def sniff(data: bytes) -> str | None:
    """The binary format by magic number: dex, class, macho, elf, ar, bplist, axml or None."""
    head = data[:8]
    if head.startswith(DEX_MAGIC) and len(head) == 8 and head[7] == 0:
        return "dex"
    if head.startswith(FAT_MAGICS):
        # 0xCAFEBABE is both a Java class file and a fat Mach-O: a class file has its major
        # version (>= 45) where a fat header has its (small) architecture count.
        count = int.from_bytes(data[4:8], "big") if len(data) >= 8 else 0
        return "macho" if count < 45 else "class"
    if head.startswith(MACHO_MAGICS):
        return "macho"
    if head.startswith(ELF_MAGIC):
        return "elf"
    if head.startswith(AR_MAGIC):
        return "ar"
    if head.startswith(BPLIST_MAGIC):
        return "bplist"
    if head.startswith(AXML_MAGIC):
        return "axml"
    return None


_PREFILTERS: dict[int, tuple[Needles, Prefilter]] = {}


def hits_in(data: bytes, needles: Needles) -> list[tuple[int, int]]:
    """Prefilter hits for bytes the core never saw (decoded UTF-16 strings, plist values)."""
    cached = _PREFILTERS.get(id(needles))
    if cached is None or cached[0] is not needles:
        cached = (needles, Prefilter(needles))
        _PREFILTERS[id(needles)] = cached
    return cached[1].hits(data)


def class_prefixes(needles: Needles) -> tuple[str, ...]:
    """Class names and prefixes from the signatures; analyzers report only names that start so."""
    return tuple(c for c in needles.classes if c)


class HitIndex:
    """The prefilter hits of a file, looked up by byte range."""

    def __init__(self, hits: Sequence[tuple[int, int]]) -> None:
        self.hits = sorted(hits, key=lambda h: h[1])
        self.ends = [end for _, end in self.hits]

    def within(self, start: int, end: int, needles: Needles) -> list[tuple[int, int]]:
        """Hits lying wholly inside [start, end), shifted to be relative to `start`."""
        out: list[tuple[int, int]] = []
        literals = needles.literals
        i = bisect.bisect_right(self.ends, start)
        while i < len(self.hits) and self.ends[i] <= end:
            index, hit_end = self.hits[i]
            if hit_end - len(literals[index]) >= start:
                out.append((index, hit_end - start))
            i += 1
        return out

    def any_within(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.ends, start)
        return i < len(self.ends) and self.ends[i] <= end


def token_facts(file: FileInput, data: bytes, hits: Iterable[tuple[int, int]], base: int, analyzer: str,
                where: str, members: tuple[str, ...] | None = None,
                penalty: bool = False, note: str = "") -> Iterator[Fact]:
    """Facts for the hosts, URLs, schemes and markers in `data`, which starts at `base` in the file."""
    for token in find_tokens(data, hits, file.needles):
        evidence = f"{token.evidence} ({where}{note})"
        yield Fact(kind=token.kind, value=token.value, location=location(file, base + token.start, members),
                   context=Context.BINARY, analyzer=analyzer, evidence=evidence,
                   precision_penalty=penalty and token.kind is FactKind.MARKER)


def location(file: FileInput, offset: int, members: tuple[str, ...] | None = None) -> Location:
    if members is None:
        return file.binary_location(offset)
    return Location(path=file.path, members=members, byte_offset=offset)


def summary(items: Sequence[str], limit: int = MAX_EVIDENCE_ITEMS) -> str:
    """`a, b, c (+2 more)`: evidence stays short however much was found."""
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def matching_prefix(name: str, prefixes: tuple[str, ...]) -> str | None:
    """The longest signature class name or prefix that `name` starts with."""
    best: str | None = None
    for prefix in prefixes:
        if name.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return best


def class_facts(file: FileInput, names: Iterable[tuple[str, int | Location, str]], analyzer: str, unit: str,
                members: tuple[str, ...] | None = None) -> Iterator[Fact]:
    """CLASS facts for names that start like a signature class, one per signature prefix.

    A DEX of the SDK holds hundreds of its classes, a static library dozens of objects: one fact
    per prefix (the first class as the value, the others counted in the evidence) keeps a report
    readable. Each name is at a byte offset (in `members`) or a Location; the objects other than
    the first one that hold a class of the group become related locations.
    """
    prefixes = class_prefixes(file.needles)
    groups: dict[str, _ClassGroup] = {}
    for name, where, how in names:
        prefix = matching_prefix(name, prefixes)
        if prefix is None:
            continue
        place = where if isinstance(where, Location) else location(file, where, members)
        group = groups.get(prefix)
        if group is None:
            groups[prefix] = _ClassGroup(name, place, how, [name])
            continue
        if name not in group.names:
            group.names.append(name)
            if name == prefix:  # an exact signature name is the better representative
                group.name, group.place, group.how = name, place, how
        if place.members != group.place.members and (place.members, name) not in group.seen:
            group.seen.add((place.members, name))
            group.related.append(Related(place, f"{how} {name}"))
    for group in sorted(groups.values(), key=lambda g: (g.place.members, g.place.byte_offset or 0)):
        others = [n for n in group.names if n != group.name]
        evidence = f"{group.how} {group.name}"
        if others:
            evidence += f" (+{len(others)} more: {summary(others, 3)})"
        related = tuple(r for r in group.related[:MAX_RELATED] if r.location.members != group.place.members)
        yield Fact(kind=FactKind.CLASS, value=group.name, location=group.place, context=Context.BINARY,
                   analyzer=analyzer, evidence=f"{evidence} in {unit}", related=related)


@dataclass
class _ClassGroup:
    name: str
    place: Location
    how: str
    names: list[str]
    related: list[Related] = field(default_factory=list)
    seen: set[tuple[tuple[str, ...], str]] = field(default_factory=set)
