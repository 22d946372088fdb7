"""binary/macho: Mach-O executables, dylibs and objects, thin and fat, and universal static
libraries (fat files whose slices are `ar` archives, in binary pods and `.xcframework`s).

A lean reader of the headers and load commands (<mach-o/loader.h>, <mach-o/nlist.h>). Every
image of a file is read: the file itself, each fat slice, each object of a static library and of
a universal static library (binary/container walks the containers). Facts:
- LIBRARY for linked dylibs and frameworks (LC_LOAD_DYLIB `@rpath/TikTokOpenSDK.framework/...`,
  the image's own LC_ID_DYLIB) and for the autolinking options objects carry
  (LC_LINKER_OPTION `-framework TikTokOpenSDK`);
- CLASS for Objective-C classes (`__objc_classlist` -> class_ro_t -> name, `__objc_classname`,
  `_OBJC_CLASS_$_` symbols, defined or referenced) and Swift types (`$s` symbols, `_TtC` runtime
  names, see binary/swift), one fact per signature prefix for the whole file with the other
  objects as related locations; LIBRARY for Swift modules;
- the embedded `__info_plist`; tokens (hosts, markers) of each object of a static library and of
  the first slice of a fat image.

Slices and objects are named in the location chain (`TikTokOpenSDK!/arm64`,
`lib.a!/arm64/TikTokBusiness.o`), at offsets inside them; the same object in another slice is read
once, and so are the strings (tokens) of a fat file. Strings of a thin image are left to
binary/strings. Only strings that hold a prefilter hit are decoded, so cost is bounded by the
load commands plus the hits. A bad slice or member becomes a parse-error notification and the
others are still read. README.md says why not lief or macholib.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from scanner.analyzers.binary.common import HitIndex, class_facts, hits_in, location, sniff, token_facts
from scanner.analyzers.binary.container import Part, cpu_name, parts
from scanner.analyzers.binary.plist import plist_facts
from scanner.analyzers.binary.swift import swift_class, swift_module, swift_type
from scanner.analyzers.interface import FileInput
from scanner.errors import ParseError
from scanner.model import Context, Fact, FactKind, Level, Location, Notification, SkipReason

LC_SEGMENT = 0x1
LC_SYMTAB = 0x2
LC_SEGMENT_64 = 0x19
LC_LINKER_OPTION = 0x2D
LC_REQ_DYLD = 0x80000000
DYLIB_COMMANDS = {
    0xC: "LC_LOAD_DYLIB",
    0xD: "LC_ID_DYLIB",
    0x18 | LC_REQ_DYLD: "LC_LOAD_WEAK_DYLIB",
    0x1F | LC_REQ_DYLD: "LC_REEXPORT_DYLIB",
    0x20: "LC_LAZY_LOAD_DYLIB",
    0x23 | LC_REQ_DYLD: "LC_LOAD_UPWARD_DYLIB",
}
MH_OBJECT = 0x1
N_TYPE = 0x0E  # n_type bits; 0 (N_UNDF) is a symbol the image references but does not define
N_STAB = 0xE0  # debugger entries, which may share a name with a real symbol
MAX_COMMANDS = 65_536
MAX_SECTIONS = 4096
MAX_CLASSLIST = 200_000
MAX_SYMBOLS = 4_000_000
OBJC_CLASS_SYMBOLS = ("_OBJC_CLASS_$_", "_OBJC_METACLASS_$_")
MAX_SYMBOL = 4096


@dataclass
class Image:
    """One thin Mach-O image: where it is in the file and what its load commands say."""

    arch: str
    offset: int
    size: int
    filetype: int = 0
    # linked libraries: (load command as shown, library path or framework name, file offset)
    dylibs: list[tuple[str, str, int]] = field(default_factory=list)
    sections: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # -> (offset, size)
    symtab: tuple[int, int] | None = None  # (file offset, count) of the nlist entries
    strtab: tuple[int, int] | None = None  # (file offset, size) of the symbol string table
    segments: list[tuple[str, int, int, int]] = field(default_factory=list)  # (name, vmaddr, fileoff, filesize)
    is64: bool = True
    order: str = "<"

    def file_offset(self, pointer: int) -> int | None:
        """File offset of a pointer stored in the image: plain, or a chained-fixup rebase target."""
        text = next((vm for name, vm, _off, _size in self.segments if name == "__TEXT"), 0)
        for address in (pointer, (pointer & 0xFFFFFFFFF) + text, pointer & 0x7FFFFFFFFFFF):
            for _name, vmaddr, fileoff, filesize in self.segments:
                if vmaddr <= address < vmaddr + filesize:
                    return self.offset + fileoff + (address - vmaddr)
        return None


def read_image(data: bytes, base: int, size: int) -> Image:
    """The image at [base, base + size) of `data`; raises ParseError when it points past its end."""
    magic = data[base : base + 4]
    if magic in (b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"):
        order = "<"
    elif magic in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf"):
        order = ">"
    else:
        raise ParseError(f"no Mach-O header at offset {base:#x}")
    is64 = magic in (b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")
    header = 32 if is64 else 28
    end = base + size
    if base + header > end or end > len(data):
        raise ParseError("Mach-O header truncated")
    cpu, _sub, filetype, ncmds, sizeofcmds = struct.unpack_from(order + "iiIII", data, base + 4)
    image = Image(cpu_name(cpu), base, size, filetype, is64=is64, order=order)
    if ncmds > MAX_COMMANDS or base + header + sizeofcmds > end:
        raise ParseError(f"Mach-O load commands ({ncmds} commands, {sizeofcmds} bytes) are past the end of the "
                         f"{size}-byte image: truncated")
    pos = base + header
    for _ in range(ncmds):
        if pos + 8 > end:
            raise ParseError(f"Mach-O load command at {pos - base:#x} is past the end of the image: truncated")
        cmd, cmdsize = struct.unpack_from(order + "II", data, pos)
        if cmdsize < 8 or pos + cmdsize > end:
            raise ParseError(f"Mach-O load command at {pos - base:#x} has a bad size ({cmdsize})")
        if cmd in DYLIB_COMMANDS and cmdsize >= 24:
            name_at = struct.unpack_from(order + "I", data, pos + 8)[0]
            if 24 <= name_at < cmdsize:
                raw = data[pos + name_at : pos + cmdsize].split(b"\x00", 1)[0]
                path = raw.decode("utf-8", "replace")
                image.dylibs.append((f"{DYLIB_COMMANDS[cmd]} {path}", path, pos + name_at))
        elif cmd == LC_LINKER_OPTION and cmdsize >= 12:
            image.dylibs.extend(_linker_options(data, pos, cmdsize, order))
        elif cmd in (LC_SEGMENT, LC_SEGMENT_64):
            _read_sections(data, pos, cmdsize, cmd == LC_SEGMENT_64, order, image)
        elif cmd == LC_SYMTAB and cmdsize >= 24:
            symoff, nsyms, stroff, strsize = struct.unpack_from(order + "4I", data, pos + 8)
            if base + stroff + strsize > end:
                raise ParseError(f"Mach-O string table ({strsize} bytes at {stroff:#x}) is past the end: truncated")
            image.strtab = (base + stroff, strsize)
            entry = 16 if is64 else 12
            if nsyms <= MAX_SYMBOLS and base + symoff + nsyms * entry <= end:
                image.symtab = (base + symoff, nsyms)
        pos += cmdsize
    return image


def _linker_options(data: bytes, pos: int, cmdsize: int, order: str) -> Iterator[tuple[str, str, int]]:
    """LC_LINKER_OPTION strings of an object: `-framework X` -> `X.framework`, `-lX` -> `X`."""
    count = struct.unpack_from(order + "I", data, pos + 8)[0]
    at = pos + 12
    strings: list[tuple[str, int]] = []
    for raw in data[at : pos + cmdsize].split(b"\x00")[: min(count, 64)]:
        strings.append((raw.decode("utf-8", "replace"), at))
        at += len(raw) + 1
    for i, (option, offset) in enumerate(strings):
        if option in ("-framework", "-weak_framework") and i + 1 < len(strings):
            name, name_at = strings[i + 1]
            yield f"LC_LINKER_OPTION {option} {name}", f"{name}.framework", name_at
        elif option.startswith("-l") and len(option) > 2:
            yield f"LC_LINKER_OPTION {option}", option[2:], offset + 2


def _read_sections(data: bytes, pos: int, cmdsize: int, wide: bool, order: str, image: Image) -> None:
    head, entry = (72, 80) if wide else (56, 68)
    if cmdsize < head:
        raise ParseError(f"Mach-O segment command at {pos - image.offset:#x} is too small ({cmdsize})")
    end = image.offset + image.size
    segname = data[pos + 8 : pos + 24].split(b"\x00", 1)[0].decode("ascii", "replace")
    if wide:
        vmaddr, _vmsize, fileoff, filesize = struct.unpack_from(order + "4Q", data, pos + 24)
    else:
        vmaddr, _vmsize, fileoff, filesize = struct.unpack_from(order + "4I", data, pos + 24)
    image.segments.append((segname, vmaddr, fileoff, filesize))
    nsects = struct.unpack_from(order + "I", data, pos + (64 if wide else 48))[0]
    for i in range(min(nsects, MAX_SECTIONS)):
        at = pos + head + i * entry
        if at + entry > min(end, pos + cmdsize):
            raise ParseError("Mach-O section headers truncated")
        sect = data[at : at + 16].split(b"\x00", 1)[0].decode("ascii", "replace")
        seg = data[at + 16 : at + 32].split(b"\x00", 1)[0].decode("ascii", "replace")
        if wide:
            _addr, size, offset = struct.unpack_from(order + "QQI", data, at + 32)
        else:
            _addr, size, offset = struct.unpack_from(order + "III", data, at + 32)
        if offset and image.offset + offset + size <= end:
            image.sections[(seg, sect)] = (image.offset + offset, size)


def _cstring_at(data: bytes, pos: int, start: int, end: int) -> tuple[int, str]:
    """(offset, text) of the NUL-terminated string around `pos` within [start, end)."""
    left = data.rfind(b"\x00", max(start, pos - MAX_SYMBOL), pos) + 1
    if left == 0:
        left = max(start, pos - MAX_SYMBOL)
    right = data.find(b"\x00", pos, min(end, pos + MAX_SYMBOL))
    if right == -1:
        right = min(end, pos + MAX_SYMBOL)
    return left, data[left:right].decode("utf-8", "replace")


@dataclass
class _Found:
    """What the images of one file hold, gathered before facts are made (names repeat per slice)."""

    names: list[tuple[str, Location, str]] = field(default_factory=list)
    modules: dict[str, tuple[Location, str]] = field(default_factory=dict)
    libraries: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)  # member names already read in another slice
    seen: set[tuple[str | None, str]] = field(default_factory=set)  # (member name, class) already listed
    plist_done: bool = False
    in_archive: bool = False
    problems: list[str] = field(default_factory=list)  # bad slices, members and sections, reported at the end


def apple_facts(file: FileInput, analyzer: str) -> Iterator[Fact]:
    """Facts of a thin or fat Mach-O or an `ar` archive of objects (thin or fat), in one walk."""
    index = HitIndex(file.hits)
    found = _Found()
    problems = found.problems
    for part in parts(file.data, problems):
        if not index.any_within(part.start, part.end):
            continue
        name = part.object_name
        repeat = name is not None and name in found.objects
        if name is not None:
            found.objects.add(name)
        if name:
            found.in_archive = True
        if part.macho:
            try:
                image = read_image(file.data, part.start, part.end - part.start)
            except ParseError as exc:
                problems.append(f"{part.member or part.arch or 'Mach-O image'}: {exc}")
            else:
                yield from _image_facts(file, image, part, index, found, analyzer)
        if part.member is not None and not repeat:
            hits = index.within(part.start, part.end, file.needles)
            yield from token_facts(file, file.data[part.start : part.end], hits, 0, analyzer,
                                   "object strings" if name else "Mach-O strings", (*file.members, part.member))
    unit = "static library" if found.in_archive else "Mach-O"
    yield from class_facts(file, found.names, analyzer, unit)
    for module, (where, how) in found.modules.items():
        if hits_in(module.encode(), file.needles):
            yield Fact(kind=FactKind.LIBRARY, value=module, location=where, context=Context.BINARY,
                       analyzer=analyzer, evidence=f"Swift module {module} ({how})")
    for problem in problems:
        file.notifications.append(Notification(file.display_path, SkipReason.PARSE_ERROR,
                                               f"{file.display_path}: {problem}", Level.WARNING, analyzer))


def _place(file: FileInput, part: Part, offset: int) -> Location:
    """A slice's or member's facts are at offsets inside it; a thin file's at offsets in the file."""
    if part.member is None:
        return location(file, offset)
    return location(file, offset - part.start, (*file.members, part.member))


def _image_facts(file: FileInput, image: Image, part: Part, index: HitIndex, found: _Found,
                 analyzer: str) -> Iterator[Fact]:
    literals = file.needles.literals
    for command, path, offset in image.dylibs:
        if path not in found.libraries:
            found.libraries.add(path)
            yield Fact(kind=FactKind.LIBRARY, value=path, location=_place(file, part, offset),
                       context=Context.BINARY, analyzer=analyzer, evidence=f"{command} ({image.arch})")
    done: set[int] = set()
    for at in _objc_class_names(file.data, image):
        end = file.data.find(b"\x00", at, at + MAX_SYMBOL)
        if end != -1 and at not in done and index.within(at, end, file.needles):
            done.add(at)
            _classify(file.data[at:end].decode("utf-8", "replace"), _place(file, part, at), part, "", found)
    classnames = image.sections.get(("__TEXT", "__objc_classname"))
    if classnames:
        start, size = classnames
        for needle, end in index.within(start, start + size, file.needles):
            at, text = _cstring_at(file.data, start + end - len(literals[needle]), start, start + size)
            if at not in done:
                done.add(at)
                _classify(text, _place(file, part, at), part, "", found)
    if image.strtab:
        start, size = image.strtab
        symbols: dict[int, str] = {}
        for needle, end in index.within(start, start + size, file.needles):
            at, text = _cstring_at(file.data, start + end - len(literals[needle]), start, start + size)
            symbols.setdefault(at, text)
        defined = _defined(file.data, image, {at - start for at in symbols})
        for at, text in symbols.items():
            if at not in done:
                done.add(at)
                known = defined.get(at - start)
                _classify(text, _place(file, part, at), part, "" if known is not False else "reference to ", found,
                          symbol=True)
    info = image.sections.get(("__TEXT", "__info_plist"))
    if info and not found.plist_done:
        found.plist_done = True
        raw = file.data[info[0] : info[0] + info[1]].rstrip(b"\x00")
        base = info[0] if part.member is None else info[0] - part.start
        members = None if part.member is None else (*file.members, part.member)
        try:
            yield from plist_facts(file, raw, base, analyzer, "embedded __info_plist", members)
        except ParseError as exc:  # the classes already found still count
            found.problems.append(f"embedded __info_plist: {exc}")


def _defined(data: bytes, image: Image, wanted: set[int]) -> dict[int, bool]:
    """For string-table offsets in `wanted`: does a symbol with that name get defined here?"""
    if not wanted or image.symtab is None:
        return {}
    start, count = image.symtab
    entry = struct.Struct(image.order + ("IBBHQ" if image.is64 else "IBBhI"))
    out: dict[int, bool] = {}
    for strx, n_type, _sect, _desc, _value in entry.iter_unpack(data[start : start + count * entry.size]):
        if strx in wanted and not n_type & N_STAB:
            out[strx] = out.get(strx, False) or bool(n_type & N_TYPE)
    return out


def _objc_class_names(data: bytes, image: Image) -> Iterator[int]:
    """File offsets of the class names reached from `__objc_classlist` (class_t -> class_ro_t -> name).

    Linkers other than Apple's (lld) merge `__objc_classname` into `__cstring`, and release builds
    strip symbols, so the class list is the one place every linked build keeps the names. In an
    object file the list holds relocations, not pointers: `__objc_classname` and the symbols serve.
    """
    found = image.sections.get(("__DATA_CONST", "__objc_classlist")) or image.sections.get(
        ("__DATA", "__objc_classlist"))
    if not found or not image.is64 or image.filetype == MH_OBJECT:
        return
    start, size = found
    pointer = struct.Struct(image.order + "Q")
    end_of_image = image.offset + image.size
    for at in range(start, start + min(size, 8 * MAX_CLASSLIST) - 7, 8):
        cls = image.file_offset(pointer.unpack_from(data, at)[0])
        if cls is None or cls + 40 > end_of_image:
            continue
        ro = image.file_offset(pointer.unpack_from(data, cls + 32)[0] & ~7)
        if ro is None or ro + 32 > end_of_image:
            continue
        name = image.file_offset(pointer.unpack_from(data, ro + 24)[0])
        if name is not None and name < end_of_image:
            yield name


def _classify(text: str, where: Location, part: Part, reference: str, found: _Found, symbol: bool = False) -> None:
    """Class names, Swift types and Swift modules of one string (a class name or a symbol)."""
    how = f"{reference}Objective-C class"
    for prefix in OBJC_CLASS_SYMBOLS:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            how = f"{reference}Objective-C class" if reference else "Objective-C class symbol"
            symbol = False
            break
    name = ""
    objc_swift = swift_class(text)
    described = swift_type(text) if objc_swift is None else None
    if objc_swift is not None:
        module, name = objc_swift
        how = f"{reference}Swift class of module {module}:"
        found.modules.setdefault(module, (where, f"from {text}"))
    elif described is not None:
        name = described.name
        how = f"{reference}Swift {described.kind} of module {described.module}:"
        found.modules.setdefault(described.module, (where, f"from symbol {text[:80]}"))
    elif (symbol_module := swift_module(text)) is not None:
        found.modules.setdefault(symbol_module, (where, f"from symbol {text[:80]}"))
    elif not symbol and text.isidentifier():  # other symbols (C functions, globals) are not classes
        name = text
    # the same object in another slice of a fat file holds the same names: list them once
    if name and (part.object_name, name) not in found.seen:
        found.seen.add((part.object_name, name))
        found.names.append((name, where, how))


class MachOAnalyzer:
    name: ClassVar[str] = "binary/macho"
    version: ClassVar[str] = "1.1.0"
    priority: ClassVar[int] = 10
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    binary_only: ClassVar[bool] = True  # wants no text file: the registry imports it only for a binary one

    def wants(self, path: str, is_text: bool) -> bool:
        # Mach-O files often have no suffix (`TikTokOpenSDK.framework/TikTokOpenSDK`): sniffed in analyze.
        return not is_text

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        if sniff(file.data) != "macho":
            return
        yield from apple_facts(file, self.name)
