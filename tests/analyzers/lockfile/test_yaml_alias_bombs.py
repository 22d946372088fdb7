"""A YAML alias bomb in a lockfile is refused at once with a `limit` notification; the rest of the
scan goes on: the other analyzers still read that file, and other files are still scanned.

Each bomb has 8 levels of 10 aliases (10^8 nodes once expanded). Before the guard the parsers
walked the expansion: a scan of a pnpm-lock.yaml bomb of 5, 6, 7 and 8 levels took 0.4 s, 3 s,
57 s and the whole 60-second per-file budget (pubspec.yaml: 0.6 s, 5.6 s, then the budget). The
scan runs in a subprocess with a timeout far below what the walk would take, so the test proves
completion without measuring time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.core.safe_formats import MAX_YAML_ALIAS_NODES
from tests.conftest import run_cli

ENDPOINT = "https://business-api.tiktok.com/open_api/v1.3/event/track/"  # TT302 wherever it is written
# what each format needs on top for its parser to take the file as its own
HEADS = {
    "pnpm-lock.yaml": "lockfileVersion: '9.0'",
    "yarn.lock": "__metadata:\n  version: 8",  # berry (YAML); classic yarn.lock is not YAML
    "pubspec.yaml": "name: app",
    "pubspec.lock": "sdks:\n  dart: '>=3.0.0'",
    "Podfile.lock": "COCOAPODS: 1.15.2",
}
ANALYZER = {"pnpm-lock.yaml": "lockfile/pnpm-lock", "yarn.lock": "lockfile/yarn-lock",
            "pubspec.yaml": "lockfile/pubspec", "pubspec.lock": "lockfile/pubspec-lock",
            "Podfile.lock": "lockfile/podfile-lock"}


def alias_bomb(head: str, levels: int = 8, width: int = 10) -> str:
    lines = [head, f'x0: &x0 ["tiktok-pixel", "{ENDPOINT}"]']
    lines += [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(HEADS))
def test_alias_bomb_is_refused_and_the_scan_goes_on(tmp_path: Path, name: str) -> None:
    head = HEADS[name]
    (tmp_path / "bomb").mkdir()
    (tmp_path / "bomb" / name).write_text(alias_bomb(head), encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "requirements.txt").write_text("TikTokLive==6.0.0\n", encoding="utf-8")

    done = run_cli("scan", ".", "--no-config", "--jobs", "1", "--no-progress", "--format", "json",
                   "--fail-on", "none", "--srcroot", ".", cwd=tmp_path, timeout=20)

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    shown = f"bomb/{name}"
    (note,) = [n for n in report["notifications"] if n["path"] == shown]
    assert (note["reason"], note["analyzer"]) == ("limit", ANALYZER[name])
    assert note["message"].startswith(f"{shown}: ")
    assert f"YAML aliases expand the document by more than {MAX_YAML_ALIAS_NODES} nodes" in note["message"]
    found = {(f["path"], f["start_line"], f["rule_id"], f["analyzer"]) for f in report["findings"]}
    line = head.count("\n") + 2  # where x0 is written
    assert found == {("app/requirements.txt", 1, "TT106", "lockfile/python-requirements"),
                     (shown, line, "TT302", "text/endpoints")}
