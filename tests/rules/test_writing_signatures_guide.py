"""docs/writing-signatures.md: its worked example pack loads and fires where it says (issue 17), and
`prohibition` is optional in a pack."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.rules.loader import default_prohibition, load_pack, load_packs

GUIDE = Path(__file__).resolve().parent.parent.parent / "docs" / "writing-signatures.md"
_FILE = re.compile(r"<!-- file: (?P<path>\S+) -->\n```\w*\n(?P<body>.*?)\n```", re.S)


def _example(root: Path) -> list[str]:
    """Write every `<!-- file: PATH -->` block of the guide under `root`; return the paths."""
    written = []
    for match in _FILE.finditer(GUIDE.read_text(encoding="utf-8")):
        path = root / match["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(match["body"] + "\n", encoding="utf-8")
        written.append(match["path"])
    return written


def _scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["scan", "--no-config", "--no-baseline", "-q", "-f", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_the_guides_example_pack_loads_and_fires(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert _example(tmp_path) == ["team-signatures/acme-analytics/pack.toml",
                                  "team-signatures/acme-analytics/AC101-acme-analytics-endpoint.toml",
                                  "acme-cases/positive/track.py", "acme-cases/negative/track.py"]
    ruleset = load_packs([tmp_path / "team-signatures"])
    [pack] = ruleset.packs
    assert pack.name == "acme-analytics" and [r.id for r in pack.rules] == ["AC101"]
    assert "SEC-12" in pack.prohibition_markdown

    monkeypatch.chdir(tmp_path)
    code, doc = _scan(capsys, "--signatures", "team-signatures", "acme-cases/positive/track.py")
    assert code == 0  # a warning: under the default --fail-on error
    findings = doc["findings"]
    assert isinstance(findings, list)
    assert [(f["rule_id"], f["start_line"]) for f in findings] == [("AC101", 2)]
    code, doc = _scan(capsys, "--signatures", "team-signatures", "acme-cases/negative/track.py")
    assert doc["findings"] == []


def test_prohibition_is_optional(tmp_path: Path) -> None:
    _example(tmp_path)
    pack_dir = tmp_path / "team-signatures" / "acme-analytics"
    meta = (pack_dir / "pack.toml").read_text(encoding="utf-8")
    (pack_dir / "pack.toml").write_text(meta[: meta.index("prohibition")], encoding="utf-8")
    pack = load_pack(pack_dir)
    assert pack.prohibition_markdown == default_prohibition().strip()
    assert "Executive Order 13942" in pack.prohibition_markdown
