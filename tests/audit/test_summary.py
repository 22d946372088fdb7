"""What the audit counts apart: test, fixture and example paths (scanner.audit.summary.is_test_path)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.audit.summary import is_test_path
from scanner.model import Context, FactKind, Finding, Level, Location, ScanResult, ScanStats


@pytest.mark.parametrize(("path", "members", "expected"), [
    ("tests/test_open_api.py", (), True),
    ("app/src/test/java/com/example/LoginTest.java", (), True),  # Gradle's test source set
    ("web/__tests__/login.test.js", (), True),
    ("spec/pixel_spec.rb", (), True),
    ("packages/sdk/fixtures/app.apk", ("classes.dex",), True),
    ("Examples/LoginDemo/AppDelegate.swift", (), True),  # directory names compare in lower case
    ("server/events_test.go", (), True),  # test files by their name, wherever they are
    ("server/test_events.py", (), True),
    ("web/src/pixel.spec.ts", (), True),
    ("vendor/sdk.aar", ("tests/Foo.class",), True),  # a member path counts too
    ("app/src/main/java/com/example/Login.java", (), False),  # `com.example` is a package, not an example
    ("contest/index.html", (), False),  # look-alikes are not tests
    ("latest/test.html", (), False),  # a file named test is not a test directory
    ("src/testing_utils.py", (), False),
    ("tests", (), False),  # a file called `tests` at the root
    ("dist/app.apk", ("lib/arm64-v8a/libtthelper.so",), False),
])
def test_test_paths(path: str, members: tuple[str, ...], expected: bool) -> None:
    assert is_test_path(Location(path, members=members)) is expected


def test_a_partly_accepted_component_has_one_level_in_every_output(tmp_path: Path) -> None:
    """The Pixel in web/: its error accepted by the allowlist, a note left. The reports and the
    history give the component the note's level; the fleet inventory must say the same."""
    from scanner.audit.cli import _write_inventory
    from scanner.audit.reports import markdown_report
    from scanner.audit.run import RepoOutcome
    from scanner.audit.sources import RepoSpec
    from scanner.audit.store import AuditStore
    from scanner.audit.summary import AuditSummary, summarize
    from scanner.rules import load_ruleset

    ruleset = load_ruleset()

    def pixel(path: str, level: Level, suppressed: str | None = None) -> Finding:
        return Finding(rule_id="TT303", level=level, location=Location(path, 1, 1, 1, 30), message="pixel",
                       kind=FactKind.URL, value="https://analytics.tiktok.com/i18n/pixel/events.js",
                       context=Context.STRING, analyzer="text/endpoints", suppressed=suppressed)

    result = ScanResult(roots=(str(tmp_path),), findings=[pixel("web/a.js", Level.ERROR, "approved"),
                                                          pixel("web/b.js", Level.NOTE)],
                        notifications=[], stats=ScanStats(), analyzers=(), packs=(), rules=ruleset.rules)
    repo = summarize(RepoOutcome(RepoSpec("shop", str(tmp_path), "checkout"), result))
    (component,) = repo.components
    assert (component.level, len(component.findings), len(component.accepted)) == (Level.NOTE, 1, 1)
    summary = AuditSummary(title="t", run_id=1, started_utc="2026-01-01T00:00:00Z", tool_version="x", packs=(),
                           repos=(repo,))
    assert "| TikTok Pixel | the repository (first-party) | endpoint (TT303) | note | 1 | 1 |" in \
        markdown_report(summary)
    store = AuditStore(tmp_path / "audit.sqlite")
    store.add_repo(store.start_run("2026-01-01T00:00:00Z", "x", "tiktok"), repo, ruleset.by_id())
    assert store.db.execute("SELECT level, findings, accepted FROM components").fetchall() == [("note", 1, 1)]
    store.close()
    _write_inventory(summary, ruleset.rules, tmp_path, protect=[str(tmp_path)])
    (cdx,) = json.loads((tmp_path / "inventory.cdx.json").read_text())["components"]
    props = {p["name"]: p["value"] for p in cdx["properties"]}
    assert (props["tiktok-scan:level"], props["tiktok-scan:findings"], props["tiktok-scan:accepted"]) == (
        "note", "1", "1")
