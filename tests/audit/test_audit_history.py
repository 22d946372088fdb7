"""`tiktok-scan audit runs` and `tiktok-scan audit diff`: the history of real audits, read by --out or --db."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from scanner import __version__
from tests.audit.conftest import GRADLE_OPEN_SDK, PIXEL_HTML, make_checkout
from tests.conftest import run_cli

PIXEL = "analytics.tiktok.com/i18n/pixel/events.js"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DIR of two audits of the same two repositories: between them the app dropped the Open SDK
    and added the Pixel; the docs repository stayed clean."""
    base = tmp_path_factory.mktemp("history")
    app = make_checkout(base / "app", {"app/build.gradle": GRADLE_OPEN_SDK})
    docs = make_checkout(base / "docs", {"README.md": "Nothing here.\n"})
    out = base / "audit"
    first = run_cli("audit", str(app), str(docs), "--out", str(out), "--jobs", "1", "--no-progress")
    assert first.returncode == 1, first.stderr
    (app / "app" / "build.gradle").write_text("dependencies {}\n")
    (app / "web").mkdir()
    (app / "web" / "index.html").write_text(PIXEL_HTML)
    second = run_cli("audit", str(app), str(docs), "--out", str(out), "--jobs", "1", "--no-progress")
    assert second.returncode == 1, second.stderr
    return out


def test_runs_lists_every_run_as_json_and_text(history: Path) -> None:
    proc = run_cli("audit", "runs", "--out", str(history), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    runs = json.loads(proc.stdout)
    assert [r["id"] for r in runs] == [1, 2]
    db = sqlite3.connect(history / "audit.sqlite")
    for run in runs:
        assert set(run) == {"id", "started_utc", "finished_utc", "tool_version", "packs", "repositories", "failed",
                            "findings", "accepted", "components"}
        assert run["tool_version"] == __version__
        assert "tiktok" in run["packs"]
        assert run["repositories"] == 2 and run["failed"] == 0
        assert run["finished_utc"] and run["started_utc"] <= run["finished_utc"]
        assert run["findings"] == db.execute("SELECT COUNT(*) FROM findings WHERE run_id = ?",
                                             (run["id"],)).fetchone()[0] > 0
        assert run["accepted"] == 0
        assert run["components"] == db.execute("SELECT COUNT(*) FROM components WHERE run_id = ?",
                                               (run["id"],)).fetchone()[0] > 0
    text = run_cli("audit", "runs", "--db", str(history / "audit.sqlite"))
    assert text.returncode == 0, text.stderr
    header, *rows = text.stdout.splitlines()
    assert header.split() == ["RUN", "STARTED", "(UTC)", "FINISHED", "(UTC)", "VERSION", "REPOSITORIES", "FINDINGS",
                              "PACKS"]
    assert [row.split()[0] for row in rows] == ["1", "2"]
    for row, run in zip(rows, runs, strict=True):
        assert row.split()[1:6] == [run["started_utc"], run["finished_utc"], __version__, "2", str(run["findings"])]
        assert row.split()[-1] == ",".join(run["packs"])


def test_diff_reads_the_out_folder_and_says_what_appeared_and_disappeared(history: Path) -> None:
    text = run_cli("audit", "diff", "1", "2", "--out", str(history))
    assert text.returncode == 1, text.stderr  # something appeared
    lines = text.stdout.splitlines()
    assert lines[0] == "app:" and "docs:" not in lines
    assert [line for line in lines if line.startswith("  + ")] == [f"  + TT303 {PIXEL}"]
    removed = [line for line in lines if line.startswith("  - ")]
    assert removed and all(line.startswith("  - TT1") for line in removed)

    # options before the run ids, --db instead of --out: the same diff as JSON
    proc = run_cli("audit", "diff", "--format", "json", "--db", str(history / "audit.sqlite"), "1", "2")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["run_a"] == 1 and data["run_b"] == 2 and data["database"] == str(history / "audit.sqlite")
    assert list(data["repositories"]) == ["app"]
    app = data["repositories"]["app"]
    assert app["appeared"] == [{"rule_id": "TT303", "component": PIXEL}]
    assert [f"  - {u['rule_id']} {u['component']}" for u in app["disappeared"]] == removed

    # the other way round, the Pixel disappears
    back = json.loads(run_cli("audit", "diff", "2", "1", "--out", str(history), "-f", "json").stdout)
    assert back["repositories"]["app"]["disappeared"] == app["appeared"]
    same = run_cli("audit", "diff", "2", "2", "--out", str(history), "--format", "json")
    assert same.returncode == 0 and json.loads(same.stdout)["repositories"] == {}
    assert run_cli("audit", "diff", "2", "2", "--out", str(history)).stdout == \
        "No change in TikTok use between run 2 and run 2.\n"


def test_unknown_run_is_a_usage_error(history: Path) -> None:
    proc = run_cli("audit", "diff", "1", "7", "--out", str(history))
    assert proc.returncode == 2 and "no audit run 7" in proc.stderr and proc.stdout == ""
    bad = run_cli("audit", "diff", "one", "2", "--out", str(history))
    assert bad.returncode == 2 and "usage: tiktok-scan audit diff" in bad.stderr


def test_the_older_spelling_with_audit_options_first_still_works(history: Path) -> None:
    proc = run_cli("audit", "--db", str(history / "audit.sqlite"), "diff", "1", "2")
    assert proc.returncode == 1, proc.stderr
    assert f"  + TT303 {PIXEL}" in proc.stdout.splitlines()


def test_reading_history_does_not_write_it(history: Path) -> None:
    db = history / "audit.sqlite"
    before = db.read_bytes()
    assert run_cli("audit", "runs", "--out", str(history)).returncode == 0
    assert run_cli("audit", "diff", "1", "2", "--out", str(history)).returncode == 1
    assert db.read_bytes() == before


@pytest.mark.parametrize("command", [["runs"], ["diff", "1", "2"]])
def test_a_missing_database_is_exit_2_and_nothing_is_created(tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / "never-audited"
    proc = run_cli("audit", *command, "--out", str(out))
    assert proc.returncode == 2
    assert f"{out / 'audit.sqlite'}: no such audit database" in proc.stderr
    assert not out.exists()
    proc = run_cli("audit", *command, "--db", str(tmp_path / "none.sqlite"))
    assert proc.returncode == 2 and "none.sqlite: no such audit database" in proc.stderr
    assert not (tmp_path / "none.sqlite").exists()
    neither = run_cli("audit", *command)
    assert neither.returncode == 2 and "--out DIR" in neither.stderr and "--db FILE" in neither.stderr
    both = run_cli("audit", *command, "--out", str(out), "--db", str(tmp_path / "none.sqlite"))
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


@pytest.mark.parametrize("content", [b"", b"not a database at all, just text\n" * 10])
def test_a_file_that_is_not_an_audit_database_is_exit_2(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "notes.sqlite"
    db.write_bytes(content)
    proc = run_cli("audit", "runs", "--db", str(db))
    assert proc.returncode == 2, proc.stderr
    assert f"{db}: cannot read the audit database: " in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.count(str(db)) == 1
    assert db.read_bytes() == content


def test_runs_of_an_empty_history(tmp_path: Path) -> None:
    from scanner.audit.store import AuditStore

    AuditStore(tmp_path / "audit.sqlite").close()  # created and migrated, no run yet
    assert json.loads(run_cli("audit", "runs", "--out", str(tmp_path), "-f", "json").stdout) == []
    proc = run_cli("audit", "runs", "--out", str(tmp_path))
    assert proc.returncode == 0 and proc.stdout == f"No audit runs in {tmp_path / 'audit.sqlite'}.\n"


def test_runs_and_diff_have_their_own_help() -> None:
    diff = run_cli("audit", "diff", "--help")
    assert diff.returncode == 0
    assert diff.stdout.startswith("usage: tiktok-scan audit diff ")
    assert "RUN_A RUN_B" in diff.stdout and '"appeared"' in diff.stdout and '"disappeared"' in diff.stdout
    assert "--repos-file" not in diff.stdout and "--dask-scheduler" not in diff.stdout
    assert run_cli("audit", "diff", "1", "2", "-h").stdout == diff.stdout
    runs = run_cli("audit", "runs", "-h")
    assert runs.returncode == 0 and runs.stdout.startswith("usage: tiktok-scan audit runs ")
    assert '"tool_version"' in runs.stdout and "--repos-file" not in runs.stdout
    audit = run_cli("audit", "--help")
    assert audit.returncode == 0 and audit.stdout.startswith("usage: tiktok-scan audit ")
    assert "--repos-file" in audit.stdout and "audit runs" in audit.stdout and "audit diff" in audit.stdout


def test_a_repository_named_like_a_command_is_audited_as_dot_slash(tmp_path: Path) -> None:
    make_checkout(tmp_path / "runs", {"app/build.gradle": GRADLE_OPEN_SDK})
    proc = run_cli("audit", "./runs", "--out", str(tmp_path / "out"), "--jobs", "1", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert (tmp_path / "out" / "sarif" / "runs.sarif").is_file()


def _schema_2_history(path: Path) -> None:
    """A history as tiktok-scan wrote it before components (schema 2): one run, one finding."""
    from scanner.audit.store import MIGRATIONS

    db = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 2")
    db.execute("INSERT INTO runs VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', '0.0.9', 'tiktok')")
    db.execute("INSERT INTO repos VALUES (1, 'app', '/src/app', 'checkout', 'ok', NULL, 3, 100, 0.5)")
    db.execute("INSERT INTO findings VALUES (1, 'app', 'TT303', 'error', 'service-endpoint', 'web/index.html', 2, "
               f"'url', '{PIXEL}', NULL, 'web services', '', 'm', '')")
    db.commit()
    db.close()


def test_an_older_history_is_read_as_it_is_and_its_trend_has_no_components(tmp_path: Path) -> None:
    """A schema-2 history is listed read-only (no component count: null), then an audit migrates it
    and its trend shows the old run's findings with `-` for components."""
    db = tmp_path / "old.sqlite"
    _schema_2_history(db)
    (run,) = json.loads(run_cli("audit", "runs", "--db", str(db), "-f", "json").stdout)
    assert (run["findings"], run["accepted"], run["components"]) == (1, 0, None)
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 2  # read, not migrated
    app = make_checkout(tmp_path / "app", {"web/index.html": PIXEL_HTML})
    assert run_cli("audit", str(app), "--out", str(tmp_path / "out"), "--db", str(db), "--no-progress").returncode == 1
    md = (tmp_path / "out" / "report.md").read_text()
    assert "| app | - / 1 | 1 / 1 |" in md
    runs = json.loads(run_cli("audit", "runs", "--db", str(db), "-f", "json").stdout)
    assert [(r["findings"], r["components"]) for r in runs] == [(1, None), (1, 1)]
