"""The one line on stderr after a report goes to a file: what was found, where the reports are."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from scanner.model import Level, ScanResult

TITLES = {"sarif": "SARIF", "json": "JSON", "text": "text report"}


def summary_line(result: ScanResult, written: Sequence[tuple[str, str]]) -> str:
    """`tiktok-scan: 3 findings (2 error, 1 note) in 12 files; SARIF written to x.sarif`.

    Counts the findings the exit code counts (unsuppressed ones); `written` is (format, path).
    """
    counts = Counter(f.level for f in result.findings if f.suppressed is None)
    total = sum(counts.values())
    parts = [f"{counts[lvl]} {lvl.value}" for lvl in (Level.ERROR, Level.WARNING, Level.NOTE) if counts[lvl]]
    files = result.stats.files_analyzed
    line = f"tiktok-scan: {total} finding{'s' if total != 1 else ''}"
    if parts:
        line += " (" + ", ".join(parts) + ")"
    line += f" in {files} file{'s' if files != 1 else ''}"
    suppressed = len(result.findings) - total
    if suppressed:
        line += f", {suppressed} suppressed"
    if written:
        line += "; " + ", ".join(f"{TITLES.get(fmt, fmt)} written to {path}" for fmt, path in written)
    return line + "\n"
