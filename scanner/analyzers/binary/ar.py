"""binary/static-library: `ar` archives (`.a` static libraries, as vendored iOS SDKs ship).

The core opens zip and tar archives; `ar` is simple enough to walk here, in memory: each member
(a Mach-O or ELF object) is read by the Mach-O reader or scanned for strings, and facts name the
member in the archive chain (`libTikTokOpenSDK.a!/TikTokOpenSDK.o`). Both the GNU (`/` + `//`
long-name table) and BSD (`#1/<len>` inline long names) variants are understood.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.binary.common import AR_MAGIC, HitIndex, sniff, token_facts
from scanner.analyzers.binary.macho import macho_facts
from scanner.analyzers.interface import FileInput
from scanner.errors import ParseError
from scanner.model import Fact

MAX_MEMBERS = 100_000


def ar_members(data: bytes) -> Iterator[tuple[str, int, int]]:
    """(name, data offset, size) of each member; raises ParseError when a header is cut short."""
    if not data.startswith(AR_MAGIC):
        raise ParseError("not an ar archive")
    pos = len(AR_MAGIC)
    long_names = b""
    count = 0
    while pos + 60 <= len(data):
        header = data[pos : pos + 60]
        if header[58:60] != b"`\n":
            raise ParseError(f"ar member header at {pos:#x} is corrupt")
        raw_name = header[:16].decode("utf-8", "replace").rstrip()
        try:
            size = int(header[48:58].decode("ascii").strip() or "0")
        except ValueError as exc:
            raise ParseError(f"ar member header at {pos:#x} has a bad size") from exc
        start = pos + 60
        if start + size > len(data):
            raise ParseError(f"ar member {raw_name!r} ({size} bytes) is past the end of the file: truncated")
        name = raw_name
        if raw_name.startswith("#1/"):  # BSD: the name follows the header
            length = int(raw_name[3:] or "0")
            name = data[start : start + length].split(b"\x00", 1)[0].decode("utf-8", "replace")
            start, size = start + length, size - length
        elif raw_name == "//":
            long_names = data[start : start + size]
            name = ""
        elif raw_name.startswith("/") and raw_name[1:].isdigit():
            at = int(raw_name[1:])
            name = long_names[at:].split(b"/\n", 1)[0].decode("utf-8", "replace")
        else:
            name = raw_name.rstrip("/")
        if name and name not in ("/", "__.SYMDEF", "__.SYMDEF SORTED", "/SYM64/"):
            yield name, start, size
        count += 1
        if count > MAX_MEMBERS:
            raise ParseError(f"ar archive has more than {MAX_MEMBERS} members")
        pos = start + size + ((start + size) & 1)


class StaticLibraryAnalyzer:
    name: ClassVar[str] = "binary/static-library"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 10
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    def wants(self, path: str, is_text: bool) -> bool:
        return not is_text and path.lower().endswith((".a", ".lib", ".rlib"))

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        if sniff(file.data) != "ar":
            return
        index = HitIndex(file.hits)
        for name, start, size in ar_members(file.data):
            hits = index.within(start, start + size, file.needles)
            if not hits:
                continue
            member = file.data[start : start + size]
            chain = (*file.members, name) if file.members else (name,)
            if sniff(member) == "macho":
                yield from macho_facts(file, member, hits, self.name, chain)
            yield from token_facts(file, member, hits, 0, self.name, "object strings", chain)
