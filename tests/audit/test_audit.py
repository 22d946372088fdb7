"""`tiktok-scan audit`: per-repository SARIF, consolidated reports, SQLite history and `audit diff`."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from scanner.audit.sources import classify
from scanner.audit.store import MIGRATIONS, SCHEMA_VERSION, AuditStore
from tests.audit.conftest import GIT, GRADLE_OPEN_SDK, PIXEL_HTML, make_checkout, make_fleet
from tests.conftest import run_cli
from tests.sarif_tools import schema_errors


def test_audit_writes_sarif_per_repo_and_reports(tmp_path: Path) -> None:
    repos = make_fleet(tmp_path / "fleet")
    out = tmp_path / "out"
    proc = run_cli("audit", *map(str, repos), "--out", str(out), "--jobs", "2")
    assert proc.returncode == 1, proc.stderr
    assert [classify(p) for p in repos] == ["checkout", "checkout", "bare", "artifacts", "checkout"]
    names = sorted(p.name for p in (out / "sarif").glob("*.sarif"))
    assert names == ["android.sarif", "clean.sarif", "release-artifacts.sarif", "shop.sarif", "web-mirror.sarif"]
    for sarif in (out / "sarif").glob("*.sarif"):
        assert schema_errors(json.loads(sarif.read_text())) == []
    mirror = json.loads((out / "sarif" / "web-mirror.sarif").read_text())
    (pixel,) = [r for r in mirror["runs"][0]["results"] if r["ruleId"] == "TT303"]
    assert pixel["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "public/index.html"
    assert pixel["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    clean = json.loads((out / "sarif" / "clean.sarif").read_text())
    assert clean["runs"][0]["results"] == []
    rows = list(csv.DictReader((out / "report.csv").open()))
    assert {r["repository"] for r in rows} == {"shop", "android", "web-mirror", "release-artifacts"}
    assert {(r["repository"], r["rule_id"]) for r in rows} >= {
        ("android", "TT109"), ("web-mirror", "TT303"), ("release-artifacts", "TT301")}
    md = (out / "report.md").read_text()
    assert "| [clean](#repo-clean) | ok | no TikTok found |" in md and "## web-mirror" in md
    html = (out / "report.html").read_text()
    assert 'data-repo="android"' in html and "<script" not in html
    assert "Audit run 1: 5 repositories, 0 failed. 4 of 5 repositories use TikTok." in proc.stdout


def test_audit_diff_reports_exactly_what_changed(tmp_path: Path) -> None:
    repo = make_checkout(tmp_path / "app", {"app/build.gradle": GRADLE_OPEN_SDK})
    db = tmp_path / "history.sqlite"
    assert run_cli("audit", str(repo), "--out", str(tmp_path / "r1"), "--db", str(db),
                   "--fail-on", "warning").returncode == 1
    (repo / "app" / "build.gradle").write_text("dependencies {}\n")  # SDK removed...
    (repo / "web").mkdir()
    (repo / "web" / "index.html").write_text(PIXEL_HTML)  # ...and the Pixel added
    assert run_cli("audit", str(repo), "--out", str(tmp_path / "r2"), "--db", str(db)).returncode == 1
    proc = run_cli("audit", "diff", "1", "2", "--db", str(db))
    lines = proc.stdout.splitlines()
    assert lines[0] == "app:"
    added = sorted(line for line in lines if line.startswith("  + "))
    removed = sorted(line for line in lines if line.startswith("  - "))
    assert added == ["  + TT303 analytics.tiktok.com/i18n/pixel/events.js"]
    assert removed and all("TT1" in line for line in removed)
    assert "artifact.bytedance.com/repository/AwemeOpenSDK" in "\n".join(removed)
    assert proc.returncode == 1
    # the HTML report shows the trend once history exists
    assert 'id="trend"' in (tmp_path / "r2" / "report.html").read_text()
    assert run_cli("audit", "diff", "1", "7", "--db", str(db)).returncode == 2


def test_an_empty_bare_repository_is_scanned_as_plain_files_and_says_why(tmp_path: Path) -> None:
    """A bare repository with no commit (HEAD names a branch that does not exist yet) is not read as
    a mirror: HEAD must resolve to a readable commit before the audit trusts the folder's git layout.
    It is scanned as the plain files it is, with a notification saying why, so a broken mirror is
    never silently reported clean."""
    good = make_checkout(tmp_path / "good", {"a.py": "u = 'https://open.tiktokapis.com/v2/user/info/'\n"})
    empty = tmp_path / "empty.git"
    subprocess.run([*GIT, "init", "-q", "--bare", str(empty)], check=True)
    assert classify(empty) == "artifacts"
    proc = run_cli("audit", str(good), str(empty), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1, proc.stderr  # good's finding; nothing failed
    assert "empty: ok; 0 error" in proc.stdout and "good: ok; 1 error" in proc.stdout
    notes = json.loads((tmp_path / "out" / "sarif" / "empty.sarif").read_text())["runs"][0]["invocations"][0][
        "toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [
        "HEAD: looks like a bare git repository but is not a readable one (HEAD: refs/heads/main does not exist "
        "(no commit yet?)); scanned as plain files"]


def test_unreadable_repository_is_reported_and_the_rest_completes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A repository that cannot be read when its task runs (here: an empty bare repository that
    classification is told to take for a mirror, as if it broke after discovery) is retried once,
    then reported as failed, while the rest of the audit completes."""
    from scanner.audit import sources
    from scanner.cli import main

    good = make_checkout(tmp_path / "good", {"a.py": "u = 'https://open.tiktokapis.com/v2/user/info/'\n"})
    broken = tmp_path / "broken.git"
    subprocess.run([*GIT, "init", "-q", "--bare", str(broken)], check=True)
    real = sources._classify
    monkeypatch.setattr(sources, "_classify", lambda p: ("bare", "") if p == broken else real(p))
    code = main(["audit", str(good), str(broken), "--out", str(tmp_path / "out"), "--jobs", "1", "--no-progress"])
    assert code == 2
    printed = capsys.readouterr().out
    assert "broken: FAILED (after a retry): MirrorError: " in printed and "HEAD" in printed
    assert "good: ok; 1 error" in printed
    db = sqlite3.connect(tmp_path / "out" / "audit.sqlite")
    assert dict(db.execute("SELECT name, status FROM repos")) == {"good": "ok", "broken": "failed"}
    assert json.loads((tmp_path / "out" / "sarif" / "good.sarif").read_text())["runs"][0]["results"]
    assert not (tmp_path / "out" / "sarif" / "broken.sarif").exists()


def test_schema_is_versioned_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO runs (started_utc, tool_version, packs) VALUES ('2025-01-01', '0.0.1', 'tiktok')")
    db.commit()
    db.close()
    store = AuditStore(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.runs() == [(1, "2025-01-01", None)]
    store.db.execute("SELECT * FROM notifications").fetchall()
    store.close()
    newer = sqlite3.connect(path)
    newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer.commit()
    newer.close()
    try:
        AuditStore(path)
    except sqlite3.DatabaseError as exc:
        assert "newer" in str(exc)
    else:
        raise AssertionError("a newer schema must be refused")
