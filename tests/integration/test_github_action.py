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
    (tmp_path / "runner-temp").mkdir()
    env = dict(os.environ, TIKTOK_SCAN=scan, GITHUB_ACTION_PATH=str(REPO), RUNNER_TEMP=str(tmp_path / "runner-temp"),
               GITHUB_OUTPUT=str(tmp_path / "output"), GITHUB_STEP_SUMMARY=str(tmp_path / "summary"))
    env.pop("INPUT_SARIF_FILE", None)
    return env


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
    run = json.loads((Path(github_env["RUNNER_TEMP"]) / "tiktok-scan.sarif").read_text(encoding="utf-8"))["runs"][0]
    assert run["results"] == []
    assert run["automationDetails"]["id"] == "tiktok-scan-pr/"
    proc = _run_step(git_repo, github_env, fail_on="none")
    assert proc.returncode == 0
    assert _outputs(github_env)["exit-code"] == "0"


def test_scan_step_new_only_fails_only_on_what_the_change_adds(git_repo: Path, github_env: dict[str, str]) -> None:
    write(git_repo, {"old.py": 'URL = "https://open.tiktokapis.com/v2/user/info/"\n'})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "base")
    write(git_repo, {"old.py": 'import os\n\nURL = "https://open.tiktokapis.com/v2/user/info/"\n'})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "change")
    proc = _run_step(git_repo, github_env, since="HEAD~1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    proc = _run_step(git_repo, github_env, since="HEAD~1", new_only="true")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "--new-only" in proc.stdout  # the command line is echoed
    proc = _run_step(git_repo, github_env, new_only="true")  # no since: the input is not passed
    assert proc.returncode == 1 and "--new-only" not in proc.stdout


def test_scan_step_reports_tool_errors(git_repo: Path, github_env: dict[str, str]) -> None:
    proc = _run_step(git_repo, github_env, args="--pack no-such-pack")
    assert proc.returncode == 2
    assert "::error title=tiktok-scan::the scan failed (exit code 2)" in proc.stdout
    assert "sarif-file" not in _outputs(github_env)


# -- the scanned tree never redirects the report (issue 18) ---------------------------------------

FINDING = 'NEW = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'


def _pull_request_with_link(repo: Path, victim: Path) -> None:
    """A checkout whose commit holds a finding and a link named like the report, to a file outside."""
    victim.write_text("precious\n", encoding="utf-8")
    os.utime(victim, (1_000_000_000, 1_000_000_000))
    write(repo, {"app/events.py": FINDING})
    os.symlink(victim, repo / "tiktok-scan.sarif")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a pull request")


def _untouched(victim: Path) -> None:
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert victim.stat().st_mtime == 1_000_000_000
    assert sorted(p.name for p in victim.parent.iterdir() if p.name.startswith(".tiktok-scan")) == []


def test_scan_step_refuses_a_committed_link_at_the_sarif_file(git_repo: Path, github_env: dict[str, str],
                                                              tmp_path: Path) -> None:
    victim = tmp_path / "runner-file"
    _pull_request_with_link(git_repo, victim)
    proc = _run_step(git_repo, github_env, sarif_file="tiktok-scan.sarif")
    assert proc.returncode == 2
    assert "tiktok-scan: tiktok-scan.sarif: refusing to write through the symbolic link tiktok-scan.sarif -> " \
           f"{victim}\n" in proc.stderr
    assert "::error title=tiktok-scan::the scan failed (exit code 2)" in proc.stdout
    assert "sarif-file" not in _outputs(github_env)
    assert not Path(github_env["GITHUB_STEP_SUMMARY"]).exists()  # the victim was not read as a report either
    _untouched(victim)


def test_scan_step_writes_outside_the_checkout_by_default(git_repo: Path, github_env: dict[str, str],
                                                           tmp_path: Path) -> None:
    victim = tmp_path / "runner-file"
    _pull_request_with_link(git_repo, victim)
    proc = _run_step(git_repo, github_env)
    assert proc.returncode == 1, proc.stderr
    sarif = Path(github_env["RUNNER_TEMP"]) / "tiktok-scan.sarif"
    assert _outputs(github_env) == {"sarif-file": str(sarif), "exit-code": "1"}
    run = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] \
        == ["app/events.py"]
    assert sorted(p.name for p in git_repo.iterdir()) == [".git", "app", "tiktok-scan.sarif"]  # nothing added
    assert (git_repo / "tiktok-scan.sarif").is_symlink()
    _untouched(victim)


def test_action_default_sarif_file_is_outside_the_checkout() -> None:
    action = _load(ACTION)
    assert action["inputs"]["sarif-file"]["default"] == ""
    assert "RUNNER_TEMP" in action["inputs"]["sarif-file"]["description"]
    for step in _load(WORKFLOW)["jobs"]["tiktok-scan"]["steps"]:  # nor does the example write into the checkout
        sarif = step.get("with", {}).get("sarif-file")
        assert sarif is None or sarif.startswith("${{ runner.temp }}/"), sarif


def test_pull_request_cannot_change_its_own_scan(git_repo: Path, github_env: dict[str, str]) -> None:
    """With `since`, the configuration comes from the base (config-from-base defaults to true)."""
    write(git_repo, {"app.py": "print('clean')\n"})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "base")
    write(git_repo, {".tiktok-scan.toml": 'exclude = ["**"]\nfail-on = "none"\n',
                     "new.py": 'URL = "https://open.tiktokapis.com/v2/user/info/"\n'})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "pull request")
    proc = _run_step(git_repo, github_env, since="HEAD~1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "--config-ref HEAD" in proc.stdout  # the command line is echoed
    run = json.loads((Path(github_env["RUNNER_TEMP"]) / "tiktok-scan.sarif").read_text(encoding="utf-8"))["runs"][0]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in run["results"]] \
        == [("TT301", "new.py")]

    proc = _run_step(git_repo, github_env, since="HEAD~1", config_from_base="false")
    assert proc.returncode == 1  # the change's configuration applies, and its weakening is the finding
    run = json.loads((Path(github_env["RUNNER_TEMP"]) / "tiktok-scan.sarif").read_text(encoding="utf-8"))["runs"][0]
    assert {r["ruleId"] for r in run["results"]} == {"TS101"}


def _install_step() -> str:
    steps = [s for s in _load(ACTION)["runs"]["steps"] if s.get("name") == "Install tiktok-scan"]
    assert len(steps) == 1
    assert steps[0]["env"]["PYTHON"] == "${{ steps.python.outputs.python-path }}"  # setup-python's interpreter
    return str(steps[0]["run"])


@pytest.mark.parametrize(("layout", "exe"), [("bin", ""), ("Scripts", ".exe")])
def test_install_step_finds_the_venv_programs_on_every_os(tmp_path: Path, layout: str, exe: str) -> None:
    """POSIX venvs have bin/python, Windows ones Scripts/python.exe: a stand-in `python -m venv` makes either."""
    log = tmp_path / "log"
    fake = tmp_path / "python"
    fake.write_text(f'#!/bin/sh\n[ "$1 $2" = "-m venv" ] || exit 9\nmkdir -p "$3/{layout}"\n'
                    f'printf \'#!/bin/sh\\necho "$@" >> "{log}"\\n\' > "$3/{layout}/python{exe}"\n'
                    f'chmod +x "$3/{layout}/python{exe}"\n', encoding="utf-8")
    fake.chmod(0o755)
    (tmp_path / "temp").mkdir()
    env = dict(os.environ, PYTHON=str(fake), RUNNER_TEMP=str(tmp_path / "temp"), GITHUB_ACTION_PATH=str(REPO),
               GITHUB_ENV=str(tmp_path / "env"))
    proc = subprocess.run(["bash", "-e", "-c", _install_step()], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert log.read_text(encoding="utf-8").split() == \
        ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(REPO)]
    venv_bin = tmp_path / "temp" / "tiktok-scan-venv" / layout
    assert (tmp_path / "env").read_text(encoding="utf-8") == f"TIKTOK_SCAN={venv_bin}/tiktok-scan{exe}\n"


def test_scan_step_summary_uses_the_venv_python_in_scripts(git_repo: Path, github_env: dict[str, str],
                                                          tmp_path: Path) -> None:
    """On Windows the command and the interpreter are Scripts/tiktok-scan.exe and Scripts/python.exe."""
    scripts = tmp_path / "venv" / "Scripts"
    scripts.mkdir(parents=True)
    used = tmp_path / "python-used"
    (scripts / "tiktok-scan.exe").write_text(f'#!/bin/sh\nexec "{github_env["TIKTOK_SCAN"]}" "$@"\n', encoding="utf-8")
    (scripts / "python.exe").write_text(f'#!/bin/sh\ntouch "{used}"\nexec "{sys.executable}" "$@"\n',
                                        encoding="utf-8")
    for program in scripts.iterdir():
        program.chmod(0o755)
    write(git_repo, {"docs/brand.md": "Follow us at https://www.tiktok.com/@shop\n"})
    env = dict(github_env, TIKTOK_SCAN=str(scripts / "tiktok-scan.exe"))
    proc = _run_step(git_repo, env, path="docs", fail_on="none")
    assert proc.returncode == 0, proc.stderr
    assert used.exists()
    assert "1 result(s): 1 note" in Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
