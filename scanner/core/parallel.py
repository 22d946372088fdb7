"""Worker processes: batches in a pool, a heartbeat watchdog, and isolation of files that crash.

The only module-level state of the scanner lives here, in the worker bootstrap: each worker
process holds its Scanner and its heartbeat slot for its whole life.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from scanner.analyzers.interface import Analyzer
from scanner.config import ScanConfig
from scanner.core.budget import install_alarm
from scanner.core.scanner import FileOutcome, Scanner
from scanner.core.walk import FileRef
from scanner.model import Level, Notification, SkipReason
from scanner.rules import RuleSet

if TYPE_CHECKING:
    import multiprocessing.context

BATCH_BYTES = 8 * 1024 * 1024
BATCH_FILES = 256
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
    global _WORKER, _HEARTBEAT, _SLOT
    _WORKER = scanner if scanner is not None else Scanner(config, ruleset, analyzer_classes)
    install_alarm()
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


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork on Linux when this process has no other thread: workers inherit the compiled scanner
    and start in milliseconds. Elsewhere forkserver (POSIX) or spawn."""
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")


def parallel_scan(config: ScanConfig, scanner: Scanner, refs: Iterable[FileRef], jobs: int,
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

