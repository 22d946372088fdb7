"""Inventory: a CycloneDX 1.6 SBOM of the watched components (TikTok and affiliates) a scan found.

Built from the finished ScanResult only (reporters never read files): one component per distinct
purl among the package findings, with the rules that fired as properties and every declaring
location as CycloneDX 1.6 evidence occurrences (path and line), so the SBOM can be fed to tools
that already understand CycloneDX (Dependency-Track, GitHub's dependency submission...).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scanner.model import Finding, ScanResult
from scanner.report.interface import ReportOptions

_PROP = "tiktok-scan"


def _components(result: ScanResult) -> dict[str, list[Finding]]:
    by_purl: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.package is None or finding.suppressed:
            continue
        by_purl[finding.package.purl].append(finding)
    return dict(sorted(by_purl.items()))


def cyclonedx_inventory(result: ScanResult) -> str:
    """The CycloneDX 1.6 JSON document (a string) for the components in `result`."""
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
    from cyclonedx.output.json import JsonV1Dot6
    from packageurl import PackageURL

    from scanner import __version__

    rules: dict[str, Any] = {getattr(r, "id", ""): r for r in result.rules}
    bom = Bom()
    bom.metadata.tools.components.add(Component(
        type=ComponentType.APPLICATION, name="tiktok-scan", version=__version__, group="tiktok-scan"))
    for index, root in enumerate(result.roots):
        bom.metadata.properties.add(Property(name=f"{_PROP}:root:{index}", value=root))
    for purl_text, findings in _components(result).items():
        pkg = findings[0].package
        assert pkg is not None
        purl = PackageURL.from_string(purl_text)
        properties: set[tuple[str, str]] = set()
        for finding in findings:
            properties.add((f"{_PROP}:rule-id", finding.rule_id))
            rule = rules.get(finding.rule_id)
            if rule is not None:
                properties.add((f"{_PROP}:category", str(rule.category)))
                properties.add((f"{_PROP}:pack", str(rule.pack)))
                properties.add((f"{_PROP}:rule-title:{finding.rule_id}", str(rule.title)))
            properties.add((f"{_PROP}:level", finding.level.value))
            ref = finding.package
            if ref is not None and ref.direct is not None:
                properties.add((f"{_PROP}:direct", "true" if ref.direct else "false"))
            if ref is not None and len(ref.dependency_path) > 1:
                properties.add((f"{_PROP}:dependency-path", " > ".join(ref.dependency_path)))
            if ref is not None and ref.scope:
                properties.add((f"{_PROP}:scope", ref.scope))
        occurrences = sorted({(f.location.display_path, f.location.start_line) for f in findings})
        bom.components.add(Component(
            type=ComponentType.LIBRARY,
            name=purl.name,
            group=purl.namespace,
            version=purl.version,
            purl=purl,
            bom_ref=purl_text,
            properties=[Property(name=n, value=v) for n, v in sorted(properties)],
            evidence=ComponentEvidence(occurrences=[Occurrence(location=path, line=line)
                                                    for path, line in occurrences]),
        ))
    return str(JsonV1Dot6(bom).output_as_string(indent=2))


class CycloneDxReporter:
    """`inventory --format cyclonedx`: the document of `cyclonedx_inventory`."""

    name = "cyclonedx"
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_options(cls, options: ReportOptions) -> CycloneDxReporter:
        return cls()

    def render(self, result: ScanResult) -> str:
        return cyclonedx_inventory(result)
