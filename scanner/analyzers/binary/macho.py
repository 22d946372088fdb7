"""binary/macho: Mach-O executables, dylibs, frameworks and objects, thin and fat (universal).

A lean reader of the headers and load commands (<mach-o/loader.h>, <mach-o/fat.h>): linked
dylibs and frameworks (LC_LOAD_DYLIB `@rpath/TikTokOpenSDK.framework/TikTokOpenSDK`, and the
binary's own LC_ID_DYLIB) become LIBRARY facts; Objective-C class names from
`__objc_classname` and from `_OBJC_CLASS_$_` symbols become CLASS facts; Swift module names
(from `_TtC<module><class>` runtime names and `$s<module>` symbols) become LIBRARY facts; the
`__info_plist` section is read as a property list. Strings in `__cstring` are left to
binary/strings. Only symbols and class names that hold a prefilter hit are decoded, so cost is
bounded by the load commands plus the hits. README.md says why not lief or macholib.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from scanner.analyzers.binary.common import HitIndex, class_facts, hits_in, location, sniff
from scanner.analyzers.binary.plist import plist_facts
from scanner.analyzers.interface import FileInput
from scanner.errors import ParseError
from scanner.model import Context, Fact, FactKind

LC_SEGMENT = 0x1
LC_SYMTAB = 0x2
LC_SEGMENT_64 = 0x19
LC_REQ_DYLD = 0x80000000
DYLIB_COMMANDS = {
    0xC: "LC_LOAD_DYLIB",
    0xD: "LC_ID_DYLIB",
    0x18 | LC_REQ_DYLD: "LC_LOAD_WEAK_DYLIB",
    0x1F | LC_REQ_DYLD: "LC_REEXPORT_DYLIB",
    0x20: "LC_LAZY_LOAD_DYLIB",
    0x23 | LC_REQ_DYLD: "LC_LOAD_UPWARD_DYLIB",
}
CPU_NAMES = {7: "i386", 0x01000007: "x86_64", 12: "arm", 0x0100000C: "arm64", 0x0200000C: "arm64_32",
             18: "ppc", 0x01000012: "ppc64"}
MAX_FAT_ARCHS = 64
MAX_COMMANDS = 65_536
OBJC_CLASS_SYMBOLS = ("_OBJC_CLASS_$_", "_OBJC_METACLASS_$_")
MAX_SYMBOL = 4096


@dataclass
class Slice:
    """One architecture's image: where it is in the file and what its load commands say."""

    arch: str
    offset: int
    size: int
    dylibs: list[tuple[str, str, int]] = field(default_factory=list)  # (command, path, file offset)
    sections: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # -> (offset, size)
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


def slices(data: bytes) -> list[Slice]:
    """The images of a thin or fat Mach-O; raises ParseError when headers point past the data."""
    magic = data[:4]
    if magic in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"):
        wide = magic == b"\xca\xfe\xba\xbf"
        count = struct.unpack_from(">I", data, 4)[0]
        if count > MAX_FAT_ARCHS:
            raise ParseError(f"fat Mach-O claims {count} architectures")
        entry = 32 if wide else 20
        if 8 + count * entry > len(data):
            raise ParseError("fat Mach-O header truncated")
        out = []
        for i in range(count):
            at = 8 + i * entry
            if wide:
                _cpu, _sub, offset, size = struct.unpack_from(">iiQQ", data, at)
            else:
                _cpu, _sub, offset, size = struct.unpack_from(">iiII", data, at)
            if offset + size > len(data):
                raise ParseError(f"fat Mach-O slice {i} ({offset:#x}+{size:#x}) is past the end of the file "
                                 f"({len(data):#x} bytes): truncated")
            out.append(read_slice(data, offset, size))
        return out
    return [read_slice(data, 0, len(data))]


def read_slice(data: bytes, base: int, size: int) -> Slice:
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
    if base + header > end:
        raise ParseError("Mach-O header truncated")
    cpu, _sub, _filetype, ncmds, sizeofcmds = struct.unpack_from(order + "iiIII", data, base + 4)
    image = Slice(CPU_NAMES.get(cpu, f"cpu {cpu:#x}"), base, size, is64=is64, order=order)
    if ncmds > MAX_COMMANDS or base + header + sizeofcmds > end:
        raise ParseError(f"Mach-O load commands ({ncmds} commands, {sizeofcmds} bytes) are past the end of "
                         f"the {size}-byte image: truncated")
    pos = base + header
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack_from(order + "II", data, pos)
        if cmdsize < 8 or pos + cmdsize > end:
            raise ParseError(f"Mach-O load command at {pos:#x} has a bad size ({cmdsize})")
        if cmd in DYLIB_COMMANDS and cmdsize >= 24:
            name_at = struct.unpack_from(order + "I", data, pos + 8)[0]
            if 24 <= name_at < cmdsize:
                raw = data[pos + name_at : pos + cmdsize].split(b"\x00", 1)[0]
                image.dylibs.append((DYLIB_COMMANDS[cmd], raw.decode("utf-8", "replace"), pos + name_at))
        elif cmd in (LC_SEGMENT, LC_SEGMENT_64):
            _read_sections(data, pos, cmd == LC_SEGMENT_64, order, image, base, end)
        elif cmd == LC_SYMTAB and cmdsize >= 24:
            _symoff, _nsyms, stroff, strsize = struct.unpack_from(order + "4I", data, pos + 8)
            if base + stroff + strsize > end:
                raise ParseError(f"Mach-O string table ({strsize} bytes at {stroff:#x}) is past the end: truncated")
            image.strtab = (base + stroff, strsize)
        pos += cmdsize
    return image


def _read_sections(data: bytes, pos: int, wide: bool, order: str, image: Slice, base: int, end: int) -> None:
    head, entry = (72, 80) if wide else (56, 68)
    segname = data[pos + 8 : pos + 24].split(b"\x00", 1)[0].decode("ascii", "replace")
    if wide:
        vmaddr, _vmsize, fileoff, filesize = struct.unpack_from(order + "4Q", data, pos + 24)
    else:
        vmaddr, _vmsize, fileoff, filesize = struct.unpack_from(order + "4I", data, pos + 24)
    image.segments.append((segname, vmaddr, fileoff, filesize))
    nsects = struct.unpack_from(order + "I", data, pos + (64 if wide else 48))[0]
    for i in range(min(nsects, 4096)):
        at = pos + head + i * entry
        if at + entry > end:
            raise ParseError("Mach-O section headers truncated")
        sect = data[at : at + 16].split(b"\x00", 1)[0].decode("ascii", "replace")
        seg = data[at + 16 : at + 32].split(b"\x00", 1)[0].decode("ascii", "replace")
        if wide:
            _addr, size, offset = struct.unpack_from(order + "QQI", data, at + 32)
        else:
            _addr, size, offset = struct.unpack_from(order + "III", data, at + 32)
        if offset and base + offset + size <= end:
            image.sections[(seg, sect)] = (base + offset, size)


def swift_class(name: str) -> tuple[str, str] | None:
    """(module, class) of a Swift class's ObjC runtime name: `_TtC17TikTokOpenSDKCore16TikTokURLHandler`."""
    if not name.startswith("_TtC"):
        return None
    parts: list[str] = []
    pos = 4
    while pos < len(name) and len(parts) < 2:
        digits = pos
        while pos < len(name) and name[pos].isdigit():
            pos += 1
        if digits == pos:
            return None
        length = int(name[digits:pos])
        parts.append(name[pos : pos + length])
        pos += length
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


def swift_module(symbol: str) -> str | None:
    """Module of a Swift symbol `$s17TikTokOpenSDKCore...` (also with a leading `_`)."""
    body = symbol[1:] if symbol.startswith("_") else symbol
    if not body.startswith("$s"):
        return None
    pos = 2
    while pos < len(body) and body[pos].isdigit():
        pos += 1
    if pos == 2:
        return None
    length = int(body[2:pos])
    module = body[pos : pos + length]
    return module if len(module) == length and module.isidentifier() else None


def _cstring_at(data: bytes, pos: int, start: int, end: int) -> tuple[int, str]:
    """(offset, text) of the NUL-terminated string around `pos` within [start, end)."""
    left = data.rfind(b"\x00", max(start, pos - MAX_SYMBOL), pos) + 1
    if left == 0:
        left = max(start, pos - MAX_SYMBOL)
    right = data.find(b"\x00", pos, min(end, pos + MAX_SYMBOL))
    if right == -1:
        right = min(end, pos + MAX_SYMBOL)
    return left, data[left:right].decode("utf-8", "replace")


def macho_facts(file: FileInput, data: bytes, hits: list[tuple[int, int]], analyzer: str,
                members: tuple[str, ...] | None = None) -> Iterator[Fact]:
    """Facts of a (thin or fat) Mach-O held in `data`; offsets are relative to `data`."""
    literals = file.needles.literals
    index = HitIndex(hits)
    images = slices(data)
    seen_libraries: set[str] = set()
    names: list[tuple[str, int, str]] = []
    modules: dict[str, tuple[int, str]] = {}
    plist_done = False
    for image in images:
        for command, path, offset in image.dylibs:
            if path in seen_libraries:
                continue
            seen_libraries.add(path)
            yield Fact(kind=FactKind.LIBRARY, value=path, location=location(file, offset, members),
                       context=Context.BINARY, analyzer=analyzer, evidence=f"{command} {path} ({image.arch})")
        regions = []
        classnames = image.sections.get(("__TEXT", "__objc_classname"))
        if classnames:
            regions.append(classnames)
        if image.strtab:
            regions.append(image.strtab)
        done: set[int] = set()
        for at in _objc_class_names(data, image):
            end = data.find(b"\x00", at, at + MAX_SYMBOL)
            if end != -1 and at not in done and index.within(at, end, file.needles):
                done.add(at)
                _classify(data[at:end].decode("utf-8", "replace"), at, image.arch, names, modules)
        for start, size in regions:
            for needle, end in index.within(start, start + size, file.needles):
                at, text = _cstring_at(data, start + end - len(literals[needle]), start, start + size)
                if at in done:
                    continue
                done.add(at)
                _classify(text, at, image.arch, names, modules)
        info = image.sections.get(("__TEXT", "__info_plist"))
        if info and not plist_done:
            plist_done = True
            raw = data[info[0] : info[0] + info[1]].rstrip(b"\x00")
            yield from plist_facts(file, raw, info[0], analyzer, "embedded __info_plist", members)
    yield from class_facts(file, names, analyzer, "Mach-O", members)
    for module, (offset, how) in sorted(modules.items(), key=lambda m: m[1][0]):
        if hits_in(module.encode(), file.needles):
            yield Fact(kind=FactKind.LIBRARY, value=module, location=location(file, offset, members),
                       context=Context.BINARY, analyzer=analyzer, evidence=f"Swift module {module} ({how})")


def _objc_class_names(data: bytes, image: Slice) -> Iterator[int]:
    """File offsets of the class names reached from `__objc_classlist` (class_t -> class_ro_t -> name).

    Linkers other than Apple's (lld) merge `__objc_classname` into `__cstring`, and release builds
    strip symbols, so the class list is the one place every build keeps the names.
    """
    found = image.sections.get(("__DATA_CONST", "__objc_classlist")) or image.sections.get(
        ("__DATA", "__objc_classlist"))
    if not found or not image.is64:
        return
    start, size = found
    pointer = struct.Struct(image.order + "Q")
    end_of_image = image.offset + image.size
    for at in range(start, start + min(size, 8 * 200_000), 8):
        cls = image.file_offset(pointer.unpack_from(data, at)[0])
        if cls is None or cls + 40 > end_of_image:
            continue
        ro = image.file_offset(pointer.unpack_from(data, cls + 32)[0] & ~7)
        if ro is None or ro + 32 > end_of_image:
            continue
        name = image.file_offset(pointer.unpack_from(data, ro + 24)[0])
        if name is not None and name < end_of_image:
            yield name


def _classify(text: str, offset: int, arch: str, names: list[tuple[str, int, str]],
              modules: dict[str, tuple[int, str]]) -> None:
    how = "Objective-C class"
    del arch  # the same names repeat in every slice of a fat binary; the first is reported
    for prefix in OBJC_CLASS_SYMBOLS:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            how = "Objective-C class symbol"
            break
    swift = swift_class(text)
    if swift is not None:
        module, cls = swift
        names.append((cls, offset, f"Swift class of module {module}:"))
        modules.setdefault(module, (offset, f"from {text}"))
        return
    symbol_module = swift_module(text)
    if symbol_module is not None:
        modules.setdefault(symbol_module, (offset, f"from symbol {text[:80]}"))
        return
    if text.isidentifier():
        names.append((text, offset, how))


class MachOAnalyzer:
    name: ClassVar[str] = "binary/macho"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 10
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    def wants(self, path: str, is_text: bool) -> bool:
        # Mach-O files often have no suffix (`TikTokOpenSDK.framework/TikTokOpenSDK`): sniffed in analyze.
        return not is_text

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        if sniff(file.data) != "macho":
            return
        yield from macho_facts(file, file.data, file.hits, self.name)
