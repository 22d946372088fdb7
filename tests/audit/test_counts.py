"""One count everywhere: an audit's SARIF, CSV, Markdown, HTML, CycloneDX and SQLite history give
every repository the same number of components, of components only in tests, of findings and of
accepted findings, and the reports answer the question first (verdict, matrix, date and version).

The fleet is built at test time (tests/audit/conftest.py, make_mixed_fleet) and its expected counts
are written out by hand below, so a writer that drifts from the others, or from the truth, fails.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections import Counter, defaultdict
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from scanner import __version__
from tests.audit.conftest import ACCEPT_CONFIG, LONG_NAME, make_mixed_fleet
from tests.conftest import run_cli
from tests.sarif_tools import schema_errors

Counts = dict[str, tuple[int, int, int, int]]  # repository -> (components, in tests, findings, accepted)

# storefront: the Pixel in first-party code (package.json:5, web/index.html:2, the long-named file),
# the Pixel in node_modules/tiktok-pixel (its package.json and index.js), the Open API only in
# tests/, and the server SDK in requirements.txt, accepted by ACCEPT_CONFIG (a component of its own)
EXPECTED: Counts = {"storefront": (4, 1, 6, 1), "mobile-tests": (1, 1, 1, 0), "pixel-mirror": (1, 0, 1, 0),
                    "clean": (0, 0, 0, 0)}
REPOS = tuple(EXPECTED)
VERDICT = "2 of 4 repositories use TikTok; 1 only in tests, fixtures or examples."


@lru_cache(maxsize=1)
def _audited(base: str) -> tuple[Path, str]:
    root = Path(base)
    repos = make_mixed_fleet(root / "fleet")
    config = root / "accept.toml"
    config.write_text(ACCEPT_CONFIG)
    out = root / "out"
    proc = run_cli("audit", *map(str, repos), "--out", str(out), "--config", str(config), "--jobs", "2",
                   "--no-progress")
    assert proc.returncode == 1, proc.stderr  # unaccepted errors remain
    return out, proc.stdout


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return _audited(str(tmp_path_factory.mktemp("counts")))


class _Tables(HTMLParser):
    """Every <table>'s rows as lists of cell texts, by the table's id or class."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = defaultdict(list)
        self._table: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table.append(a.get("id") or f"{a.get('class')}:{a.get('data-repo')}")
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table.pop()
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table[-1]].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(text: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(text)
    return parser.tables


def _from_summary(header: list[str], rows: list[list[str]]) -> Counts:
    col = {name: i for i, name in enumerate(header)}
    return {r[0]: (int(r[col["Components"]]), int(r[col["In tests"]]), int(r[col["Findings"]]),
                   int(r[col["Accepted"]])) for r in rows}


def markdown_counts(text: str) -> Counts:
    lines = text.split("## Summary\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    cells = [[c.strip() for c in line.strip("|").split(" | ")] for line in lines]
    rows = [[re.sub(r"^\[(.+)\]\(#repo-.+\)$", r"\1", r[0]), *r[1:]] for r in cells[2:]]
    return _from_summary(cells[0], rows)


def html_counts(text: str) -> Counts:
    summary = html_tables(text)["summary"]
    return _from_summary(summary[0], summary[1:])


def csv_counts(out: Path) -> Counts:
    with (out / "report.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    counts: Counts = {}
    for repo in REPOS:
        mine = [r for r in rows if r["repository"] == repo]
        comps = {(r["product"], r["place_kind"], r["place"]) for r in mine}
        tests = {(r["product"], r["place_kind"], r["place"]) for r in mine if r["tests"] == "yes"}
        counts[repo] = (len(comps), len(tests), sum(1 for r in mine if not r["accepted"]),
                        sum(1 for r in mine if r["accepted"]))
    return counts


def sqlite_counts(out: Path) -> Counts:
    db = sqlite3.connect(out / "audit.sqlite")
    try:
        comps = dict(db.execute("SELECT repo, COUNT(*) FROM components GROUP BY repo").fetchall())
        tests = dict(db.execute("SELECT repo, SUM(tests) FROM components GROUP BY repo").fetchall())
        found = dict(db.execute("SELECT repo, COUNT(*) FROM findings WHERE accepted IS NULL GROUP BY repo").fetchall())
        accepted = dict(db.execute("SELECT repo, COUNT(*) FROM findings WHERE accepted IS NOT NULL GROUP BY repo")
                        .fetchall())
        per_component = db.execute("SELECT SUM(findings), SUM(accepted) FROM components").fetchone()
        assert per_component == (sum(found.values()), sum(accepted.values()))
    finally:
        db.close()
    return {r: (comps.get(r, 0), tests.get(r, 0), found.get(r, 0), accepted.get(r, 0)) for r in REPOS}


def _props(component: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in component.get("properties", [])}


def cyclonedx_counts(out: Path) -> Counts:
    text = (out / "inventory.cdx.json").read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    counts: dict[str, list[int]] = {r: [0, 0, 0, 0] for r in REPOS}
    for c in bom.get("components", []):
        props = _props(c)
        tally = counts[props["tiktok-scan:repository"]]
        tally[0] += 1
        tally[1] += props["tiktok-scan:tests"] == "true"
        occurrences = c["evidence"]["occurrences"]
        accepted = sum(1 for o in occurrences if "(accepted: " in o["additionalContext"])
        assert (int(props["tiktok-scan:findings"]), int(props["tiktok-scan:accepted"])) == (
            len(occurrences) - accepted, accepted)
        tally[2] += len(occurrences) - accepted
        tally[3] += accepted
    return {r: (a, b, c, d) for r, (a, b, c, d) in counts.items()}


def sarif_findings(out: Path) -> dict[str, tuple[int, int]]:
    """repository -> (findings, accepted) from its SARIF: a rolled-up result counts its locations."""
    counts = {}
    for repo in REPOS:
        doc = json.loads((out / "sarif" / f"{repo}.sarif").read_text())
        assert schema_errors(doc) == []
        found = accepted = 0
        for result in doc["runs"][0]["results"]:
            n = int(result.get("properties", {}).get("locationCount", 1))
            if result.get("suppressions"):
                accepted += n
            else:
                found += n
        counts[repo] = (found, accepted)
    return counts


def stdout_counts(stdout: str) -> dict[str, tuple[int, int, int]]:
    """repository -> (components, findings, accepted) from the audit's closing lines."""
    out = {}
    for m in re.finditer(r"^  (\S+): ok; (\d+) error, (\d+) warning, (\d+) note(?:; (\d+) allowed by \S+)?; "
                         r"(\d+) component\(s\)$", stdout, re.M):
        out[m[1]] = (int(m[6]), int(m[2]) + int(m[3]) + int(m[4]), int(m[5] or 0))
    return out


def test_every_output_gives_the_same_counts(audit: tuple[Path, str]) -> None:
    out, stdout = audit
    assert sqlite_counts(out) == EXPECTED
    assert csv_counts(out) == EXPECTED
    assert markdown_counts((out / "report.md").read_text()) == EXPECTED
    assert html_counts((out / "report.html").read_text()) == EXPECTED
    assert cyclonedx_counts(out) == EXPECTED
    assert sarif_findings(out) == {r: (f, a) for r, (_, _, f, a) in EXPECTED.items()}
    # the package's two findings are one SARIF result (a roll-up): the SARIF counts its locations
    results = json.loads((out / "sarif" / "storefront.sarif").read_text())["runs"][0]["results"]
    rolled = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["properties"]["locationCount"])
              for r in results if "locationCount" in r["properties"]]
    assert rolled == [("node_modules/tiktok-pixel/package.json", 2)] and len(results) == 6
    assert stdout_counts(stdout) == {r: (c, f, a) for r, (c, _, f, a) in EXPECTED.items()}


def test_history_counts_like_the_reports(audit: tuple[Path, str]) -> None:
    out, _ = audit
    proc = run_cli("audit", "runs", "--out", str(out), "--format", "json")
    (run,) = json.loads(proc.stdout)
    assert (run["components"], run["findings"], run["accepted"]) == (
        sum(c for c, _, _, _ in EXPECTED.values()), sum(f for _, _, f, _ in EXPECTED.values()),
        sum(a for _, _, _, a in EXPECTED.values()))


def test_the_trend_counts_what_the_summary_counts(tmp_path: Path) -> None:
    """Two runs into one history: the trend shows, per run, the components and findings the summary
    table shows (it used to count distinct error/warning rule-and-value pairs, another unit)."""
    repos = make_mixed_fleet(tmp_path / "fleet")
    db = tmp_path / "history.sqlite"
    config = tmp_path / "accept.toml"
    config.write_text(ACCEPT_CONFIG)
    for run in ("r1", "r2"):
        run_cli("audit", *map(str, repos), "--out", str(tmp_path / run), "--db", str(db), "--config", str(config),
                "--no-progress")
    html = (tmp_path / "r2" / "report.html").read_text()
    trend = {row[0]: row[1:] for row in html_tables(html)["trend"][1:]}
    summary = html_counts(html)
    assert summary == EXPECTED
    assert trend == {repo: [f"{c} / {f}"] * 2 for repo, (c, _, f, _) in EXPECTED.items()}
    md = (tmp_path / "r2" / "report.md").read_text()
    assert "| storefront | 4 / 6 | 4 / 6 |" in md


def test_the_reports_answer_the_question_first(audit: tuple[Path, str]) -> None:
    out, stdout = audit
    md = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    assert md.splitlines()[2] == f"**{VERDICT}**"
    assert f'<p class="verdict" id="verdict">{VERDICT}</p>' in html
    assert VERDICT in stdout
    run = re.search(r"Run 1, started (\S+) \(UTC\), tiktok-scan (\S+), signature packs: (.+)\.", md)
    assert run and run[2] == __version__ and run[1][:4].isdigit() and "tiktok " in run[3]
    assert f"tiktok-scan {__version__}" in html
    # the matrix: a row per repository, a column per product found, the evidence kinds in each cell
    matrix = html_tables(html)["components-matrix"]
    header, rows = matrix[0], {r[0]: dict(zip(matrix[0], r, strict=True)) for r in matrix[1:]}
    assert header[0] == "Repository" and set(rows) == set(REPOS)
    assert rows["storefront"]["TikTok Pixel"] == "declared, endpoint in 2 places"  # first-party and node_modules
    assert rows["storefront"]["TikTok Open API"] == "endpoint (tests)"
    assert rows["storefront"]["TikTok API for Business (Events / Marketing API)"] == "declared (accepted)"
    assert rows["mobile-tests"]["TikTok Open API"] == "endpoint (tests)"
    assert rows["clean"]["TikTok Pixel"] == "-"
    # the summary links to each repository's section, which exists
    for repo in REPOS:
        assert f'<a href="#repo-{repo}">{repo}</a>' in html and f'<section id="repo-{repo}">' in html
        assert f"[{repo}](#repo-{repo})" in md and f'<a id="repo-{repo}"></a>' in md


def test_test_and_fixture_paths_are_grouped_apart(audit: tuple[Path, str]) -> None:
    out, _ = audit
    tables = html_tables((out / "report.html").read_text())
    code = tables["components:storefront"]
    tests = tables["tests:storefront"]
    assert [r[0] for r in tests[1:]] == ["TikTok Open API"]
    assert "tests/test_open_api.py:1" in tests[1][6]
    assert not any("tests/" in cell for row in code for cell in row)
    places = {(r[0], r[1]) for r in code[1:]}
    assert places == {("TikTok Pixel", "the repository (first-party)"),
                      ("TikTok Pixel", "node_modules/tiktok-pixel (package)"),
                      ("TikTok API for Business (Events / Marketing API)", "the repository (first-party)")}
    assert "components:mobile-tests" not in tables and tables["tests:mobile-tests"][1][6] == "__tests__/login.test.js:1"
    md = (out / "report.md").read_text()
    section = md.split("## storefront", 1)[1].split("## mobile-tests", 1)[0]
    code_md, tests_md = section.split("**In tests, fixtures and examples**")
    assert "`tests/test_open_api.py:1`" in tests_md and "tests/test_open_api.py" not in code_md
    assert f"web/static/{LONG_NAME}:1" in code_md


def test_accepted_findings_are_marked_in_every_output(audit: tuple[Path, str]) -> None:
    out, _ = audit
    (row,) = [r for r in csv.DictReader((out / "report.csv").open()) if r["accepted"]]
    assert (row["repository"], row["path"], row["line"], row["rule_id"]) == ("storefront", "requirements.txt", "1",
                                                                             "TT103")
    assert row["accepted"] == "the server SDK is approved"
    doc = json.loads((out / "sarif" / "storefront.sarif").read_text())
    (suppressed,) = [r for r in doc["runs"][0]["results"] if r.get("suppressions")]
    assert suppressed["ruleId"] == "TT103"
    assert suppressed["suppressions"] == [{"kind": "external", "justification": "the server SDK is approved"}]
    db = sqlite3.connect(out / "audit.sqlite")
    assert db.execute("SELECT path, line, rule_id, accepted FROM findings WHERE accepted IS NOT NULL").fetchall() == [
        ("requirements.txt", 1, "TT103", "the server SDK is approved")]
    db.close()
    # accepted findings do not make a repository a user of TikTok, nor fail the audit on their own
    assert Counter(r["repository"] for r in csv.DictReader((out / "report.csv").open()) if not r["accepted"])[
        "storefront"] == 6
