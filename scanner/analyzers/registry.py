"""The explicit list of analyzers. A test fails when an analyzer module is missing here."""

from __future__ import annotations

from scanner.analyzers.binary.ar import StaticLibraryAnalyzer
from scanner.analyzers.binary.axml import AxmlAnalyzer
from scanner.analyzers.binary.classfile import ClassFileAnalyzer
from scanner.analyzers.binary.dex import DexAnalyzer
from scanner.analyzers.binary.elf import ElfAnalyzer
from scanner.analyzers.binary.filehash import FileHashAnalyzer
from scanner.analyzers.binary.macho import MachOAnalyzer
from scanner.analyzers.binary.plist import PlistAnalyzer
from scanner.analyzers.binary.strings import StringsAnalyzer
from scanner.analyzers.interface import Analyzer
from scanner.analyzers.text.endpoints import EndpointsAnalyzer

ANALYZERS: tuple[type[Analyzer], ...] = (
    EndpointsAnalyzer,
    DexAnalyzer,
    ClassFileAnalyzer,
    AxmlAnalyzer,
    MachOAnalyzer,
    PlistAnalyzer,
    ElfAnalyzer,
    StringsAnalyzer,
    StaticLibraryAnalyzer,
    FileHashAnalyzer,
)


def build_analyzers() -> tuple[Analyzer, ...]:
    return tuple(cls() for cls in ANALYZERS)
