"""Loaded by every Python process started with this directory first on PYTHONPATH: logs each
program start (and fork) of the process to the file named by TIKTOK_SCAN_TEST_STARTS."""

from __future__ import annotations

import json
import os
import sys

from tests.process_starts import EVENTS, program_of

_LOG = os.environ.get("TIKTOK_SCAN_TEST_STARTS")


def _log(event: str, args: tuple[object, ...]) -> None:
    if event in EVENTS and _LOG:
        program, argv = program_of(event, args)
        line = json.dumps({"pid": os.getpid(), "event": event, "program": program, "argv": list(argv)}) + "\n"
        fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)


if _LOG:
    sys.addaudithook(_log)
