"""The fast path (hyperscan, worker processes, batches, exact-size reads, line hashes for the
finding lines only) gives exactly what a straightforward reference path gives."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from scanner.config import ScanConfig
from scanner.core.run import _dedupe, run_scan
from scanner.core.scanner import Scanner
from scanner.core.walk import Walker
from scanner.findings.fingerprint import line_hashes
from scanner.model import Finding, Notification


def _reference(root: Path) -> tuple[list[Finding], list[Notification]]:
    """One file at a time, whole-file `read_bytes`, the `re` prefilter, no workers, no batches."""
    config = ScanConfig(roots=[str(root)], jobs=1, prefilter_engine="re", srcroot=str(root))
    scanner = Scanner(config)
    assert scanner.prefilter.engine == "re"
    walker = Walker()
    findings: list[Finding] = []
    notes: list[Notification] = []
    for ref in walker.walk([root], str(root)):
        outcome = scanner.scan_bytes(ref.path, Path(ref.abspath).read_bytes())
        findings.extend(outcome.findings)
        notes.extend(outcome.notifications)
    findings = _dedupe(findings)
    findings.sort(key=lambda f: f.sort_key)
    return findings, sorted(set(notes + walker.notifications))


def test_fast_path_matches_reference(speed_corpus: Path) -> None:
    fast = run_scan(ScanConfig(roots=[str(speed_corpus)], jobs=2, srcroot=str(speed_corpus)))
    # hyperscan where it has a wheel; elsewhere `auto` is the `re` prefilter (test_prefilter_engines)
    assert fast.extra["prefilter"] == ("hyperscan" if importlib.util.find_spec("hyperscan") else "re")
    ref_findings, ref_notes = _reference(speed_corpus)
    assert len(fast.findings) >= 20  # the corpus has hits in plain files, archives and UTF-16 text
    assert {f.location.members != () for f in fast.findings} == {True, False}
    assert fast.findings == ref_findings
    assert fast.notifications == ref_notes


def test_serial_and_parallel_agree(speed_corpus: Path) -> None:
    one = run_scan(ScanConfig(roots=[str(speed_corpus)], jobs=1, srcroot=str(speed_corpus)))
    two = run_scan(ScanConfig(roots=[str(speed_corpus)], jobs=2, srcroot=str(speed_corpus)))
    assert one.findings == two.findings
    assert one.notifications == two.notifications
    for field in ("files_seen", "files_analyzed", "bytes_read", "archive_members", "candidate_files"):
        assert getattr(one.stats, field) == getattr(two.stats, field), field
    assert two.stats.files_analyzed == two.stats.files_seen > 300


def test_line_hashes_are_githubs_for_every_finding(speed_corpus: Path) -> None:
    """Findings carry the hash of the full-file algorithm, counters included (same line twice)."""
    result = run_scan(ScanConfig(roots=[str(speed_corpus)], jobs=1, srcroot=str(speed_corpus)))
    checked = 0
    counters = set()
    for f in result.findings:
        if f.location.members or not f.location.has_lines:
            continue
        data = (speed_corpus / f.location.path).read_bytes()
        if data.startswith(b"\xff\xfe"):
            continue  # UTF-16 is re-encoded before analysis; the hash is over the decoded text below
        from scanner.analyzers.interface import decode_text

        expected = line_hashes(decode_text(data))[f.location.start_line - 1]
        assert f.line_hash == expected, (f.location, f.line_hash, expected)
        counters.add(expected.rsplit(":", 1)[1])
        checked += 1
    assert checked >= 20
    assert {"1", "2"} <= counters
