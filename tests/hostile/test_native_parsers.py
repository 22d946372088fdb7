"""Acceptance (issue 19): inputs that crashed, hung or exhausted a native parser survive every mode.

The regression tree (native_tree.py) holds the issue's native-parser inputs beside planted
findings in four repositories. A serial scan, `--jobs 2`, `--pre-commit` over every file and a
4-repository audit must each complete (exit 0 or 1, no traceback), stay under 2 GiB of resident
memory in every process (the largest child's peak, RUSAGE_CHILDREN of a wrapper), write valid
SARIF that names each file not parsed in full, and keep every planted finding. Completion is
bounded (the subprocess timeout: the per-file budget plus grace for every hostile file, with
room for a loaded CI box); wall times are not asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import native_tree
import pytest

REPO = Path(__file__).resolve().parents[2]

GiB = 1024**3
PEAK_RSS_LIMIT = 2 * GiB
FILE_TIMEOUT = 3  # seconds per file: the watchdog kills a stuck worker at 3 + 5 s
COMPLETION_BOUND = 300  # seconds: every hostile file at its budget plus grace, three attempts, and start-up
HOSTILE = ("deep_parens.py", "subscripts.py", "plus_chain.py", "lambdas.py", "build.gradle.kts", "unclosed.js",
           "unclosed.dart", "unclosed.php", "unclosed.rb", "Unclosed.cs")

_WRAPPER = r"""
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB: the largest process waited for
print(json.dumps({"rc": proc.returncode, "maxrss_kib": peak, "stderr": proc.stderr.decode("utf-8", "replace")}))
"""


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, native_tree.Expected]]:
    root = tmp_path_factory.mktemp("native-tree")
    expected = native_tree.build(root)
    yield root, expected
    shutil.rmtree(root, ignore_errors=True)


def _run(args: list[str], cwd: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run([sys.executable, "-c", _WRAPPER, sys.executable, "-m", "scanner", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=COMPLETION_BOUND)
    assert done.returncode == 0, done.stderr
    measured: dict[str, Any] = json.loads(done.stdout)
    assert measured["rc"] in (0, 1), measured["stderr"]
    assert "Traceback" not in measured["stderr"], measured["stderr"]
    assert measured["maxrss_kib"] * 1024 < PEAK_RSS_LIMIT, measured["maxrss_kib"]
    return measured


def _sarif(path: Path) -> tuple[set[tuple[str, int, str]], list[str]]:
    """(findings as (path, line, rule), notification messages) of a validated SARIF file."""
    import jsonschema

    sarif = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(sarif, json.loads((REPO / "sarif" / "sarif-schema-2.1.0.json").read_text()))
    run = sarif["runs"][0]
    found = set()
    for result in run["results"]:
        loc = result["locations"][0]["physicalLocation"]
        found.add((unquote(loc["artifactLocation"]["uri"]), loc["region"]["startLine"], result["ruleId"]))
    notes = [n["message"]["text"] for inv in run["invocations"] for n in inv.get("toolExecutionNotifications", [])]
    return found, notes


def _check(found: set[tuple[str, int, str]], notes: list[str], expected: set[tuple[str, int, str]],
           hostile: list[str]) -> None:
    missing = expected - found
    assert not missing, sorted(missing)
    for path in hostile:  # each hostile file is named: parsed partly, by tokens, or lost, and why
        assert any(note.startswith(path + ": ") for note in notes), (path, notes)
    assert not [n for n in notes if "internal error" in n], notes


def _hostile(paths: list[str]) -> list[str]:
    return [p for p in paths if p.rsplit("/", 1)[-1] in HOSTILE]


@pytest.mark.parametrize("jobs", [1, 2])
def test_scan_survives_native_parser_inputs(tree: tuple[Path, native_tree.Expected], tmp_path: Path,
                                            jobs: int) -> None:
    root, expected = tree
    report = tmp_path / "report.sarif"
    _run(["scan", str(root), "--srcroot", str(root), "--jobs", str(jobs), "--file-timeout", str(FILE_TIMEOUT),
          "--format", "sarif", "--output", str(report), "--no-progress"], REPO)
    found, notes = _sarif(report)
    _check(found, notes, expected.findings, _hostile(expected.files))


def test_pre_commit_survives_native_parser_inputs(tree: tuple[Path, native_tree.Expected], tmp_path: Path) -> None:
    root, expected = tree
    report = tmp_path / "report.sarif"
    _run(["scan", "--pre-commit", *expected.files, "--file-timeout", str(FILE_TIMEOUT), "--format", "sarif",
          "--output", str(report), "--no-progress"], root)
    found, notes = _sarif(report)
    _check(found, notes, expected.findings, _hostile(expected.files))


def test_four_repository_audit_survives_native_parser_inputs(tree: tuple[Path, native_tree.Expected],
                                                             tmp_path: Path) -> None:
    root, expected = tree
    out = tmp_path / "audit"
    _run(["audit", *(str(root / name) for name in expected.repos), "--out", str(out), "--jobs", "2",
          "--file-timeout", str(FILE_TIMEOUT), "--no-progress"], REPO)
    for name in expected.repos:
        found, notes = _sarif(out / "sarif" / f"{name}.sarif")
        here = name + "/"  # the repository's SARIF is relative to the repository
        mine = {(p.removeprefix(here), line, rule) for p, line, rule in expected.findings if p.startswith(here)}
        hostile = [p.removeprefix(here) for p in _hostile(expected.files) if p.startswith(here)]
        _check(found, notes, mine, hostile)
        assert not [n for n in notes if "scan failed" in n], notes  # no repository failed
