"""The per-file time budget still stops a slow analyzer, with and without the scan-wide handler."""

from __future__ import annotations

import signal
import time

import pytest

from scanner.core.budget import FileTimeout, alarm_handler, time_budget


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@pytest.mark.parametrize("scan_wide", [False, True])
def test_budget_interrupts_and_restores(scan_wide: bool) -> None:
    before = signal.getsignal(signal.SIGALRM)
    with alarm_handler() if scan_wide else time_budget(0):
        with pytest.raises(FileTimeout), time_budget(0.05):
            _spin(2.0)
        with time_budget(0.05):  # disarmed on exit: nothing fires later
            pass
        _spin(0.1)
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
