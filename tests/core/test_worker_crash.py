"""A worker that dies mid-scan loses no file: what it held is redone, and the walk goes on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.core import parallel
from scanner.core.run import run_scan
from scanner.core.scanner import FileOutcome, Scanner
from scanner.core.walk import FileRef


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers inherit the patched method")
def test_crashed_worker_loses_no_file(speed_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = run_scan(ScanConfig(roots=[str(speed_corpus)], jobs=1, srcroot=str(speed_corpus)))
    parent = os.getpid()
    original = Scanner.scan_file

    def dying(self: Scanner, ref: FileRef) -> FileOutcome:
        if os.getpid() != parent and ref.path.endswith("m40.js"):
            os._exit(3)  # a crash in native code, as the pool sees it
        return original(self, ref)

    monkeypatch.setattr(Scanner, "scan_file", dying)
    monkeypatch.setattr(parallel, "BATCH_FILES", 8)  # many batches: some still unsent when the worker dies
    got = run_scan(ScanConfig(roots=[str(speed_corpus)], jobs=2, srcroot=str(speed_corpus)))
    assert got.stats.files_analyzed == got.stats.files_seen == expected.stats.files_seen
    assert got.findings == expected.findings
