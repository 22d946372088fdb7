"""Analyzer test doubles that misbehave on purpose, each on one file name only.

Injected by monkeypatching `scanner.analyzers.registry.ANALYZERS` in the parent process; the engine
ships the resolved classes to its worker processes, so the override reaches them too. Each double
first reports a real TikTok host on line 1 (so a test can check that findings made before the
failure are kept), then fails in its own way.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.model import Context, Fact, FactKind

PLANTED_HOST = "open.tiktokapis.com"  # TT301, error level, in code context


class _Double:
    name: ClassVar[str] = "test/double"
    version: ClassVar[str] = "0"
    priority: ClassVar[int] = 1
    needs_candidates: ClassVar[bool] = False
    handles_long_lines: ClassVar[bool] = True
    target: ClassVar[str] = ""

    def wants(self, path: str, is_text: bool) -> bool:
        return path.rsplit("/", 1)[-1] == self.target

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        yield Fact(FactKind.HOST, PLANTED_HOST, file.location(0, 1), Context.CODE, self.name, PLANTED_HOST)
        self.misbehave()

    def misbehave(self) -> None:
        raise NotImplementedError


class PythonLoop(_Double):
    """Spins in Python and swallows every Exception: only a BaseException stop gets out."""

    name = "test/python-loop"
    target = "python-loop.txt"

    def misbehave(self) -> None:
        n = 0
        while True:
            try:
                n += 1
            except Exception:  # the point: an analyzer that swallows errors
                continue


class NativeHang(_Double):
    """Stuck where SIGALRM cannot reach (the signal is blocked, as in a C library's tight loop)."""

    name = "test/native-hang"
    target = "native-hang.txt"

    def misbehave(self) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            time.sleep(3600)


class HardExit(_Double):
    """The process vanishes (os._exit in a native extension, the OOM killer)."""

    name = "test/hard-exit"
    target = "hard-exit.txt"

    def misbehave(self) -> None:
        os._exit(3)


class Segfault(_Double):
    """A segmentation fault in native code."""

    name = "test/segfault"
    target = "segfault.txt"

    def misbehave(self) -> None:
        ctypes.string_at(0)


class Raises(_Double):
    """An ordinary bug: an exception that is not a ParseError."""

    name = "test/raises"
    target = "raises.txt"

    def misbehave(self) -> None:
        raise KeyError("boom")


class DeepRecursion(_Double):
    name = "test/deep-recursion"
    target = "deep-recursion.txt"

    def misbehave(self) -> None:
        def down(n: int) -> int:
            return down(n + 1) + 1

        down(0)


class NativeParserCrash(_Double):
    """A native parser that segfaults on this file: only while native parsers are allowed, as a real
    one does (a worker's retry without native parsers never calls it)."""

    name = "test/native-parser-crash"
    target = "native-parser-crash.txt"

    def misbehave(self) -> None:
        from scanner.core.native import native_parsers_allowed

        if native_parsers_allowed():
            ctypes.string_at(0)


class NativeParserHang(_Double):
    """A native parser stuck on this file where SIGALRM cannot reach it, while native parsers are allowed."""

    name = "test/native-parser-hang"
    target = "native-parser-hang.txt"

    def misbehave(self) -> None:
        from scanner.core.native import native_parsers_allowed

        if native_parsers_allowed():
            NativeHang.misbehave(self)  # type: ignore[arg-type]


class MemoryHog(_Double):
    """Asks for 4 GiB at once, as a parser on a pathological input does (3.7 GB in tree-sitter-kotlin)."""

    name = "test/memory-hog"
    target = "memory-hog.txt"

    def misbehave(self) -> None:
        hog = bytearray(4 * 1024**3)
        hog[-1] = 1


ALL_DOUBLES = (PythonLoop, NativeHang, HardExit, Segfault, Raises, DeepRecursion, NativeParserCrash,
               NativeParserHang, MemoryHog)
IN_PROCESS_SAFE = (PythonLoop, Raises, DeepRecursion)  # the others would take the test process down
