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
from scanner.analyzers.lockfile.bun_lock import BunLockAnalyzer
from scanner.analyzers.lockfile.npm_package_json import NpmPackageJsonAnalyzer
from scanner.analyzers.lockfile.npm_package_lock import NpmPackageLockAnalyzer
from scanner.analyzers.lockfile.pdm_lock import PdmLockAnalyzer
from scanner.analyzers.lockfile.pipfile import PipfileAnalyzer
from scanner.analyzers.lockfile.pipfile_lock import PipfileLockAnalyzer
from scanner.analyzers.lockfile.pnpm_lock import PnpmLockAnalyzer
from scanner.analyzers.lockfile.poetry_lock import PoetryLockAnalyzer
from scanner.analyzers.lockfile.pylock import PylockAnalyzer
from scanner.analyzers.lockfile.pyproject import PyprojectAnalyzer
from scanner.analyzers.lockfile.python_requirements import PythonRequirementsAnalyzer
from scanner.analyzers.lockfile.setup_cfg import SetupCfgAnalyzer
from scanner.analyzers.lockfile.uv_lock import UvLockAnalyzer
from scanner.analyzers.lockfile.yarn_lock import YarnLockAnalyzer
from scanner.analyzers.text.endpoints import EndpointsAnalyzer

ANALYZERS: tuple[type[Analyzer], ...] = (
    EndpointsAnalyzer,
    NpmPackageJsonAnalyzer,
    NpmPackageLockAnalyzer,
    YarnLockAnalyzer,
    PnpmLockAnalyzer,
    BunLockAnalyzer,
    PythonRequirementsAnalyzer,
    PyprojectAnalyzer,
    SetupCfgAnalyzer,
    PipfileAnalyzer,
    PipfileLockAnalyzer,
    PoetryLockAnalyzer,
    UvLockAnalyzer,
    PdmLockAnalyzer,
    PylockAnalyzer,
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
