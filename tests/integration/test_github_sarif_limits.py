"""GitHub's SARIF ingestion limits on a synthetic repository with more than 25,000 findings."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.model import ScanResult
from scanner.report.sarif import MAX_GZIP_BYTES, MAX_RESULTS, SarifReporter

NOTES, ERRORS = 20_000, 6_000


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big") / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "web").mkdir()
    (root / "server").mkdir()
    # 20,000 profile links (TT601, note) and 6,000 Open API calls (TT301, error).
    (root / "web" / "links.html").write_text(
        "".join(f'<li><a href="https://www.tiktok.com/@shop{i}">shop {i}</a></li>\n' for i in range(NOTES)),
        encoding="utf-8")
    (root / "server" / "api.py").write_text(
        "".join(f'U{i} = "https://open.tiktokapis.com/v2/user/info/{i}"\n' for i in range(ERRORS)), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def cli_run(big_repo: Path) -> tuple[int, dict[str, Any], str, int]:
    out = big_repo.parent / "out.sarif"
    proc = subprocess.run([sys.executable, "-m", "scanner", "scan", ".", "--format", "sarif", "-o", str(out)],
                          cwd=big_repo, capture_output=True, text=True, check=False)
    raw = out.read_bytes()
    return proc.returncode, json.loads(raw), proc.stderr, len(gzip.compress(raw))


@pytest.fixture(scope="module")
def result(big_repo: Path) -> ScanResult:
    return run_scan(ScanConfig(roots=[str(big_repo)], srcroot=str(big_repo)))


def test_results_are_capped_keeping_the_most_severe(cli_run: tuple[int, dict[str, Any], str, int]) -> None:
    code, doc, stderr, gz = cli_run
    assert code == 1
    assert len(doc["runs"]) == 1
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) == MAX_RESULTS
    levels = [r["level"] for r in results]
    assert levels.count("error") == ERRORS  # every error kept
    assert levels.count("note") == MAX_RESULTS - ERRORS
    message = f"{NOTES + ERRORS - MAX_RESULTS:,} of {NOTES + ERRORS:,} results were left out"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    capped = [n for n in notes if n["descriptor"]["id"] == "result-limit"]
    assert len(capped) == 1 and capped[0]["level"] == "warning"
    assert message in capped[0]["message"]["text"] and "most severe" in capped[0]["message"]["text"]
    assert f"tiktok-scan: warning: {message}" in stderr
    assert gz < MAX_GZIP_BYTES


def test_github_shape(cli_run: tuple[int, dict[str, Any], str, int]) -> None:
    run = cli_run[1]["runs"][0]
    assert run["automationDetails"]["id"] == "tiktok-scan/"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    uris = set()
    for r in run["results"]:
        assert r["partialFingerprints"]["primaryLocationLineHash"]
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["region"]["startLine"] >= 1
        uris.add(loc["artifactLocation"]["uri"])
    assert uris == {"server/api.py", "web/links.html"}  # repository-relative, stable
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]]
    assert len(set(hashes)) == len(hashes)


def test_gzip_size_cap(result: ScanResult) -> None:
    limit = 400_000
    reporter = SarifReporter(max_gzip_bytes=limit)
    text = reporter.render(result)
    assert len(gzip.compress(text.encode("utf-8"))) <= limit
    assert reporter.cap is not None
    doc = json.loads(text)
    results = doc["runs"][0]["results"]
    assert len(results) == reporter.cap.kept < MAX_RESULTS
    # The most severe go in first: errors fill the file before any note does.
    assert {r["level"] for r in results} == {"error"} or sum(r["level"] == "error" for r in results) == ERRORS
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("of gzip-compressed SARIF per upload" in n["message"]["text"] for n in notes)


def test_no_cap_no_notification(result: ScanResult) -> None:
    reporter = SarifReporter(max_results=NOTES + ERRORS)
    doc = json.loads(reporter.render(result))
    assert reporter.cap is None
    assert len(doc["runs"][0]["results"]) == NOTES + ERRORS
    assert all(n["descriptor"]["id"] != "result-limit"
               for n in doc["runs"][0]["invocations"][0]["toolExecutionNotifications"])
