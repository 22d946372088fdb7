"""A parser that hangs or crashes on one file costs that file only; every other finding is kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.config.limits import Limits
from scanner.core import parallel as parallel_mod
from scanner.core import run as run_mod
from scanner.core.run import run_scan
from scanner.core.scanner import Scanner
from scanner.model import Level, ScanResult, SkipReason

GOOD = 'URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'  # TT302 on line 1


def _tree(root: Path, bad: list[str], good: int = 6) -> None:
    for name in bad:
        (root / name).write_text("nothing to see here\n")
    for i in range(good):
        (root / f"good{i}.py").write_text("import os\n" * i + GOOD)


def _findings(result: ScanResult) -> set[tuple[str, int, str]]:
    return {(f.location.path, f.location.start_line, f.rule_id) for f in result.findings}


def _good_expected(good: int = 6) -> set[tuple[str, int, str]]:
    return {(f"good{i}.py", i + 1, "TT302") for i in range(good)}


def _notes(result: ScanResult, path: str) -> list[tuple[SkipReason, Level, str]]:
    return [(n.reason, n.level, n.message) for n in result.notifications if n.path == path]


@pytest.mark.usefixtures("with_doubles")
def test_in_process_budget_stops_a_python_loop_and_keeps_findings(tmp_path: Path) -> None:
    _tree(tmp_path, ["python-loop.txt", "raises.txt", "deep-recursion.txt"])
    config = ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1, limits=Limits(file_timeout=0.5))
    result = run_scan(config)
    found = _findings(result)
    assert _good_expected() <= found
    # the facts each double made before failing are kept, at line 1 of its file
    for name in ("python-loop.txt", "raises.txt", "deep-recursion.txt"):
        assert (name, 1, "TT301") in found
    (reason, level, message), = _notes(result, "python-loop.txt")
    assert reason is SkipReason.TIMEOUT and "test/python-loop stopped after the 0.5-second" in message
    (reason, level, message), = _notes(result, "raises.txt")
    assert reason is SkipReason.ANALYZER_ERROR and level is Level.ERROR and "KeyError" in message
    (reason, level, message), = _notes(result, "deep-recursion.txt")
    assert reason is SkipReason.LIMIT and "nesting too deep" in message


@pytest.mark.usefixtures("with_doubles")
def test_scan_bytes_never_raises_on_a_timeout() -> None:
    scanner = Scanner(ScanConfig(limits=Limits(file_timeout=0.3)))
    outcome = scanner.scan_bytes("python-loop.txt", b"x\n")
    assert [n.reason for n in outcome.notifications] == [SkipReason.TIMEOUT]
    assert [(f.rule_id, f.location.start_line) for f in outcome.findings] == [("TT301", 1)]


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_mod, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(parallel_mod, "KILL_GRACE", 1.0)


@pytest.mark.usefixtures("with_doubles", "parallel")
@pytest.mark.parametrize("bad", [
    ["segfault.txt"],
    ["hard-exit.txt"],
    ["native-hang.txt"],
    ["python-loop.txt", "segfault.txt", "native-hang.txt", "hard-exit.txt", "raises.txt"],
])
def test_worker_crash_or_native_hang_costs_one_file(tmp_path: Path, bad: list[str]) -> None:
    _tree(tmp_path, bad, good=12)
    config = ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=2, limits=Limits(file_timeout=1.0))
    result = run_scan(config)
    assert _good_expected(12) <= _findings(result)
    assert result.stats.files_analyzed == 12 + len(bad)
    for name in bad:
        notes = _notes(result, name)
        assert len(notes) == 1, (name, result.notifications)
        reason, level, message = notes[0]
        if name == "segfault.txt":
            assert reason is SkipReason.ANALYZER_ERROR and "died (signal SIGSEGV)" in message
        elif name == "hard-exit.txt":
            assert reason is SkipReason.ANALYZER_ERROR and "died (exit code 3)" in message
        elif name == "native-hang.txt":
            assert reason is SkipReason.TIMEOUT and level is Level.ERROR and "worker was killed" in message
        elif name == "python-loop.txt":  # stopped by SIGALRM inside the worker: its finding is kept
            assert reason is SkipReason.TIMEOUT and "test/python-loop stopped" in message
            assert ("python-loop.txt", 1, "TT301") in _findings(result)
        elif name == "raises.txt":
            assert reason is SkipReason.ANALYZER_ERROR and "KeyError" in message
    # no worker is left behind
    import multiprocessing

    assert [p for p in multiprocessing.active_children() if p.is_alive() and p.pid != os.getpid()] == []


@pytest.mark.usefixtures("with_doubles")
@pytest.mark.parametrize("named", [False, True], ids=["serial-walk", "pre-commit-files"])
def test_serial_scan_survives_a_native_crash_and_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      named: bool) -> None:
    """Serial scans (a small tree, --jobs 1, pre-commit's named files) run in a supervised worker too:
    a native parser that crashes or hangs costs its parse only; the retry without native parsers
    keeps the file's token-level finding, and a file that stops even that is named as lost."""
    monkeypatch.setattr(parallel_mod, "KILL_GRACE", 1.0)
    bad = ["native-parser-crash.txt", "native-parser-hang.txt", "segfault.txt"]
    _tree(tmp_path, bad, good=4)
    files = [*bad, *(f"good{i}.py" for i in range(4))] if named else None
    config = ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1, files=files,
                        limits=Limits(file_timeout=1.0))
    result = run_scan(config)
    found = _findings(result)
    assert _good_expected(4) <= found
    assert result.stats.files_analyzed == 4 + len(bad)
    # retried without native parsers: the finding the analyzer makes before its parse is kept
    assert {("native-parser-crash.txt", 1, "TT301"), ("native-parser-hang.txt", 1, "TT301")} <= found
    (reason, level, message), = _notes(result, "native-parser-crash.txt")
    assert reason is SkipReason.ANALYZER_ERROR and level is Level.WARNING
    assert "died (signal SIGSEGV)" in message and "analyzed again without native parsers" in message
    (reason, level, message), = _notes(result, "native-parser-hang.txt")
    assert reason is SkipReason.TIMEOUT and level is Level.WARNING and "worker was killed" in message
    (reason, level, message), = _notes(result, "segfault.txt")  # crashes with or without native parsers
    assert reason is SkipReason.ANALYZER_ERROR and level is Level.ERROR and message.endswith("file skipped")
    assert ("segfault.txt", 1, "TT301") not in found


def test_audit_attributes_a_worker_death_to_its_file(tmp_path: Path) -> None:
    """A 4-repository audit: the file that kills a worker is named in its own repository's report;
    no repository fails, and every other finding (the other repositories', its neighbours') is kept."""
    import json
    import subprocess
    import sys

    here = Path(__file__).resolve().parent
    repo_root = here.parents[1]
    repos = []
    for i, bad in enumerate(["segfault.txt", "native-parser-crash.txt", None, None]):
        repo = tmp_path / f"repo{i}"
        repo.mkdir()
        _tree(repo, [bad] if bad else [], good=3)
        repos.append(str(repo))
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(here / "doubles_hook"), str(repo_root)]),
               TIKTOK_SCAN_TEST_DOUBLES="1")
    done = subprocess.run([sys.executable, "-m", "scanner", "audit", *repos, "--out", str(out), "--jobs", "2",
                           "--file-timeout", "2", "--no-progress"], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1, done.stderr  # findings; no repository failed (that would be 2)
    for i in range(4):
        run = json.loads((out / "sarif" / f"repo{i}.sarif").read_text())["runs"][0]
        found = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                  r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in run["results"]}
        notes = [n["message"]["text"] for n in run["invocations"][0].get("toolExecutionNotifications", [])]
        assert _good_expected(3) <= found, (i, found)
        if i == 0:
            assert notes == ["segfault.txt: the worker analyzing this file died (signal SIGSEGV); file skipped"]
        elif i == 1:
            assert ("native-parser-crash.txt", 1, "TT301") in found
            assert notes == ["native-parser-crash.txt: the worker analyzing this file died (signal SIGSEGV); the "
                             "file was analyzed again without native parsers (tokens matched instead of parsing)"]
        else:
            assert notes == []


@pytest.mark.usefixtures("with_doubles")
def test_a_worker_cannot_take_gigabytes(tmp_path: Path) -> None:
    """The worker's address space is capped (RLIMIT_AS): a 4 GiB request fails inside the worker
    as a MemoryError on that file (4 GiB of zeroes would be granted, untouched, without the cap)."""
    _tree(tmp_path, ["memory-hog.txt"], good=3)
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))
    assert _good_expected(3) | {("memory-hog.txt", 1, "TT301")} <= _findings(result)
    (reason, level, message), = _notes(result, "memory-hog.txt")
    assert reason is SkipReason.ANALYZER_ERROR and level is Level.ERROR
    assert "test/memory-hog failed: MemoryError" in message
