"""binary/strings: hosts, URLs and SDK markers in the raw bytes of any binary file.

The generic pass for compiled code and resources (Mach-O `__cstring`, ELF `.rodata`, `.pyc`,
`.so` in `lib/*/`, images with metadata...): tokens at the prefilter hits, so the cost is bounded
by the hits however large the file. Formats whose strings carry a length prefix or another
encoding (DEX, class files, binary XML, binary plists) are left to their own analyzers, which
look at each string separately, and so are containers of objects (`ar` archives and universal
static libraries, fat files whose slices are archives): binary/macho and binary/static-library
read each object and name it in the location.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.binary.common import AR_MAGIC, FAT_MAGICS, sniff, token_facts
from scanner.analyzers.binary.container import fat_arches
from scanner.analyzers.interface import FileInput
from scanner.errors import ParseError
from scanner.model import Fact

OWN_ANALYZER = frozenset({"dex", "class", "axml", "bplist", "ar"})


class StringsAnalyzer:
    name: ClassVar[str] = "binary/strings"
    version: ClassVar[str] = "1.1.0"
    priority: ClassVar[int] = 5
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    def wants(self, path: str, is_text: bool) -> bool:
        return not is_text

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        kind = sniff(file.data)
        if kind in OWN_ANALYZER:
            return
        where = {"macho": "Mach-O strings", "elf": "ELF strings"}.get(kind or "", "strings")
        hits = file.hits
        if kind == "macho" and file.data.startswith(FAT_MAGICS):
            # every slice of a universal binary holds the same strings: report the first slice's
            try:
                arches = fat_arches(file.data)
            except ParseError:
                arches = []
            if any(file.data[offset : offset + 8] == AR_MAGIC for _arch, offset, _size in arches):
                return
            if arches:
                _arch, offset, size = arches[0]
                hits = [h for h in hits if offset < h[1] <= offset + size]
        yield from token_facts(file, file.data, hits, 0, self.name, where)
