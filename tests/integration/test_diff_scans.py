"""`--staged` and `--since REF`: only what a commit or a branch changes is scanned."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.helpers import git, write

Cli = Callable[..., tuple[int, str, str]]

OLD = 'OLD = "https://open.tiktokapis.com/v2/user/info/"\n'
NEW = 'NEW = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'


def committed(repo: Path) -> None:
    write(repo, {"legacy/old.py": OLD, "app/clean.py": "print('hello')\n", "app/gone.py": OLD})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")


def test_since_reports_only_the_branch_changes(git_repo: Path, run_cli: Cli) -> None:
    committed(git_repo)
    git(git_repo, "checkout", "-qb", "feature")
    write(git_repo, {"app/new.py": NEW, "app/clean.py": "print('hello, world')\n"})
    git(git_repo, "rm", "-q", "app/gone.py")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "feature")
    git(git_repo, "checkout", "-q", "main")
    write(git_repo, {"legacy/main-only.py": NEW})  # a later commit on main, not part of the branch
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "main moves on")
    git(git_repo, "checkout", "-q", "feature")

    code, out, _ = run_cli(["scan", "--since", "main"], cwd=git_repo)
    assert code == 1
    assert "app/new.py:1:8: error [TT302]" in out
    assert "legacy/" not in out
    assert "in 1 of 2 files" in out  # new.py and clean.py; the deleted file is not looked for

    code, out, _ = run_cli(["scan", "--since", "main", "legacy"], cwd=git_repo)
    assert code == 0
    assert "0 findings in 0 of 0 files" in out


def test_since_from_a_subdirectory_reports_repository_paths(git_repo: Path, run_cli: Cli) -> None:
    committed(git_repo)
    write(git_repo, {"app/clean.py": NEW, "app/untracked.py": NEW})
    code, out, _ = run_cli(["scan", "--since", "HEAD", "--format", "json"], cwd=git_repo / "app")
    assert code == 1
    assert '"path": "app/clean.py"' in out  # an uncommitted change to a tracked file counts too
    assert "untracked.py" not in out  # git's view: untracked files are not changes


def test_staged_scans_only_the_index_changes(git_repo: Path, run_cli: Cli) -> None:
    committed(git_repo)
    write(git_repo, {"app/staged.py": NEW, "app/untracked.py": NEW, "legacy/old.py": OLD + NEW})
    git(git_repo, "add", "app/staged.py")
    code, out, err = run_cli(["scan", "--staged"], cwd=git_repo)
    assert code == 1
    assert "app/staged.py:1:8: error [TT302]" in out
    assert "untracked" not in out and "legacy/old.py" not in out
    assert err == ""

    write(git_repo, {"app/staged.py": NEW + OLD})  # now partly staged: the note says what was read
    code, out, err = run_cli(["scan", "--staged"], cwd=git_repo)
    assert "1 staged file(s) also have unstaged changes; their working-tree copies are scanned: app/staged.py" in err


def test_nothing_staged_is_clean(git_repo: Path, run_cli: Cli) -> None:
    committed(git_repo)
    code, out, _ = run_cli(["scan", "--staged"], cwd=git_repo)
    assert code == 0
    assert out.startswith("Summary: 0 findings")


def test_errors_are_usage_errors(git_repo: Path, tmp_path: Path, run_cli: Cli) -> None:
    committed(git_repo)
    code, out, err = run_cli(["scan", "--since", "no-such-branch"], cwd=git_repo)
    assert (code, out) == (2, "")
    assert "--since no-such-branch" in err
    code, _, err = run_cli(["scan", "--since=--output=/tmp/x"], cwd=git_repo)
    assert code == 2 and "not a git revision" in err
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    code, _, err = run_cli(["scan", "--staged"], cwd=outside)
    assert code == 2 and "not inside a git work tree" in err
    with pytest.raises(SystemExit) as exc:
        run_cli(["scan", "--staged", "--since", "main"], cwd=git_repo)
    assert exc.value.code == 2


def test_repository_hooks_and_fsmonitor_are_never_run(git_repo: Path, run_cli: Cli) -> None:
    committed(git_repo)
    marker = git_repo.parent / "ran"
    hook = git_repo.parent / "evil.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    hook.chmod(0o755)
    write(git_repo, {"app/new.py": NEW})
    git(git_repo, "add", "-A")
    git(git_repo, "config", "core.fsmonitor", str(hook))
    git(git_repo, "config", "diff.external", str(hook))
    code, _, _ = run_cli(["scan", "--staged"], cwd=git_repo)
    assert code == 1
    assert not marker.exists()


# -- --new-only -----------------------------------------------------------------------------------


def _branch(repo: Path, name: str, files: dict[str, str]) -> None:
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-qb", name)
    write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", name)


def test_new_only_reports_only_what_the_branch_adds(git_repo: Path, run_cli: Cli) -> None:
    committed(git_repo)
    # the known line moves down (new lines above it) and a new finding comes in the same file
    _branch(git_repo, "adds", {"legacy/old.py": "import os\n\n\n" + OLD + NEW})
    code, out, _ = run_cli(["scan", "--since", "main"], cwd=git_repo)
    assert code == 1 and "legacy/old.py:4:" in out  # without --new-only the known finding fails too

    code, out, _ = run_cli(["scan", "--since", "main", "--new-only", "--format", "json"], cwd=git_repo)
    assert code == 1
    doc = json.loads(out)
    shown = [(f["path"], f["rule_id"], f["start_line"], f.get("suppressed"))
             for f in doc["findings"]]
    reported = [s for s in shown if s[3] is None]
    assert [(p, line) for p, _, line, _ in reported] == [("legacy/old.py", 5)], shown
    known = [s for s in shown if s[3] is not None]
    assert [(p, line, why) for p, _, line, why in known] == [
        ("legacy/old.py", 4, "present at the merge base with main")]

    code, out, _ = run_cli(["scan", "--since", "main", "--new-only", "--format", "sarif"], cwd=git_repo)
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [5]

    code, out, _ = run_cli(["scan", "--since", "main", "--new-only", "--format", "sarif", "--include-suppressed"],
                           cwd=git_repo)
    results = json.loads(out)["runs"][0]["results"]
    kept = [r for r in results if r.get("suppressions")]
    assert len(results) == 2 and len(kept) == 1
    assert kept[0]["suppressions"][0]["kind"] == "external"
    assert "present at the merge base with main" in kept[0]["suppressions"][0]["justification"]


def test_new_only_moved_code_is_clean(git_repo: Path, run_cli: Cli) -> None:
    committed(git_repo)
    _branch(git_repo, "moves", {"legacy/old.py": "# moved\n\n" + OLD, "app/gone.py": "\n\n" + OLD})
    code, _, _ = run_cli(["scan", "--since", "main"], cwd=git_repo)
    assert code == 1
    code, out, _ = run_cli(["scan", "--since", "main", "--new-only"], cwd=git_repo)
    assert code == 0, out


def test_new_only_a_copy_of_a_known_line_is_new(git_repo: Path, run_cli: Cli) -> None:
    committed(git_repo)
    _branch(git_repo, "copies", {"legacy/old.py": OLD + OLD})  # the occurrence counter tells them apart
    code, out, _ = run_cli(["scan", "--since", "main", "--new-only", "--format", "json"], cwd=git_repo)
    assert code == 1
    assert sum(f.get("suppressed") is None for f in json.loads(out)["findings"]) == 1


def test_new_only_a_new_file_is_all_new(git_repo: Path, run_cli: Cli) -> None:
    committed(git_repo)
    _branch(git_repo, "new-file", {"app/new.py": NEW + OLD})
    code, out, _ = run_cli(["scan", "--since", "main", "--new-only", "--format", "json"], cwd=git_repo)
    assert code == 1
    findings = json.loads(out)["findings"]
    assert len(findings) == 2 and all(f.get("suppressed") is None for f in findings)
    assert {f["path"] for f in findings} == {"app/new.py"}


def test_new_only_needs_since(git_repo: Path, run_cli: Cli) -> None:
    committed(git_repo)
    for args in (["scan", "--new-only"], ["scan", "--staged", "--new-only"]):
        code, out, err = run_cli(args, cwd=git_repo)
        assert (code, out) == (2, ""), args
        assert "--new-only needs --since" in err
