"""Route and analyze: the error boundary between files and the scan.

For each file the core reads the bytes once, opens archives itself, runs the prefilter once,
asks every analyzer `wants()`, hands the wanting ones the in-memory file, and matches the facts.
Any failure inside an analyzer becomes a Notification; findings already made are kept.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from scanner import __version__
from scanner.analyzers.interface import Analyzer, FileInput, decode_text
from scanner.analyzers.registry import build_analyzers
from scanner.archives import ArchiveBudget, Member, archive_kind, iter_members
from scanner.config import ScanConfig, find_srcroot
from scanner.errors import AnalysisError, LimitExceeded
from scanner.fingerprint import line_hashes_at, stable_hash
from scanner.match import MatchIndex, finding_for, match_facts
from scanner.model import Fact, Finding, Level, Notification, ScanResult, ScanStats, SkipReason
from scanner.prefilter import Needles, Prefilter
from scanner.redact import redact, snippet_around
from scanner.rules import RuleSet, load_packs
from scanner.rules.loader import default_signature_dir
from scanner.walk import FileRef, Walker, WalkOptions

if TYPE_CHECKING:
    import multiprocessing.context

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
    files: int = 1  # a worker merges its batch into one outcome: less to pickle per file
    candidates: int = 0  # candidate files in a merged outcome (`candidate` is per file)


class FileTimeout(Exception):
    """Raised inside an analyzer when the per-file time budget runs out."""


_HAS_ITIMER = hasattr(signal, "setitimer")
_ALARM_INSTALLED = False  # True while `alarm_handler()` holds SIGALRM for a whole scan


def _on_alarm(signum: int, frame: object) -> None:
    raise FileTimeout()


@contextmanager
def alarm_handler() -> Iterator[None]:
    """Install the SIGALRM handler once for many files: `signal.signal` per file cost ~10 us each."""
    global _ALARM_INSTALLED
    main = threading.current_thread() is threading.main_thread()
    if _ALARM_INSTALLED or not hasattr(signal, "setitimer") or not main:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _ALARM_INSTALLED = True
    try:
        yield
    finally:
        _ALARM_INSTALLED = False
        signal.signal(signal.SIGALRM, previous)


class time_budget:
    """SIGALRM-based budget (main thread, POSIX); elsewhere the budget is not enforced here.

    A class, not a generator: it is entered once per file, and a @contextmanager costs ~3x more.
    """

    __slots__ = ("installed", "previous", "seconds", "usable")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.previous: object = None
        self.installed = False
        self.usable = seconds > 0 and _HAS_ITIMER and threading.current_thread() is threading.main_thread()

    def __enter__(self) -> None:
        if not self.usable:
            return
        if not _ALARM_INSTALLED:  # else the handler is already in place: only arm the timer
            self.previous = signal.signal(signal.SIGALRM, _on_alarm)
            self.installed = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if not self.usable:
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        if self.installed:
            signal.signal(signal.SIGALRM, self.previous)  # type: ignore[arg-type]


def read_capped(path: str, size_hint: int, cap: int) -> bytes:
    """Read a whole file, at most `cap` + 1 bytes (one more shows it is over the cap).

    Asks the OS for the stat'ed size + 1 first: `read(cap + 1)` would make Python allocate (and
    the kernel map and unmap) `cap` bytes for every file, which made reading 10x slower.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        want = min(size_hint, cap) + 1
        data = os.read(fd, want)
        if len(data) < want:
            return data  # end of file
        parts = [data]  # the file grew since it was stat'ed (or a short read): go on to EOF or the cap
        total = len(data)
        while total <= cap:
            chunk = os.read(fd, min(cap + 1 - total, 1024 * 1024))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


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
        self._all_need_candidates = all(a.needs_candidates for a in self.analyzers)
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
            data = read_capped(ref.abspath, ref.size, limits.max_file_size)
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
            elif self._all_need_candidates or all(a.needs_candidates for a in wanting):
                return  # nothing can match: no FileInput, no analyzer loop
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
        hashes: dict[int, str] | None = None
        for rule, fact in pairs:
            finding = finding_for(rule, fact)
            loc = fact.location
            snippet = ""
            line_hash: str
            if file.is_text and loc.has_lines:
                snippet = snippet_around(file.line_text(loc.start_line), loc.start_column)
                if not file.members:
                    if hashes is None:  # only the lines with findings: hashing every line is slow
                        hashes = line_hashes_at(file.text, (f.location.start_line for _, f in pairs))
                    line_hash = hashes.get(loc.start_line) or stable_hash(rule.id, loc.path, fact.value)
                else:
                    line_hash = stable_hash(rule.id, loc.display_path, snippet or fact.value)
            else:
                line_hash = stable_hash(rule.id, loc.display_path, fact.value)
            outcome.findings.append(_replace(finding, snippet=snippet, line_hash=line_hash,
                                             evidence=redact(finding.evidence),
                                             message=redact(finding.message)))


def _replace(finding: Finding, **changes: object) -> Finding:
    from dataclasses import replace

    return replace(finding, **changes)  # type: ignore[arg-type]


# -- the whole scan -----------------------------------------------------------------------------

_WORKER: Scanner | None = None


def _worker_init(config: ScanConfig, ruleset: RuleSet, scanner: Scanner | None = None) -> None:
    """`scanner` is the parent's, inherited through fork (not pickled): no second compile."""
    global _WORKER, _ALARM_INSTALLED
    _WORKER = scanner if scanner is not None else Scanner(config, ruleset)
    if hasattr(signal, "setitimer"):  # a worker is ours for its whole life: install the handler once
        signal.signal(signal.SIGALRM, _on_alarm)
        _ALARM_INSTALLED = True


def _worker_batch(refs: list[FileRef]) -> list[FileOutcome]:
    """One merged outcome for the batch (pickling an empty outcome per file cost more than the scan)."""
    assert _WORKER is not None
    merged = FileOutcome(files=0)
    for ref in refs:
        one = _WORKER.scan_file(ref)
        merged.findings.extend(one.findings)
        merged.notifications.extend(one.notifications)
        merged.bytes_read += one.bytes_read
        merged.members += one.members
        merged.candidates += int(one.candidate)
        merged.files += 1
    return [merged]


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

    refs: Iterator[FileRef]
    if config.files is not None:
        explicit, notes = _explicit_files(config)
        notifications.extend(notes)
        refs = iter(explicit)
        walker: Walker | None = None
    else:
        walker = Walker(WalkOptions(excludes=config.excludes, respect_gitignore=config.respect_gitignore))
        refs = walker.walk(config.roots, srcroot)  # streamed: workers start while the walk goes on

    def absorb(outcome: FileOutcome) -> None:
        findings.extend(outcome.findings)
        notifications.extend(outcome.notifications)
        stats.bytes_read += outcome.bytes_read
        stats.archive_members += outcome.members
        stats.candidate_files += outcome.candidates if outcome.files != 1 else int(outcome.candidate)
        stats.files_analyzed += outcome.files

    jobs = config.jobs or (os.cpu_count() or 1)
    head = list(itertools.islice(refs, PARALLEL_THRESHOLD))
    if jobs <= 1 or len(head) < PARALLEL_THRESHOLD:
        serial = [*head, *refs]
        total = len(serial)
        with alarm_handler():
            for n, ref in enumerate(serial, 1):
                absorb(scanner.scan_file(ref))
                if progress:
                    progress(n, total)
    else:
        _parallel(config, scanner, itertools.chain(head, refs), jobs, absorb, progress,
                  (lambda: walker.files_seen) if walker is not None else None)
    stats.files_seen = walker.files_seen if walker is not None else stats.files_analyzed
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


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork on Linux when this process has no other thread: workers inherit the compiled scanner
    and start in milliseconds. Elsewhere forkserver (POSIX) or spawn."""
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")


def _parallel(config: ScanConfig, scanner: Scanner, refs: Iterable[FileRef], jobs: int,
              absorb: Callable[[FileOutcome], None], progress: Callable[[int, int], None] | None,
              seen: Callable[[], int] | None = None) -> None:
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = _pool_context()
    ruleset = scanner.ruleset
    inherited = scanner if ctx.get_start_method() == "fork" else None
    done = 0
    batches = _batches(refs)
    pending: dict[Future[list[FileOutcome]], list[FileRef]] = {}
    max_pending = jobs * 4  # bounded: the walk runs ahead of the workers, memory does not grow with the tree

    def collect(block: bool) -> None:
        nonlocal done
        finished, _ = wait(pending, timeout=None if block else 0, return_when=FIRST_COMPLETED)
        for future in finished:
            for outcome in future.result():
                absorb(outcome)
            done += len(pending.pop(future))
            if progress:
                progress(done, seen() if seen is not None else done)

    broken = False
    unsent: list[FileRef] = []  # a batch taken from the walk whose submit failed
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                             initargs=(config, ruleset, inherited)) as pool:
        try:
            for batch in batches:
                unsent = batch
                pending[pool.submit(_worker_batch, batch)] = batch
                unsent = []
                collect(block=len(pending) >= max_pending)
            while pending:
                collect(block=True)
        except BrokenProcessPool:
            broken = True
    if broken:
        # A worker died (a crash in native code, the OOM killer): redo what it held one file at a
        # time in a fresh single-worker pool so only the guilty file is lost, and say which;
        # what the walk had not handed out yet goes through a fresh pool as usual.
        _isolate(config, ruleset, [r for b in pending.values() for r in b], absorb)
        rest = [*unsent, *(r for b in batches for r in b)]
        if rest:
            _parallel(config, scanner, rest, jobs, absorb, progress, seen)


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
