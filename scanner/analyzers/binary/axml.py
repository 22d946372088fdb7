"""binary/android-manifest: the binary AndroidManifest.xml (AXML) inside APKs and AABs.

A lean reader of Android's binary XML (ResourceTypes.h: a string pool, then start-element
chunks whose attributes index into it). Strings are usually UTF-16, so the core's byte prefilter
cannot see them: this analyzer runs on every binary manifest (one small file per APK) and checks
the decoded attribute values itself. `<queries><package android:name="com.zhiliaoapp.musically">`,
`<meta-data android:name="TikTokClientKey">` and activity/provider class names become facts, with
the element path and the source line aapt recorded in the evidence. Attribute values are
configuration (Context.CONFIG), as in a source manifest; component class names are binary
evidence (CLASS, Context.BINARY).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.binary.common import class_facts, hits_in, location, sniff
from scanner.analyzers.interface import FileInput
from scanner.analyzers.text.tokens import find_tokens
from scanner.errors import ParseError
from scanner.model import Context, Fact, FactKind

RES_STRING_POOL = 0x0001
RES_XML_START_ELEMENT = 0x0102
RES_XML_END_ELEMENT = 0x0103
UTF8_FLAG = 0x100
TYPE_STRING = 0x03
NO_INDEX = 0xFFFFFFFF
MAX_DEPTH = 256
CLASS_ATTRIBUTE_ELEMENTS = frozenset({"activity", "activity-alias", "service", "receiver", "provider", "application"})


def _pool(data: bytes, at: int, size: int) -> list[str]:
    """The strings of a ResStringPool chunk starting at `at`."""
    if at + 28 > len(data) or at + size > len(data):
        raise ParseError("AXML string pool truncated")
    count, _styles, flags, strings_start = struct.unpack_from("<4I", data, at + 8)
    if at + 28 + 4 * count > len(data):
        raise ParseError(f"AXML string pool of {count} strings is larger than the file")
    offsets = struct.unpack_from(f"<{count}I", data, at + 28)
    base = at + strings_start
    utf8 = bool(flags & UTF8_FLAG)
    out: list[str] = []
    for offset in offsets:
        pos = base + offset
        try:
            out.append(_utf8_string(data, pos) if utf8 else _utf16_string(data, pos))
        except (IndexError, struct.error) as exc:
            raise ParseError(f"AXML string at {pos:#x} lies outside the file") from exc
    return out


def _utf8_string(data: bytes, pos: int) -> str:
    pos += 2 if data[pos] & 0x80 else 1  # length in UTF-16 units
    length = data[pos]
    if length & 0x80:
        length = ((length & 0x7F) << 8) | data[pos + 1]
        pos += 1
    pos += 1
    return data[pos : pos + length].decode("utf-8", "replace")


def _utf16_string(data: bytes, pos: int) -> str:
    length = struct.unpack_from("<H", data, pos)[0]
    pos += 2
    if length & 0x8000:
        length = ((length & 0x7FFF) << 16) | struct.unpack_from("<H", data, pos)[0]
        pos += 2
    return data[pos : pos + 2 * length].decode("utf-16-le", "replace")


def elements(data: bytes) -> Iterator[tuple[tuple[str, ...], int, int, list[tuple[str, str, int]]]]:
    """(element path, line, offset, [(attribute name, string value, attribute offset)]) per element."""
    if len(data) < 8:
        raise ParseError("AXML header truncated")
    header_size, total = struct.unpack_from("<HI", data, 2)
    end = min(total, len(data))
    pos = header_size
    strings: list[str] = []
    stack: list[str] = []
    while pos + 8 <= end:
        kind, _chunk_header, chunk_size = struct.unpack_from("<HHI", data, pos)
        if chunk_size < 8 or pos + chunk_size > len(data):
            raise ParseError(f"AXML chunk at {pos:#x} is truncated or has a bad size ({chunk_size})")
        if kind == RES_STRING_POOL:
            strings = _pool(data, pos, chunk_size)
        elif kind == RES_XML_START_ELEMENT:
            if pos + 36 > len(data):
                raise ParseError("AXML element truncated")
            line = struct.unpack_from("<I", data, pos + 8)[0]
            name_index = struct.unpack_from("<I", data, pos + 20)[0]
            attr_start, attr_size, attr_count = struct.unpack_from("<HHH", data, pos + 24)
            name = _string(strings, name_index)
            stack.append(name)
            if len(stack) > MAX_DEPTH:
                raise ParseError(f"AXML nested deeper than {MAX_DEPTH} elements")
            attrs: list[tuple[str, str, int]] = []
            at = pos + 16 + attr_start
            for i in range(attr_count):
                record = at + i * max(attr_size, 20)
                if record + 20 > len(data):
                    raise ParseError("AXML attribute truncated")
                _ns, attr_name, raw, _size, _res0, data_type, value = struct.unpack_from("<IIIHBBI", data, record)
                text = _string(strings, raw) if raw != NO_INDEX else ""
                if not text and data_type == TYPE_STRING:
                    text = _string(strings, value)
                if text:
                    attrs.append((_string(strings, attr_name), text, record))
            yield tuple(stack), line, pos, attrs
        elif kind == RES_XML_END_ELEMENT and stack:
            stack.pop()
        pos += chunk_size


def _string(strings: list[str], index: int) -> str:
    return strings[index] if index < len(strings) else ""


class AxmlAnalyzer:
    name: ClassVar[str] = "binary/android-manifest"
    version: ClassVar[str] = "1.1.0"
    priority: ClassVar[int] = 10
    # UTF-16 strings never hit the byte prefilter; the manifest is small, so always read it.
    needs_candidates: ClassVar[bool] = False
    handles_long_lines: ClassVar[bool] = True

    binary_only: ClassVar[bool] = True  # wants no text file: the registry imports it only for a binary one

    def wants(self, path: str, is_text: bool) -> bool:
        return not is_text and path.rsplit("/", 1)[-1] == "AndroidManifest.xml"

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        if sniff(file.data) != "axml":
            return
        package = ""
        names: list[tuple[str, int, str]] = []
        for path, line, _offset, attrs in elements(file.data):
            tag = path[-1]
            where = "/".join(path)
            for attr, value, record in attrs:
                if tag == "manifest" and attr == "package":
                    package = value
                if tag in CLASS_ATTRIBUTE_ELEMENTS and attr == "name":
                    full = package + value if value.startswith(".") else value
                    names.append((full, record, f"<{tag}> (line {line})"))
                if attr == "scheme" and value.lower() in file.needles.schemes:
                    yield Fact(kind=FactKind.SCHEME, value=value.lower(), location=location(file, record),
                               context=Context.CONFIG, analyzer=self.name,
                               evidence=f'<{where} {attr}="{value}"> (manifest line {line})')
                    continue
                raw = value.encode("utf-8")
                hits = hits_in(raw, file.needles)
                if not hits:
                    continue
                for token in find_tokens(raw, hits, file.needles):
                    yield Fact(kind=token.kind, value=token.value, location=location(file, record),
                               context=Context.CONFIG, analyzer=self.name,
                               evidence=f'<{where} {attr}="{value}"> (manifest line {line})')
        yield from class_facts(file, names, self.name, "AndroidManifest.xml")
