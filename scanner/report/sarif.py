"""SARIF 2.1.0 writer shaped for GitHub code scanning.

Exactly one run; full rule metadata (help.markdown cites the prohibition, `security` tag,
`security-severity`, precision); repo-relative URIs against `%SRCROOT%`; every file that could not
be read becomes a `toolExecutionNotification`. Knows nothing about analyzers: it renders a finished
ScanResult.

Results people can act on (docs/design/components.md): in first-party code one result per
location; inside a third-party package instance or a binary, one result per component (product and
place) at the instance's manifest (or the binary), the other places as `relatedLocations`;
`all_locations` gives one result per location everywhere.

Fingerprints: a location in a text file carries GitHub's own `primaryLocationLineHash` (the same
value GitHub's upload computes). Where the scan has no such value (inside an archive or a binary,
whose location is the outer file's line 1, or a text file too big to hash) it carries none, so
GitHub's upload computes it and nothing can disagree; its identity is a partial fingerprint of our
own, `tiktokScan/v1` (rule, place, member chain, value, occurrence).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from scanner import __version__
from scanner.findings.components import components_at, describe, evidence_kind, places_of, product_title
from scanner.findings.fingerprint import stable_hash
from scanner.model import (
    Finding,
    Level,
    Location,
    Notification,
    Place,
    PlaceKind,
    Related,
    ScanResult,
)
from scanner.report.escape import clean_strings, may_hold_surrogates, path_bytes
from scanner.report.interface import ReportOptions
from scanner.rules.model import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/tiktok-scan/tiktok-scan"
SRCROOT = "%SRCROOT%"
RULES_DOC_URI = f"{INFORMATION_URI}/blob/main/docs/rules.md"
MAX_TAGS = 20  # GitHub's limit per rule
# GitHub code scanning rejects a run with more results, or an upload bigger than this gzipped.
MAX_RESULTS = 25_000
MAX_GZIP_BYTES = 10 * 1024 * 1024


def artifact_uri(path: str) -> str:
    """A relative URI reference for a POSIX path (spaces, `#`, `%` and non-ASCII escaped)."""
    return quote(path_bytes(path), safe="/-_.~!$&'()*+,;=:@")  # bytes: a non-UTF-8 name keeps its bytes


def _rule_descriptor(rule: Rule, prohibition: str) -> dict[str, Any]:
    tags = ["security", "tiktok-scan", rule.category, f"pack:{rule.pack}", *rule.tags]
    uniq: list[str] = []
    for tag in tags:
        if tag not in uniq:
            uniq.append(tag)
    help_md = rule.help_markdown + ("\n\n" + prohibition if prohibition else "")
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),  # SARIF friendly names are PascalCase
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {"text": _plain(help_md), "markdown": help_md},
        "defaultConfiguration": {"level": rule.level.value},
        "properties": {
            "tags": uniq[:MAX_TAGS],
            "precision": rule.precision,
            "security-severity": f"{rule.security_severity:.1f}",
            "problem.severity": {"error": "error", "warning": "warning"}.get(rule.level.value, "recommendation"),
            "category": rule.category,
            "evidence": rule.evidence,
            "pack": rule.pack,
            "product": rule.product,
        },
    }
    descriptor["helpUri"] = rule.references[0] if rule.references else f"{RULES_DOC_URI}#{rule.id.lower()}-{rule.name}"
    return descriptor


def _plain(markdown: str) -> str:
    return markdown.replace("**", "").replace("`", "").replace("## ", "")


def _location(finding: Finding) -> dict[str, Any]:
    return _physical(finding.location, finding.snippet)


def _physical(loc: Location, snippet: str = "") -> dict[str, Any]:
    region: dict[str, Any]
    if loc.members or not loc.has_lines:
        # archive members and binaries have no lines of their own in the outer artifact
        region = {"startLine": 1}
        if loc.byte_offset is not None and not loc.members:
            region["byteOffset"] = loc.byte_offset
    else:
        region = {
            "startLine": loc.start_line,
            "startColumn": loc.start_column,
            "endLine": max(loc.end_line, loc.start_line),
            "endColumn": loc.end_column if loc.end_column > loc.start_column or loc.end_line > loc.start_line
            else loc.start_column + 1,
        }
        if snippet:
            region["snippet"] = {"text": snippet}
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(loc.path), "uriBaseId": SRCROOT},
        "region": region,
    }
    out: dict[str, Any] = {"physicalLocation": physical}
    if loc.members:
        out["logicalLocations"] = [{"fullyQualifiedName": loc.display_path, "kind": "module"}]
    return out


# GitHub keeps at most 1,000 related locations per result.
MAX_RELATED_LOCATIONS = 1000


def _related(finding: Finding) -> list[dict[str, Any]]:
    out = []
    for i, rel in enumerate(finding.related[:MAX_RELATED_LOCATIONS]):
        entry = _physical(rel.location)
        entry["id"] = i + 1
        entry["message"] = {"text": rel.message}
        out.append(entry)
    return out


def _result(finding: Finding, rule_index: dict[str, int], fingerprint: str | None = None) -> dict[str, Any]:
    """One result; `fingerprint` is the `tiktokScan/v1` partial fingerprint, when the location has one."""
    loc = finding.location
    props: dict[str, Any] = {
        "context": finding.context.value,
        "factKind": finding.kind.value,
        "value": finding.value,
        "analyzer": finding.analyzer,
    }
    if finding.evidence:
        props["evidence"] = finding.evidence
    if loc.members:
        props["archiveChain"] = loc.display_path
        if loc.has_lines:
            props["memberLine"] = loc.start_line
        if loc.byte_offset is not None:
            props["memberByteOffset"] = loc.byte_offset
    pkg = finding.package
    if pkg is not None:
        props["purl"] = pkg.purl
        if pkg.version:
            props["version"] = pkg.version
        if pkg.direct is not None:
            props["direct"] = pkg.direct
        if pkg.dependency_path:
            props["dependencyPath"] = list(pkg.dependency_path)
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index[finding.rule_id],
        "level": finding.level.value,
        "message": {"text": finding.message},
        "locations": [_location(finding)],
        "partialFingerprints": {},
        "properties": props,
    }
    if loc.has_lines and not loc.members and finding.line_hash is not None:
        result["partialFingerprints"]["primaryLocationLineHash"] = finding.line_hash
    if fingerprint is not None:
        result["partialFingerprints"][OWN_FINGERPRINT] = fingerprint
    if finding.related:
        result["relatedLocations"] = _related(finding)
        if len(finding.related) > MAX_RELATED_LOCATIONS:
            props["relatedLocationCount"] = len(finding.related)
    if finding.suppressed is not None:
        result["suppressions"] = [{"kind": finding.suppression_kind, "justification": finding.suppressed}]
    return result


def _notification(note: Notification) -> dict[str, Any]:
    outer = note.path.split("!/", 1)[0]
    out: dict[str, Any] = {
        "level": note.level.value if note.level is not Level.NONE else "note",
        "message": {"text": note.message},
        "descriptor": {"id": note.reason.value},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(outer), "uriBaseId": SRCROOT}}}],
    }
    if note.analyzer:
        out["properties"] = {"analyzer": note.analyzer}
    return out


OWN_FINGERPRINT = "tiktokScan/v1"


@dataclass(frozen=True)
class _Unit:
    """What becomes one SARIF result: one finding, or a component's findings in one package or binary."""

    primary: int  # index into the selected findings
    others: tuple[int, ...] = ()
    product: str = ""
    place: Place | None = None
    level: Level = Level.NOTE
    rollup: bool = False  # a component in a package or binary: one result for all its locations

    @property
    def first_party(self) -> bool:
        return self.place is None or self.place.kind is PlaceKind.FIRST_PARTY


@dataclass(frozen=True)
class Cap:
    """Results left out to stay inside GitHub's limits (the least severe go first)."""

    total: int
    kept: int
    reason: str

    @property
    def message(self) -> str:
        return (f"{self.total - self.kept:,} of {self.total:,} results were left out of this SARIF file: "
                f"{self.reason}. The most severe result of every file was kept first (first-party files "
                f"first), then first-party results before package and binary ones, the most severe first, "
                f"one per file before a second from the same file: {self.kept:,} kept. Narrow the scan "
                f"(--exclude, --since, --baseline) or use --format json for the complete list.")


def _keep_order(units: list[_Unit], findings: list[Finding], rules: dict[str, Rule]) -> list[int]:
    """Indexes of `units` in the order a cap keeps them. First the most severe result of every file
    (30,000 errors in one file must not push out the one real finding in another file, nor a
    vendored package's only result), first-party before package and binary results; then the rest:
    first-party first, by level, the n-th result of a file after the (n-1)-th of every file, then
    security-severity."""
    def severity(i: int) -> tuple[int, float]:
        rule = rules.get(findings[units[i].primary].rule_id)
        return (-units[i].level.rank, -(rule.security_severity if rule else 0.0))

    by_file: dict[str, list[int]] = {}
    for i, unit in enumerate(units):
        by_file.setdefault(findings[unit.primary].location.path, []).append(i)
    nth = [0] * len(units)
    for members in by_file.values():
        for rank, i in enumerate(sorted(members, key=lambda i: (severity(i), i))):
            nth[i] = rank

    def key(i: int) -> tuple[bool, bool, int, int, float, int]:
        level, sev = severity(i)
        return (nth[i] > 0, not units[i].first_party, level, nth[i], sev, i)

    return sorted(range(len(units)), key=key)


class SarifReporter:
    name = "sarif"

    def __init__(self, category: str = "tiktok-scan", srcroot: str | None = None,
                 include_suppressed: bool = False, max_results: int = MAX_RESULTS,
                 max_gzip_bytes: int = MAX_GZIP_BYTES, all_locations: bool = False) -> None:
        self.category = category
        self.all_locations = all_locations  # one result per location in packages and binaries too
        self.srcroot = srcroot
        # GitHub ignores SARIF suppressions and would show suppressed results as open alerts.
        self.include_suppressed = include_suppressed
        self.max_results = max_results
        self.max_gzip_bytes = max_gzip_bytes
        self.cap: Cap | None = None  # set by render() when results had to be left out

    @classmethod
    def from_options(cls, options: ReportOptions) -> SarifReporter:
        return cls(category=options.category, include_suppressed=options.include_suppressed,
                   all_locations=options.all_locations)

    @property
    def warnings(self) -> tuple[str, ...]:
        return (self.cap.message,) if self.cap is not None else ()

    def _results(self, result: ScanResult, rules: list[Rule], limit: int, reason: str) -> list[dict[str, Any]]:
        known = {r.id: r for r in rules}
        findings = [f for f in result.findings
                    if f.rule_id in known and (self.include_suppressed or f.suppressed is None)]
        places = places_of(findings, known)
        units = _units(findings, places, known, self.all_locations)
        if len(units) > limit:
            keep = set(_keep_order(units, findings, known)[:limit])
            self.cap = Cap(total=len(units), kept=limit, reason=reason)
            units = [u for i, u in enumerate(units) if i in keep]
        rule_index = {rule.id: i for i, rule in enumerate(rules)}
        own = _OwnFingerprints()
        return [_unit_result(u, findings, known, rule_index, own) for u in units]

    def document(self, result: ScanResult) -> dict[str, Any]:
        return self._document(result, self.max_results,
                              f"GitHub accepts at most {MAX_RESULTS:,} results per run")

    def _document(self, result: ScanResult, limit: int, reason: str) -> dict[str, Any]:
        self.cap = None
        rules: list[Rule] = []
        seen: set[str] = set()
        for r in result.rules:
            if isinstance(r, Rule) and r.id not in seen:  # GitHub rejects duplicate rule ids
                seen.add(r.id)
                rules.append(r)
        packs = {r.pack for r in rules}
        prohibitions = result.extra.get("prohibitions", {})
        assert isinstance(prohibitions, dict)
        srcroot = self.srcroot or str(result.extra.get("srcroot") or (result.roots[0] if result.roots else "."))
        srcroot_uri = Path(srcroot).resolve().as_uri().rstrip("/") + "/"
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "tiktok-scan",
                    "fullName": "tiktok-scan: TikTok code, SDK and service use scanner",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "informationUri": INFORMATION_URI,
                    "rules": [_rule_descriptor(r, str(prohibitions.get(r.pack, ""))) for r in rules],
                },
                "extensions": [
                    {"name": f"signature-pack/{name}", "version": version}
                    for name, version in result.packs
                    if name in packs
                ]
                + [{"name": f"analyzer/{name}", "version": version} for name, version in result.analyzers],
            },
            "automationDetails": {"id": f"{self.category}/"},
            "originalUriBaseIds": {SRCROOT: {"uri": srcroot_uri}},
            "columnKind": "unicodeCodePoints",
            "invocations": [
                {
                    "executionSuccessful": result.successful,
                    "startTimeUtc": result.start_time_utc,
                    "endTimeUtc": result.end_time_utc,
                    "toolExecutionNotifications": [_notification(n) for n in result.notifications],
                }
            ],
            "results": self._results(result, rules, limit, reason),
            "properties": {
                "filesScanned": result.stats.files_analyzed,
                "bytesScanned": result.stats.bytes_read,
            },
        }
        if not result.start_time_utc:
            del run["invocations"][0]["startTimeUtc"]
            del run["invocations"][0]["endTimeUtc"]
        if self.cap is not None:
            run["invocations"][0]["toolExecutionNotifications"].append({
                "level": "warning",
                "message": {"text": self.cap.message},
                "descriptor": {"id": "result-limit"},
            })
        return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}

    def render(self, result: ScanResult) -> str:
        text = self._text(self.document(result))
        limit = min(self.max_results, len(result.findings))
        size = _gzip_size(text)
        while size > self.max_gzip_bytes and limit > 0:
            # Shrink in proportion to the overshoot (plus a margin), then measure again.
            limit = min(limit - 1, int(limit * self.max_gzip_bytes / size * 0.95))
            text = self._text(self._document(
                result, max(limit, 0), f"GitHub accepts at most {self.max_gzip_bytes / 1_048_576:g} MB "
                                       f"of gzip-compressed SARIF per upload"))
            size = _gzip_size(text)
        return text

    @staticmethod
    def _text(doc: dict[str, Any]) -> str:
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if may_hold_surrogates(text, ascii_escaped=False):  # a name that was not UTF-8 on disk
            text = json.dumps(clean_strings(doc), indent=2, ensure_ascii=False) + "\n"
        return text


def _units(findings: list[Finding], places: dict[int, tuple[str, Place]], rules: dict[str, Rule],
           all_locations: bool) -> list[_Unit]:
    """One unit per first-party finding (and per finding of a rule that is no component); one per
    (component, package or binary, suppressed or not) otherwise; in the order of the findings."""
    groups: dict[tuple[str, Place, bool], list[int]] = {}
    units: list[_Unit | tuple[str, Place, bool]] = []
    for i, f in enumerate(findings):
        product_place = places.get(i)
        if product_place is None or product_place[1].kind is PlaceKind.FIRST_PARTY or all_locations:
            units.append(_Unit(primary=i, product=product_place[0] if product_place else "",
                               place=product_place[1] if product_place else None, level=f.level))
            continue
        key = (*product_place, f.suppressed is None)
        if key not in groups:
            groups[key] = []
            units.append(key)
        groups[key].append(i)
    out = []
    for unit in units:
        if isinstance(unit, _Unit):
            out.append(unit)
            continue
        members = groups[unit]
        primary = min(members, key=lambda i: _primary_rank(findings[i], rules))
        level = max((findings[i].level for i in members), key=lambda lv: lv.rank)
        out.append(_Unit(primary=primary, others=tuple(i for i in members if i != primary), product=unit[0],
                         place=unit[1], level=level, rollup=True))
    return out


def _primary_rank(finding: Finding, rules: dict[str, Rule]) -> tuple[int, int, tuple[object, ...]]:
    """The finding a package's result stands at: its manifest first (a declaration), then the most severe."""
    kind = evidence_kind(finding, rules.get(finding.rule_id))
    return (0 if kind.value in ("declared", "resolved") else 1, -finding.level.rank, finding.sort_key)


class _OwnFingerprints:
    """`tiktokScan/v1` values, with GitHub's occurrence counter so that equal inputs stay apart."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, *parts: str) -> str:
        digest = stable_hash(*parts).split(":", 1)[0]
        self.seen[digest] = self.seen.get(digest, 0) + 1
        return f"{digest}:{self.seen[digest]}"


def _unit_result(unit: _Unit, findings: list[Finding], rules: dict[str, Rule], rule_index: dict[str, int],
                 own: _OwnFingerprints) -> dict[str, Any]:
    primary = findings[unit.primary]
    loc = primary.location
    place = unit.place
    root = place.root if place is not None else ""
    if not unit.rollup:
        needs_own = bool(loc.members) or not loc.has_lines or primary.line_hash is None
        fp = own(primary.rule_id, root, loc.display_path, primary.value) if needs_own else None
        return _result(primary, rule_index, fp)
    assert place is not None
    members = (unit.primary, *unit.others)
    related = [*primary.related, *(Related(findings[i].location, f"{findings[i].rule_id}: {findings[i].message}")
                                   for i in unit.others)]
    (component,) = components_at(findings, rules, {i: (unit.product, place) for i in members})
    files = len({findings[i].location.display_path for i in members})
    message = (f"{describe(component, findings)}: {len(members):,} location{'s' if len(members) != 1 else ''} in "
               f"{files:,} file{'s' if files != 1 else ''} of this {place.kind.value}, one result for all "
               f"(the others are related locations; --all-locations lists each). {primary.message}")
    rolled = replace(primary, level=unit.level, message=message, related=tuple(related))
    out = _result(rolled, rule_index, own("component", unit.product, place.kind.value, root))
    props = out["properties"]
    props["locationCount"] = len(members)
    props["component"] = {"product": unit.product, "title": product_title(unit.product),
                          "placeKind": place.kind.value, "place": root,
                          "evidence": sorted(k.value for k in component.kinds),
                          "rules": sorted({findings[i].rule_id for i in members})}
    if place.package is not None:
        props["component"]["purl"] = place.package.purl
    return out


def _gzip_size(text: str) -> int:
    import gzip

    return len(gzip.compress(text.encode("utf-8"), compresslevel=6))
