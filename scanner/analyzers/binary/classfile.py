"""binary/java-class: class name and constant pool of Java `.class` files (in JARs, AARs, WARs).

A lean constant-pool reader (JVMS §4.4): the pool is the only place a class file keeps names and
string constants, and walking it is a few struct reads per entry. CONSTANT_Class entries become
CLASS facts (this class, and classes it references); other UTF-8 entries with a prefilter hit go
through the shared token finder.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.binary.common import HitIndex, class_facts, sniff, token_facts
from scanner.analyzers.interface import FileInput
from scanner.errors import ParseError
from scanner.model import Fact

# Sizes of the constant-pool entries after their tag byte; Utf8 (1) has a length prefix.
_FIXED = {3: 4, 4: 4, 5: 8, 6: 8, 7: 2, 8: 2, 9: 4, 10: 4, 11: 4, 12: 4, 15: 3, 16: 2, 17: 4, 18: 4, 19: 2, 20: 2}


def read_pool(data: bytes) -> tuple[dict[int, tuple[int, int]], dict[int, int], int]:
    """(utf8 index -> [start, end), class index -> name index, this_class index)."""
    if len(data) < 10:
        raise ParseError("class file header truncated")
    count = struct.unpack_from(">H", data, 8)[0]
    utf8: dict[int, tuple[int, int]] = {}
    classes: dict[int, int] = {}
    pos = 10
    index = 1
    while index < count:
        if pos >= len(data):
            raise ParseError(f"class file truncated in constant pool entry {index} of {count}")
        tag = data[pos]
        if tag == 1:
            if pos + 3 > len(data):
                raise ParseError(f"class file truncated in constant pool entry {index}")
            length = struct.unpack_from(">H", data, pos + 1)[0]
            utf8[index] = (pos + 3, pos + 3 + length)
            pos += 3 + length
        elif tag in _FIXED:
            if tag == 7 and pos + 3 <= len(data):
                classes[index] = struct.unpack_from(">H", data, pos + 1)[0]
            pos += 1 + _FIXED[tag]
        else:
            raise ParseError(f"class file has unknown constant pool tag {tag} at offset {pos:#x}")
        index += 2 if tag in (5, 6) else 1
    if pos + 6 > len(data):
        raise ParseError("class file truncated after the constant pool")
    this_class = struct.unpack_from(">H", data, pos + 2)[0]
    return utf8, classes, this_class


class ClassFileAnalyzer:
    name: ClassVar[str] = "binary/java-class"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 10
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    binary_only: ClassVar[bool] = True  # wants no text file: the registry imports it only for a binary one

    def wants(self, path: str, is_text: bool) -> bool:
        return not is_text and path.lower().endswith(".class")

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        if sniff(file.data) != "class":
            return
        data = file.data
        utf8, classes, this_class = read_pool(data)
        index = HitIndex(file.hits)
        class_names = {name_index: class_index for class_index, name_index in classes.items()}
        names: list[tuple[str, int, str]] = []
        for entry, (start, end) in sorted(utf8.items()):
            hits = index.within(start, end, file.needles) if end <= len(data) else []
            if not hits:
                continue
            if entry in class_names:
                how = "class" if class_names[entry] == this_class else "reference to class"
                names.append((data[start:end].decode("utf-8", "replace").replace("/", "."), start, how))
            else:
                yield from token_facts(file, data[start:end], hits, start, self.name, "class constant pool")
        yield from class_facts(file, names, self.name, "class file")
