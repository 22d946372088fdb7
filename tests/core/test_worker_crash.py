"""A worker that dies mid-scan loses no file: what it held is redone, and the walk goes on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.core import forked, parallel
from scanner.core.run import run_scan
from scanner.core.scanner import FileOutcome, Scanner
from scanner.core.walk import FileRef


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers inherit the patched method")
@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("bare_fork", [True, False], ids=["os.fork", "multiprocessing"])
def test_crashed_worker_loses_no_file(speed_corpus: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                      jobs: int, bare_fork: bool) -> None:
    expected = run_scan(ScanConfig(roots=[str(speed_corpus)], jobs=1, srcroot=str(speed_corpus)))
    original = Scanner.scan_file
    once = tmp_path / "crashed-once"

    def dying(self: Scanner, ref: FileRef) -> FileOutcome:
        if ref.path.endswith("m40.js") and not once.exists():  # a crash that does not come back (the OOM killer)
            once.touch()
            os._exit(3)
        return original(self, ref)

    monkeypatch.setattr(Scanner, "scan_file", dying)
    if not bare_fork:  # the transport used where scanner.core.forked cannot fork
        monkeypatch.setattr(forked, "available", lambda: False)
    monkeypatch.setattr(parallel, "BATCH_FILES", 8)  # many batches: some still unsent when the worker dies
    got = run_scan(ScanConfig(roots=[str(speed_corpus)], jobs=jobs, srcroot=str(speed_corpus)))
    assert once.exists()
    assert got.stats.files_analyzed == got.stats.files_seen == expected.stats.files_seen
    assert got.findings == expected.findings
    assert got.notifications == expected.notifications  # retried alone and read in full: nothing to report
