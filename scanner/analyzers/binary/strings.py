"""binary/strings: hosts, URLs and SDK markers in the raw bytes of any binary file.

The generic pass for compiled code and resources (Mach-O `__cstring`, ELF `.rodata`, `.pyc`,
`.so` in `lib/*/`, images with metadata...): tokens at the prefilter hits, so the cost is bounded
by the hits however large the file. Formats whose strings carry a length prefix or another
encoding (DEX, class files, binary XML, binary plists) are left to their own analyzers, which
look at each string separately, and so are containers (`ar` archives and fat files, whose slices
may be images or archives): binary/macho and binary/static-library read each slice and object
once and name it in the location.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.binary.common import FAT_MAGICS, sniff, token_facts
from scanner.analyzers.interface import FileInput
from scanner.model import Fact

OWN_ANALYZER = frozenset({"dex", "class", "axml", "bplist", "ar"})


class StringsAnalyzer:
    name: ClassVar[str] = "binary/strings"
    version: ClassVar[str] = "1.1.0"
    priority: ClassVar[int] = 5
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    binary_only: ClassVar[bool] = True  # wants no text file: the registry imports it only for a binary one

    def wants(self, path: str, is_text: bool) -> bool:
        return not is_text

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        kind = sniff(file.data)
        if kind in OWN_ANALYZER:
            return
        where = {"macho": "Mach-O strings", "elf": "ELF strings"}.get(kind or "", "strings")
        if kind == "macho" and file.data.startswith(FAT_MAGICS):
            return  # binary/macho reads each slice and names it (`TikTokOpenSDK!/arm64`)
        yield from token_facts(file, file.data, file.hits, 0, self.name, where)
