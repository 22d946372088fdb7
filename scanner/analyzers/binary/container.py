"""Apple binary containers: fat (universal) headers and `ar` archives, walked down to their parts.

iOS SDKs ship in nested containers: a fat file whose slices are Mach-O images (a dynamic
framework) or `ar` archives of Mach-O objects (a static framework, `lib.a`), and archives whose
members may themselves be fat. `parts` flattens that into byte ranges of the one file, each named
as it should appear in a location chain (`arm64`, `arm64/TikTokBusiness.o`), without copying bytes.
A bad slice or member is reported and skipped; the other parts are still read
(<mach-o/fat.h>; the `ar` format as `ar(5)` and llvm-ar's Darwin writer describe it).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from scanner.errors import ParseError

AR_MAGIC = b"!<arch>\n"
FAT_MAGICS = (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf")
MACHO_MAGICS = (b"\xfe\xed\xfa\xce", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xcf\xfa\xed\xfe")
CPU_NAMES = {7: "i386", 0x01000007: "x86_64", 12: "arm", 0x0100000C: "arm64", 0x0200000C: "arm64_32",
             18: "ppc", 0x01000012: "ppc64"}
MAX_FAT_ARCHS = 64
MAX_MEMBERS = 100_000
# Symbol tables written by ranlib / llvm-ar: no code, and their strings repeat the members' symbols.
SYMBOL_TABLES = frozenset({"/", "__.SYMDEF", "__.SYMDEF SORTED", "__.SYMDEF_64", "__.SYMDEF_64 SORTED",
                           "/SYM64/"})


@dataclass(frozen=True)
class Part:
    """One image or object inside a file: bytes [start, end) of the file's data."""

    start: int
    end: int
    # location chain entry: `arm64` (a slice of a fat image), `arm64/x.o` (an object in a slice of a
    # universal static library), `x.o` (an archive member), `x.o/arm64`; None: the thin file itself
    member: str | None
    arch: str | None  # the fat slice it came from, None in a thin file
    macho: bool  # a thin Mach-O image (else some other archive member: an ELF object, a text file...)

    @property
    def object_name(self) -> str | None:
        """The member's name without the slice, to recognise the same object in every slice
        ("" for the slices of a fat image, None for a thin file)."""
        if self.member is None or self.member == self.arch:
            return None if self.member is None else ""
        name = self.member
        if self.arch is not None:
            name = name.removeprefix(self.arch + "/").removesuffix("/" + self.arch)
        return name


def cpu_name(cpu: int) -> str:
    return CPU_NAMES.get(cpu, f"cpu {cpu:#x}")


def fat_arches(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """(architecture, offset, size) of each slice of the fat header at `start`, arm64 first.

    Raises ParseError when the header itself is cut short or claims absurd counts; a slice that
    lies outside [start, end) is kept with its size clipped to 0 so the caller can report it.
    """
    end = len(data) if end is None else end
    magic = data[start : start + 4]
    wide = magic == FAT_MAGICS[1]
    if start + 8 > end:
        raise ParseError("fat Mach-O header truncated")
    count = struct.unpack_from(">I", data, start + 4)[0]
    if count > MAX_FAT_ARCHS:
        raise ParseError(f"fat Mach-O claims {count} architectures")
    entry = 32 if wide else 20
    if start + 8 + count * entry > end:
        raise ParseError("fat Mach-O header truncated")
    out = []
    for i in range(count):
        at = start + 8 + i * entry
        cpu, _sub, offset, size = struct.unpack_from(">iiQQ" if wide else ">iiII", data, at)
        out.append((cpu_name(cpu), start + offset, size))
    # arm64 is the slice that ships to devices: its parts are the ones named in reports
    return sorted(out, key=lambda arch: arch[0] != "arm64")


def ar_members(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[str, int, int]]:
    """(name, data offset, size) of each member of the archive at `start`.

    Raises ParseError when a header is cut short or corrupt; members before it were yielded.
    Both the GNU (`/` + `//` long-name table) and BSD (`#1/<len>` inline long names) variants.
    """
    end = len(data) if end is None else end
    if data[start : start + 8] != AR_MAGIC:
        raise ParseError("not an ar archive")
    pos = start + len(AR_MAGIC)
    long_names = b""
    count = 0
    while pos + 60 <= end:
        header = data[pos : pos + 60]
        if header[58:60] != b"`\n":
            raise ParseError(f"ar member header at {pos - start:#x} is corrupt")
        raw_name = header[:16].decode("utf-8", "replace").rstrip()
        try:
            size = int(header[48:58].decode("ascii").strip() or "0")
        except ValueError as exc:
            raise ParseError(f"ar member header at {pos - start:#x} has a bad size") from exc
        body = pos + 60
        if size < 0 or body + size > end:
            raise ParseError(f"ar member {raw_name!r} ({size} bytes) is past the end of the archive: truncated")
        name, first, length = raw_name, body, size
        if raw_name.startswith("#1/"):  # BSD: the name follows the header and counts in the size
            try:
                name_length = int(raw_name[3:] or "0")
            except ValueError as exc:
                raise ParseError(f"ar member header at {pos - start:#x} has a bad name length") from exc
            if not 0 <= name_length <= size:
                raise ParseError(f"ar member name length {name_length} is past its member ({size} bytes)")
            name = data[body : body + name_length].split(b"\x00", 1)[0].decode("utf-8", "replace")
            first, length = body + name_length, size - name_length
        elif raw_name == "//":
            long_names = data[body : body + size]
            name = ""
        elif raw_name.startswith("/") and raw_name[1:].isdigit():
            name = long_names[int(raw_name[1:]) :].split(b"/\n", 1)[0].decode("utf-8", "replace")
        else:
            name = raw_name.rstrip("/") if raw_name not in SYMBOL_TABLES else raw_name
        if name and name not in SYMBOL_TABLES:
            yield name, first, length
        count += 1
        if count > MAX_MEMBERS:
            raise ParseError(f"ar archive has more than {MAX_MEMBERS} members")
        pos = body + size + ((body + size - start) & 1)


def parts(data: bytes, problems: list[str]) -> Iterator[Part]:
    """The images and objects of a thin or fat Mach-O or an `ar` archive, recursing one level.

    Problems with one slice or member are appended to `problems` and that part is skipped;
    ParseError only when the outermost header is unreadable.
    """
    head = data[:4]
    if head in FAT_MAGICS:
        for arch, offset, size in fat_arches(data):
            if offset + size > len(data) or size == 0:
                problems.append(f"fat Mach-O slice {arch} ({offset:#x}+{size:#x}) is past the end of the file "
                                f"({len(data):#x} bytes): truncated")
                continue
            yield from _inner(data, offset, offset + size, arch, None, problems)
    elif data.startswith(AR_MAGIC):
        yield from _archive(data, 0, len(data), None, problems)
    elif head in MACHO_MAGICS:
        yield Part(0, len(data), None, None, True)
    else:
        raise ParseError("neither Mach-O nor ar")


def _inner(data: bytes, start: int, end: int, arch: str, member: str | None, problems: list[str]) -> Iterator[Part]:
    """A fat slice: a Mach-O image, or an archive of objects (a universal static library)."""
    head = data[start : start + 8]
    if head[:4] in MACHO_MAGICS:
        yield Part(start, end, f"{member}/{arch}" if member else arch, arch, True)
    elif head == AR_MAGIC and member is None:
        yield from _archive(data, start, end, arch, problems)
    else:
        where = f"{member}/{arch}" if member else f"slice {arch}"
        problems.append(f"fat Mach-O {where} at {start:#x} is neither a Mach-O image nor an ar archive")


def _archive(data: bytes, start: int, end: int, arch: str | None, problems: list[str]) -> Iterator[Part]:
    prefix = f"{arch}/" if arch else ""
    try:
        for name, first, size in ar_members(data, start, end):
            head = data[first : first + 4]
            if head in FAT_MAGICS and arch is None:
                try:
                    arches = fat_arches(data, first, first + size)
                except ParseError as exc:
                    problems.append(f"member {name}: {exc}")
                    continue
                for slice_arch, offset, length in arches:
                    if offset + length > first + size or length == 0:
                        problems.append(f"member {name}: fat slice {slice_arch} is past the end of the member: "
                                        "truncated")
                        continue
                    yield from _inner(data, offset, offset + length, slice_arch, name, problems)
            else:
                yield Part(first, first + size, prefix + name, arch, head in MACHO_MAGICS)
    except ParseError as exc:
        problems.append(f"{'slice ' + arch + ': ' if arch else ''}{exc}")
