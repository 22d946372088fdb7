"""A pull request cannot switch the gate off silently (issue 18): TS101 in diff scans, bounded config."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.config.files import parse_config
from tests.integration.helpers import git, write

Cli = Callable[..., tuple[int, str, str]]
NEW = 'NEW = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'
CONFIG = ".tiktok-scan.toml"


def _branch(repo: Path, before: dict[str, str], after: dict[str, str]) -> None:
    """`main` with `before`, then branch `feature` with `after` committed (plus an innocent change)."""
    write(repo, {"app/clean.py": "print('hello')\n", **before})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    write(repo, {"app/clean.py": "print('hello, world')\n", **after})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "feature")


WEAKENINGS = [
    ("pack-disabled", {}, {CONFIG: 'fail-on = "error"\ndisable-packs = ["tiktok"]\n'}, CONFIG, 2,
     "pack 'tiktok' is disabled"),
    ("pack-no-longer-enabled", {CONFIG: 'packs = ["wechat-payments"]\n'}, {CONFIG: "packs = []\n"}, CONFIG, 1,
     "pack 'wechat-payments' is no longer enabled"),
    ("exclude-widened", {CONFIG: 'exclude = ["docs/**"]\n'}, {CONFIG: 'exclude = ["docs/**", "**"]\n'}, CONFIG, 1,
     "exclude pattern '**' added"),
    ("allow-added", {CONFIG: 'fail-on = "error"\n'},
     {CONFIG: 'fail-on = "error"\n\n[[allow]]\nrules = ["TT302"]\nreason = "fine"\n'}, CONFIG, 3,
     "allowlist entry added (rules=['TT302'])"),
    ("limits-lowered", {}, {CONFIG: '[limits]\nmax-file-size = "1K"\n'}, CONFIG, 2,
     "limit max-file-size lowered from 268435456 to 1024"),
    ("inline-suppressions-on", {CONFIG: "inline-suppressions = false\n"}, {CONFIG: "inline-suppressions = true\n"},
     CONFIG, 1, "inline `tiktok-scan: ignore` comments are honoured again"),
    ("fail-on-none", {}, {CONFIG: 'fail-on = "none"\n'}, CONFIG, 1, "fail-on raised from 'error' to 'none'"),
    ("gitignore-honoured", {}, {CONFIG: "respect-gitignore = true\n"}, CONFIG, 1,
     "files ignored by .gitignore are no longer scanned"),
    ("pyproject-table", {"pyproject.toml": '[project]\nname = "x"\n'},
     {"pyproject.toml": '[project]\nname = "x"\n\n[tool.ruff]\nexclude = ["a"]\n\n[tool.tiktok-scan]\n'
                        'exclude = ["**"]\n'}, "pyproject.toml", 8, "exclude pattern '**' added"),
]


@pytest.mark.parametrize(("before", "after", "path", "line", "detail"),
                         [w[1:] for w in WEAKENINGS], ids=[w[0] for w in WEAKENINGS])
def test_each_weakening_is_a_finding_at_its_line(git_repo: Path, run_cli: Cli, before: dict[str, str],
                                                 after: dict[str, str], path: str, line: int, detail: str) -> None:
    _branch(git_repo, before, after)
    code, out, err = run_cli(["scan", "--since", "main", "--no-progress", "--fail-on", "error"], cwd=git_repo)
    assert code == 1, (out, err)
    assert f"{path}:{line}:1: error [TS101]" in out
    assert detail in out

    code, out, _ = run_cli(["scan", "--since", "main", "--format", "sarif", "--fail-on", "error"], cwd=git_repo)
    run = json.loads(out)["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "TS101")
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == line
    assert "TS101" in [r["id"] for r in run["tool"]["driver"]["rules"]]


def test_unchanged_or_strengthened_configuration_is_clean(git_repo: Path, run_cli: Cli) -> None:
    strict = 'exclude = ["docs/**"]\nfail-on = "warning"\n'
    _branch(git_repo, {CONFIG: strict}, {CONFIG: strict})
    code, out, _ = run_cli(["scan", "--since", "main"], cwd=git_repo)
    assert (code, "TS101" in out) == (0, False)
    write(git_repo, {CONFIG: 'fail-on = "note"\n'})  # an exclude removed, fail-on lowered: stronger
    git(git_repo, "commit", "-qam", "stricter")
    code, out, _ = run_cli(["scan", "--since", "main"], cwd=git_repo)
    assert (code, "TS101" in out) == (0, False)
    code, out, _ = run_cli(["scan", "."], cwd=git_repo)  # a full scan compares nothing
    assert "TS101" not in out


def test_staged_configuration_change_is_checked_against_head(git_repo: Path, run_cli: Cli) -> None:
    _branch(git_repo, {}, {})
    write(git_repo, {CONFIG: 'disable-packs = ["tiktok"]\n'})
    git(git_repo, "add", CONFIG)
    code, out, _ = run_cli(["scan", "--staged"], cwd=git_repo)
    assert code == 1
    assert f"{CONFIG}:1:1: error [TS101]" in out and "against HEAD" in out


def test_baseline_entries_added_are_a_finding(git_repo: Path, run_cli: Cli) -> None:
    _branch(git_repo, {"legacy/old.py": NEW, CONFIG: 'baseline = ".tiktok-scan-baseline.json"\n'}, {})
    code, _, _ = run_cli(["baseline", "create", ".", "-o", ".tiktok-scan-baseline.json"], cwd=git_repo)
    assert code == 0
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "hide the finding")
    code, out, _ = run_cli(["scan", "--since", "main"], cwd=git_repo)
    assert code == 1
    assert ".tiktok-scan-baseline.json:5:1: error [TS101]" in out
    assert "gains 1 entry" in out and "(TT302)" in out


def test_config_ref_takes_the_configuration_from_the_base(git_repo: Path, run_cli: Cli) -> None:
    _branch(git_repo, {CONFIG: 'fail-on = "error"\n'},
            {CONFIG: 'exclude = ["**"]\nfail-on = "none"\n', "app/new.py": NEW})
    code, out, _ = run_cli(["scan", "--since", "main", "--config-ref", "main"], cwd=git_repo)
    assert code == 1  # the change's own configuration does not apply: its TikTok use is reported
    assert "app/new.py:1:8: error [TT302]" in out
    assert "TS101" not in out  # nothing to compare: the change cannot alter its scan
    code, out, _ = run_cli(["scan", "--since", "main"], cwd=git_repo)
    assert code == 1 and "[TS101]" in out and "[TT302]" not in out


@pytest.mark.parametrize(("line", "message"), [
    ('baseline = "/dev/zero"', "'baseline' must stay inside the repository"),
    ('baseline = "../outside.json"', "'baseline' must stay inside the repository"),
    ('signatures = ["/etc"]', "'signatures' must stay inside the repository"),
])
def test_configured_paths_stay_inside_the_repository(git_repo: Path, run_cli: Cli, line: str, message: str) -> None:
    write(git_repo, {CONFIG: line + "\n", "app.py": NEW})
    code, out, err = run_cli(["scan", "."], cwd=git_repo)
    assert (code, out) == (2, "")
    assert message in err


def test_configured_jobs_are_capped_at_the_core_count(tmp_path: Path) -> None:
    cfg = parse_config(b"jobs = 100\n", tmp_path / CONFIG, bound=tmp_path)
    assert cfg is not None and cfg.jobs == (os.cpu_count() or 1)
    trusted = parse_config(b"jobs = 100\n", tmp_path / CONFIG)  # --config FILE: the user's own choice
    assert trusted is not None and trusted.jobs == 100


@pytest.mark.parametrize("shape", ["fifo", "link-to-dev-zero", "link-inside"])
def test_a_configuration_file_that_is_not_a_regular_file_is_refused(git_repo: Path, run_cli: Cli,
                                                                    shape: str) -> None:
    write(git_repo, {"app.py": NEW, "real.toml": "fail-on = 'none'\n"})
    target = git_repo / CONFIG
    if shape == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero" if shape == "link-to-dev-zero" else git_repo / "real.toml")
    code, out, err = run_cli(["scan", "."], cwd=git_repo)
    assert (code, out) == (2, "")
    assert f"{target}: cannot read:" in err
    assert "not a regular file" in err or "symbolic link" in err


@pytest.mark.parametrize("command", [["scan", "."], ["inventory", "."], ["audit", ".", "--out", "out"]])
def test_a_bad_exclude_pattern_is_a_usage_error(git_repo: Path, run_cli: Cli, command: list[str]) -> None:
    write(git_repo, {"app.py": NEW})
    code, out, err = run_cli([*command, "--exclude", "[z-a]"], cwd=git_repo)
    assert (code, out) == (2, "")
    assert "--exclude: pattern '[z-a]': bad bracket expression" in err


@pytest.mark.parametrize("text", ['exclude = ["docs/**", "[z-a]"]\n', '[[allow]]\npaths = ["[z-a]"]\n'])
def test_a_bad_configured_pattern_names_the_file(git_repo: Path, run_cli: Cli, text: str) -> None:
    write(git_repo, {CONFIG: text, "app.py": NEW})
    code, out, err = run_cli(["scan", "."], cwd=git_repo)
    assert (code, out) == (2, "")
    assert f"{git_repo / CONFIG}" in err and "pattern '[z-a]': bad bracket expression" in err
