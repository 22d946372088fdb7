from __future__ import annotations

from pathlib import Path

import pytest

from scanner.analyzers.lockfile.base import DeclaredPackage

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "lockfile" / "real"


def by_name(packages: list[DeclaredPackage], name: str) -> DeclaredPackage:
    found = [p for p in packages if p.name == name]
    assert len(found) == 1, f"{name!r}: {[p.name for p in packages]}"
    return found[0]


def real(rel: str) -> tuple[str, str]:
    path = REAL / rel
    return str(path), path.read_text(encoding="utf-8")


@pytest.fixture
def real_file():
    return real
