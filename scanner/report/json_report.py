"""Plain JSON: the ScanResult as data, for scripts and dashboards.

Its shape is `scanner/report/schemas/report.schema.json` (shipped in the package; `schema_version`
changes when a field changes meaning or goes away, not when one is added). `components` groups the
findings into TikTok components (docs/design/components.md); `findings` stays one entry per location.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from scanner.findings.components import build_components, describe, product_title, rules_of
from scanner.model import Component, Finding, Location, Notification, ScanResult
from scanner.report.escape import clean_strings, may_hold_surrogates
from scanner.report.interface import ReportOptions

SCHEMA_VERSION = "2"  # 1: the report before components (no schema_version field)


def schema_path() -> str:
    """The JSON Schema of this report, as shipped in the package."""
    from pathlib import Path

    return str(Path(__file__).resolve().parent / "schemas" / "report.schema.json")


def location_dict(loc: Location) -> dict[str, Any]:
    return {"path": loc.path, "archive_members": list(loc.members), "start_line": loc.start_line,
            "start_column": loc.start_column, "end_line": loc.end_line, "end_column": loc.end_column,
            "byte_offset": loc.byte_offset}


def component_dict(c: Component, findings: list[Finding], rules: dict[str, Any]) -> dict[str, Any]:
    """A component with its locations resolved (the `components` entries)."""
    ids = sorted({findings[i].rule_id for i in c.findings})
    packs = sorted({rules[r].pack for r in ids if r in rules})
    pkg = c.place.package
    return {
        "product": c.product,
        "title": product_title(c.product),
        "rule_family": sorted({f"{r[:-2]}xx" for r in ids}),
        "pack": packs[0] if len(packs) == 1 else ",".join(packs),
        "rules": ids,
        "place": {"kind": c.place.kind.value, "root": c.place.root, "label": c.place.label},
        "package": None if pkg is None else {"purl": pkg.purl, "ecosystem": pkg.ecosystem, "name": pkg.name,
                                             "version": pkg.version},
        "level": c.level.value,
        "evidence_kinds": [k.value for k in c.kinds],
        "evidence": [{"kind": e.kind.value, "findings": list(e.findings),
                      "locations": [dict(location_dict(findings[i].location), rule_id=findings[i].rule_id)
                                    for i in e.findings]} for e in c.evidence],
        "declared_unused": c.declared_unused,
        "used_undeclared": c.used_undeclared,
        "summary": describe(c, findings),
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule_id": f.rule_id,
        "level": f.level.value,
        "message": f.message,
        **location_dict(f.location),
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
        rules = rules_of(result)
        doc = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "tiktok-scan", "version": result.extra.get("tool_version", "")},
            "roots": list(result.roots),
            "packs": [{"name": n, "version": v} for n, v in result.packs],
            "analyzers": [{"name": n, "version": v} for n, v in result.analyzers],
            "components": [component_dict(c, result.findings, rules) for c in build_components(result)],
            "findings": [finding_dict(f) for f in result.findings],
            "notifications": [notification_dict(n) for n in result.notifications],
            "stats": asdict(result.stats),
            "successful": result.successful,
        }
        text = json.dumps(doc, indent=2, sort_keys=False) + "\n"
        if may_hold_surrogates(text, ascii_escaped=True):  # a name that was not UTF-8 on disk
            text = json.dumps(clean_strings(doc), indent=2, sort_keys=False) + "\n"
        return text
