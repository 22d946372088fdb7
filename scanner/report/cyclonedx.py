"""Inventory: a CycloneDX 1.6 SBOM of the TikTok (and affiliate) components a scan found.

Built from the finished ScanResult and its components (scanner.findings.components; reporters never
read files): one CycloneDX component per component instance, that is one product in one place
(first-party code, a package instance, a binary). Each carries
- `evidence.occurrences`: one per finding, every location (path with its archive chain, line or
  byte offset, the rule and evidence kind in `additionalContext`; an accepted finding says so);
- `evidence.identity`: how it was identified, one method per evidence kind (manifest analysis for a
  declaration, source-code analysis for an import or call, binary analysis for a shipped binary,
  hash comparison for a known file), with a confidence per kind;
- the packages that identify it (declared, resolved or installed purls) as nested components,
  with their own occurrences, direct/transitive flag, dependency path and scope;
- the rules, evidence kinds, counts and declared-but-unused / used-undeclared as properties.
So the SBOM feeds tools that already understand CycloneDX (Dependency-Track, GitHub's dependency
submission...) and still answers "where, and how do we know".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from scanner.model import Component, FactKind, Finding, PlaceKind, ScanResult
from scanner.report.interface import ReportOptions

if TYPE_CHECKING:
    from cyclonedx.model.component import Component as CdxComponent

_PROP = "tiktok-scan"
# evidence kind -> (CycloneDX analysis technique, our confidence that it is this component)
_METHODS: dict[str, tuple[str, str]] = {
    "resolved": ("manifest-analysis", "1.0"),  # a lockfile names the exact package
    "declared": ("manifest-analysis", "0.9"),
    "shipped": ("binary-analysis", "0.9"),
    "vendored": ("filename", "0.8"),
    "imported": ("source-code-analysis", "0.8"),
    "called": ("source-code-analysis", "0.8"),
    "configured": ("source-code-analysis", "0.7"),
    "endpoint": ("source-code-analysis", "0.7"),
    "mentioned": ("other", "0.2"),
}
_HASH_METHOD = ("hash-comparison", "1.0")  # a known SDK file by its sha256


@dataclass(frozen=True)
class Inventoried:
    """One component to list: its findings with their evidence kinds, where its paths start
    (`repo/` in an audit's fleet inventory) and extra properties (the audit's repository...)."""

    component: Component
    entries: tuple[tuple[str, Finding], ...]  # (evidence kind, finding); accepted ones are suppressed
    prefix: str = ""
    properties: tuple[tuple[str, str], ...] = ()


def entries_of(component: Component, result: ScanResult) -> tuple[tuple[str, Finding], ...]:
    """(evidence kind, finding) for every finding of `component`, in the result's order."""
    kind_of: dict[int, str] = {}
    for evidence in component.evidence:
        for index in evidence.findings:
            kind_of.setdefault(index, evidence.kind.value)
    return tuple((kind_of[i], result.findings[i]) for i in sorted(kind_of))


def scan_items(result: ScanResult) -> list[Inventoried]:
    """The components of one scan, as `inventory` lists them."""
    from scanner.findings.components import build_components

    return [Inventoried(c, entries_of(c, result)) for c in build_components(result, include_suppressed=True)]


def _method(kind: str, finding: Finding) -> tuple[str, str]:
    return _HASH_METHOD if finding.kind is FactKind.FILE_HASH else _METHODS.get(kind, ("other", "0.5"))


def _where(item: Inventoried, finding: Finding) -> str:
    return item.prefix + finding.location.display_path


def _occurrences(item: Inventoried, ref: str, entries: Sequence[tuple[str, Finding]]) -> list[Any]:
    from cyclonedx.model.component_evidence import Occurrence

    out = []
    for number, (kind, f) in enumerate(entries, 1):
        context = f"{f.rule_id} {kind}: {f.message}"
        if f.suppressed is not None:
            context += f" (accepted: {f.suppressed})"
        loc = f.location
        symbol = f.value if f.kind in (FactKind.SYMBOL, FactKind.MODULE, FactKind.CLASS) else None
        out.append(Occurrence(bom_ref=f"{ref}#{number}", location=_where(item, f),
                              line=loc.start_line if loc.has_lines else None, offset=loc.byte_offset,
                              symbol=symbol, additional_context=context))
    return out


def _identity(item: Inventoried, purl: str | None, name: str) -> Any:
    from cyclonedx.model.component_evidence import AnalysisTechnique, Identity, IdentityField, Method

    from scanner.findings.components import where

    methods: dict[str, tuple[str, list[str]]] = {}
    for kind, f in item.entries:
        technique, confidence = _method(kind, f)
        key = f"{technique} {kind}"
        methods.setdefault(key, (confidence, []))[1].append(f"{f.rule_id} {item.prefix}{where(f.location)}")
    built = []
    for key, (confidence, places) in sorted(methods.items()):
        technique, kind = key.split(" ", 1)
        shown = ", ".join(sorted(set(places))[:3]) + (f" and {len(set(places)) - 3} more" if len(set(places)) > 3
                                                      else "")
        built.append(Method(technique=AnalysisTechnique(technique), confidence=Decimal(confidence),
                            value=f"{kind}: {shown}"))
    best = max((m.confidence for m in built), default=Decimal("0.5"))
    field = IdentityField.PURL if purl else IdentityField.NAME
    return Identity(field=field, confidence=best, concluded_value=purl or name, methods=built)


def _rule_properties(findings: Iterable[Finding], rules: dict[str, Any]) -> set[tuple[str, str]]:
    props = set()
    for f in findings:
        props.add((f"{_PROP}:rule-id", f.rule_id))
        rule = rules.get(f.rule_id)
        if rule is not None:
            props.add((f"{_PROP}:category", str(rule.category)))
            props.add((f"{_PROP}:pack", str(rule.pack)))
            props.add((f"{_PROP}:rule-title:{f.rule_id}", str(rule.title)))
    return props


def _packages(item: Inventoried, ref: str, skip: str | None, rules: dict[str, Any]) -> list[CdxComponent]:
    """The packages (by purl) among the component's findings, as nested components."""
    from cyclonedx.model import Property
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.component_evidence import ComponentEvidence
    from packageurl import PackageURL

    by_purl: dict[str, list[tuple[str, Finding]]] = {}
    for kind, f in item.entries:
        if f.package is not None and f.package.purl != skip:
            by_purl.setdefault(f.package.purl, []).append((kind, f))
    nested = []
    for purl_text, entries in sorted(by_purl.items()):
        purl = PackageURL.from_string(purl_text)
        props = _rule_properties((f for _, f in entries), rules)
        for _, f in entries:
            pkg = f.package
            assert pkg is not None
            if pkg.direct is not None:
                props.add((f"{_PROP}:direct", "true" if pkg.direct else "false"))
            if len(pkg.dependency_path) > 1:
                props.add((f"{_PROP}:dependency-path", " > ".join(pkg.dependency_path)))
            if pkg.scope:
                props.add((f"{_PROP}:scope", pkg.scope))
        nested_ref = f"{ref}/{purl_text}"
        nested.append(Component(
            type=ComponentType.LIBRARY, name=purl.name, group=purl.namespace, version=purl.version, purl=purl,
            bom_ref=nested_ref, properties=[Property(name=n, value=v) for n, v in sorted(props)],
            evidence=ComponentEvidence(occurrences=_occurrences(item, nested_ref, entries))))
    return nested


def _component(item: Inventoried, rules: dict[str, Any]) -> CdxComponent:
    from cyclonedx.model import Property
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.component_evidence import ComponentEvidence
    from packageurl import PackageURL

    from scanner.findings.components import product_title

    comp, place = item.component, item.component.place
    ref = f"{item.prefix}{comp.product}@{place.kind.value}:{place.root or '.'}"
    purls = sorted({f.package.purl for _, f in item.entries if f.package is not None})
    own = place.package.purl if place.package is not None else purls[0] if len(purls) == 1 else None
    purl = PackageURL.from_string(own) if own else None
    title = product_title(comp.product)
    name = purl.name if purl is not None else title
    kinds = sorted({kind for kind, _ in item.entries})
    props = {(f"{_PROP}:product", comp.product), (f"{_PROP}:product-title", title),
             (f"{_PROP}:place-kind", place.kind.value),
             (f"{_PROP}:place", item.prefix + place.root if place.root else item.prefix.rstrip("/") or "."),
             (f"{_PROP}:evidence", ",".join(kinds)), (f"{_PROP}:level", comp.level.value),
             (f"{_PROP}:findings", str(sum(1 for _, f in item.entries if f.suppressed is None))),
             (f"{_PROP}:accepted", str(sum(1 for _, f in item.entries if f.suppressed is not None))),
             (f"{_PROP}:declared-unused", "true" if comp.declared_unused else "false"),
             (f"{_PROP}:used-undeclared", "true" if comp.used_undeclared else "false"), *item.properties}
    props |= _rule_properties((f for _, f in item.entries), rules)
    return Component(
        type=ComponentType.FILE if place.kind is PlaceKind.BINARY else ComponentType.LIBRARY,
        name=name, group=purl.namespace if purl is not None else None,
        version=purl.version if purl is not None else None, purl=purl, bom_ref=ref, description=title,
        properties=[Property(name=n, value=v) for n, v in sorted(props)],
        components=_packages(item, ref, own, rules),
        evidence=ComponentEvidence(identity=[_identity(item, own, name)],
                                   occurrences=_occurrences(item, ref, item.entries)),
    )


def inventory_document(items: Sequence[Inventoried], rules: Sequence[object], roots: Sequence[str]) -> str:
    """The CycloneDX 1.6 JSON document (a string) listing `items`."""
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output.json import JsonV1Dot6

    from scanner import __version__

    by_id: dict[str, Any] = {getattr(r, "id", ""): r for r in rules}
    bom = Bom()
    bom.metadata.tools.components.add(Component(
        type=ComponentType.APPLICATION, name="tiktok-scan", version=__version__, group="tiktok-scan"))
    for index, root in enumerate(roots):
        bom.metadata.properties.add(Property(name=f"{_PROP}:root:{index}", value=root))
    for item in items:
        bom.components.add(_component(item, by_id))
    return str(JsonV1Dot6(bom).output_as_string(indent=2))


def cyclonedx_inventory(result: ScanResult) -> str:
    """The CycloneDX 1.6 JSON document (a string) for the components in `result`."""
    return inventory_document(scan_items(result), result.rules, result.roots)


class CycloneDxReporter:
    """`inventory --format cyclonedx`: the document of `cyclonedx_inventory`."""

    name = "cyclonedx"
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_options(cls, options: ReportOptions) -> CycloneDxReporter:
        return cls()

    def render(self, result: ScanResult) -> str:
        return cyclonedx_inventory(result)
