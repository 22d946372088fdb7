"""binary/dex: classes and strings of Dalvik executables (`classes.dex` in APK, AAB, AAR, JAR).

A lean reader of the DEX header, string table, type table and class table
(https://source.android.com/docs/core/runtime/dex-format): only strings that hold a prefilter hit
are decoded, so a 10 MB DEX without TikTok code costs one header check. Class descriptors
(`Lcom/tiktok/open/sdk/auth/AuthApi;`) become CLASS facts with dotted names; other strings go
through the shared token finder. When R8/ProGuard renamed the classes, the SDK's string
constants (intent extras, SharedPreferences keys, SDK names) still match TT404: those facts carry
`precision_penalty` and list what else was found.
"""

from __future__ import annotations

import bisect
import struct
from array import array
from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.binary.common import class_facts, sniff, summary, token_facts
from scanner.analyzers.interface import FileInput
from scanner.errors import ParseError
from scanner.model import Fact, FactKind

HEADER_SIZE = 0x70
MAX_STRING = 1 << 16  # longer "strings" are not identifiers; read no further


class DexFile:
    """The tables of one DEX file, checked against its size; raises ParseError when truncated."""

    def __init__(self, data: bytes, name: str) -> None:
        if len(data) < HEADER_SIZE:
            raise ParseError(f"DEX header truncated ({len(data)} of {HEADER_SIZE} bytes)")
        self.data = data
        (string_count, string_off, type_count, type_off) = struct.unpack_from("<4I", data, 56)
        (class_count, class_off) = struct.unpack_from("<2I", data, 96)
        declared_size = struct.unpack_from("<I", data, 32)[0]
        if declared_size > len(data):
            raise ParseError(f"DEX is truncated: header says {declared_size} bytes, file has {len(data)}")
        self.string_offsets = self._table(string_off, string_count, 4, "string_ids")
        self.type_strings = self._table(type_off, type_count, 4, "type_ids")
        class_table = self._table(class_off, class_count * 8, 4, "class_defs")
        self.defined_types = {class_table[i * 8] for i in range(class_count)}
        self._order: list[int] | None = None

    def _table(self, offset: int, count: int, width: int, what: str) -> array[int]:
        end = offset + count * width
        if count and (offset < HEADER_SIZE or end > len(self.data)):
            raise ParseError(f"DEX {what} table ({count} entries at {offset:#x}) lies outside the file")
        table = array("I")
        table.frombytes(self.data[offset:end])
        if table.itemsize != width:  # pragma: no cover - array('I') is 4 bytes on every supported platform
            raise ParseError("unsupported platform word size")
        return table

    def string_at(self, index: int) -> tuple[int, int]:
        """[start, end) of the MUTF-8 bytes of string `index` (after its ULEB128 length)."""
        data = self.data
        pos = self.string_offsets[index]
        for _ in range(5):  # ULEB128 length in UTF-16 units; skip it
            if pos >= len(data):
                raise ParseError(f"DEX string {index} lies outside the file")
            byte = data[pos]
            pos += 1
            if byte < 0x80:
                break
        end = data.find(b"\x00", pos, pos + MAX_STRING * 3)
        if end == -1:
            end = min(len(data), pos + MAX_STRING * 3)
        return pos, end

    def string_containing(self, offset: int) -> int | None:
        """Index of the string whose data holds byte `offset`, if any."""
        offsets = self.string_offsets
        if self._order is None:
            order = list(range(len(offsets)))
            if any(offsets[i] > offsets[i + 1] for i in range(len(offsets) - 1)):
                order.sort(key=offsets.__getitem__)
            self._order = order
            self._sorted = [offsets[i] for i in order]
        pos = bisect.bisect_right(self._sorted, offset) - 1
        if pos < 0:
            return None
        return self._order[pos]


def descriptor_to_name(descriptor: str) -> str | None:
    """`Lcom/tiktok/open/sdk/auth/AuthApi;` -> `com.tiktok.open.sdk.auth.AuthApi`."""
    if len(descriptor) > 2 and descriptor[0] == "L" and descriptor[-1] == ";":
        return descriptor[1:-1].replace("/", ".")
    return None


class DexAnalyzer:
    name: ClassVar[str] = "binary/dex"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 10
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    binary_only: ClassVar[bool] = True  # wants no text file: the registry imports it only for a binary one

    def wants(self, path: str, is_text: bool) -> bool:
        return not is_text and path.lower().endswith((".dex", ".odex"))

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        if sniff(file.data) != "dex":
            return
        dex = DexFile(file.data, file.display_path)
        data = file.data
        literals = file.needles.literals
        hit_strings: dict[int, list[tuple[int, int]]] = {}
        spans: dict[int, tuple[int, int]] = {}
        for needle, end in file.hits:
            start = end - len(literals[needle])
            index = dex.string_containing(start)
            if index is None:
                continue
            span = spans.get(index) or dex.string_at(index)
            spans[index] = span
            if span[0] <= start and end <= span[1]:
                hit_strings.setdefault(index, []).append((needle, end - span[0]))
        type_of_string = {s: t for t, s in enumerate(dex.type_strings) if s in hit_strings}
        names: list[tuple[str, int, str]] = []
        other: list[int] = []
        for index in sorted(hit_strings):
            start, end = spans[index]
            name = descriptor_to_name(data[start:end].decode("utf-8", "replace"))
            if name is not None and index in type_of_string:
                how = "class" if type_of_string[index] in dex.defined_types else "reference to class"
                names.append((name, start, how))
            else:
                other.append(index)
        classes = list(class_facts(file, names, self.name, "DEX class table"))
        yield from classes
        tokens: list[Fact] = []
        for index in other:
            start, end = spans[index]
            tokens.extend(token_facts(file, data[start:end], hit_strings[index], start, self.name,
                                      "DEX string table"))
        yield from _obfuscation_evidence(tokens, obfuscated=not classes)


def _obfuscation_evidence(tokens: list[Fact], obfuscated: bool) -> Iterator[Fact]:
    """Markers without any SDK class beside them: obfuscated build, weaker evidence, listed together."""
    if not obfuscated:
        yield from tokens
        return
    from dataclasses import replace

    markers = sorted({t.value for t in tokens if t.kind is FactKind.MARKER})
    for fact in tokens:
        if fact.kind is not FactKind.MARKER:
            yield fact
            continue
        others = [m for m in markers if m != fact.value]
        note = "; no SDK class names (renamed by R8/ProGuard?)"
        if others:
            note += f"; also found: {summary(others)}"
        yield replace(fact, evidence=fact.evidence.rstrip(")") + note + ")", precision_penalty=True)
