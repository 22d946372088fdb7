"""android/r8-mapping: R8/ProGuard `mapping.txt` (original class name -> obfuscated name).

The mapping lists every class the shrunk app still ships under its original name, so a TikTok
SDK class in it was compiled into the app even when the DEX shows only `a.a`. Only the lines the
prefilter flagged are read (a mapping can be tens of MB); class lines (`com.x.Y -> a.b:`, not
indented) become CLASS facts, one per signature prefix as for DEX files, in the BINARY context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.binary.common import class_prefixes, matching_prefix, summary
from scanner.analyzers.interface import FileInput
from scanner.analyzers.routing import NameRouted
from scanner.model import Context, Fact, FactKind

_CLASS_LINE = re.compile(rb"([^\s#][^\s]*) -> ([^\s:]+):\r?$")


class R8MappingAnalyzer(NameRouted):
    name: ClassVar[str] = "android/r8-mapping"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 5
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True
    filenames: ClassVar[tuple[str, ...]] = ("mapping.txt",)  # what AGP writes to build/outputs/mapping/<variant>/
    patterns: ClassVar[tuple[str, ...]] = ("*-mapping.txt", "*.mapping.txt")  # renamed copies kept per release

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        data = file.data
        prefixes = class_prefixes(file.needles)
        groups: dict[str, list[tuple[str, int, int, str]]] = {}
        seen_lines: set[int] = set()
        for _, end in file.hits:
            start = data.rfind(b"\n", 0, end) + 1
            if start in seen_lines:
                continue
            seen_lines.add(start)
            stop = data.find(b"\n", end)
            m = _CLASS_LINE.match(data, start, len(data) if stop == -1 else stop)
            if m is None:
                continue
            original = m.group(1).decode("utf-8", "replace")
            prefix = matching_prefix(original, prefixes)
            if prefix is not None:
                obfuscated = m.group(2).decode("utf-8", "replace")
                groups.setdefault(prefix, []).append((original, m.start(1), m.end(1), obfuscated))
        for found in sorted(groups.values(), key=lambda g: g[0][1]):
            name, start, end, obfuscated = found[0]
            others = [n for n, *_ in found[1:]]
            evidence = f"{name} -> {obfuscated}" + (f" (+{len(others)} more: {summary(others, 3)})" if others else "")
            yield Fact(kind=FactKind.CLASS, value=name, location=file.byte_location(start, end),
                       context=Context.BINARY, analyzer=self.name, evidence=f"{evidence} in R8 mapping")
