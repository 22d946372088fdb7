"""The JSON report's shipped JSON Schema (scanner/report/schemas/report.schema.json) holds for every
JSON report the tests make: the golden, CLI runs on the examples, on real binaries and archives,
with suppressed findings, of an empty tree, and the report of a failed run."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scanner.report.json_report import SCHEMA_VERSION, schema_path
from tests.conftest import REPO, run_cli

GOLDEN = REPO / "sarif" / "golden" / "examples.json"
BINARIES = REPO / "tests" / "fixtures" / "binary"


@cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(Path(schema_path()).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(doc)]


def test_the_schema_ships_inside_the_package() -> None:
    path = Path(schema_path())
    assert path.is_file()
    assert path.relative_to(REPO / "scanner")  # hatch packages the whole scanner/ directory into the wheel
    assert json.loads(path.read_text(encoding="utf-8"))["$defs"]["report"]["properties"]["schema_version"] == {
        "const": SCHEMA_VERSION}


def test_golden_report_validates() -> None:
    doc = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert doc["schema_version"] == SCHEMA_VERSION and doc["components"]
    assert errors(doc) == []


def _json_scan(args: list[str], cwd: Path, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "report.json"
    proc = run_cli("scan", *args, "--format", "json", "-o", str(out), "-q", cwd=cwd)
    assert proc.returncode in (0, 1, 2), proc.stderr
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


def test_cli_reports_validate(tmp_path: Path) -> None:
    examples = _json_scan(["examples"], REPO, tmp_path / "a")
    assert errors(examples) == []
    assert {c["product"] for c in examples["components"]} >= {"tiktok-pixel", "tiktok-open-sdk"}

    tree = tmp_path / "bin" / "repo"
    (tree / ".git").mkdir(parents=True)
    shutil.copy(BINARIES / "android" / "app.apk", tree)
    shutil.copytree(BINARIES / "apple" / "TikTokOpenSDK.framework", tree / "Frameworks" / "TikTokOpenSDK.framework")
    shutil.copy(BINARIES / "wheels" / "tiktok_widget-1.0.0-py3-none-any.whl", tree)
    binaries = _json_scan(["."], tree, tmp_path / "b")
    assert errors(binaries) == []
    kinds = {c["place"]["kind"] for c in binaries["components"]}
    assert kinds == {"binary", "package"}
    wheel = next(c for c in binaries["components"] if c["place"]["root"].endswith(".whl"))
    assert wheel["package"] == {"purl": "pkg:pypi/tiktok-widget@1.0.0", "ecosystem": "pypi", "name": "tiktok_widget",
                                "version": "1.0.0"}
    assert {loc["archive_members"][0] for ev in wheel["evidence"] for loc in ev["locations"]} == {
        "tiktok_widget/static/pixel.js"}

    empty = tmp_path / "empty"
    (empty / ".git").mkdir(parents=True)
    (empty / "README.md").write_text("# nothing here\n", encoding="utf-8")
    clean = _json_scan(["."], empty, tmp_path / "c")
    assert errors(clean) == [] and clean["components"] == [] and clean["findings"] == []


def test_suppressed_findings_validate_and_stay_out_of_components(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "a.py").write_text('URL = "https://open.tiktokapis.com/v2/user/info/"  # tiktok-scan: ignore[TT301] '
                               'approved by legal\n', encoding="utf-8")
    doc = _json_scan(["."], root, tmp_path)
    assert errors(doc) == []
    assert doc["findings"][0]["suppressed"] and doc["components"] == []


def test_failure_report_validates(tmp_path: Path) -> None:
    out = tmp_path / "failed.json"
    proc = run_cli("scan", str(tmp_path / "missing"), "--format", "json", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 2
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["successful"] is False
    assert errors(doc) == []


@pytest.mark.parametrize("broken", [
    {"components": [{"product": "tiktok-pixel"}]},  # a component without its fields
    {"schema_version": "1"},
    {"findings": [{"rule_id": "TT301"}]},
])
def test_the_schema_rejects_what_it_must(broken: dict[str, Any]) -> None:
    doc = json.loads(GOLDEN.read_text(encoding="utf-8"))
    doc.update(broken)
    assert errors(doc) != []
