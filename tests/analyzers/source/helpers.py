"""Shared helpers for the source analyzer tests."""

from __future__ import annotations

from functools import lru_cache

from scanner.config import ScanConfig
from scanner.core.scanner import Scanner
from scanner.model import Finding, Level
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "source"


@lru_cache(maxsize=1)
def default_scanner() -> Scanner:
    return Scanner(ScanConfig(jobs=1))


def scan_fixture(rel: str, scanner: Scanner | None = None) -> list[Finding]:
    """Findings for one fixture file (path relative to tests/fixtures/source)."""
    data = (FIXTURES / rel).read_bytes()
    return (scanner or default_scanner()).scan_bytes(rel, data).findings


def scan_text(name: str, text: str, scanner: Scanner | None = None) -> list[Finding]:
    return (scanner or default_scanner()).scan_bytes(name, text.encode("utf-8")).findings


def serious(findings: list[Finding]) -> set[tuple[int, str]]:
    """(line, rule id) of every finding at warning or error."""
    return {(f.location.start_line, f.rule_id) for f in findings if f.level.at_least(Level.WARNING)}
