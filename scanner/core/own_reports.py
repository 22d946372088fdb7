"""Recognise tiktok-scan's own reports, so that a scan never reads what an earlier scan wrote.

A report left in the tree (`-o tiktok.sarif`) quotes every matched value and would come back as
hundreds of findings in the next scan. A look at the first few KiB for the markers each writer puts
at the top rules out almost every file at once; a file that carries them is parsed whole and must
have the writer's shape and nothing else: a scanned tree decides what its files contain, so a
`package.json` or a module that merely starts like a report (and still installs or runs) is scanned
like any other file.
"""

from __future__ import annotations

import json
import re
from typing import Any

HEAD_BYTES = 4096

# SARIF: `"$schema"` naming sarif, and a run whose tool.driver.name is "tiktok-scan"
# (scanner/report/sarif.py writes the driver's name first, before its rules).
_SARIF_DRIVER = re.compile(rb'"tool"\s*:\s*\{\s*"driver"\s*:\s*\{\s*"name"\s*:\s*"tiktok-scan"')
_SARIF_SCHEMA = re.compile(rb'\A\s*\{\s*"\$schema"\s*:\s*"[^"]*sarif[^"]*"', re.IGNORECASE)
# Our JSON report (scanner/report/json_report.py, report/failure.py): `{"schema_version": "2", "tool":
# {"name": "tiktok-scan", ...` (0.1.0's had no schema_version).
_JSON_HEAD = re.compile(rb'\A\s*\{\s*(?:"schema_version"\s*:\s*"[0-9]+"\s*,\s*)?'
                        rb'"tool"\s*:\s*\{\s*"name"\s*:\s*"tiktok-scan"\s*,\s*"version"\s*:\s*"[^"]*"\s*\}')

# Every key the writers put in a document (report/sarif.py, report/json_report.py, report/failure.py).
SARIF_KEYS = frozenset({"$schema", "version", "runs"})
SARIF_RUN_KEYS = frozenset({"tool", "automationDetails", "originalUriBaseIds", "columnKind", "invocations",
                            "results", "properties"})
JSON_KEYS = frozenset({"schema_version", "tool", "roots", "packs", "analyzers", "components", "findings",
                       "notifications", "stats", "successful", "error"})


def report_kind(data: bytes) -> str | None:
    """"SARIF" or "JSON" when `data` is a report tiktok-scan wrote, else None."""
    if data.find(b'"tiktok-scan"', 0, HEAD_BYTES + 3) < 0:  # every file passes here: no copy until a marker
        return None
    head = data[:HEAD_BYTES]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b'"tiktok-scan"' not in head:
        return None
    if b'"$schema"' in head and _SARIF_SCHEMA.match(head) and _SARIF_DRIVER.search(head):
        return "SARIF" if _is_sarif(_document(data)) else None
    if _JSON_HEAD.match(head):
        return "JSON" if _is_json_report(_document(data)) else None
    return None


def _document(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _is_sarif(doc: Any) -> bool:
    if not isinstance(doc, dict) or not set(doc) <= SARIF_KEYS or doc.get("version") != "2.1.0":
        return False
    runs = doc.get("runs")
    return isinstance(runs, list) and bool(runs) and all(
        isinstance(run, dict) and set(run) <= SARIF_RUN_KEYS and _driver_name(run) == "tiktok-scan" for run in runs)


def _driver_name(run: dict[str, Any]) -> Any:
    tool = run.get("tool")
    driver = tool.get("driver") if isinstance(tool, dict) else None
    return driver.get("name") if isinstance(driver, dict) else None


def _is_json_report(doc: Any) -> bool:
    if not isinstance(doc, dict) or not set(doc) <= JSON_KEYS or not isinstance(doc.get("successful"), bool):
        return False
    tool = doc.get("tool")
    return isinstance(tool, dict) and set(tool) == {"name", "version"} and tool["name"] == "tiktok-scan"
