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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner import __version__
from scanner.analyzers.interface import Analyzer, FileInput, decode_text
from scanner.analyzers.registry import build_analyzers
from scanner.config import ScanConfig, find_srcroot
from scanner.core.archives import ArchiveBudget, Member, archive_kind, iter_members
from scanner.core.match import MatchIndex, finding_for, match_facts
from scanner.core.prefilter import Needles, Prefilter
from scanner.core.walk import FileRef, Walker, WalkOptions
from scanner.errors import AnalysisError, LimitExceeded
from scanner.findings.fingerprint import line_hashes_at, stable_hash
from scanner.findings.redact import redact, snippet_around
from scanner.findings.suppress import InlineSuppressions
from scanner.model import Fact, Finding, Level, Notification, ScanResult, ScanStats, SkipReason
from scanner.rules import RuleSet, load_packs
from scanner.rules.loader import default_signature_dir

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


class FileTimeout(BaseException):
    """Raised inside an analyzer when the per-file time budget runs out.

    A BaseException, so an analyzer's own `except Exception` cannot swallow the stop.
    `reported`: the engine already wrote the notification (it knows which analyzer was stopped).
    """

    def __init__(self, reported: bool = False) -> None:
        super().__init__()
        self.reported = reported


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

    def __init__(self, config: ScanConfig, ruleset: RuleSet | None = None,
                 analyzer_classes: Sequence[type[Analyzer]] | None = None) -> None:
        self.config = config
        if ruleset is None:
            dirs = [default_signature_dir(), *config.signature_dirs]
            ruleset = load_packs(dirs, enable=config.enable_packs, disable=config.disable_packs)
        self.ruleset = ruleset
        self.index = MatchIndex.compile(ruleset)
        self.needles = Needles.from_rules(ruleset)
        self.prefilter = Prefilter(self.needles, engine=config.prefilter_engine)
        # analyzer_classes: what the parent process resolved from the registry, so worker processes
        # run the same analyzers (and a test's registry override reaches them)
        self.analyzers: tuple[Analyzer, ...] = (
            build_analyzers() if analyzer_classes is None else tuple(cls() for cls in analyzer_classes))
        self._candidate_free = tuple(a for a in self.analyzers if not a.needs_candidates)
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
        self._guarded(ref.path, data, outcome)
        return outcome

    def scan_bytes(self, path: str, data: bytes) -> FileOutcome:
        """Scan content that is not on disk (tests, stdin, fuzzing); same pipeline as scan_file."""
        outcome = FileOutcome(bytes_read=len(data))
        self._guarded(path, data, outcome)
        return outcome

    def _guarded(self, path: str, data: bytes, outcome: FileOutcome) -> None:
        """The per-file error boundary: nothing a file does escapes as an exception.

        Findings already made for the file (earlier archive members, earlier analyzers) stay in
        `outcome`; the stop itself becomes a notification.
        """
        limits = self.limits
        budget = ArchiveBudget(remaining=limits.max_archive_total, members_left=limits.max_archive_members)
        try:
            with time_budget(limits.file_timeout):
                self._process(path, (), data, 0, budget, outcome)
                if budget.notes_dropped:
                    outcome.notifications.append(Notification(
                        path, SkipReason.LIMIT,
                        f"{path}: {budget.notes_dropped} more archive problems like the ones above are not listed"))
        except FileTimeout as exc:
            if not exc.reported:
                outcome.notifications.append(Notification(
                    path, SkipReason.TIMEOUT,
                    f"{path}: analysis stopped after the {limits.file_timeout:g}-second per-file budget; "
                    f"findings made before the stop are kept"))
        except MemoryError:
            outcome.notifications.append(Notification(
                path, SkipReason.LIMIT, f"{path}: ran out of memory while analyzing; file skipped", Level.ERROR))
        except RecursionError:
            outcome.notifications.append(Notification(
                path, SkipReason.LIMIT, f"{path}: nesting too deep to analyze; file skipped"))
        except Exception as exc:  # a core bug met a hostile file: lose the file, never the scan
            outcome.notifications.append(Notification(
                path, SkipReason.ANALYZER_ERROR,
                f"{path}: internal error while analyzing: {type(exc).__name__}: {exc}", Level.ERROR))

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
        # The prefilter first (one hyperscan pass): without a hit only the few analyzers that need
        # no candidate are even asked, so routing costs nothing for the files that cannot match.
        hits = self.prefilter.hits(data)
        if hits:
            outcome.candidate = True
        pool = self.analyzers if hits else self._candidate_free
        wanting = [a for a in pool if a.wants(inner, text)]
        if not wanting:
            return
        if text and len(data) > self.limits.max_line_length:
            wanting = self._long_lines(shown, data, wanting, outcome)
        file = FileInput(path=path, members=members, data=data, is_text=text, hits=hits,
                         needles=self.needles, limits=self.limits)
        facts: list[tuple[int, Fact]] = []
        stopped: FileTimeout | None = None
        for analyzer in wanting:
            if analyzer.needs_candidates and not hits:
                continue
            try:
                for fact in analyzer.analyze(file):
                    facts.append((analyzer.priority, fact))
            except FileTimeout:
                # keep what this and earlier analyzers found; the rest of the file is not analyzed
                outcome.notifications.append(Notification(
                    shown, SkipReason.TIMEOUT,
                    f"{shown}: {analyzer.name} stopped after the {self.limits.file_timeout:g}-second per-file "
                    f"budget; findings made before the stop are kept", Level.WARNING, analyzer.name))
                stopped = FileTimeout(reported=True)
                break
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
        if stopped is not None:
            raise stopped

    def _long_lines(self, shown: str, data: bytes, wanting: list[Analyzer],
                    outcome: FileOutcome) -> list[Analyzer]:
        """Analyzers that declare `handles_long_lines = False` skip files with a line over the limit.

        A parser whose cost explodes on a 50 MB one-line file says so with that flag; the file then
        goes only to the others (token matching stays linear and still finds hosts and URLs).
        Analyzers that check `file.limits.max_line_length` themselves (the tree-sitter ones fall
        back to token matching) leave the flag unset.
        """
        parsers = [a for a in wanting if getattr(a, "handles_long_lines", True) is False]
        if not parsers:
            return wanting
        limit = self.limits.max_line_length
        longest = _longest_line(data, limit)
        if longest <= limit:
            return wanting
        outcome.notifications.append(Notification(
            shown, SkipReason.LIMIT,
            f"{shown}: a line of {longest} bytes is over the {limit}-byte line length limit; "
            f"{', '.join(a.name for a in parsers)} not run", Level.NOTE))
        return [a for a in wanting if a not in parsers]

    def _open_archive(self, kind: str, path: str, members: tuple[str, ...], data: bytes, depth: int,
                      budget: ArchiveBudget, outcome: FileOutcome) -> None:
        shown = "!/".join((path, *members))
        if depth >= self.limits.max_archive_depth:
            _archive_note(budget, outcome, Notification(
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
                    _archive_note(budget, outcome, Notification(
                        where, SkipReason.LIMIT if item.is_limit else SkipReason.PARSE_ERROR,
                        f"{where}: {item.message}"))
        except AnalysisError as exc:
            reason = SkipReason.LIMIT if isinstance(exc, LimitExceeded) else SkipReason.PARSE_ERROR
            level = Level.WARNING if kind != "gzip" or isinstance(exc, LimitExceeded) else Level.NOTE
            outcome.notifications.append(Notification(shown, reason, f"{shown}: {exc}", level))
        except (FileTimeout, MemoryError, RecursionError):
            raise
        except Exception as exc:  # the archive reader met something the checks did not foresee
            outcome.notifications.append(Notification(
                shown, SkipReason.PARSE_ERROR, f"{shown}: archive could not be read: {type(exc).__name__}: {exc}"))

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
        inline = InlineSuppressions.for_data(file.data, file.line_text) \
            if file.is_text and self.config.inline_suppressions else None
        for rule, fact in pairs:
            finding = finding_for(rule, fact)
            loc = fact.location
            snippet = ""
            line_hash: str
            if file.is_text and loc.has_lines:
                snippet = snippet_around(file.line_text(loc.start_line), loc.start_column)
                if not file.members and len(file.data) <= LINE_HASH_MAX_BYTES:
                    if hashes is None:  # only the lines with findings: hashing every line is slow
                        hashes = line_hashes_at(file.text, (f.location.start_line for _, f in pairs))
                    line_hash = hashes.get(loc.start_line) or stable_hash(rule.id, loc.path, fact.value)
                else:
                    line_hash = stable_hash(rule.id, loc.display_path, snippet or fact.value)
            else:
                line_hash = stable_hash(rule.id, loc.display_path, fact.value)
            suppressed = inline.lookup(loc.start_line, rule.id) if inline is not None and loc.has_lines else None
            outcome.findings.append(_replace(finding, snippet=snippet, line_hash=line_hash, value=redact(finding.value),
                                             evidence=redact(finding.evidence),
                                             message=redact(finding.message), suppressed=suppressed))


# GitHub-style line hashes cost ~1.5 us per character in Python: past this size a finding gets the
# content-based fingerprint instead (GitHub recomputes line hashes for files it can read anyway).
LINE_HASH_MAX_BYTES = 4 * 1024 * 1024
MAX_ARCHIVE_NOTES = 50  # per top-level file: a 42.zip must not turn into a million notifications


def _archive_note(budget: ArchiveBudget, outcome: FileOutcome, note: Notification) -> None:
    if budget.notes < MAX_ARCHIVE_NOTES:
        budget.notes += 1
        outcome.notifications.append(note)
    else:
        budget.notes_dropped += 1


def _longest_line(data: bytes, stop_above: int) -> int:
    """Length of the longest line, or of the first line found longer than `stop_above`."""
    longest = 0
    start = 0
    find = data.find
    while True:
        end = find(b"\n", start)
        length = (len(data) if end == -1 else end) - start
        if length > longest:
            longest = length
            if longest > stop_above:
                return longest
        if end == -1:
            return longest
        start = end + 1


def _replace(finding: Finding, **changes: object) -> Finding:
    from dataclasses import replace

    return replace(finding, **changes)  # type: ignore[arg-type]


# -- the whole scan -----------------------------------------------------------------------------

_WORKER: Scanner | None = None
# Shared with the parent: per worker slot [started (monotonic, 0 = idle), pid, batch id, index in batch].
# The parent's watchdog reads it to kill a worker stuck past the budget in native code, where
# SIGALRM cannot interrupt, and to know which files were in progress when a worker crashed.
_HEARTBEAT: Any = None
_SLOT = 0
HEARTBEAT_FIELDS = 4
KILL_GRACE = 5.0  # seconds past the per-file budget before the parent kills a worker
WORKER_STARTUP_TIMEOUT = 120.0  # seconds for a fresh worker to load signatures and analyzers


def _worker_init(config: ScanConfig, ruleset: RuleSet, analyzer_classes: Sequence[type[Analyzer]] | None = None,
                 heartbeat: Any = None, slots: Any = None, scanner: Scanner | None = None) -> None:
    """`scanner` is the parent's, inherited through fork (not pickled): no second compile."""
    global _WORKER, _HEARTBEAT, _SLOT, _ALARM_INSTALLED
    _WORKER = scanner if scanner is not None else Scanner(config, ruleset, analyzer_classes)
    if _HAS_ITIMER:  # a worker is ours for its whole life: install the SIGALRM handler once
        signal.signal(signal.SIGALRM, _on_alarm)
        _ALARM_INSTALLED = True
    if heartbeat is not None and slots is not None:
        with slots.get_lock():
            _SLOT = slots.value % (len(heartbeat) // HEARTBEAT_FIELDS)
            slots.value += 1
        _HEARTBEAT = heartbeat


def _beat(batch_id: int, index: int) -> None:
    """Tell the parent which file this worker is on and since when; index -1: idle."""
    if _HEARTBEAT is None:
        return
    base = _SLOT * HEARTBEAT_FIELDS
    _HEARTBEAT[base] = 0.0  # the parent ignores a slot while it is being written
    _HEARTBEAT[base + 1] = float(os.getpid())
    _HEARTBEAT[base + 2] = float(batch_id)
    _HEARTBEAT[base + 3] = float(index)
    _HEARTBEAT[base] = time.monotonic() if index >= 0 else 0.0


def _worker_batch(refs: list[FileRef], batch_id: int = -1) -> list[FileOutcome]:
    """One merged outcome for the batch (pickling an outcome per file cost more than the scan)."""
    assert _WORKER is not None
    merged = FileOutcome(files=0)
    for index, ref in enumerate(refs):
        _beat(batch_id, index)
        one = _WORKER.scan_file(ref)
        merged.findings.extend(one.findings)
        merged.notifications.extend(one.notifications)
        merged.bytes_read += one.bytes_read
        merged.members += one.members
        merged.candidates += int(one.candidate)
        merged.files += 1
    _beat(batch_id, -1)
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
    from scanner.core.walk import is_excluded

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
                  tuple(type(a) for a in scanner.analyzers))
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
              analyzer_classes: Sequence[type[Analyzer]] | None = None) -> None:
    """Batches in a process pool; a worker that crashes or hangs costs one file, not the scan.

    The walk is streamed: batches are handed to the workers as the walk finds them, so scanning
    starts at once and the walk overlaps it. A file past its budget in Python code is stopped by
    SIGALRM inside the worker. A worker stuck in native code (or killed by a segfault, `os._exit`,
    the OOM killer) breaks the pool: the file it held is found through the heartbeat and retried
    alone in an isolated worker (hung files are reported, not retried), the pool is restarted for
    everything else, and results already returned are kept. On Linux the workers are forked with
    the parent's compiled scanner.
    """
    ctx = _pool_context()
    ruleset = scanner.ruleset
    inherited = scanner if ctx.get_start_method() == "fork" else None
    done = 0
    pulled = 0

    def counted(stream: Iterable[FileRef]) -> Iterator[FileRef]:
        nonlocal pulled
        for ref in stream:
            pulled += 1
            yield ref

    def batch_done(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, max(pulled, done))

    more: Iterator[list[FileRef]] | None = _batches(counted(refs))
    pending: list[list[FileRef]] = []
    isolate: list[FileRef] = []
    for _round in range(8):  # each round ends with every batch done or at least one file taken out
        if not pending and more is None:
            break
        pending, suspects, hung = _pool_round(ctx, config, ruleset, analyzer_classes, pending, jobs, absorb,
                                              batch_done, inherited, more)
        more = None  # the first round drained the walk
        for ref in hung:
            absorb(FileOutcome(notifications=[_hung_note(ref, config.limits.file_timeout)]))
            batch_done(1)
        if pending and not suspects and not hung:
            break  # the pool broke without saying where (a worker died while starting): go one by one
        taken = set(suspects) | set(hung)
        isolate.extend(suspects)
        pending = [kept for kept in ([r for r in b if r not in taken] for b in pending) if kept]
    isolate.extend(r for b in pending for r in b)
    if isolate:
        _isolate(config, ruleset, isolate, absorb, analyzer_classes, batch_done)


def _pool_round(ctx: Any, config: ScanConfig, ruleset: RuleSet, analyzer_classes: Sequence[type[Analyzer]] | None,
                batches: list[list[FileRef]], jobs: int, absorb: Callable[[FileOutcome], None],
                batch_done: Callable[[int], None], inherited: Scanner | None = None,
                more: Iterator[list[FileRef]] | None = None,
                ) -> tuple[list[list[FileRef]], list[FileRef], list[FileRef]]:
    """One pool over `batches` and then `more` (pulled while the workers run, at most a few batches
    ahead). Returns (unfinished batches, crash suspects, files killed for hanging)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    batches = list(batches)
    workers = max(1, jobs if more is not None else min(jobs, len(batches)))
    heartbeat = ctx.Array("d", workers * HEARTBEAT_FIELDS, lock=False)
    slots = ctx.Value("i", 0)
    deadline = _kill_deadline(config.limits.file_timeout)
    unfinished = dict(enumerate(batches))
    hung: list[FileRef] = []
    killed: set[int] = set()
    broken = False
    max_pending = workers * 4  # the walk runs ahead of the workers, memory does not grow with the tree

    def take(future: Future[list[FileOutcome]], batch_id: int) -> bool:
        try:
            outcomes = future.result()
        except BrokenProcessPool:
            return False
        for outcome in outcomes:
            absorb(outcome)
        batch_done(len(unfinished.pop(batch_id)))
        return True

    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init,
                             initargs=(config, ruleset, analyzer_classes, heartbeat, slots, inherited)) as pool:
        futures: dict[Future[list[FileOutcome]], int] = {}
        waiting: set[Future[list[FileOutcome]]] = set()

        def submit(batch: list[FileRef], batch_id: int) -> bool:
            """False when the pool broke meanwhile (a worker died): the batch waits for the next round."""
            nonlocal broken
            try:
                future = pool.submit(_worker_batch, batch, batch_id)
            except BrokenProcessPool:
                broken = True
                return False
            futures[future] = batch_id
            waiting.add(future)
            return True

        def feed() -> None:
            nonlocal more
            while more is not None and len(waiting) < max_pending and not broken:
                batch = next(more, None)
                if batch is None:
                    more = None
                    return
                batch_id = len(batches)
                batches.append(batch)
                unfinished[batch_id] = batch
                submit(batch, batch_id)

        for batch_id, batch in list(unfinished.items()):
            if not submit(batch, batch_id):
                break

        feed()
        while waiting and not broken:
            finished, still = wait(waiting, timeout=1.0 if deadline else None, return_when=FIRST_COMPLETED)
            waiting.clear()
            waiting.update(still)
            for future in finished:
                broken = not take(future, futures[future]) or broken
            if broken:
                continue
            feed()
            if deadline is None:
                continue
            children = {p.pid for p in multiprocessing.active_children()}
            for pid, batch_id, index in _overdue(heartbeat, deadline):
                if pid in children and pid not in killed and batch_id in unfinished:
                    killed.add(pid)
                    hung.append(batches[batch_id][index])
                    os.kill(pid, signal.SIGKILL)
        # a batch may have finished between the break and the shutdown: keep its results
        for future, batch_id in futures.items():
            if batch_id in unfinished and future.done() and not future.cancelled() and future.exception() is None:
                take(future, batch_id)
    if more is not None:  # the pool broke before the walk ended: the rest goes to the next round
        for batch in more:
            unfinished[len(batches)] = batch
            batches.append(batch)
    suspects: list[FileRef] = []
    if broken:
        for pid, batch_id, index in _overdue(heartbeat, -1.0):
            ref = batches[batch_id][index] if batch_id in unfinished else None
            if ref is not None and ref not in hung and pid not in killed:
                suspects.append(ref)
    return list(unfinished.values()), suspects, hung


def _kill_deadline(file_timeout: float) -> float | None:
    """Seconds after which the parent kills a worker stuck on one file: SIGALRM gets the first chance."""
    if file_timeout <= 0:
        return None
    return file_timeout + max(KILL_GRACE, file_timeout / 2)


def _overdue(heartbeat: Any, deadline: float) -> Iterator[tuple[int, int, int]]:
    """(pid, batch id, index) of every worker busy on one file for more than `deadline` seconds."""
    now = time.monotonic()
    for base in range(0, len(heartbeat), HEARTBEAT_FIELDS):
        started = heartbeat[base]
        if started > 0 and now - started > deadline:
            index = int(heartbeat[base + 3])
            if index >= 0:
                yield int(heartbeat[base + 1]), int(heartbeat[base + 2]), index


def _hung_note(ref: FileRef, file_timeout: float) -> Notification:
    return Notification(
        ref.path, SkipReason.TIMEOUT,
        f"{ref.path}: analysis did not stop within the {file_timeout:g}-second per-file budget (stuck in "
        f"native code?); its worker was killed and the file skipped", Level.ERROR)


def _isolated_main(conn: Any, config: ScanConfig, ruleset: RuleSet,
                   analyzer_classes: Sequence[type[Analyzer]] | None) -> None:
    scanner = Scanner(config, ruleset, analyzer_classes)
    conn.send(None)  # ready
    while True:
        try:
            ref = conn.recv()
        except EOFError:
            return
        if ref is None:
            return
        conn.send(scanner.scan_file(ref))


class _IsolatedWorker:
    """One worker process, one file at a time; killed and replaced when a file crashes or hangs it."""

    def __init__(self, config: ScanConfig, ruleset: RuleSet,
                 analyzer_classes: Sequence[type[Analyzer]] | None) -> None:
        import multiprocessing

        self.ctx: Any = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        self.args = (config, ruleset, analyzer_classes)
        self.deadline = _kill_deadline(config.limits.file_timeout)
        self.file_timeout = config.limits.file_timeout
        self.proc: Any = None
        self.conn: Any = None

    def _start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_isolated_main, args=(child, *self.args), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        if not parent.poll(WORKER_STARTUP_TIMEOUT):
            raise EOFError("worker did not start")
        parent.recv()

    def scan(self, ref: FileRef) -> FileOutcome:
        try:
            if self.proc is None:
                self._start()
            self.conn.send(ref)
            if self.conn.poll(self.deadline):
                return self.conn.recv()
            self.stop(kill=True)
            return FileOutcome(notifications=[_hung_note(ref, self.file_timeout)])
        except (EOFError, OSError):
            code = self.stop(kill=True)
        how = f"exit code {code}"
        if code is not None and code < 0:
            try:
                how = f"signal {signal.Signals(-code).name}"
            except ValueError:
                how = f"signal {-code}"
        return FileOutcome(notifications=[Notification(
            ref.path, SkipReason.ANALYZER_ERROR,
            f"{ref.path}: the worker analyzing this file died ({how}); file skipped", Level.ERROR)])

    def stop(self, kill: bool = False) -> int | None:
        proc, conn = self.proc, self.conn
        self.proc = self.conn = None
        if proc is None:
            return None
        if not kill:
            with suppress(OSError):
                conn.send(None)
            proc.join(5)
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        conn.close()
        return proc.exitcode


def _isolate(config: ScanConfig, ruleset: RuleSet, refs: list[FileRef], absorb: Callable[[FileOutcome], None],
             analyzer_classes: Sequence[type[Analyzer]] | None = None,
             batch_done: Callable[[int], None] | None = None) -> None:
    """Each file alone in a worker that is replaced when the file kills or hangs it."""
    worker = _IsolatedWorker(config, ruleset, analyzer_classes)
    try:
        for ref in refs:
            absorb(worker.scan(ref))
            if batch_done:
                batch_done(1)
    finally:
        worker.stop()


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
