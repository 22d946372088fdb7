"""Shared test helpers: the repo root, a scan helper and a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `python -m scanner ARGS` the way a user would, capturing output."""
    return subprocess.run([sys.executable, "-m", "scanner", *args], cwd=cwd or REPO, capture_output=True,
                          text=True, timeout=timeout, check=False)


def findings_of(root: Path, **config: object) -> list[tuple[str, int, str, str]]:
    """(path, line, rule id, level) for every finding of a scan of `root`, sorted."""
    from scanner.config import ScanConfig
    from scanner.core.run import run_scan

    result = run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1, **config))  # type: ignore[arg-type]
    return sorted((f.location.path, f.location.start_line, f.rule_id, f.level.value) for f in result.findings)


@pytest.fixture(autouse=True)
def _fixture_trees_are_their_own_repositories(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process scans of fixture trees report paths relative to the scanned root, as if each
    fixture were its own repository (the real default looks for the enclosing `.git`, which here
    is this repository). Tests of that default opt out with `@pytest.mark.real_srcroot`."""
    if request.node.get_closest_marker("real_srcroot"):
        return
    import scanner.core.run

    def root_itself(root: str) -> str:
        path = Path(root).resolve()
        return str(path if path.is_dir() else path.parent)

    monkeypatch.setattr(scanner.core.run, "find_srcroot", root_itself)
