"""Scan workers: every file is analyzed in a supervised worker process, in every mode.

Native parsers (libcst, tree-sitter) can neither be interrupted by SIGALRM nor survived when they
overflow their stack or exhaust memory, so no file is analyzed in the scanning process itself:
a serial scan (`--jobs 1`, one file, an audit's repository) has one worker, any other `--jobs N`
(a pre-commit run's few files spread over them in small batches).
On Linux a worker is forked from the parent with its compiled scanner (a few milliseconds, no
interpreter start, no second compile) and lives for the whole scan, taking batches of files.

A worker that dies (segfault, abort, the memory cap, the OOM killer) or is killed by the
watchdog for running past the per-file budget costs one file, never the scan: the heartbeat
says which file it held; the rest of its batch is redone by a fresh worker; the culprit is
retried alone, then (or at once, for a hang) alone without native parsers, where the token-level
fallback still reports TikTok identifiers and hosts. A file that stops even that worker is
reported as lost, with the reason. The only module-level state of the scanner lives in the
worker bootstrap (scanner.core.native's switch).
"""

from __future__ import annotations

import os
import resource
import select
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from scanner.analyzers.interface import Analyzer
from scanner.config import ScanConfig
from scanner.core import forked
from scanner.core.budget import install_alarm
from scanner.core.native import PARSE_CALLS, allow_native_parsers
from scanner.core.scanner import FileOutcome, Scanner
from scanner.core.walk import FileRef
from scanner.model import Level, Notification, SkipReason
from scanner.rules import RuleSet

BATCH_BYTES = 8 * 1024 * 1024
BATCH_FILES = 256
KILL_GRACE = 5.0  # seconds past the per-file budget before the parent kills a worker
WORKER_MEMORY = 1536 * 1024 * 1024  # address space a worker may add to what it had when it started
START_FAILURES = 3  # workers in a row that die before their first file: the scan cannot use workers


@dataclass(frozen=True)
class Blob:
    """Content that is not a file on disk (a bare mirror's blob): scanned with `scan_bytes`."""

    path: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


Item = FileRef | Blob


def _scan_one(scanner: Scanner, item: Item) -> FileOutcome:
    return scanner.scan_file(item) if isinstance(item, FileRef) else scanner.scan_bytes(item.path, item.data)


# -- the worker process -------------------------------------------------------------------------


def _limit_memory(extra: int) -> None:
    """RLIMIT_AS at the current size plus `extra`: a parser asking for gigabytes gets an
    allocation failure (MemoryError, or an abort the parent survives) instead of the machine."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = size + extra
        if soft != resource.RLIM_INFINITY:
            want = min(want, soft)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (OSError, ValueError):  # no /proc (not Linux) or a limit we may not set: no cap
        pass


def _serve(conn: Any, beat: Any, scanner: Scanner | None, config: ScanConfig, ruleset: RuleSet,
           analyzer_classes: Sequence[Callable[[], Analyzer]] | None, memory: int) -> None:
    """The worker's loop: (items, safe) in, one merged FileOutcome out per batch.

    `beat` is shared with the parent: [started (monotonic, 0 = idle), index of the file in progress].
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit_memory(memory)
    install_alarm()
    if scanner is None:  # not forked: build our own (forkserver, spawn)
        scanner = Scanner(config, ruleset, analyzer_classes)
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        items, safe = msg
        allow_native_parsers(not safe)
        parsed = PARSE_CALLS.copy()
        merged = FileOutcome(files=0)
        for index, item in enumerate(items):
            beat[0] = 0.0  # the parent ignores the slot while it is being written
            beat[1] = float(index)
            beat[0] = time.monotonic()
            one = _scan_one(scanner, item)
            merged.findings.extend(one.findings)
            merged.notifications.extend(one.notifications)
            merged.bytes_read += one.bytes_read
            merged.members += one.members
            merged.candidates += int(one.candidate)
            merged.files += 1
        beat[0] = 0.0
        beat[1] = -1.0
        merged.parses = dict(PARSE_CALLS - parsed)
        conn.send(merged)


# -- the parent's side --------------------------------------------------------------------------


@dataclass
class _Job:
    items: list[Item]
    safe: bool = False  # native parsers off: the retry of a file that stopped a worker
    alone: bool = False  # a culprit retried in isolation
    cause: Notification | None = None  # why this file is being retried (reported with its result)


@dataclass
class _Worker:
    proc: Any
    conn: Any
    beat: Any
    job: _Job | None = None
    served: int = 0  # batches finished: 0 when it dies means it never got going

    def stop(self, kill: bool = True) -> int | None:
        if self.proc.is_alive():
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()
        return int(self.proc.exitcode) if self.proc.exitcode is not None else None


def _context() -> Any:
    """Where scanner.core.forked cannot fork: multiprocessing's fork when this process has no other
    thread (workers inherit the compiled scanner), else forkserver (POSIX) or spawn."""
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")


class WorkerPool:
    """`jobs` supervised workers; `run` feeds them batches and absorbs what they return."""

    def __init__(self, config: ScanConfig, scanner: Scanner, jobs: int, batch_files: int = BATCH_FILES) -> None:
        self.config = config
        self.scanner = scanner
        self.jobs = max(1, jobs)
        self.batch_files = max(1, batch_files)
        self.ctx = None if forked.available() else _context()
        self.file_timeout = config.limits.file_timeout
        self.deadline = _kill_deadline(self.file_timeout)
        self.start_failures = 0

    def _start(self) -> _Worker:
        if self.ctx is None:  # a bare fork: ~2 ms, no multiprocessing imports
            proc = forked.ForkedProcess(_serve, (self.scanner, self.config, self.scanner.ruleset,
                                                 self.scanner.factories, WORKER_MEMORY))
            return _Worker(proc, proc.conn, proc.beat)
        parent, child = self.ctx.Pipe()
        beat = self.ctx.RawArray("d", 2)
        beat[1] = -1.0
        inherited = self.scanner if self.ctx.get_start_method() == "fork" else None
        proc = self.ctx.Process(target=_serve, daemon=True, args=(
            child, beat, inherited, self.config, self.scanner.ruleset, self.scanner.factories, WORKER_MEMORY))
        proc.start()
        child.close()
        return _Worker(proc, parent, beat)

    def run(self, items: Iterable[Item], absorb: Callable[[FileOutcome], None],
            progress: Callable[[int, int], None] | None = None) -> None:
        pulled = done = 0

        def counted() -> Iterator[Item]:
            nonlocal pulled
            for item in items:
                pulled += 1
                yield item

        stream: Iterator[list[Item]] | None = _batches(counted(), self.batch_files)
        queue: deque[_Job] = deque()
        workers: list[_Worker | None] = [None] * self.jobs

        def finished(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, max(pulled, done))

        def next_job() -> _Job | None:
            nonlocal stream
            if queue:
                return queue.popleft()
            if stream is not None:
                batch = next(stream, None)
                if batch is not None:
                    return _Job(batch)
                stream = None
            return None

        try:
            while True:
                for slot, worker in enumerate(workers):
                    if worker is not None and worker.job is not None:
                        continue
                    job = next_job()
                    if job is None:
                        break
                    if worker is None:
                        worker = workers[slot] = self._start()
                    worker.job = job
                    worker.beat[0], worker.beat[1] = 0.0, -1.0
                    with suppress(OSError):  # it died meanwhile: the job is redone below
                        worker.conn.send((job.items, job.safe))
                busy = [w for w in workers if w is not None and w.job is not None]
                if not busy:
                    return
                if not queue and stream is not None:  # walk one batch ahead while the workers scan
                    ahead = next_job()
                    if ahead is not None:
                        queue.append(ahead)
                ready = set(select.select([x for w in busy for x in (w.conn, w.proc.sentinel)], [], [],
                                          1.0 if self.deadline else None)[0])
                now = time.monotonic()
                for slot, worker in enumerate(workers):
                    if worker is None or worker.job is None:
                        continue
                    job = worker.job
                    if worker.conn in ready or worker.proc.sentinel in ready:
                        outcome = _receive(worker)
                        if outcome is not None:
                            worker.job = None
                            worker.served += 1
                            self.start_failures = 0
                            PARSE_CALLS.update(outcome.parses)
                            absorb(outcome)
                            if job.cause is not None:
                                absorb(FileOutcome(notifications=[job.cause], files=0))
                            finished(len(job.items))
                            continue
                        workers[slot] = None
                        self._lost(worker, job, queue, absorb, finished, hung=False)
                    elif self.deadline is not None and 0 < worker.beat[0] < now - self.deadline:
                        workers[slot] = None
                        self._lost(worker, job, queue, absorb, finished, hung=True)
        finally:
            for worker in workers:
                if worker is not None:
                    worker.stop()

    def _lost(self, worker: _Worker, job: _Job, queue: deque[_Job], absorb: Callable[[FileOutcome], None],
              finished: Callable[[int], None], hung: bool) -> None:
        """A worker died or was killed holding `job`: find the culprit, requeue the rest."""
        index = int(worker.beat[1])
        code = worker.stop(kill=True)
        items = job.items
        if index < 0 and len(items) == 1:
            index = 0
        if index < 0:  # it died before its first file (while starting): each file goes alone
            self.start_failures += 1 if worker.served == 0 else 0
            if self.start_failures >= START_FAILURES:
                for item in items:
                    absorb(FileOutcome(notifications=[_death_note(item.path, code, lost=True, starting=True)]))
                finished(len(items))
                return
            queue.extendleft(_Job([item], job.safe, alone=True, cause=job.cause) for item in reversed(items))
            return
        culprit = items[index]
        rest = items[:index] + items[index + 1:]
        if rest:  # their results died with the worker: done again
            queue.appendleft(_Job(rest, job.safe, job.alone))
        cause = job.cause or (_hung_note(culprit.path, self.file_timeout, lost=False) if hung
                              else _death_note(culprit.path, code, lost=False))
        if not job.safe and (hung or job.alone):
            queue.appendleft(_Job([culprit], safe=True, alone=True, cause=cause))
        elif not job.safe:
            queue.appendleft(_Job([culprit], alone=True))
        else:
            note = _hung_note(culprit.path, self.file_timeout, lost=True) if hung \
                else _death_note(culprit.path, code, lost=True)
            if job.cause is not None and job.cause.reason != note.reason:  # it hung first, then died (or so)
                note = Notification(note.path, note.reason, f"{note.message} (before that: "
                                    f"{job.cause.message.removeprefix(culprit.path + ': ')})", note.level)
            absorb(FileOutcome(notifications=[note]))
            finished(1)


def _receive(worker: _Worker) -> FileOutcome | None:
    """The worker's result, or None when it died instead of answering."""
    try:
        if worker.conn.poll():
            result: FileOutcome = worker.conn.recv()
            return result
    except (EOFError, OSError):
        return None
    if worker.proc.is_alive():  # woken by the sentinel of a process that is still exiting
        worker.proc.join(1)
    return None


def parallel_scan(config: ScanConfig, scanner: Scanner, refs: Iterable[Item], jobs: int,
                  absorb: Callable[[FileOutcome], None], progress: Callable[[int, int], None] | None,
                  batch_files: int = BATCH_FILES) -> None:
    """Scan `refs` in `jobs` supervised workers (one for a serial scan); see the module docstring.

    Workers run `scanner`'s analyzers: inherited by a fork, or built from `scanner.factories`."""
    WorkerPool(config, scanner, jobs, batch_files).run(refs, absorb, progress)


def _batches(refs: Iterable[Item], batch_files: int = BATCH_FILES) -> Iterator[list[Item]]:
    batch: list[Item] = []
    size = 0
    for ref in refs:
        batch.append(ref)
        size += ref.size
        if len(batch) >= batch_files or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _kill_deadline(file_timeout: float) -> float | None:
    """Seconds after which the parent kills a worker stuck on one file: SIGALRM gets the first chance."""
    if file_timeout <= 0:
        return None
    return file_timeout + max(KILL_GRACE, file_timeout / 2)


_RETRIED = "analyzed again without native parsers (tokens matched instead of parsing)"


def _hung_note(path: str, file_timeout: float, lost: bool) -> Notification:
    what = f"{path}: analysis did not stop within the {file_timeout:g}-second per-file budget (stuck in native code?); "
    if lost:
        return Notification(path, SkipReason.TIMEOUT, what + "its worker was killed and the file skipped", Level.ERROR)
    return Notification(path, SkipReason.TIMEOUT, what + "its worker was killed and the file " + _RETRIED,
                        Level.WARNING)


def _death_note(path: str, code: int | None, lost: bool, starting: bool = False) -> Notification:
    how = f"exit code {code}"
    if code is not None and code < 0:
        try:
            how = f"signal {signal.Signals(-code).name}"
        except ValueError:
            how = f"signal {-code}"
    if starting:
        return Notification(path, SkipReason.ANALYZER_ERROR,
                            f"{path}: scan workers die while starting ({how}); file skipped", Level.ERROR)
    what = f"{path}: the worker analyzing this file died ({how}); "
    if lost:
        return Notification(path, SkipReason.ANALYZER_ERROR, what + "file skipped", Level.ERROR)
    return Notification(path, SkipReason.ANALYZER_ERROR, what + "the file was " + _RETRIED, Level.WARNING)
