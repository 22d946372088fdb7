"""`pip install <repo>` in a fresh venv, outside the repo, gives a working `tiktok-scan` with its data."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.sarif_tools import schema_errors


@pytest.mark.slow
def test_fresh_venv_install_scans_examples(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    install = subprocess.run([str(py), "-m", "pip", "install", "--quiet", str(REPO)], capture_output=True,
                             text=True, timeout=900, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    exe = env_dir / "bin" / "tiktok-scan"
    out = work / "out.sarif"
    proc = subprocess.run([str(exe), "scan", str(REPO / "examples"), "--format", "sarif", "-o", str(out)],
                          cwd=work, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(out.read_text())
    assert schema_errors(doc) == []
    assert {r["ruleId"] for r in doc["runs"][0]["results"]} >= {"TT301", "TT302", "TT303"}
    # the data files come from the wheel, not from the source tree
    where = subprocess.run([str(py), "-c", "from scanner.rules import default_signature_dir as d; print(d())"],
                           cwd=work, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(env_dir)), where
    report_schema = subprocess.run(  # the JSON report's schema ships in the wheel (docs/json-report.md)
        [str(py), "-c", "from scanner.report.json_report import schema_path as s; import json; "
                        "print(json.load(open(s()))['title'])"], cwd=work, capture_output=True, text=True, check=True)
    assert report_schema.stdout.strip() == "tiktok-scan JSON report"
    schema = subprocess.run([str(py), "-m", "scanner", "--version"], cwd=work, capture_output=True, text=True)
    assert schema.returncode == 0 and schema.stdout.startswith("tiktok-scan ")
    assert sys.version_info >= (3, 10)
