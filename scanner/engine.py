"""Route and analyze: the error boundary between files and the scan.

For each file the core reads the bytes once, opens archives itself, runs the prefilter once,
asks every analyzer `wants()`, hands the wanting ones the in-memory file, and matches the facts.
Any failure inside an analyzer becomes a Notification; findings already made are kept.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scanner import __version__
from scanner.analyzers.interface import Analyzer, FileInput, decode_text
from scanner.analyzers.registry import build_analyzers
from scanner.archives import ArchiveBudget, Member, archive_kind, iter_members
from scanner.config import ScanConfig, find_srcroot
from scanner.errors import AnalysisError, LimitExceeded
from scanner.fingerprint import line_hashes, stable_hash
from scanner.match import MatchIndex, finding_for, match_facts
from scanner.model import Fact, Finding, Level, Notification, ScanResult, ScanStats, SkipReason
from scanner.prefilter import Needles, Prefilter
from scanner.redact import redact, snippet_around
from scanner.rules import RuleSet, load_packs
from scanner.rules.loader import default_signature_dir
from scanner.suppress import InlineSuppressions
from scanner.walk import FileRef, Walker, WalkOptions

SNIFF_BYTES = 8192
PARALLEL_THRESHOLD = 64  # fewer files than this: no worker processes (pre-commit stays fast)
BATCH_BYTES = 8 * 1024 * 1024
BATCH_FILES = 256


def is_text(data: bytes) -> bool:
    """Text vs binary by content: no NUL in the first 8 KiB, or a UTF-16/32 byte-order mark."""
    head = data[:SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    return b"\x00" not in head


@dataclass
class FileOutcome:
    findings: list[Finding] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    bytes_read: int = 0
    members: int = 0
    candidate: bool = False


class FileTimeout(Exception):
    """Raised inside an analyzer when the per-file time budget runs out."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """SIGALRM-based budget (main thread, POSIX); elsewhere the budget is not enforced here."""
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise FileTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Scanner:
    """Compiled signatures + analyzers; scans files. Cheap to build in each worker process."""

    def __init__(self, config: ScanConfig, ruleset: RuleSet | None = None) -> None:
        self.config = config
        if ruleset is None:
            dirs = [default_signature_dir(), *config.signature_dirs]
            ruleset = load_packs(dirs, enable=config.enable_packs, disable=config.disable_packs)
        self.ruleset = ruleset
        self.index = MatchIndex.compile(ruleset)
        self.needles = Needles.from_rules(ruleset)
        self.prefilter = Prefilter(self.needles, engine=config.prefilter_engine)
        self.analyzers: tuple[Analyzer, ...] = build_analyzers()
        self.limits = config.limits

    # -- one file -------------------------------------------------------------------------------

    def scan_file(self, ref: FileRef) -> FileOutcome:
        outcome = FileOutcome()
        limits = self.limits
        if ref.size > limits.max_file_size:
            outcome.notifications.append(Notification(
                ref.path, SkipReason.TOO_LARGE,
                f"{ref.path}: {ref.size} bytes is over the {limits.max_file_size}-byte file size limit; not read"))
            return outcome
        try:
            with open(ref.abspath, "rb") as handle:
                data = handle.read(limits.max_file_size + 1)
        except OSError as exc:
            outcome.notifications.append(Notification(
                ref.path, SkipReason.UNREADABLE, f"{ref.path}: cannot read: {exc.strerror or exc}"))
            return outcome
        if len(data) > limits.max_file_size:
            outcome.notifications.append(Notification(
                ref.path, SkipReason.TOO_LARGE,
                f"{ref.path}: grew past the {limits.max_file_size}-byte file size limit while read; not read"))
            return outcome
        outcome.bytes_read = len(data)
        budget = ArchiveBudget(remaining=limits.max_archive_total, members_left=limits.max_archive_members)
        try:
            with time_budget(limits.file_timeout):
                self._process(ref.path, (), data, 0, budget, outcome)
        except FileTimeout:
            outcome.notifications.append(Notification(
                ref.path, SkipReason.TIMEOUT,
                f"{ref.path}: analysis stopped after the {limits.file_timeout:g}-second per-file budget; "
                f"findings made before the stop are kept"))
        return outcome

    def scan_bytes(self, path: str, data: bytes) -> FileOutcome:
        """Scan content that is not on disk (tests, stdin, fuzzing); same pipeline as scan_file."""
        outcome = FileOutcome(bytes_read=len(data))
        budget = ArchiveBudget(remaining=self.limits.max_archive_total, members_left=self.limits.max_archive_members)
        self._process(path, (), data, 0, budget, outcome)
        return outcome

    def _process(self, path: str, members: tuple[str, ...], data: bytes, depth: int,
                 budget: ArchiveBudget, outcome: FileOutcome) -> None:
        inner = members[-1] if members else path
        shown = "!/".join((path, *members))
        kind = archive_kind(inner, data[:512])
        if kind is not None:
            self._open_archive(kind, path, members, data, depth, budget, outcome)
        text = is_text(data)
        if text and data.startswith((b"\xff\xfe", b"\xfe\xff")):
            data = decode_text(data).encode("utf-8")  # UTF-16/32 text: analyzers and the prefilter see UTF-8
        wanting = [a for a in self.analyzers if a.wants(inner, text)]
        if not wanting:
            return
        hits: list[tuple[int, int]] = []
        if any(a.needs_candidates for a in wanting):
            hits = self.prefilter.hits(data)
            if hits:
                outcome.candidate = True
        file = FileInput(path=path, members=members, data=data, is_text=text, hits=hits,
                         needles=self.needles, limits=self.limits)
        facts: list[tuple[int, Fact]] = []
        for analyzer in wanting:
            if analyzer.needs_candidates and not hits:
                continue
            try:
                facts.extend((analyzer.priority, f) for f in analyzer.analyze(file))
            except FileTimeout:
                raise
            except LimitExceeded as exc:
                outcome.notifications.append(Notification(shown, SkipReason.LIMIT, f"{shown}: {exc}",
                                                          Level.WARNING, analyzer.name))
            except AnalysisError as exc:
                outcome.notifications.append(Notification(shown, SkipReason.PARSE_ERROR, f"{shown}: {exc}",
                                                          Level.WARNING, analyzer.name))
            except RecursionError:
                outcome.notifications.append(Notification(
                    shown, SkipReason.LIMIT, f"{shown}: nesting too deep to analyze", Level.WARNING, analyzer.name))
            except Exception as exc:  # the error boundary: one bad file never stops the scan
                outcome.notifications.append(Notification(
                    shown, SkipReason.ANALYZER_ERROR,
                    f"{shown}: {analyzer.name} failed: {type(exc).__name__}: {exc}", Level.ERROR, analyzer.name))
        outcome.notifications.extend(file.notifications)
        if facts:
            self._findings(file, facts, outcome)

    def _open_archive(self, kind: str, path: str, members: tuple[str, ...], data: bytes, depth: int,
                      budget: ArchiveBudget, outcome: FileOutcome) -> None:
        shown = "!/".join((path, *members))
        if depth >= self.limits.max_archive_depth:
            outcome.notifications.append(Notification(
                shown, SkipReason.LIMIT,
                f"{shown}: archive nested {depth} levels deep, over the limit of "
                f"{self.limits.max_archive_depth}; not opened"))
            return
        try:
            for item in iter_members(kind, members[-1] if members else path, data, self.limits, budget):
                if isinstance(item, Member):
                    outcome.members += 1
                    self._process(path, (*members, item.name), item.data, depth + 1, budget, outcome)
                else:
                    where = f"{shown}!/{item.name}" if item.name else shown
                    outcome.notifications.append(Notification(
                        where, SkipReason.LIMIT if item.is_limit else SkipReason.PARSE_ERROR,
                        f"{where}: {item.message}"))
        except AnalysisError as exc:
            reason = SkipReason.LIMIT if isinstance(exc, LimitExceeded) else SkipReason.PARSE_ERROR
            level = Level.WARNING if kind != "gzip" or isinstance(exc, LimitExceeded) else Level.NOTE
            outcome.notifications.append(Notification(shown, reason, f"{shown}: {exc}", level))

    def _findings(self, file: FileInput, facts: list[tuple[int, Fact]], outcome: FileOutcome) -> None:
        # Two analyzers may report the same span (generic text vs a language parser): keep the
        # one that knows more about the context.
        best: dict[tuple[object, ...], tuple[int, Fact]] = {}
        for priority, fact in facts:
            loc = fact.location
            key = (fact.kind, fact.value, loc.start_line, loc.start_column, loc.byte_offset, loc.members)
            if key not in best or priority > best[key][0]:
                best[key] = (priority, fact)
        pairs = match_facts(self.index, (f for _, f in best.values()))
        if not pairs:
            return
        hashes: list[str] | None = None
        inline = InlineSuppressions.for_data(file.data, file.line_text) \
            if file.is_text and self.config.inline_suppressions else None
        for rule, fact in pairs:
            finding = finding_for(rule, fact)
            loc = fact.location
            snippet = ""
            line_hash: str
            if file.is_text and loc.has_lines:
                snippet = snippet_around(file.line_text(loc.start_line), loc.start_column)
                if not file.members:
                    if hashes is None:
                        hashes = line_hashes(file.text)
                    line_hash = hashes[loc.start_line - 1] if loc.start_line <= len(hashes) else \
                        stable_hash(rule.id, loc.path, fact.value)
                else:
                    line_hash = stable_hash(rule.id, loc.display_path, snippet or fact.value)
            else:
                line_hash = stable_hash(rule.id, loc.display_path, fact.value)
            suppressed = inline.lookup(loc.start_line, rule.id) if inline is not None and loc.has_lines else None
            outcome.findings.append(_replace(finding, snippet=snippet, line_hash=line_hash, value=redact(finding.value),
                                             evidence=redact(finding.evidence),
                                             message=redact(finding.message), suppressed=suppressed))


def _replace(finding: Finding, **changes: object) -> Finding:
    from dataclasses import replace

    return replace(finding, **changes)  # type: ignore[arg-type]


# -- the whole scan -----------------------------------------------------------------------------

_WORKER: Scanner | None = None


def _worker_init(config: ScanConfig, ruleset: RuleSet) -> None:
    global _WORKER
    _WORKER = Scanner(config, ruleset)


def _worker_batch(refs: list[FileRef]) -> list[FileOutcome]:
    assert _WORKER is not None
    return [_WORKER.scan_file(ref) for ref in refs]


def _batches(refs: Iterable[FileRef]) -> Iterator[list[FileRef]]:
    batch: list[FileRef] = []
    size = 0
    for ref in refs:
        batch.append(ref)
        size += ref.size
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _explicit_files(config: ScanConfig) -> tuple[list[FileRef], list[Notification]]:
    """Files named one by one (pre-commit, --staged): no directory walk."""
    base = Path(config.srcroot or (config.roots[0] if config.roots else ".")).resolve()
    refs: list[FileRef] = []
    notes: list[Notification] = []
    from scanner.walk import is_excluded

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
        import stat as stat_mod

        if stat_mod.S_ISLNK(st.st_mode):
            notes.append(Notification(rel, SkipReason.SYMLINK, f"{rel}: symbolic link; not followed", Level.NOTE))
            continue
        if not stat_mod.S_ISREG(st.st_mode):
            continue
        refs.append(FileRef(root=str(base), path=rel, abspath=str(abspath), size=st.st_size))
    return refs, notes


def run_scan(config: ScanConfig, ruleset: RuleSet | None = None,
             progress: Callable[[int, int], None] | None = None) -> ScanResult:
    """Walk, route, analyze, match; returns a sorted, deterministic ScanResult."""
    started = time.monotonic()
    start_utc = _utc_now()
    scanner = Scanner(config, ruleset)
    srcroot = config.srcroot or find_srcroot(config.roots[0] if config.roots else ".")
    stats = ScanStats()
    findings: list[Finding] = []
    notifications: list[Notification] = []

    if config.files is not None:
        refs, notes = _explicit_files(config)
        notifications.extend(notes)
        stats.files_seen = len(refs)
        walker: Walker | None = None
    else:
        walker = Walker(WalkOptions(excludes=config.excludes, respect_gitignore=config.respect_gitignore))
        refs = list(walker.walk(config.roots, srcroot))
        stats.files_seen = walker.files_seen

    def absorb(outcome: FileOutcome) -> None:
        findings.extend(outcome.findings)
        notifications.extend(outcome.notifications)
        stats.bytes_read += outcome.bytes_read
        stats.archive_members += outcome.members
        stats.candidate_files += int(outcome.candidate)
        stats.files_analyzed += 1

    jobs = config.jobs or (os.cpu_count() or 1)
    total = len(refs)
    if jobs <= 1 or total < PARALLEL_THRESHOLD:
        for n, ref in enumerate(refs, 1):
            absorb(scanner.scan_file(ref))
            if progress:
                progress(n, total)
    else:
        _parallel(config, scanner.ruleset, refs, jobs, absorb, progress)
    if walker is not None:
        notifications.extend(walker.notifications)

    findings = _dedupe(findings)
    findings.sort(key=lambda f: f.sort_key)
    notifications = sorted(set(notifications))
    stats.duration_seconds = time.monotonic() - started
    return ScanResult(
        roots=tuple(str(r) for r in config.roots),
        findings=findings,
        notifications=notifications,
        stats=stats,
        analyzers=tuple((a.name, a.version) for a in scanner.analyzers),
        packs=tuple((p.name, p.version) for p in scanner.ruleset.packs),
        rules=scanner.ruleset.rules,
        start_time_utc=start_utc,
        end_time_utc=_utc_now(),
        successful=True,
        extra={
            "tool_version": __version__,
            "prefilter": scanner.prefilter.engine,
            "srcroot": srcroot,
            "prohibitions": {p.name: p.prohibition_markdown for p in scanner.ruleset.packs},
        },
    )


def _parallel(config: ScanConfig, ruleset: RuleSet, refs: Sequence[FileRef], jobs: int,
              absorb: Callable[[FileOutcome], None], progress: Callable[[int, int], None] | None) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    done = 0
    batches = list(_batches(refs))
    pending_batches = list(batches)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                             initargs=(config, ruleset)) as pool:
        futures = {pool.submit(_worker_batch, batch): batch for batch in batches}
        try:
            for future in as_completed(futures):
                for outcome in future.result():
                    absorb(outcome)
                pending_batches.remove(futures[future])
                done += len(futures[future])
                if progress:
                    progress(done, len(refs))
        except BrokenProcessPool:
            pass
    if pending_batches:
        # A worker died (a crash in native code, the OOM killer): redo what it held one file at a
        # time in a fresh single-worker pool so only the guilty file is lost, and say which.
        _isolate(config, ruleset, [r for b in pending_batches for r in b], absorb)


def _isolate(config: ScanConfig, ruleset: RuleSet, refs: list[FileRef],
             absorb: Callable[[FileOutcome], None]) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    for ref in refs:
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_worker_init,
                                 initargs=(config, ruleset)) as pool:
            try:
                for outcome in pool.submit(_worker_batch, [ref]).result(timeout=config.limits.file_timeout * 2 + 30):
                    absorb(outcome)
            except (BrokenProcessPool, TimeoutError) as exc:
                absorb(FileOutcome(notifications=[Notification(
                    ref.path, SkipReason.ANALYZER_ERROR,
                    f"{ref.path}: the worker analyzing this file died ({type(exc).__name__}); file skipped",
                    Level.ERROR)]))


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


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def level_counts(findings: Iterable[Finding]) -> dict[Level, int]:
    counts = {lvl: 0 for lvl in Level}
    for f in findings:
        counts[f.level] += 1
    return counts
