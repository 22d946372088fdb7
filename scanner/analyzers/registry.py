"""The explicit list of analyzers. A test fails when an analyzer module is missing here."""

from __future__ import annotations

from scanner.analyzers.interface import Analyzer
from scanner.analyzers.lockfile.bun_lock import BunLockAnalyzer
from scanner.analyzers.lockfile.npm_package_json import NpmPackageJsonAnalyzer
from scanner.analyzers.lockfile.npm_package_lock import NpmPackageLockAnalyzer
from scanner.analyzers.lockfile.pnpm_lock import PnpmLockAnalyzer
from scanner.analyzers.lockfile.yarn_lock import YarnLockAnalyzer
from scanner.analyzers.text.endpoints import EndpointsAnalyzer

ANALYZERS: tuple[type[Analyzer], ...] = (
    EndpointsAnalyzer,
    NpmPackageJsonAnalyzer,
    NpmPackageLockAnalyzer,
    YarnLockAnalyzer,
    PnpmLockAnalyzer,
    BunLockAnalyzer,
)


def build_analyzers() -> tuple[Analyzer, ...]:
    return tuple(cls() for cls in ANALYZERS)
