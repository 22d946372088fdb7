"""Inline `tiktok-scan: ignore[...]` comments in every supported comment syntax."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.findings.suppress import NO_REASON, parse_directive
from scanner.model import ScanResult
from scanner.report.sarif import SarifReporter
from scanner.report.text import TextReporter
from tests.integration.helpers import FIXTURES

ROOT = FIXTURES / "suppress"

# (path, line, rule) -> justification, or None when the finding must stay visible
EXPECTED: dict[tuple[str, int, str], str | None] = {
    ("app.py", 3, "TT301"): "legacy login, removed in PR 42",
    ("app.py", 5, "TT302"): NO_REASON,
    ("app.py", 6, "TT301"): None,  # the comment names another rule
    ("app.py", 7, "TT301"): None,
    ("app.py", 8, "TT302"): "only this line",
    ("app.py", 9, "TT302"): None,  # a trailing comment on the line above covers only its own line
    ("app.js", 2, "TT301"): "legacy login",
    ("app.js", 4, "TT302"): "events proxy, approved by legal",
    ("app.js", 5, "TT301"): None,
    ("app.ts", 1, "TT301"): "typed client",
    ("app.ts", 3, "TT302"): NO_REASON,  # bare `ignore`: every rule
    ("app.ts", 4, "TT301"): None,
    ("Endpoints.java", 5, "TT301"): "server-side migration check",
    ("Endpoints.java", 6, "TT302"): "lower-case id",
    ("Endpoints.java", 7, "TT301"): None,
    ("Endpoints.kt", 4, "TT301"): "kept for the audit",
    ("Endpoints.kt", 6, "TT302"): NO_REASON,
    ("Endpoints.kt", 7, "TT301"): None,
    ("Endpoints.swift", 4, "TT301"): "login removal tracked in JIRA-12",
    ("Endpoints.swift", 6, "TT302"): "conversions proxy",
    ("Endpoints.swift", 7, "TT301"): None,
    ("Endpoints.m", 4, "TT301"): "legacy login",
    ("Endpoints.m", 5, "TT302"): "proxy",
    ("Endpoints.m", 6, "TT301"): None,
    ("Endpoints.cs", 6, "TT301"): "audit exception",
    ("Endpoints.cs", 7, "TT301"): None,
    ("endpoints.go", 3, "TT301"): "legacy",
    ("endpoints.go", 4, "TT301"): None,
    ("marketing.yaml", 3, "TT302"): "staging only",
    ("marketing.yaml", 5, "TT301"): NO_REASON,
    ("marketing.yaml", 6, "TT301"): None,
    ("strings.xml", 4, "TT301"): "documented exception SEC-7",
    ("strings.xml", 5, "TT302"): NO_REASON,
    ("strings.xml", 6, "TT301"): None,
    ("Info.plist", 8, "TT202"): "share button, approved",
    ("Info.plist", 9, "TT202"): None,
    ("build.gradle", 4, "TT109"): "mirror removed next release",
    ("build.gradle", 9, "TT302"): "server relay",
    ("build.gradle", 10, "TT301"): None,
    ("Podfile", 6, "TT109"): "mirror removed next release",
    ("deploy.sh", 3, "TT302"): "smoke test against the sandbox",
    ("deploy.sh", 4, "TT301"): None,
    ("index.html", 5, "TT303"): "pixel kept until the consent banner ships",
    ("index.html", 6, "TT303"): None,
}


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return run_scan(ScanConfig(roots=[str(ROOT)], srcroot=str(ROOT), jobs=1))


def test_every_comment_syntax(result: ScanResult) -> None:
    got = {(f.location.path, f.location.start_line, f.rule_id): f.suppressed for f in result.findings}
    assert got == EXPECTED


def test_inline_suppressions_are_in_source(result: ScanResult) -> None:
    kinds = {f.suppression_kind for f in result.findings if f.suppressed is not None}
    assert kinds == {"inSource"}


def test_switch_off_for_audits() -> None:
    result = run_scan(ScanConfig(roots=[str(ROOT)], srcroot=str(ROOT), jobs=1, inline_suppressions=False))
    assert [f for f in result.findings if f.suppressed is not None] == []
    assert len(result.findings) == len(EXPECTED)


def test_sarif_leaves_suppressed_out_by_default(result: ScanResult) -> None:
    doc = json.loads(SarifReporter().render(result))
    results = doc["runs"][0]["results"]
    visible = sorted(k for k, v in EXPECTED.items() if v is None)
    got = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                  r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in results)
    assert got == visible
    assert all("suppressions" not in r for r in results)


def test_sarif_includes_suppressed_on_request(result: ScanResult) -> None:
    doc = json.loads(SarifReporter(include_suppressed=True).render(result))
    results = doc["runs"][0]["results"]
    assert len(results) == len(EXPECTED)
    by_place = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                 r["locations"][0]["physicalLocation"]["region"]["startLine"]): r for r in results}
    swift = by_place[("Endpoints.swift", 4)]
    assert swift["suppressions"] == [{"kind": "inSource", "justification": "login removal tracked in JIRA-12"}]
    assert "suppressions" not in by_place[("Endpoints.swift", 7)]


def test_text_report_hides_and_counts(result: ScanResult) -> None:
    text = TextReporter().render(result)
    suppressed = sum(1 for v in EXPECTED.values() if v is not None)
    assert f"{suppressed} finding(s) suppressed." in text
    assert "app.py:3:" not in text
    assert "app.py:6:" in text


@pytest.mark.parametrize(("line", "alone", "rules", "reason"), [
    ("x = 1  # tiktok-scan: ignore[TT301] reason here", False, {"TT301"}, "reason here"),
    ("x  // tiktok-scan: ignore[TT301, tt302] — why", False, {"TT301", "TT302"}, "why"),
    ("/* tiktok-scan: ignore[TT301] a b */", True, {"TT301"}, "a b"),
    ("<!-- tiktok-scan: ignore -->", True, None, ""),
    ("  -- tiktok-scan:ignore: sql fixture", True, None, "sql fixture"),
    (" * tiktok-scan: ignore[TT999] inside a block comment", True, {"TT999"}, "inside a block comment"),
])
def test_directive_forms(line: str, alone: bool, rules: set[str] | None, reason: str) -> None:
    directive = parse_directive(line, alone)
    assert directive is not None
    assert directive.rules == (frozenset(rules) if rules is not None else None)
    assert directive.reason == reason


@pytest.mark.parametrize(("line", "alone"), [
    ("x = 1  # tiktok-scan: ignore[TT301]", True),  # code before the comment: not alone on its line
    ("x = 'tiktok-scan: ignore'", False),  # not in a comment
    ("# tiktok-scan: ignored for now", False),  # another word
    ("# tiktok-scan: ignore[]", False),  # empty list suppresses nothing (never everything)
    ("# tiktok-scan: ignore[not a rule]", False),
    ("# tiktok-scan ignore[TT301]", False),  # the colon is part of the directive
])
def test_not_directives(line: str, alone: bool) -> None:
    assert parse_directive(line, alone) is None


def test_fixture_paths_exist() -> None:
    for path, _, _ in EXPECTED:
        assert (Path(ROOT) / path).is_file(), path


def test_unknown_rule_id_in_a_comment_is_a_note(tmp_path: Path, run_cli: Any) -> None:
    """Issue 17: a typo in `ignore[...]` suppresses nothing, so it says so (not for a disabled pack's real id)."""
    (tmp_path / "app.py").write_text(
        'URL = "https://open.tiktokapis.com/v2/oauth/token/"  # tiktok-scan: ignore[TT999] typo of TT301\n'
        "# a comment\n"
        "PAY = 1  # tiktok-scan: ignore[WX101, TT301] WX101 is in the wechat-payments pack, off by default\n",
        encoding="utf-8")
    (tmp_path / "clean.txt").write_text("nothing here\n\n// tiktok-scan: ignore[ab123]\n", encoding="utf-8")
    code, out, err = run_cli(["scan", ".", "--no-config", "--no-baseline", "-f", "json"], tmp_path)
    assert code == 1, err
    notes = [n for n in json.loads(out)["notifications"] if n["reason"] == "unknown-rule"]
    assert [(n["path"], n["level"]) for n in notes] == [("app.py", "note"), ("clean.txt", "note")]
    assert "app.py:1:" in notes[0]["message"] and "TT999" in notes[0]["message"]
    assert "clean.txt:3:" in notes[1]["message"] and "AB123" in notes[1]["message"]
    assert not any("WX101" in n["message"] for n in notes)

    code, out, _ = run_cli(["scan", ".", "--no-config", "--no-baseline", "-f", "json",
                            "--no-inline-suppressions"], tmp_path)
    assert not [n for n in json.loads(out)["notifications"] if n["reason"] == "unknown-rule"]
