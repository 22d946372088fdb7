"""Workflows people trust (issue 17): reports never scanned back, several outputs per run,
--strict, the default baseline, --signatures that loads nothing. Through the real command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.helpers import write

RunCli = Callable[..., tuple[int, str, str]]
FINDING = 'URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'


def _json(run_cli: RunCli, cwd: Path, *args: str) -> dict[str, object]:
    code, out, err = run_cli(["scan", ".", "-f", "json", "--no-config", *args], cwd)
    assert code in (0, 1), err
    doc = json.loads(out)
    assert isinstance(doc, dict)
    return doc


def _findings(doc: dict[str, object]) -> list[tuple[str, str, int]]:
    found = doc["findings"]
    assert isinstance(found, list)
    return [(f["rule_id"], f["path"], f["start_line"]) for f in found]


def _notes(doc: dict[str, object], reason: str) -> dict[str, str]:
    notes = doc["notifications"]
    assert isinstance(notes, list)
    return {n["path"]: n["level"] for n in notes if n["reason"] == reason}


def test_reports_of_earlier_runs_are_not_scanned(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING})
    first = _findings(_json(run_cli, tmp_path))
    assert first == [("TT302", "app.py", 1)]
    for fmt, name in (("sarif", "tiktok.sarif"), ("json", "tiktok.json"), ("sarif", "out/copy.sarif.json")):
        code, _, err = run_cli(["scan", ".", "--no-config", "-f", fmt, "-o", name], tmp_path)
        assert code == 1, err
    (tmp_path / "renamed.txt").write_bytes((tmp_path / "tiktok.json").read_bytes())
    doc = _json(run_cli, tmp_path)
    assert _findings(doc) == first
    assert _notes(doc, "own-report") == {"tiktok.sarif": "note", "tiktok.json": "note",
                                         "out/copy.sarif.json": "note", "renamed.txt": "note"}


def test_this_runs_output_file_is_not_scanned_whatever_its_format(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING})
    for _ in range(2):  # the second run finds the first one's text report at its own output path
        code, _, err = run_cli(["scan", ".", "--no-config", "-o", "report.txt"], tmp_path)
        assert code == 1, err
    text = (tmp_path / "report.txt").read_text()
    assert "1 finding (1 error)" in text
    assert "report.txt: this run's report file; not read" in text


def test_a_json_file_that_only_mentions_tiktok_scan_is_scanned(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"package.json": json.dumps({
        "name": "x", "tool": {"name": "tiktok-scan"},
        "scripts": {"track": "curl https://business-api.tiktok.com/open_api/v1.3/event/track/"}}, indent=2)})
    doc = _json(run_cli, tmp_path)
    assert not _notes(doc, "own-report")
    assert [p for _, p, _ in _findings(doc)] == ["package.json"]


def test_several_outputs_in_one_run_with_a_summary_on_stderr(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING})
    code, out, err = run_cli(["scan", ".", "--no-config", "-f", "json", "--sarif-output", "r/tiktok.sarif",
                              "--text-output", "r/tiktok.txt", "--json-output", "r/tiktok.json"], tmp_path)
    assert code == 1
    from_stdout = json.loads(out)
    assert [f["rule_id"] for f in from_stdout["findings"]] == ["TT302"]
    assert json.loads((tmp_path / "r/tiktok.json").read_text())["findings"] == from_stdout["findings"]
    sarif = json.loads((tmp_path / "r/tiktok.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["TT302"]
    assert "1 finding (1 error)" in (tmp_path / "r/tiktok.txt").read_text()
    assert err == ("tiktok-scan: 1 finding (1 error) in 1 file; text report written to r/tiktok.txt, "
                   "JSON written to r/tiktok.json, SARIF written to r/tiktok.sarif\n")
    # a later run skips the SARIF and JSON reports (a text report is only skipped as this run's output)
    (tmp_path / "r/tiktok.txt").unlink()
    doc = _json(run_cli, tmp_path)
    assert _findings(doc) == [("TT302", "app.py", 1)]
    assert set(_notes(doc, "own-report")) == {"r/tiktok.sarif", "r/tiktok.json"}


def test_output_file_with_summary_and_quiet(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING, "clean.py": "x = 1\n"})
    code, out, err = run_cli(["scan", ".", "--no-config", "-f", "sarif", "-o", "x.sarif"], tmp_path)
    assert (code, out) == (1, "")
    assert err == "tiktok-scan: 1 finding (1 error) in 2 files; SARIF written to x.sarif\n"
    code, out, err = run_cli(["scan", ".", "--no-config", "-o", "x.txt", "--quiet"], tmp_path)
    assert (code, out, err) == (1, "", "")
    code, out, err = run_cli(["scan", ".", "--no-config", "-f", "sarif"], tmp_path)  # stdout only: no line
    assert code == 1 and err == ""


def test_two_report_options_naming_one_file_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING})
    code, _, err = run_cli(["scan", ".", "--no-config", "-o", "a.sarif", "--sarif-output", "./a.sarif"], tmp_path)
    assert code == 2
    assert "a.sarif: named by two report options" in err
    # the failed run's report (issue 17), once, in the format of the first option that named it (-o: text)
    assert "named by two report options" in (tmp_path / "a.sarif").read_text(encoding="utf-8")


def test_strict_makes_an_input_not_read_exit_2(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING, "big.js": "x" * 5000 + "\n"})
    args = ["scan", ".", "--no-config", "--max-file-size", "4K"]
    code, _, err = run_cli(args, tmp_path)
    assert code == 1, err
    code, out, err = run_cli([*args, "--strict"], tmp_path)
    assert code == 2
    assert "TT302" in out  # the report is still written
    assert err.startswith("tiktok-scan: --strict: 1 input(s) not fully read (too-large: 1), e.g. big.js: ")


def test_strict_ignores_malformed_files_and_own_reports(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING})
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # a truncated archive: parse-error
    code, _, err = run_cli(["scan", ".", "--no-config", "-f", "sarif", "-o", "t.sarif", "--quiet"], tmp_path)
    assert code == 1, err
    code, out, err = run_cli(["scan", ".", "--no-config", "-f", "json", "--strict"], tmp_path)
    reasons = {n["reason"] for n in json.loads(out)["notifications"]}
    assert reasons == {"parse-error", "own-report"}
    assert (code, err) == (1, "")


BASELINE = ".tiktok-scan-baseline.json"


@pytest.mark.real_srcroot
def test_default_baseline_at_the_repository_root(git_repo: Path, run_cli: RunCli) -> None:
    write(git_repo, {"src/app.py": FINDING})
    code, _, _ = run_cli(["baseline", "create", ".", "-o", BASELINE], git_repo)
    assert code == 0
    code, out, _ = run_cli(["scan", "src"], git_repo)  # a sub-folder: the root is the repository's
    assert code == 0, out
    assert "1 finding(s) suppressed." in out
    code, out, _ = run_cli(["scan", "src", "--no-baseline"], git_repo)
    assert code == 1
    assert "src/app.py:1:" in out and "suppressed" not in out
    code, _, _ = run_cli(["scan", "--pre-commit", "src/app.py"], git_repo)  # the hook's command
    assert code == 0
    with pytest.raises(SystemExit) as exited:
        run_cli(["scan", "--baseline", BASELINE, "--no-baseline"], git_repo)
    assert exited.value.code == 2


def test_default_baseline_is_not_followed_through_a_link(git_repo: Path, run_cli: RunCli, tmp_path: Path) -> None:
    write(git_repo, {"app.py": FINDING})
    code, _, _ = run_cli(["baseline", "create", ".", "-o", str(tmp_path / "elsewhere.json")], git_repo)
    assert code == 0
    (git_repo / BASELINE).symlink_to(tmp_path / "elsewhere.json")
    code, _, err = run_cli(["scan", "."], git_repo)
    assert code == 2
    assert BASELINE in err and "cannot read the baseline" in err


def test_a_default_baseline_added_by_the_change_is_a_ts101_finding(git_repo: Path, run_cli: RunCli) -> None:
    from tests.integration.helpers import git

    write(git_repo, {"legacy/old.py": FINDING})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "base")
    git(git_repo, "checkout", "-qb", "feature")
    code, _, _ = run_cli(["baseline", "create", ".", "-o", BASELINE], git_repo)
    assert code == 0
    write(git_repo, {"legacy/old.py": "# touched\n" + FINDING})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "hide the finding")
    code, out, _ = run_cli(["scan", "--since", "main"], git_repo)
    assert code == 1
    assert f"{BASELINE}:5:1: error [TS101]" in out and "gains 1 entry" in out


def test_signatures_dir_that_loads_no_pack_is_an_error(tmp_path: Path, run_cli: RunCli) -> None:
    import shutil

    from tests.integration.helpers import REPO

    write(tmp_path, {"app.py": FINDING, "empty/README.md": "packs go here\n"})
    shutil.copytree(REPO / "signatures" / "wechat-payments", tmp_path / "team" / "wechat-copy")
    code, out, err = run_cli(["scan", ".", "--no-config", "--signatures", "empty"], tmp_path)
    assert (code, out) == (2, "")
    assert "empty: field '<directory>': no signature pack found: expected empty/<pack>/pack.toml" in err
    code, out, err = run_cli(["scan", ".", "--no-config", "--signatures", "team/wechat-copy"], tmp_path)
    assert (code, out) == (2, "")
    assert "expected team/wechat-copy/<pack>/pack.toml; team/wechat-copy is itself a pack: pass the folder " \
           f"that contains it, {(tmp_path / 'team').resolve()}" in err
    code, _, err = run_cli(["rules", "--all", "--signatures", "empty"], tmp_path)
    assert code == 2 and "no signature pack found" in err
