"""`baseline create` + `scan --baseline`: known findings stay hidden when code moves; new ones show."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.errors import UsageError
from scanner.findings.baseline import load
from tests.integration.helpers import write

Cli = Callable[..., tuple[int, str, str]]

EVENTS_PY = '''"""Server-side conversions."""

import requests

EVENTS_URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/"


def send(event):
    return requests.post(EVENTS_URL, json=event, timeout=5)


def profile():
    return requests.get("https://open.tiktokapis.com/v2/user/info/", timeout=5)
'''

INDEX_HTML = '''<!doctype html>
<html>
<head>
<script src="https://analytics.tiktok.com/i18n/pixel/events.js"></script>
</head>
<body>
<p>Shop</p>
</body>
</html>
'''


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / ".git").mkdir(parents=True)
    write(root, {"server/events.py": EVENTS_PY, "web/index.html": INDEX_HTML})
    return root


def test_round_trip(repo: Path, run_cli: Cli) -> None:
    code, _, err = run_cli(["baseline", "create", ".", "-o", "tiktok-scan-baseline.json"], cwd=repo)
    assert code == 0
    assert "wrote 4 finding(s)" in err  # requests.post(EVENTS_URL): a called endpoint too (issue 15)
    text = (repo / "tiktok-scan-baseline.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert [(e["path"], e["rule"]) for e in doc["findings"]] == [
        ("server/events.py", "TT301"), ("server/events.py", "TT302"), ("server/events.py", "TT302"),
        ("web/index.html", "TT303")]
    assert all(set(e) == {"path", "rule", "fingerprint"} for e in doc["findings"])  # no lines, no times
    assert text.count("\n") == 4 + 6  # one entry per line

    # Unrelated edits that move every finding: a header and new imports on top, a new line in a
    # function, and the pixel tag pushed down by other markup.
    imports = "import logging\n\nimport requests\n\nLOG = logging.getLogger(__name__)\n"
    events = EVENTS_PY.replace("import requests\n", imports)
    events = events.replace("def profile():\n", "def profile():\n    LOG.info('profile')\n")
    write(repo, {
        "server/events.py": '# Copyright 2025 Example Shop\n' + events
        + '\n\ndef refresh():\n    return requests.post("https://open.tiktokapis.com/v2/oauth/token/", timeout=5)\n',
        "web/index.html": INDEX_HTML.replace("<head>\n", "<head>\n<meta charset=\"utf-8\">\n<title>Shop</title>\n"),
    })
    code, out, _ = run_cli(["scan", ".", "--baseline", "tiktok-scan-baseline.json"], cwd=repo)
    assert code == 1
    lines = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert lines[:2] == ["1 TikTok component in 1 place:", "Details:"]  # only the new finding counts
    lines = lines[2:]
    assert lines[0] == ("server/events.py:23:27: error [TT301] TikTok Open API (Login Kit, Display, Content "
                        "Posting, Research) endpoint")
    assert "4 finding(s) suppressed." in out
    assert "web/index.html" not in out
    assert out.count("error [") == 1

    code, out, _ = run_cli(["scan", ".", "--baseline", "tiktok-scan-baseline.json", "--format", "sarif"], cwd=repo)
    results = json.loads(out)["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("TT301", 23)]


def test_same_bytes_every_time(repo: Path, run_cli: Cli) -> None:
    run_cli(["baseline", "create", "-o", "a.json"], cwd=repo)
    (repo / "server" / "events.py").write_text("\n\n" + EVENTS_PY, encoding="utf-8")
    run_cli(["baseline", "create", "-o", "b.json"], cwd=repo)
    assert (repo / "a.json").read_bytes() == (repo / "b.json").read_bytes()


def test_repeated_lines_are_counted(repo: Path, run_cli: Cli) -> None:
    line = 'requests.get("https://open.tiktokapis.com/v2/user/info/")\n'
    write(repo, {"server/events.py": line * 2})
    run_cli(["baseline", "create", "-o", "b.json"], cwd=repo)
    entries = json.loads((repo / "b.json").read_text())["findings"]
    assert sorted(e["fingerprint"][-2:] for e in entries if e["path"] == "server/events.py") == [":1", ":2"]
    write(repo, {"server/events.py": "# a third call\n" + line * 3})
    code, out, _ = run_cli(["scan", "--baseline", "b.json"], cwd=repo)
    assert code == 1
    assert out.count("error [TT301]") == 1


def test_a_changed_line_is_new(repo: Path, run_cli: Cli) -> None:
    run_cli(["baseline", "create", "-o", "b.json"], cwd=repo)
    write(repo, {"web/index.html": INDEX_HTML.replace("events.js", "events.js?sdkid=C4ABC")})
    code, out, _ = run_cli(["scan", "--baseline", "b.json"], cwd=repo)
    assert code == 1
    assert "web/index.html:4:14: error [TT303]" in out


def test_baseline_from_configuration(repo: Path, run_cli: Cli) -> None:
    run_cli(["baseline", "create", "-o", ".tiktok-scan-baseline.json"], cwd=repo)
    write(repo, {".tiktok-scan.toml": 'baseline = ".tiktok-scan-baseline.json"\n'})
    code, out, _ = run_cli(["scan"], cwd=repo)
    assert code == 0
    assert "4 finding(s) suppressed." in out


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "invalid JSON"),
    ('{"findings": []}', "expected an object with 'tool' and 'findings'"),
    ('{"tool": "tiktok-scan", "format": 9, "findings": []}', "baseline format 9 is not supported"),
    ('{"tool": "tiktok-scan", "format": 1, "findings": [{"path": "a"}]}', "finding 1: needs string fields"),
])
def test_bad_baseline(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load(path)


def test_bad_baseline_fails_before_scanning(repo: Path, run_cli: Cli) -> None:
    code, out, err = run_cli(["scan", "--baseline", "missing.json"], cwd=repo)
    assert (code, out) == (2, "")
    assert "missing.json: cannot read the baseline" in err
