"""Acceptance: the CLI scans the hostile suite within bounded time and memory, never with a
traceback, lists every problem as a SARIF toolExecutionNotification, keeps the planted findings,
and keeps the safety contract (no network, no programs started, nothing written but the report).

Documented bounds (generous: the measured values on a 2-core CI box are ~10 s and ~0.6 GiB):
  WALL_LIMIT seconds for the whole scan, PEAK_RSS_LIMIT for the scanner process (RUSAGE_CHILDREN
  of a wrapper that only runs the CLI), ADDRESS_SPACE_LIMIT (RLIMIT_AS) for every process of it.
When the tests run as root the scan runs without CAP_DAC_OVERRIDE, so chmod 000 files are really unreadable.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import suite
from conftest import REPO

GiB = 1024**3
WALL_LIMIT = 300.0
PEAK_RSS_LIMIT = 2 * GiB
ADDRESS_SPACE_LIMIT = 6 * GiB
PWNED = Path("/tmp/tiktok-scan-pwned")  # what the unsafe-YAML lockfile would create if executed

_WRAPPER = r"""
import json, os, resource, subprocess, sys, time
env_extra, limit, cmd = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
def bound():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
start = time.monotonic()
proc = subprocess.run(cmd, env=dict(os.environ, **env_extra), preexec_fn=bound, capture_output=True)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": proc.returncode, "wall": wall, "maxrss_kib": usage.ru_maxrss,
                  "stderr": proc.stderr.decode("utf-8", "replace"), "stdout": proc.stdout.decode("utf-8", "replace")}))
"""


@dataclass
class Run:
    rc: int
    wall: float
    maxrss: int
    stderr: str
    sarif: dict[str, Any]
    audit: list[dict[str, Any]]


@pytest.fixture(scope="module")
def hostile() -> Iterator[tuple[Path, suite.Expected]]:
    base = Path(tempfile.mkdtemp(prefix="tiktok-scan-hostile-"))
    os.chmod(base, 0o755)
    tree = base / "tree"
    tree.mkdir()
    expected = suite.build(tree, filler=70)
    yield tree, expected
    suite.remove(base)


def _as_nobody() -> list[str]:
    """As root, give up the capabilities that bypass file permissions, so chmod 000 really denies.

    (`setpriv --bounding-set` drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH for the exec'd process;
    it stays uid 0, so the interpreter under /root is still reachable.)
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permission-denied files cannot be made real")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def _scan(tree: Path, jobs: int) -> Run:
    out_dir = Path(tempfile.mkdtemp(prefix="tiktok-scan-out-"))
    os.chmod(out_dir, 0o777)
    report, audit = out_dir / "report.sarif", out_dir / "audit.jsonl"
    env = {"PYTHONPATH": str(Path(__file__).parent / "audit"), "PYTHONDONTWRITEBYTECODE": "1",
           "TIKTOK_SCAN_AUDIT_LOG": str(audit), "TIKTOK_SCAN_AUDIT_OUTPUT": str(report),
           "TIKTOK_SCAN_AUDIT_ROOT": str(tree), "TIKTOK_SCAN_CACHE_DIR": str(out_dir / "cache")}
    cli = [sys.executable, "-m", "scanner", "scan", str(tree), "--format", "sarif", "--output", str(report),
           "--no-progress", "--srcroot", str(tree), "--jobs", str(jobs)]
    import subprocess

    PWNED.unlink(missing_ok=True)
    done = subprocess.run([*_as_nobody(), sys.executable, "-c", _WRAPPER, json.dumps(env), str(ADDRESS_SPACE_LIMIT),
                           *cli], capture_output=True, text=True, cwd=REPO, timeout=WALL_LIMIT * 2)
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout)
    sarif = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    lines = audit.read_text().splitlines() if audit.exists() else []
    shutil.rmtree(out_dir)
    return Run(measured["rc"], measured["wall"], measured["maxrss_kib"] * 1024, measured["stderr"], sarif,
               [json.loads(line) for line in lines])


def _findings(sarif: dict[str, Any]) -> set[tuple[str, tuple[str, ...], int, str]]:
    out = set()
    for result in sarif["runs"][0]["results"]:
        loc = result["locations"][0]["physicalLocation"]
        path = unquote(loc["artifactLocation"]["uri"])
        props = result["properties"]
        members: tuple[str, ...] = ()
        line = loc["region"]["startLine"]
        if "archiveChain" in props:
            members = tuple(props["archiveChain"].split("!/")[1:])
            line = props.get("memberLine", line)
        out.add((path, members, line, result["ruleId"]))
    return out


def _notifications(sarif: dict[str, Any]) -> list[tuple[str, str, str]]:
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    return [(unquote(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]), n["descriptor"]["id"],
             n["message"]["text"]) for n in notes]


def _check(run: Run, expected: suite.Expected, tree: Path) -> None:
    assert run.rc in (0, 1), run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    assert run.audit == [], run.audit  # no network, no programs, no writes but the report
    assert not PWNED.exists()
    import jsonschema

    schema = json.loads((REPO / "sarif" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(run.sarif, schema)
    missing = expected.findings - _findings(run.sarif)
    assert not missing, sorted(missing)
    notes = _notifications(run.sarif)
    for path, reason in sorted(expected.problems):
        assert any(msg.startswith(path + ": ") and rid == reason for _, rid, msg in notes), (path, reason)
    for prefix, reason in expected.problem_prefixes:
        assert any(msg.startswith(prefix) and rid == reason for _, rid, msg in notes), (prefix, reason)
    # the core's own error boundary never had to catch a bug of its own
    assert not [m for _, _, m in notes if "internal error" in m or "archive could not be read" in m]
    # archive members were read in memory only: no member name became a file
    assert not (tree / "etc" / "evil.py").exists() and not (tree.parent / "outside.py").exists()


def test_hostile_suite_in_process_mode_is_bounded(hostile: tuple[Path, suite.Expected]) -> None:
    tree, expected = hostile
    run = _scan(tree, jobs=1)
    _check(run, expected, tree)
    assert run.wall < WALL_LIMIT, run.wall
    assert run.maxrss < PEAK_RSS_LIMIT, run.maxrss


def test_hostile_suite_with_workers_gives_the_same_report(hostile: tuple[Path, suite.Expected]) -> None:
    tree, expected = hostile
    parallel = _scan(tree, jobs=2)
    _check(parallel, expected, tree)
    assert parallel.wall < WALL_LIMIT, parallel.wall
    sequential = _scan(tree, jobs=1)
    assert _findings(parallel.sarif) == _findings(sequential.sarif)
    assert _notifications(parallel.sarif) == _notifications(sequential.sarif)
