"""Reporters: golden outputs (volatile fields redacted), SARIF schema + Multitool validation, exit codes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.model import ScanResult
from scanner.report.json_report import JsonReporter
from scanner.report.sarif import SarifReporter
from scanner.report.text import TextReporter
from tests.conftest import REPO, run_cli
from tests.sarif_tools import multitool_problems, schema_errors

GOLDEN = REPO / "sarif" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # UPDATE_GOLDEN=1 pytest tests/report/test_reports.py


@pytest.fixture(scope="module")
def examples_result() -> ScanResult:
    return run_scan(ScanConfig(roots=[str(REPO / "examples")], srcroot=str(REPO), jobs=1))


def _redact_sarif(doc: dict[str, Any]) -> dict[str, Any]:
    run = doc["runs"][0]
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///REDACTED/"
    for inv in run["invocations"]:
        inv["startTimeUtc"] = inv["endTimeUtc"] = "REDACTED"
    run["tool"]["driver"]["version"] = run["tool"]["driver"]["semanticVersion"] = "REDACTED"
    return doc


def _redact_json(doc: dict[str, Any]) -> dict[str, Any]:
    doc["stats"]["duration_seconds"] = 0
    doc["roots"] = [str(Path(r).relative_to(REPO)) for r in doc["roots"]]
    doc["tool"]["version"] = "REDACTED"
    return doc


def _redact_text(text: str) -> str:
    return re.sub(r"in \d+\.\d+s\.", "in N.NNs.", text)


def _check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from golden; UPDATE_GOLDEN=1 to accept"


def test_golden_sarif(examples_result: ScanResult) -> None:
    doc = _redact_sarif(SarifReporter().document(examples_result))
    _check_golden("examples.sarif", json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def test_golden_json(examples_result: ScanResult) -> None:
    doc = _redact_json(json.loads(JsonReporter().render(examples_result)))
    _check_golden("examples.json", json.dumps(doc, indent=2) + "\n")


def test_golden_text(examples_result: ScanResult) -> None:
    _check_golden("examples.txt", _redact_text(TextReporter(color=False).render(examples_result)))


def test_sarif_validates_against_the_official_schema(examples_result: ScanResult) -> None:
    assert schema_errors(SarifReporter().document(examples_result)) == []


def test_sarif_shape_for_github(examples_result: ScanResult) -> None:
    doc = SarifReporter().document(examples_result)
    (run,) = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for rule in rules:
        assert "security" in rule["properties"]["tags"]
        assert "Executive Order" in rule["help"]["markdown"]
        float(rule["properties"]["security-severity"])
    assert run["automationDetails"]["id"] == "tiktok-scan/"
    assert run["results"], "examples must produce findings"
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert loc["artifactLocation"]["uri"].startswith("examples/")
        assert loc["region"]["startLine"] >= 1
        assert res["partialFingerprints"]["primaryLocationLineHash"]
    assert "act.abcdef" not in json.dumps(doc)


def test_clean_scan_has_empty_results(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import tiktoken\n")
    doc = SarifReporter().document(run_scan(ScanConfig(roots=[str(tmp_path)], jobs=1)))
    assert doc["runs"][0]["results"] == []
    assert schema_errors(doc) == []


def test_unreadable_files_become_notifications(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("u = 'https://open.tiktokapis.com/v2/user/info/'\n")
    (tmp_path / "dangling").symlink_to("/nonexistent/outside")
    result = run_scan(ScanConfig(roots=[str(tmp_path)], jobs=1))
    doc = SarifReporter().document(result)
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == ["dangling"]
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["TT301"]
    assert schema_errors(doc) == []


def test_secrets_never_reach_snippets(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "url: https://business-api.tiktok.com/open_api/v1.3/event/track/?access_token=act.SECRETSECRET123\n")
    result = run_scan(ScanConfig(roots=[str(tmp_path)], jobs=1))
    text = SarifReporter().render(result) + JsonReporter().render(result) + TextReporter().render(result)
    assert "SECRETSECRET" not in text


@pytest.mark.slow
def test_sarif_passes_the_multitool_with_github_rules(tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    proc = run_cli("scan", str(REPO / "examples"), "--format", "sarif", "-o", str(out))
    assert proc.returncode == 1, proc.stderr
    problems = multitool_problems(out, tmp_path)
    assert [p for p in problems if p[1] in ("error", "warning")] == []


def test_exit_codes(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.txt").write_text("nothing here\n")
    assert run_cli("scan", str(clean)).returncode == 0
    assert run_cli("scan", str(REPO / "examples")).returncode == 1
    assert run_cli("scan", str(REPO / "examples"), "--fail-on", "none").returncode == 0
    assert run_cli("scan", str(tmp_path / "missing")).returncode == 2
    assert run_cli("scan", "--format", "xml", str(clean)).returncode == 2
    notes_only = tmp_path / "notes"
    notes_only.mkdir()
    (notes_only / "README.md").write_text("See https://business-api.tiktok.com/portal/docs\n")
    assert run_cli("scan", str(notes_only)).returncode == 0
    assert run_cli("scan", str(notes_only), "--fail-on", "note").returncode == 1


def test_version_and_module_entry_point() -> None:
    from scanner import __version__

    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"tiktok-scan {__version__}"


def test_rules_reference_is_generated_and_current() -> None:
    proc = run_cli("rules", "--all", "--format", "markdown")
    assert proc.returncode == 0
    assert proc.stdout == (REPO / "docs" / "rules.md").read_text(), \
        "docs/rules.md drifted: run `tiktok-scan rules --all --format markdown -o docs/rules.md`"


def test_readme_supported_inputs_table_is_current() -> None:
    proc = run_cli("rules", "--format", "inputs")
    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- inputs:start -->\n", 1)[1].split("<!-- inputs:end -->", 1)[0]
    assert block == proc.stdout, "README's supported-inputs table drifted: regenerate it (rules --format inputs)"


def test_related_locations_reach_sarif_and_pass_github_rules(examples_result: ScanResult, tmp_path: Path) -> None:
    """A finding's related places (a string's definition, a catalog line) become relatedLocations."""
    import dataclasses

    from scanner.model import Location, Related

    first = examples_result.findings[0]
    here = Location(path=first.location.path, start_line=1, start_column=1, end_line=1, end_column=2)
    member = Location(path="libs/sdk.aar", members=("classes.jar", "com/tiktok/A.class"), byte_offset=10)
    with_related = dataclasses.replace(first, related=(Related(here, "the host is defined here"),
                                                       Related(member, "also shipped here")))
    result = dataclasses.replace(examples_result, findings=[with_related, *examples_result.findings[1:]])
    doc = json.loads(SarifReporter().render(result))
    assert schema_errors(doc) == []
    sarif_result = doc["runs"][0]["results"][0]
    related = sarif_result["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2]
    assert related[0]["message"]["text"] == "the host is defined here"
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == first.location.path
    assert related[1]["logicalLocations"][0]["fullyQualifiedName"] == "libs/sdk.aar!/classes.jar!/com/tiktok/A.class"
    out = tmp_path / "related.sarif"
    out.write_text(json.dumps(doc), encoding="utf-8")
    assert [p for p in multitool_problems(out, tmp_path) if p[1] in ("error", "warning")] == []
