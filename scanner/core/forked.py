"""A worker process made with a bare `os.fork` (Linux): what a pre-commit scan can afford.

`multiprocessing` costs ~10 ms of imports before its first fork, a third of a 10-file pre-commit
scan's budget to spare; a bare fork with two pipes and a pidfd costs ~2 ms. The objects here
offer the few methods scanner.core.parallel uses of `multiprocessing`'s Process and Connection
(send/recv/poll/fileno/close; is_alive/kill/join/exitcode/sentinel), so the supervisor is the
same for both; elsewhere (other systems, a process with threads) it uses `multiprocessing`.
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

_HEADER = struct.Struct("!Q")
_OPEN_FDS: set[int] = set()  # the parent's ends of every live worker's pipes: closed in each new child


def available() -> bool:
    """Linux with pidfds (kernel 5.3+), and no other thread in this process (forking one is unsafe)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open") or threading.active_count() != 1:
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:  # an older kernel
        return False
    return True


class Channel:
    """Length-prefixed pickles over a pair of pipes."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd

    def fileno(self) -> int:
        return self.read_fd

    def send(self, obj: object) -> None:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(self.write_fd, view):]

    def recv(self) -> Any:
        (size,) = _HEADER.unpack(self._read(_HEADER.size))
        return pickle.loads(self._read(size))

    def _read(self, size: int) -> bytes:
        parts = []
        while size:
            chunk = os.read(self.read_fd, min(size, 1 << 20))
            if not chunk:
                raise EOFError("the worker closed its pipe")
            parts.append(chunk)
            size -= len(chunk)
        return b"".join(parts)

    def poll(self) -> bool:
        return bool(select.select([self.read_fd], [], [], 0)[0])

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            _OPEN_FDS.discard(fd)
            with suppress(OSError):
                os.close(fd)


class ForkedProcess:
    """The child runs `target(channel, beat, *args)` and leaves with os._exit; `sentinel` is a pidfd."""

    def __init__(self, target: Callable[..., None], args: tuple[Any, ...]) -> None:
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        self.beat = memoryview(mmap.mmap(-1, 16)).cast("d")  # shared: [started, index]
        self.beat[1] = -1.0
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; coverage does not follow it
            code = 1
            try:
                for fd in (*_OPEN_FDS, from_parent, to_parent):
                    with suppress(OSError):
                        os.close(fd)
                target(Channel(to_child, from_child), self.beat, *args)
                code = 0
            finally:
                os._exit(code)
        os.close(to_child)
        os.close(from_child)
        self.pid = pid
        self.exitcode: int | None = None
        self.sentinel = os.pidfd_open(pid)
        _OPEN_FDS.update((to_parent, from_parent, self.sentinel))
        self.conn = Channel(to_parent, from_parent)

    def is_alive(self) -> bool:
        if self.exitcode is not None:
            return False
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.exitcode = os.waitstatus_to_exitcode(status)
        _OPEN_FDS.discard(self.sentinel)
        with suppress(OSError):
            os.close(self.sentinel)
        return False

    def kill(self) -> None:
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def join(self, timeout: float) -> None:
        end = time.monotonic() + timeout
        while self.is_alive() and time.monotonic() < end:
            select.select([self.sentinel], [], [], max(0.0, end - time.monotonic()))
