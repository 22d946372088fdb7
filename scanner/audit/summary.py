"""What an audit counts, computed once per repository and handed to every output.

Every audit output (per-repository SARIF, CSV, Markdown, HTML, CycloneDX, SQLite history) is
written from these objects, so they cannot disagree: a repository has components (one product in
one place, scanner.findings.components), findings (unsuppressed) and accepted findings (matched by
the `--config` allowlist, kept and marked suppressed by scanner.service.audit_result). A component
whose every location is under a test, fixture or example path is counted apart: it tells whether
the software uses TikTok less than one in shipped code does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from scanner.audit.run import RepoOutcome
from scanner.findings.components import build_components, where
from scanner.model import Component, EvidenceKind, Finding, Level, Location, ScanResult
from scanner.report.cyclonedx import entries_of

# directory names (any level, compared in lower case) whose files are tests, fixtures or examples;
# not the singular `example`: Java and Android code lives in `com/example/...` packages
TEST_DIRS = frozenset({"test", "tests", "__tests__", "testdata", "test-data", "test_data", "fixtures", "__fixtures__",
                       "spec", "specs", "__mocks__", "examples", "samples"})
# file names that are tests wherever they are: pytest, Go, Jest/Mocha/Jasmine
_TEST_FILE = re.compile(r"^test_.*\.py$|_test\.(py|go)$|\.(test|spec)\.[cm]?[jt]sx?$")
MENTIONED = EvidenceKind.MENTIONED.value  # the one evidence kind that is not a use of TikTok


def is_test_path(location: Location) -> bool:
    """True when `location` (its path, then its archive members) is under a test, fixture or
    example directory, or is a test file by its name."""
    parts = [part for piece in (location.path, *location.members) for part in piece.split("/") if part]
    if not parts:
        return False
    return any(part.lower() in TEST_DIRS for part in parts[:-1]) or bool(_TEST_FILE.search(parts[-1]))


@dataclass(frozen=True)
class AuditComponent:
    """One component of one repository, with its findings split into found and accepted."""

    repo: str
    component: Component
    entries: tuple[tuple[str, Finding], ...]  # (evidence kind, finding), in the result's order
    tests: bool  # every location is a test, fixture or example path

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The unsuppressed findings."""
        return tuple(f for _, f in self.entries if f.suppressed is None)

    @property
    def accepted(self) -> tuple[Finding, ...]:
        """The findings the --config allowlist accepted."""
        return tuple(f for _, f in self.entries if f.suppressed is not None)

    @property
    def kinds(self) -> tuple[str, ...]:
        """Evidence kinds of the unsuppressed findings (of the accepted ones when there are none)."""
        live = {kind for kind, f in self.entries if f.suppressed is None}
        return tuple(sorted(live or {kind for kind, _ in self.entries}))

    @property
    def product(self) -> str:
        return self.component.product

    @property
    def place(self) -> str:
        """`app` (first-party), `node_modules/x` (package), `lib/x.so` (binary); `.` for the repository."""
        return self.component.place.root or "."

    @property
    def place_kind(self) -> str:
        return self.component.place.kind.value

    @property
    def package(self) -> str:
        pkg = self.component.place.package
        return pkg.purl if pkg is not None else ""

    @property
    def level(self) -> Level:
        shown = self.findings or self.accepted
        return max((f.level for f in shown), key=lambda lvl: lvl.rank, default=Level.NONE)

    @property
    def is_use(self) -> bool:
        """An unsuppressed use (not only a mention)."""
        return bool(self.findings) and any(kind != MENTIONED for kind in self.kinds)


@dataclass(frozen=True)
class RepoSummary:
    outcome: RepoOutcome
    components: tuple[AuditComponent, ...]  # code first, then tests; by product and place
    loose: tuple[Finding, ...] = ()  # findings of rules that name no component (scan-integrity)

    @property
    def name(self) -> str:
        return self.outcome.repo.name

    @property
    def result(self) -> ScanResult | None:
        return self.outcome.result

    @property
    def findings(self) -> list[Finding]:
        return [f for f in self.outcome.result.findings if f.suppressed is None] if self.outcome.result else []

    @property
    def accepted(self) -> list[Finding]:
        return [f for f in self.outcome.result.findings if f.suppressed is not None] if self.outcome.result else []

    def levels(self) -> Counter[str]:
        return Counter(f.level.value for f in self.findings)

    @property
    def code(self) -> tuple[AuditComponent, ...]:
        return tuple(c for c in self.components if not c.tests)

    @property
    def in_tests(self) -> tuple[AuditComponent, ...]:
        return tuple(c for c in self.components if c.tests)

    @property
    def verdict(self) -> str:
        """failed | uses | tests (used only in tests, fixtures or examples) | mentions | accepted | none."""
        if not self.outcome.ok:
            return "failed"
        if any(c.is_use for c in self.code):
            return "uses"
        if any(c.is_use for c in self.in_tests):
            return "tests"
        if any(c.findings for c in self.components):
            return "mentions"
        if self.accepted:
            return "accepted"
        return "none"


VERDICT_TEXT = {
    "uses": "uses TikTok", "tests": "uses TikTok only in tests, fixtures or examples",
    "mentions": "only mentions TikTok", "accepted": "only accepted uses", "none": "no TikTok found",
    "failed": "could not be scanned",
}


def summarize(outcome: RepoOutcome) -> RepoSummary:
    """The components of one finished repository, each with its findings and accepted findings."""
    result = outcome.result
    if result is None:
        return RepoSummary(outcome, ())
    covered: set[int] = set()
    made: list[AuditComponent] = []
    for component in build_components(result, include_suppressed=True):
        covered.update(component.findings)
        entries = entries_of(component, result)
        tests = all(is_test_path(f.location) for _, f in entries)
        made.append(AuditComponent(outcome.repo.name, component, entries, tests))
    made.sort(key=lambda c: (c.tests, c.product, c.place_kind, c.place))
    loose = tuple(f for i, f in enumerate(result.findings) if i not in covered)
    return RepoSummary(outcome, tuple(made), loose)


@dataclass(frozen=True)
class AuditSummary:
    """The run and every repository's summary: what the reports are written from."""

    title: str
    run_id: int
    started_utc: str
    tool_version: str
    packs: tuple[str, ...]
    repos: tuple[RepoSummary, ...]

    @property
    def products(self) -> list[str]:
        """The products found, most widespread first (the matrix's columns)."""
        spread = Counter(p for r in self.repos for p in {c.product for c in r.components})
        return sorted(spread, key=lambda p: (-spread[p], p))

    def verdict_line(self) -> str:
        """`2 of 3 repositories use TikTok; 1 only in tests, fixtures or examples; 1 could not be scanned.`"""
        counts = Counter(r.verdict for r in self.repos)
        total = len(self.repos)
        noun = "repository" if total == 1 else "repositories"
        verb = "uses" if total == 1 else "use"
        line = f"{counts['uses']} of {total} {noun} {verb} TikTok"
        more = [f"{counts['tests']} only in tests, fixtures or examples" if counts["tests"] else "",
                f"{counts['mentions']} only mention{'s' if counts['mentions'] == 1 else ''} it"
                if counts["mentions"] else "",
                f"{counts['accepted']} only in accepted findings" if counts["accepted"] else "",
                f"{counts['failed']} could not be scanned" if counts["failed"] else ""]
        return "; ".join([line, *(m for m in more if m)]) + "."


def repo_anchor(name: str) -> str:
    """An HTML id / Markdown anchor for a repository's section (names are file-name safe already)."""
    return "repo-" + re.sub(r"[^A-Za-z0-9_.-]", "-", name)


def locations(findings: Sequence[Finding], limit: int = 5) -> tuple[list[str], int]:
    """The first `limit` distinct `path:line` places of `findings`, and how many more there are."""
    seen = list(dict.fromkeys(where(f.location) for f in findings))  # distinct, in order, in linear time
    return seen[:limit], max(len(seen) - limit, 0)
