"""Run the real CLI on a hostile tree, serial (`--jobs 1`), under a watchdog, and judge the result.

Serial mode is where a native parser runs in the scanner's own process, so a hang or a crash
there takes the whole scan down: exactly what these runs look for. The watchdog is the
subprocess timeout: the per-file budget given to the scanner plus a fixed grace for start-up,
signature compilation and writing the report. Completion within it is asserted, never a wall time.
The address space is capped so a parser that balloons fails this run instead of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.sarif_tools import schema_errors

REPO = Path(__file__).resolve().parents[2]
BUDGET = float(os.environ.get("TIKTOK_SCAN_FUZZ_BUDGET", "5"))  # --file-timeout of each run, seconds
GRACE = 10.0  # start-up (under a second), signatures, report; generous: the machine may be shared
ADDRESS_SPACE = 4 << 30  # bytes: far over what a scan of two small files needs

PLANTED_PATH = "planted/events.py"
PLANTED = ('"""Server-side conversions."""\n\nimport requests\n\n'
           'requests.post("https://business-api.tiktok.com/open_api/v1.3/event/track/", json={})\n')
PLANTED_FINDING = ("TT302", PLANTED_PATH, 5)


@dataclass
class CliRun:
    returncode: int | None  # None: the watchdog killed it
    stderr: str
    sarif: dict[str, Any] = field(default_factory=dict)

    @property
    def results(self) -> set[tuple[str, str, int]]:
        out = set()
        for run in self.sarif.get("runs", []):
            for result in run.get("results", []):
                loc = result["locations"][0]["physicalLocation"]
                out.add((result["ruleId"], loc["artifactLocation"]["uri"], loc.get("region", {}).get("startLine", 0)))
        return out

    @property
    def notified(self) -> list[str]:
        """The text of every tool execution notification."""
        return [note["message"]["text"] for run in self.sarif.get("runs", []) for inv in run.get("invocations", [])
                for note in inv.get("toolExecutionNotifications", [])]


def plant(root: Path) -> None:
    (root / PLANTED_PATH).parent.mkdir(parents=True, exist_ok=True)
    (root / PLANTED_PATH).write_text(PLANTED, encoding="utf-8")


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_cli(root: Path, report: Path, budget: float = BUDGET, files: int = 1) -> CliRun:
    """Scan `root`; the watchdog allows `files` hostile files their budget each, plus the grace."""
    cmd = [sys.executable, "-m", "scanner", "scan", "--jobs", "1", "--no-config", "--no-progress", "--quiet",
           "--format", "sarif", "--output", str(report), "--file-timeout", f"{budget:g}", str(root)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=_limit_address_space, start_new_session=True)
    try:
        _out, err = proc.communicate(timeout=files * budget + GRACE)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the scanner and any worker it started
        _out, err = proc.communicate()
        code = None
    sarif = json.loads(report.read_text(encoding="utf-8")) if code is not None and report.exists() else {}
    return CliRun(code, err.decode("utf-8", "replace")[-2000:], sarif)


def problems(run: CliRun, *hostile: str) -> list[str]:
    """What is wrong with a run over the planted file and the hostile files (relative paths).

    The contract: exit 0 or 1 within the budget plus grace; a SARIF that passes the official
    schema; the planted finding kept; and each hostile file either reported (its own planted
    TikTok use) or named in a notification: never silently lost.
    """
    if run.returncode is None:
        return [f"no exit within the per-file budget x {len(hostile)} + {GRACE:g} s grace (hang)"]
    out = []
    if run.returncode not in (0, 1):
        out.append(f"exit {run.returncode} (signal {-run.returncode})" if run.returncode < 0
                   else f"exit {run.returncode}: {run.stderr.strip()[-300:]}")
    if not run.sarif:
        return [*out, "no SARIF report written"]
    errors = schema_errors(run.sarif)
    if errors:
        out.append(f"SARIF fails the schema: {errors[:3]}")
    if PLANTED_FINDING not in run.results:
        out.append(f"planted finding {PLANTED_FINDING} lost")
    for path in hostile:
        reported = any(uri == path for _rule, uri, _line in run.results)
        if not reported and not any(path in text for text in run.notified):
            out.append(f"{path} silently lost: no finding, no notification")
    return out
