"""action.yml (composite) and the workflow example: shape, and the scan step run as GitHub runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.helpers import REPO, git, write

ACTION = REPO / "action.yml"
WORKFLOW = REPO / "sarif" / "github-workflow-example.yml"
SCAN_STEP = REPO / "scripts" / "github-action-scan.sh"


def _load(path: Path) -> dict[Any, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def test_action_is_composite_and_injection_safe() -> None:
    action = _load(ACTION)
    assert action["runs"]["using"] == "composite"
    inputs = set(action["inputs"])
    assert {"path", "fail-on", "sarif-file", "category", "since"} <= inputs
    text = ACTION.read_text(encoding="utf-8")
    assert set(re.findall(r"inputs\.([\w-]+)", text)) == inputs  # every input used, none unknown
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], f"step {step['name']!r}: expressions go through env, not the script"
    assert action["outputs"]["sarif-file"]["value"] == "${{ steps.scan.outputs.sarif-file }}"


def test_workflow_example_uploads_with_codeql_action() -> None:
    workflow = _load(WORKFLOW)
    job = workflow["jobs"]["tiktok-scan"]
    assert job["permissions"]["security-events"] == "write"
    uses = [step.get("uses", "") for step in job["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    scans = [s for s in job["steps"] if s.get("uses", "").startswith("tiktok-scan/tiktok-scan@")]
    categories = [s["with"]["category"] for s in scans]
    assert len(categories) == len(set(categories))  # one category per upload
    action_inputs = set(_load(ACTION)["inputs"])
    for step in scans:
        assert set(step["with"]) <= action_inputs


@pytest.fixture
def github_env(tmp_path: Path) -> dict[str, str]:
    scan = shutil.which("tiktok-scan", path=str(Path(sys.executable).parent))
    assert scan is not None
    return dict(os.environ, TIKTOK_SCAN=scan, GITHUB_ACTION_PATH=str(REPO),
                GITHUB_OUTPUT=str(tmp_path / "output"), GITHUB_STEP_SUMMARY=str(tmp_path / "summary"))


def _run_step(cwd: Path, env: dict[str, str], **inputs: str) -> subprocess.CompletedProcess[str]:
    env = dict(env, **{f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    return subprocess.run(["bash", str(SCAN_STEP)], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _outputs(env: dict[str, str]) -> dict[str, str]:
    lines = Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_scan_step_fails_on_findings_and_writes_sarif(git_repo: Path, github_env: dict[str, str]) -> None:
    write(git_repo, {"web/index.html": '<script src="https://analytics.tiktok.com/i18n/pixel/events.js"></script>\n',
                     "docs/brand.md": "Follow us at https://www.tiktok.com/@shop\n"})
    proc = _run_step(git_repo, github_env, path="web docs", fail_on="error", sarif_file="out/scan.sarif")
    assert proc.returncode == 1, proc.stderr
    assert "::error title=tiktok-scan::findings at or above 'error'" in proc.stdout
    assert _outputs(github_env) == {"sarif-file": "out/scan.sarif", "exit-code": "1"}
    run = json.loads((git_repo / "out" / "scan.sarif").read_text(encoding="utf-8"))["runs"][0]
    assert run["automationDetails"]["id"] == "tiktok-scan/"
    assert {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in run["results"]} \
        == {("TT303", "web/index.html"), ("TT601", "docs/brand.md")}
    summary = Path(github_env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "2 result(s): 1 error, 1 note" in summary


def test_scan_step_with_fail_on_none_and_a_diff(git_repo: Path, github_env: dict[str, str]) -> None:
    write(git_repo, {"old.py": 'URL = "https://open.tiktokapis.com/v2/user/info/"\n'})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "base")
    write(git_repo, {"new.py": "print('clean')\n"})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "change")
    proc = _run_step(git_repo, github_env, since="HEAD~1", fail_on="error", category="tiktok-scan-pr")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = json.loads((git_repo / "tiktok-scan.sarif").read_text(encoding="utf-8"))["runs"][0]
    assert run["results"] == []
    assert run["automationDetails"]["id"] == "tiktok-scan-pr/"
    proc = _run_step(git_repo, github_env, fail_on="none")
    assert proc.returncode == 0
    assert _outputs(github_env)["exit-code"] == "0"


def test_scan_step_reports_tool_errors(git_repo: Path, github_env: dict[str, str]) -> None:
    proc = _run_step(git_repo, github_env, args="--pack no-such-pack")
    assert proc.returncode == 2
    assert "::error title=tiktok-scan::the scan failed (exit code 2)" in proc.stdout
    assert "sarif-file" not in _outputs(github_env)
