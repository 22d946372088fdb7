"""Limits: defaults, the CLI options, config-file tables, and what happens at each limit."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import ClassVar

import pytest

from scanner.config import ScanConfig
from scanner.config.limits import GiB, KiB, Limits, MiB, add_limit_options, limits_from_args, limits_from_mapping
from scanner.core.run import run_scan
from scanner.core.scanner import Scanner
from scanner.errors import ConfigError
from scanner.model import Level, SkipReason


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    add_limit_options(parser)
    return parser


def test_cli_options_override_only_what_is_given() -> None:
    args = _parser().parse_args(["--max-file-size", "10MiB", "--file-timeout", "2m", "--max-archive-depth", "3",
                                 "--max-compression-ratio", "50", "--max-line-length", "64K"])
    limits = limits_from_args(args)
    assert limits == Limits(max_file_size=10 * MiB, file_timeout=120.0, max_archive_depth=3,
                            max_compression_ratio=50.0, max_line_length=64 * KiB)
    assert limits_from_args(_parser().parse_args([])) == Limits()


def test_cli_layering_over_a_config_file() -> None:
    base = limits_from_mapping({"max-archive-total": "2G", "file_timeout": 10})
    limits = limits_from_args(_parser().parse_args(["--file-timeout", "500ms"]), base=base)
    assert limits.max_archive_total == 2 * GiB and limits.file_timeout == 0.5


def test_an_existing_option_is_kept() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-file-size", type=int, dest="max_file_size")
    add_limit_options(parser)  # no conflict error
    assert limits_from_args(parser.parse_args(["--max-file-size", "4096"])).max_file_size == 4096


@pytest.mark.parametrize(("argv", "problem"), [
    (["--max-file-size", "ten"], "--max-file-size: 'ten' is not a size"),
    (["--file-timeout", "soon"], "--file-timeout: 'soon' is not a duration"),
    (["--max-archive-depth", "0"], "must be positive"),
    (["--file-timeout", "-1"], "is not a duration"),
])
def test_bad_cli_values_are_usage_errors(argv: list[str], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        limits_from_args(_parser().parse_args(argv))


def test_unknown_config_key_gets_a_hint() -> None:
    with pytest.raises(ConfigError, match=r"unknown limit 'max-file-sise'; did you mean 'max-file-size'\?"):
        limits_from_mapping({"max-file-sise": "1M"}, source="tiktok-scan.toml [limits]")
    with pytest.raises(ConfigError, match="known limits: max-file-size, "):
        limits_from_mapping({"colour": 1})


@pytest.mark.parametrize("bad", [{"max_archive_members": "many"}, {"max_file_size": True},
                                 {"max_compression_ratio": 0.5}, {"max_archive_depth": 2.5}])
def test_bad_config_values(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        limits_from_mapping(bad)


def test_zero_timeout_means_no_budget() -> None:
    assert limits_from_mapping({"file-timeout": 0}).file_timeout == 0.0


def test_file_over_the_size_limit_is_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    (tmp_path / "big.js").write_text("x" * 5000)
    (tmp_path / "app.js").write_text('fetch("https://open.tiktokapis.com/v2/user/info/")\n')
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), limits=Limits(max_file_size=4096)))
    assert [(f.location.path, f.location.start_line, f.rule_id) for f in result.findings] == [("app.js", 1, "TT301")]
    (note,) = result.notifications
    assert (note.path, note.reason) == ("big.js", SkipReason.TOO_LARGE)
    assert "5000 bytes is over the 4096-byte file size limit" in note.message


class _Parser:
    """Stands for a real parser: it records that it ran."""

    name = "test/parser"
    version = "0"
    priority = 5
    needs_candidates = True
    handles_long_lines = False  # asks the engine to keep files with huge lines away from it
    ran: ClassVar[list[str]] = []

    def wants(self, path: str, is_text: bool) -> bool:
        return path.endswith(".json")

    def analyze(self, file: object) -> list[object]:
        _Parser.ran.append(getattr(file, "path", ""))
        return []


def test_long_line_skips_parsers_that_ask_for_it() -> None:
    from scanner.analyzers.registry import ANALYZERS

    scanner = Scanner(ScanConfig(limits=Limits(max_line_length=1000)), analyzer_classes=(*ANALYZERS, _Parser))
    line = b'{"u": "https://analytics.tiktok.com/i18n/pixel/events.js", "pad": "' + b"a" * 2000 + b'"}\n'
    outcome = scanner.scan_bytes("bundle.json", b"{}\n" + line)
    assert _Parser.ran == []
    assert ("TT303", 2) in [(f.rule_id, f.location.start_line) for f in outcome.findings]
    (note,) = [n for n in outcome.notifications if "line length" in n.message]
    assert note.reason is SkipReason.LIMIT and note.level is Level.NOTE
    assert note.message.endswith("over the 1000-byte line length limit; test/parser not run")
    # short lines: the parser runs
    scanner.scan_bytes("small.json", b"{}\n" + line[:200] + b"\n" * 2000)
    assert _Parser.ran == ["small.json"]


def test_a_skipped_file_is_in_the_text_summary_and_sarif(tmp_path: Path) -> None:
    from scanner.report.sarif import SarifReporter
    from scanner.report.text import TextReporter

    (tmp_path / "big.js").write_text("x" * 5000)
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), limits=Limits(max_file_size=4096)))
    text = TextReporter().render(result)
    assert "  - warning: big.js: 5000 bytes is over the 4096-byte file size limit; not read" in text.splitlines()
    (note,) = SarifReporter().document(result)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "too-large"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "big.js"
