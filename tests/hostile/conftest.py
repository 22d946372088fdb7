"""Shared helpers for the hostile-input tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(HERE) not in sys.path:  # hostile_doubles must be importable in worker processes too
    sys.path.insert(0, str(HERE))


@pytest.fixture
def with_doubles(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test-only registry override: the real analyzers plus the misbehaving doubles."""
    import hostile_doubles

    from scanner.analyzers import registry

    monkeypatch.setattr(registry, "ANALYZERS", (*registry.ANALYZERS, *hostile_doubles.ALL_DOUBLES))
