"""SARIF from realistic trees passes Microsoft's SARIF Multitool with GitHub's ingestion rules.

The Multitool is installed on demand into a cache directory by scripts/install-multitool.sh
(npm); set SARIF_MULTITOOL to use a binary that is already there. A missing npm fails the test:
this check is part of the acceptance criteria and must not be skipped silently.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.helpers import FIXTURES, REPO

pytestmark = pytest.mark.slow

RULES = REPO / "sarif" / "multitool-github-rules.xml"
SCHEMA = REPO / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def multitool() -> Path:
    given = os.environ.get("SARIF_MULTITOOL")
    if given:
        assert Path(given).is_file(), f"SARIF_MULTITOOL={given!r} does not exist"
        return Path(given)
    proc = subprocess.run(["sh", str(REPO / "scripts" / "install-multitool.sh")], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        pytest.fail(f"could not install the SARIF Multitool: {proc.stderr.strip()}")
    return Path(proc.stdout.strip().splitlines()[-1])


def _scan(tmp_path: Path, args: list[str], cwd: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "out.sarif"
    proc = subprocess.run([sys.executable, "-m", "scanner", "scan", *args, "--format", "sarif", "-o", str(out)],
                          cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return out


def _validate(multitool: Path, sarif: Path) -> list[dict[str, Any]]:
    report = sarif.with_suffix(".validation.sarif")
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1")
    proc = subprocess.run([str(multitool), "validate", str(sarif), "--config", str(RULES), "--rule-kind", "Sarif;Ghas",
                           "--level", "Error;Warning;Note", "--output", str(report), "--log", "ForceOverwrite"],
                          capture_output=True, text=True, env=env, check=False)
    assert report.is_file(), proc.stdout + proc.stderr
    results: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))["runs"][0]["results"]
    return results


CASES = {
    "examples": (["examples"], REPO),
    "suppressions-included": ([".", "--include-suppressed", "--srcroot", "."], FIXTURES / "suppress"),
    "clean": (["scanner/rules"], REPO),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_zero_errors_and_warnings(multitool: Path, tmp_path: Path, case: str) -> None:
    args, cwd = CASES[case]
    sarif = _scan(tmp_path, args, cwd)
    doc = json.loads(sarif.read_text(encoding="utf-8"))
    if case != "clean":
        assert doc["runs"][0]["results"], "the case must produce results to be a meaningful check"
    if case == "suppressions-included":
        assert any("suppressions" in r for r in doc["runs"][0]["results"])
    problems = [r for r in _validate(multitool, sarif) if r.get("level", "warning") in ("error", "warning")]
    assert [(p["ruleId"], p["message"]) for p in problems] == []


def test_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for case, (args, cwd) in CASES.items():
        doc = json.loads(_scan(tmp_path / case, args, cwd).read_text(encoding="utf-8"))
        jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)


def test_failed_run(multitool: Path, tmp_path: Path) -> None:
    """The SARIF a failed scan writes over its output (issue 17) passes the Multitool and the schema too."""
    import jsonschema

    out = tmp_path / "out.sarif"
    proc = subprocess.run([sys.executable, "-m", "scanner", "scan", "no-such-path", "--no-config", "--format", "sarif",
                           "-o", str(out)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8")),
                               format_checker=jsonschema.FormatChecker()).validate(doc)
    problems = [r for r in _validate(multitool, out) if r.get("level", "warning") in ("error", "warning")]
    assert [(p["ruleId"], p["message"]) for p in problems] == []
