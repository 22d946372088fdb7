"""The benchmark runner's smoke mode (what CI runs): it completes and reports every section.

No assertion on time: the toy corpus only proves the runner works end to end.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

RUN = REPO / "benchmarks" / "run.py"


def test_smoke_run_reports_every_tool(tmp_path: Path) -> None:
    pytest.importorskip("psutil")
    out = tmp_path / "results.md"
    proc = subprocess.run([sys.executable, str(RUN), "--smoke", "--out", str(out)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text()
    for needed in ("| tiktok-scan |", "| read every byte |", "**Growth**", "**Pre-commit**", "Targets on `full`",
                   "Reproduce:"):
        assert needed in text, needed
    # the scan over the toy corpus found the planted TikTok hosts (exit code 0 with --fail-on none)
    assert "| tiktok-scan | -" not in text
