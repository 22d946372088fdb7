"""`tiktok-scan plan`: for each TikTok component, every file and line to change to remove it.

Built from the same components as the other reports (scanner/findings/components.py): one section
per component, its steps in the order a removal goes (code first, then configuration, then the
declaration and the lockfile), each step with its places. Pure, like every reporter.
"""

from __future__ import annotations

import json
from typing import Any

from scanner.findings.components import build_components, describe, product_title, where
from scanner.model import Component, EvidenceKind, Finding, PlaceKind, ScanResult
from scanner.report.escape import escape_surrogates
from scanner.report.interface import ReportOptions
from scanner.report.json_report import SCHEMA_VERSION, location_dict

# What to do with each kind of evidence, in the order of the plan.
ACTIONS: dict[EvidenceKind, str] = {
    EvidenceKind.CALLED: "remove the calls",
    EvidenceKind.IMPORTED: "remove the imports",
    EvidenceKind.CONFIGURED: "remove the configuration keys and entries",
    EvidenceKind.ENDPOINT: "remove the requests to the service",
    EvidenceKind.SHIPPED: "remove the binary, or rebuild it without the SDK",
    EvidenceKind.VENDORED: "delete the vendored SDK files",
    EvidenceKind.DECLARED: "remove the dependency from the manifest",
    EvidenceKind.RESOLVED: "update the lockfile (reinstall) once the declaration is gone",
    EvidenceKind.MENTIONED: "optional: mentions in comments, documentation or data (not a use)",
}
_STEP_ORDER = tuple(ACTIONS)


def _package_step(component: Component) -> str | None:
    """The one step that removes a whole third-party instance or binary (its files go with it)."""
    place = component.place
    if place.kind is PlaceKind.BINARY:
        return f"remove {place.root} from the tree, or rebuild it without the SDK; the files that hold it:"
    if place.kind is PlaceKind.PACKAGE:
        if place.vendored:
            return f"delete the copied package {place.root} (and what loads it); the files that hold it:"
        name = place.package.name if place.package is not None else place.root
        return (f"stop depending on {name}: remove the declaration that pulls it in, then reinstall "
                f"({place.root} goes away with it); the files that hold it:")
    return None


def plan_components(result: ScanResult) -> list[tuple[Component, list[tuple[EvidenceKind, list[Finding]]]]]:
    """The components of `result` with their findings per step, steps in plan order."""
    out = []
    for component in build_components(result):
        by_kind = {e.kind: [result.findings[i] for i in e.findings] for e in component.evidence}
        steps = [(kind, sorted(by_kind[kind], key=lambda f: f.sort_key)) for kind in _STEP_ORDER if kind in by_kind]
        out.append((component, steps))
    return out


def plan_text(result: ScanResult) -> str:
    planned = plan_components(result)
    if not planned:
        return "Nothing to remove: no TikTok component found.\n"
    first = sum(1 for c, _ in planned if c.place.kind is PlaceKind.FIRST_PARTY)
    lines = [f"Removal plan: {len(planned)} component{'s' if len(planned) != 1 else ''} "
             f"({first} in first-party code, {len(planned) - first} in third-party packages or binaries).", ""]
    for n, (component, steps) in enumerate(planned, 1):
        lines.append(f"{n}. {describe(component, result.findings)}")
        whole = _package_step(component)
        if whole:
            lines.append(f"   - {whole}")
            files = sorted({result.findings[i].location.display_path for i in component.findings})
            lines.extend(f"       {path}" for path in files)
            lines.append("")
            continue
        for kind, findings in steps:
            lines.append(f"   - {ACTIONS[kind]}:")
            seen: set[str] = set()
            for f in findings:
                at = where(f.location)
                if at in seen:
                    continue
                seen.add(at)
                lines.append(f"       {at}  [{f.rule_id}] {f.evidence or f.value}")
        lines.append("")
    return escape_surrogates("\n".join(lines))


def plan_dict(result: ScanResult) -> dict[str, Any]:
    components = []
    for component, steps in plan_components(result):
        components.append({
            "product": component.product,
            "title": product_title(component.product),
            "place": component.place.root,
            "place_kind": component.place.kind.value,
            "package": component.place.package.purl if component.place.package is not None else None,
            "summary": describe(component, result.findings),
            "remove_instance": _package_step(component),
            "steps": [{"kind": kind.value, "action": ACTIONS[kind],
                       "locations": [dict(location_dict(f.location), rule_id=f.rule_id, evidence=f.evidence or f.value)
                                     for f in findings]}
                      for kind, findings in steps],
        })
    return {"schema_version": SCHEMA_VERSION, "components": components}


def plan_json(result: ScanResult) -> str:
    return json.dumps(plan_dict(result), indent=2) + "\n"


class PlanTextReporter:
    """`tiktok-scan plan --format text`."""

    name = "text"
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_options(cls, options: ReportOptions) -> PlanTextReporter:
        return cls()

    def render(self, result: ScanResult) -> str:
        return plan_text(result)


class PlanJsonReporter(PlanTextReporter):
    """`tiktok-scan plan --format json`."""

    name = "json"

    def render(self, result: ScanResult) -> str:
        return plan_json(result)
