"""Every program this test process (or a forked worker) starts, recorded by a `sys.addaudithook` hook.

Audit hooks cannot be removed, so one hook is installed on first use and appends to `STARTS` only
while a `recording()` block is open.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# audit event -> index of the argv argument in its arguments
_EVENTS = {"subprocess.Popen": 1, "os.exec": 1, "os.posix_spawn": 1, "os.spawn": 2, "os.system": 0}


@dataclass(frozen=True)
class Start:
    event: str
    argv: tuple[str, ...]
    env: dict[str, str] | None


STARTS: list[Start] = []
_state = {"installed": False, "recording": False}


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _state["recording"] or event not in _EVENTS:
        return
    raw = args[_EVENTS[event]]
    argv = (raw,) if isinstance(raw, (str, bytes)) else tuple(raw or ())
    env = args[-1] if event != "os.system" and isinstance(args[-1], dict) else None
    STARTS.append(Start(event, tuple(str(a) for a in argv), env))


@contextmanager
def recording() -> Iterator[list[Start]]:
    """Record the program starts made inside the block."""
    if not _state["installed"]:
        sys.addaudithook(_hook)
        _state["installed"] = True
    STARTS.clear()
    _state["recording"] = True
    try:
        yield STARTS
    finally:
        _state["recording"] = False
