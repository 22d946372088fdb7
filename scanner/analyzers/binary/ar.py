"""binary/static-library: `ar` archives of Mach-O or ELF objects (`.a` static libraries, and the
suffix-less binaries of static frameworks).

The core opens zip and tar archives; `ar` is simple enough to walk in memory (binary/container).
The file is recognised by its magic, not its name: a static framework's binary has no suffix
(`TikTokOpenSDKCore.xcframework/ios-arm64/TikTokOpenSDKCore.framework/TikTokOpenSDKCore`). Each
member is read by the Mach-O reader when it is a Mach-O object (thin or fat) and scanned for
tokens in any case; facts name the member in the archive chain (`libTikTokOpenSDK.a!/x.o`).
A universal static library (a fat file of archives) sniffs as Mach-O and goes to binary/macho,
which walks it the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.binary.common import sniff
from scanner.analyzers.binary.macho import apple_facts
from scanner.analyzers.interface import FileInput
from scanner.model import Fact


class StaticLibraryAnalyzer:
    name: ClassVar[str] = "binary/static-library"
    version: ClassVar[str] = "1.1.0"
    priority: ClassVar[int] = 10
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    binary_only: ClassVar[bool] = True  # wants no text file: the registry imports it only for a binary one

    def wants(self, path: str, is_text: bool) -> bool:
        return not is_text

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        if sniff(file.data) != "ar":
            return
        yield from apple_facts(file, self.name)
