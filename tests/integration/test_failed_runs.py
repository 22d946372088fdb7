"""A failed scan never leaves an earlier run's results in place (issue 17): every requested report
file is replaced by the failure, and a link at a report's name is still never written through."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from tests.integration.helpers import write
from tests.sarif_tools import schema_errors

RunCli = Callable[..., tuple[int, str, str]]
FINDING = 'URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'


def _scan_all(run_cli: RunCli, cwd: Path, *paths: str) -> tuple[int, str, str]:
    return run_cli(["scan", *paths, "--no-config", "--no-baseline", "-q", "-f", "sarif", "-o", "s.sarif",
                    "--json-output", "r.json", "--text-output", "r.txt"], cwd)


def test_missing_path_replaces_every_earlier_report(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING})
    code, _, err = _scan_all(run_cli, tmp_path, ".")
    assert code == 1, err
    assert json.loads((tmp_path / "s.sarif").read_text())["runs"][0]["results"]

    code, _, err = _scan_all(run_cli, tmp_path, "missing-dir")
    assert code == 2
    assert "missing-dir" in err

    sarif = json.loads((tmp_path / "s.sarif").read_text(encoding="utf-8"))
    assert schema_errors(sarif) == []
    assert len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    assert run["results"] == []
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "missing-dir" in note["message"]["text"]

    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["successful"] is False and "missing-dir" in doc["error"] and "findings" not in doc

    text = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert "missing-dir" in text and "TT" not in text


def test_bad_signatures_replace_the_reports(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING, "sigs/bad/pack.toml": "this is not toml = = =\n"})
    (tmp_path / "s.sarif").write_text("old results\n")
    (tmp_path / "r.json").write_text("old results\n")
    (tmp_path / "r.txt").write_text("old results\n")
    code, _, err = run_cli(["scan", "app.py", "--no-config", "--no-baseline", "-q", "--signatures", "sigs",
                            "--sarif-output", "s.sarif", "--json-output", "r.json", "-o", "r.txt"], tmp_path)
    assert code == 2, err
    for name in ("s.sarif", "r.json", "r.txt"):
        assert "old results" not in (tmp_path / name).read_text(encoding="utf-8"), name
    sarif = json.loads((tmp_path / "s.sarif").read_text(encoding="utf-8"))
    assert schema_errors(sarif) == []
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert json.loads((tmp_path / "r.json").read_text())["successful"] is False


def test_usage_error_after_the_outputs_are_known(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING})
    (tmp_path / "r.json").write_text('{"findings": ["old"]}\n')
    code, _, err = run_cli(["scan", ".", "--no-config", "-q", "-f", "json", "-o", "r.json",
                            "--json-output", "./r.json"], tmp_path)
    assert code == 2 and "named by two report options" in err
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["successful"] is False and "findings" not in doc


def test_config_error_replaces_the_report(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING, "bad.toml": "exclude = = broken\n"})
    (tmp_path / "s.sarif").write_text("old\n")
    code, _, err = run_cli(["scan", ".", "-q", "--config", "bad.toml", "--sarif-output", "s.sarif"], tmp_path)
    assert code == 2, err
    sarif = json.loads((tmp_path / "s.sarif").read_text(encoding="utf-8"))
    assert schema_errors(sarif) == []
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_a_link_at_the_report_name_is_not_written(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, {"app.py": FINDING, "elsewhere.txt": "keep me\n"})
    os.symlink("elsewhere.txt", tmp_path / "s.sarif")
    (tmp_path / "r.json").write_text("old\n")
    code, _, err = run_cli(["scan", ".", "--no-config", "-q", "-f", "sarif", "-o", "s.sarif",
                            "--json-output", "r.json"], tmp_path)
    assert code == 2
    assert "symbolic link" in err
    assert (tmp_path / "s.sarif").is_symlink()
    assert (tmp_path / "elsewhere.txt").read_text() == "keep me\n"
    assert json.loads((tmp_path / "r.json").read_text())["successful"] is False
