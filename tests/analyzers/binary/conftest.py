"""Helpers for the binary analyzer tests: scan a fixture and list what was found."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.core.scanner import Scanner
from scanner.model import Finding, Notification
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "binary"


def scan(*paths: Path) -> tuple[list[Finding], list[Notification]]:
    result = run_scan(ScanConfig(roots=[str(p) for p in paths], jobs=1))
    return result.findings, result.notifications


def rows(findings: list[Finding]) -> set[tuple[str, int | None, str, str]]:
    """(display path, byte offset, rule id, value) of each finding."""
    return {(f.location.display_path, f.location.byte_offset, f.rule_id, f.value) for f in findings}


def serious(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level.value in ("warning", "error")]


@pytest.fixture(scope="session")
def scanner() -> Scanner:
    return Scanner(ScanConfig(roots=["."], jobs=1))
