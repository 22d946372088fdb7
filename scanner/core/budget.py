"""The per-file time budget and capped reads: what keeps one file from holding the scan.

Past the budget, Python code is interrupted by SIGALRM (main thread, POSIX). Whether the handler
is in place is read from the signal module itself, so no module state is needed.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class FileTimeout(BaseException):
    """Raised inside an analyzer when the per-file time budget runs out.

    A BaseException, so an analyzer's own `except Exception` cannot swallow the stop.
    `reported`: the engine already wrote the notification (it knows which analyzer was stopped).
    """

    def __init__(self, reported: bool = False) -> None:
        super().__init__()
        self.reported = reported



_HAS_ITIMER = hasattr(signal, "setitimer")


def _on_alarm(signum: int, frame: object) -> None:
    raise FileTimeout()


def install_alarm() -> None:
    """For a worker process, which is ours for its whole life: the handler stays in place."""
    if _HAS_ITIMER:
        signal.signal(signal.SIGALRM, _on_alarm)


try:  # the C function: `signal.getsignal` wraps its answer in an enum lookup that costs ~2 us per file
    from _signal import getsignal as _getsignal
except ImportError:  # pragma: no cover - not CPython
    _getsignal = signal.getsignal


def _alarm_installed() -> bool:
    return _HAS_ITIMER and _getsignal(signal.SIGALRM) is _on_alarm


@contextmanager
def alarm_handler() -> Iterator[None]:
    """Install the SIGALRM handler once for many files: `signal.signal` per file cost ~10 us each."""
    main = threading.current_thread() is threading.main_thread()
    if not _HAS_ITIMER or not main or _alarm_installed():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        yield
    finally:
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
        if not _alarm_installed():  # else the handler is already in place: only arm the timer
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

