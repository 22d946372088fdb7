"""One audit hook for the whole test session: every program this process starts, while watched.

Audit hooks cannot be removed, so the hook is installed once, when this module is first imported
(always as `tests.process_starts`), and records only inside `watching()`. Child processes
are watched by `child_hook/sitecustomize.py` (see CHILD_HOOK_DIR).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# the audit events CPython raises when a process starts or forks (sys.addaudithook documentation)
EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
          "pty.spawn", "os.startfile"}


@dataclass(frozen=True)
class Start:
    event: str
    program: str  # "" for a fork, which runs no new program
    argv: tuple[str, ...]
    env: dict[str, str] | None = None  # the environment given to the program, when the event says


def program_of(event: str, args: tuple[object, ...]) -> tuple[str, tuple[str, ...]]:
    """(program, argv) of an audit event's arguments, as CPython passes them."""

    def text(value: object) -> str:
        return os.fsdecode(value) if isinstance(value, (str, bytes, os.PathLike)) else repr(value)

    def listed(value: object) -> tuple[str, ...]:
        if isinstance(value, (str, bytes, os.PathLike)):
            return (text(value),)
        return tuple(text(v) for v in value) if isinstance(value, (list, tuple)) else ()

    if event in ("os.fork", "os.forkpty"):
        return "", ()
    if event == "subprocess.Popen":  # (executable, args, cwd, env)
        argv = listed(args[1])
        return (text(args[0]) if args[0] is not None else (argv[0] if argv else "")), argv
    if event == "os.system":  # (command,): a shell runs it
        return "/bin/sh", ("/bin/sh", "-c", text(args[0]))
    if event == "os.spawn":  # (mode, path, args, env)
        return text(args[1]), listed(args[2])
    if event == "pty.spawn":  # (argv,)
        argv = listed(args[0])
        return (argv[0] if argv else ""), argv
    return text(args[0]), listed(args[1]) if len(args) > 1 else ()  # os.exec, os.posix_spawn, os.startfile


_WATCHERS: list[list[Start]] = []


# index of the environment in each event's arguments
_ENV_AT = {"subprocess.Popen": 3, "os.exec": 2, "os.posix_spawn": 2, "os.spawn": 3}


def _hook(event: str, args: tuple[object, ...]) -> None:
    if _WATCHERS and event in EVENTS:
        program, argv = program_of(event, args)
        env = args[_ENV_AT[event]] if event in _ENV_AT and len(args) > _ENV_AT[event] else None
        for seen in _WATCHERS:
            seen.append(Start(event, program, argv, dict(env) if isinstance(env, dict) else None))


sys.addaudithook(_hook)


@contextmanager
def watching() -> Iterator[list[Start]]:
    """The program starts (and forks) of this process while the block runs."""
    seen: list[Start] = []
    _WATCHERS.append(seen)
    try:
        yield seen
    finally:
        _WATCHERS.remove(seen)


def foreign(starts: list[Start]) -> list[Start]:
    """Starts of anything but this Python interpreter (the audit's process pool) and plain forks."""
    python = {os.path.realpath(sys.executable), sys.executable}
    return [s for s in starts if s.program and s.program not in python and os.path.realpath(s.program) not in python]


# Put first on a child's PYTHONPATH (with the repository after it), this directory's
# sitecustomize.py makes every Python process of a command (the CLI, the forkserver, the pool's
# workers) log its program starts, one JSON line each, to the file named by TIKTOK_SCAN_TEST_STARTS.
CHILD_HOOK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "child_hook")
