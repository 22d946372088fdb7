"""The report of a scan that failed: written over every requested output file, so that a failed run
never leaves an earlier run's results in place (a CI job would upload them as today's).

SARIF: one run, `executionSuccessful: false`, the error as an error-level tool execution
notification and no results. JSON: `successful: false` and the error. Text: the error line.
"""

from __future__ import annotations

import json
from typing import Any

from scanner import __version__
from scanner.report.escape import clean_strings


def failure_report(fmt: str, message: str, *, category: str | None = None) -> str:
    """The document `fmt` (text, json, sarif) says for a scan that stopped with `message`."""
    if fmt == "sarif":
        from scanner.report.sarif import INFORMATION_URI, SCHEMA_URI

        run: dict[str, Any] = {
            "tool": {"driver": {"name": "tiktok-scan", "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI, "rules": []}},
            "automationDetails": {"id": f"{category or 'tiktok-scan'}/"},
            "invocations": [{
                "executionSuccessful": False,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": message}, "descriptor": {"id": "fatal-error"}},
                ],
            }],
            "results": [],
        }
        doc: dict[str, Any] = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
        return json.dumps(clean_strings(doc), indent=2, ensure_ascii=False) + "\n"
    if fmt == "json":
        from scanner.report.json_report import SCHEMA_VERSION

        doc = {"schema_version": SCHEMA_VERSION, "tool": {"name": "tiktok-scan", "version": __version__},
               "successful": False, "error": message}
        return json.dumps(clean_strings(doc), indent=2) + "\n"
    return f"tiktok-scan: error: {clean_strings(message)}\n"
