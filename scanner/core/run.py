"""The whole scan: walk (or the named files), scan each file in supervised workers, build the result."""

from __future__ import annotations

import itertools
import os
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

from scanner import __version__
from scanner.config import ScanConfig, find_srcroot
from scanner.core.parallel import BATCH_FILES, parallel_scan
from scanner.core.scanner import FileOutcome, Scanner
from scanner.core.walk import FileRef, Walker, WalkOptions, is_excluded
from scanner.model import Finding, Level, Notification, ScanResult, ScanStats, SkipReason
from scanner.rules import RuleSet

# Files read before the workers start. Fewer than this and the whole input is known (pre-commit,
# --staged, a small tree): it is cut in batches of a few files so every worker gets some (a worker is
# a ~3 ms fork, and a pre-commit run's four Python files then parse on two cores).
PARALLEL_THRESHOLD = 64


def _explicit_files(config: ScanConfig) -> tuple[list[FileRef], list[Notification]]:
    """Files named one by one (pre-commit, --staged): no directory walk."""
    base = Path(config.srcroot or (config.roots[0] if config.roots else ".")).resolve()
    refs: list[FileRef] = []
    notes: list[Notification] = []
    for name in config.files or []:
        rel = Path(name).as_posix()
        if config.excludes and is_excluded(rel, config.excludes):
            continue
        abspath = base / name
        try:
            st = abspath.lstat()
        except OSError as exc:
            notes.append(Notification(rel, SkipReason.UNREADABLE, f"{rel}: cannot read: {exc.strerror}"))
            continue
        if stat.S_ISLNK(st.st_mode):
            notes.append(Notification(rel, SkipReason.SYMLINK, f"{rel}: symbolic link; not followed", Level.NOTE))
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        refs.append(FileRef(root=str(base), path=rel, abspath=str(abspath), size=st.st_size))
    return refs, notes


def collector(findings: list[Finding], notifications: list[Notification], stats: ScanStats
              ) -> Callable[[FileOutcome], None]:
    """What a worker's outcome adds to a scan's findings, notifications and counts."""

    def absorb(outcome: FileOutcome) -> None:
        findings.extend(outcome.findings)
        notifications.extend(outcome.notifications)
        stats.bytes_read += outcome.bytes_read
        stats.archive_members += outcome.members
        stats.candidate_files += outcome.candidates if outcome.files != 1 else int(outcome.candidate)
        stats.files_analyzed += outcome.files

    return absorb


def run_scan(config: ScanConfig, ruleset: RuleSet | None = None,
             progress: Callable[[int, int], None] | None = None) -> ScanResult:
    """Walk, route, analyze, match; returns a sorted, deterministic ScanResult."""
    started = time.monotonic()
    start_utc = utc_now()
    scanner = Scanner(config, ruleset)
    srcroot = config.srcroot or find_srcroot(config.roots[0] if config.roots else ".")
    stats = ScanStats()
    findings: list[Finding] = []
    notifications: list[Notification] = []

    refs: Iterator[FileRef]
    if config.files is not None:
        explicit, notes = _explicit_files(config)
        notifications.extend(notes)
        refs = iter(explicit)
        walker: Walker | None = None
    else:
        walker = Walker(WalkOptions(excludes=config.excludes, respect_gitignore=config.respect_gitignore))
        refs = walker.walk(config.roots, srcroot)  # streamed: workers start while the walk goes on

    absorb = collector(findings, notifications, stats)

    jobs = config.jobs or (os.cpu_count() or 1)
    head = list(itertools.islice(refs, PARALLEL_THRESHOLD))
    # Never in this process: a native parser that crashes or hangs must cost one file, not the scan.
    workers = 1 if jobs <= 1 or len(head) < 2 else jobs
    batch_files = -(-len(head) // (2 * workers)) if len(head) < PARALLEL_THRESHOLD else BATCH_FILES
    parallel_scan(config, scanner, itertools.chain(head, refs), workers, absorb, progress, batch_files)
    stats.files_seen = walker.files_seen if walker is not None else stats.files_analyzed
    if walker is not None:
        notifications.extend(walker.notifications)

    return build_result(config.roots, scanner, findings, notifications, stats, start_utc, started,
                        extra={"tool_version": __version__, "prefilter": scanner.prefilter.engine,
                               "srcroot": srcroot})


def build_result(roots: Sequence[str], scanner: Scanner, findings: list[Finding], notifications: list[Notification],
                 stats: ScanStats, start_utc: str, started: float, extra: dict[str, object]) -> ScanResult:
    """The ScanResult of a finished scan: findings deduplicated and sorted, notifications sorted.

    Every scan ends here (the walk, named files, an audit's bare mirror), so results compare.
    """
    findings = _dedupe(findings)
    findings.sort(key=lambda f: f.sort_key)
    stats.duration_seconds = time.monotonic() - started
    return ScanResult(
        roots=tuple(str(r) for r in roots),
        findings=findings,
        notifications=sorted(set(notifications)),
        stats=stats,
        analyzers=tuple((a.name, a.version) for a in scanner.analyzers),
        packs=tuple((p.name, p.version) for p in scanner.ruleset.packs),
        rules=scanner.ruleset.rules,
        start_time_utc=start_utc,
        end_time_utc=utc_now(),
        successful=True,
        extra={**extra, "prohibitions": {p.name: p.prohibition_markdown for p in scanner.ruleset.packs}},
    )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for f in findings:
        key = (f.rule_id, f.location)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

