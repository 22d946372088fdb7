"""semgrep interop: exported rules validate, and semgrep finds the same code findings as we do."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from scanner.config import ScanConfig
from scanner.engine import run_scan
from scanner.interop import semgrep as sg
from scanner.model import Context, FactKind, Finding, Level, Location
from scanner.rules import RuleSet, load_packs
from scanner.rules.loader import default_signature_dir

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "source"
CODE_CONTEXTS = {Context.IMPORT, Context.CALL, Context.STRING}


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_packs([default_signature_dir()])


@pytest.fixture(scope="module")
def exported(ruleset: RuleSet) -> dict[str, dict[str, object]]:
    doc = yaml.safe_load(sg.export_semgrep(ruleset))
    return {r["id"]: r for r in doc["rules"]}


def semgrep_or_skip() -> str:
    exe = sg.find_semgrep()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install semgrep (the 'semgrep' extra, or set {sg.ENV_EXECUTABLE})")
        pytest.skip("semgrep is not installed")
    return exe


# -- export, without semgrep ----------------------------------------------------------------------


def test_every_source_signature_is_exported_with_its_rule_id(ruleset: RuleSet,
                                                            exported: dict[str, dict[str, object]]) -> None:
    assert "TT206-module-python" in exported and "TT206-symbol-python" in exported
    assert "TT302-endpoint-python" in exported and "TT204-symbol-javascript" in exported
    for rule_id, rule in exported.items():
        meta = rule["metadata"]
        assert isinstance(meta, dict) and rule_id.startswith(meta[sg.META_RULE] + "-")
    with_code = {r.id for r in ruleset.rules if r.matchers.modules or r.matchers.symbols or r.matchers.hosts
                 or r.matchers.domains or r.matchers.urls}
    assert {rid.split("-", 1)[0] for rid in exported} == with_code


def _endpoint_regex(exported: dict[str, dict[str, object]], rule_id: str) -> re.Pattern[str]:
    patterns = exported[f"{rule_id}-endpoint-python"]["patterns"]
    assert isinstance(patterns, list)
    return re.compile(patterns[0]["pattern-regex"])


@pytest.mark.parametrize(("text", "rule_id"), [
    ('"https://business-api.tiktok.com/open_api/v1.3/event/track/"', "TT302"),
    ('"https://www.tiktok.com/v2/auth/authorize/"', "TT301"),
    ('"https://www.tiktok.com/@scout2015"', "TT601"),
    ('"https://m.tiktok.com/share"', "TT306"),
    ('"https://analytics.tiktok.com/i18n/pixel/events.js"', "TT303"),
])
def test_endpoint_regexes_keep_most_specific_rule_precedence(exported: dict[str, dict[str, object]],
                                                             text: str, rule_id: str) -> None:
    """Exactly one of the overlapping rules fires, the one the built-in matcher picks."""
    firing = {rid for rid in ("TT301", "TT302", "TT303", "TT306", "TT601")
              if _endpoint_regex(exported, rid).search(text)}
    assert firing == {rule_id}


@pytest.mark.parametrize("text", ['"tiktoken"', '"nottiktok.com"', '"tiktok.com.example.org"', '"my_tiktok.com"',
                                  '"support@tiktok.com"'])
def test_endpoint_regexes_respect_host_boundaries(exported: dict[str, dict[str, object]], text: str) -> None:
    assert not _endpoint_regex(exported, "TT306").search(text)


def test_merge_dedupes_by_rule_path_and_line() -> None:
    def finding(rule: str, line: int, analyzer: str) -> Finding:
        return Finding(rule_id=rule, level=Level.ERROR, location=Location("a.py", line, 1, line, 5), message="m",
                       kind=FactKind.MODULE, value="v", context=Context.IMPORT, analyzer=analyzer)

    merged = sg.merge_findings([finding("TT206", 3, "source/python")],
                               [finding("TT206", 3, "semgrep"), finding("TT206", 9, "semgrep")])
    assert [(f.rule_id, f.location.start_line, f.analyzer) for f in merged] == [
        ("TT206", 3, "source/python"), ("TT206", 9, "semgrep")]


def test_missing_semgrep_is_a_usage_error(ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(sg.ENV_EXECUTABLE, str(tmp_path / "no-such-semgrep"))
    assert sg.find_semgrep() is None
    with pytest.raises(sg.SemgrepUnavailable):
        sg.run_semgrep([tmp_path], ruleset)


# -- with semgrep ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_exported_rules_pass_semgrep_validation(ruleset: RuleSet) -> None:
    exe = semgrep_or_skip()
    ok, messages = sg.validate_semgrep(sg.export_semgrep(ruleset), exe)
    assert ok, messages


@pytest.mark.slow
def test_validation_can_fail() -> None:
    exe = semgrep_or_skip()
    broken = "rules:\n- id: x\n  languages: [python]\n  severity: ERROR\n  message: m\n  pattern: import (\n"
    ok, messages = sg.validate_semgrep(broken, exe)
    assert not ok and "import (" in messages


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["python"])
def test_semgrep_finds_the_same_code_findings(ruleset: RuleSet, folder: str) -> None:
    exe = semgrep_or_skip()
    root = FIXTURES / folder
    builtin = run_scan(ScanConfig(roots=[str(root)], jobs=1), ruleset).findings
    ours = {(f.rule_id, f.location.path, f.location.start_line) for f in builtin
            if f.context in CODE_CONTEXTS and f.level.at_least(Level.WARNING)}
    theirs_findings = sg.run_semgrep([root], ruleset, executable=exe)
    theirs = {(f.rule_id, f.location.path, f.location.start_line) for f in theirs_findings}
    assert ours, "the fixtures must have code findings"
    assert theirs == ours
    assert all(f.analyzer == "semgrep" for f in theirs_findings)
