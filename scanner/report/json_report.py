"""Plain JSON: the ScanResult as data, for scripts and dashboards."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from scanner.model import Finding, Notification, ScanResult
from scanner.report.escape import clean_strings, may_hold_surrogates
from scanner.report.interface import ReportOptions


def finding_dict(f: Finding) -> dict[str, Any]:
    loc = f.location
    out: dict[str, Any] = {
        "rule_id": f.rule_id,
        "level": f.level.value,
        "message": f.message,
        "path": loc.path,
        "archive_members": list(loc.members),
        "start_line": loc.start_line,
        "start_column": loc.start_column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "byte_offset": loc.byte_offset,
        "kind": f.kind.value,
        "value": f.value,
        "context": f.context.value,
        "analyzer": f.analyzer,
        "evidence": f.evidence,
        "snippet": f.snippet,
        "fingerprint": f.line_hash,
    }
    if f.package is not None:
        out["package"] = asdict(f.package)
        out["package"]["dependency_path"] = list(f.package.dependency_path)
    if f.suppressed is not None:
        out["suppressed"] = f.suppressed
    return out


def notification_dict(n: Notification) -> dict[str, Any]:
    return {"path": n.path, "reason": n.reason.value, "level": n.level.value, "message": n.message,
            "analyzer": n.analyzer}


class JsonReporter:
    name = "json"
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_options(cls, options: ReportOptions) -> JsonReporter:
        return cls()

    def render(self, result: ScanResult) -> str:
        doc = {
            "tool": {"name": "tiktok-scan", "version": result.extra.get("tool_version", "")},
            "roots": list(result.roots),
            "packs": [{"name": n, "version": v} for n, v in result.packs],
            "analyzers": [{"name": n, "version": v} for n, v in result.analyzers],
            "findings": [finding_dict(f) for f in result.findings],
            "notifications": [notification_dict(n) for n in result.notifications],
            "stats": asdict(result.stats),
            "successful": result.successful,
        }
        text = json.dumps(doc, indent=2, sort_keys=False) + "\n"
        if may_hold_surrogates(text, ascii_escaped=True):  # a name that was not UTF-8 on disk
            text = json.dumps(clean_strings(doc), indent=2, sort_keys=False) + "\n"
        return text
