"""The README's table of `scan` options (under "## Using it") and `tiktok-scan scan --help` name the
same options (issue 17): every option is documented, and no row names one that does not exist."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from scanner.cli import build_parser

README = Path(__file__).resolve().parent.parent.parent / "README.md"
_OPTION = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")


def _scan_parser() -> argparse.ArgumentParser:
    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    scan: argparse.ArgumentParser = sub.choices["scan"]
    return scan


def _table_options() -> set[str]:
    """The options named in the first cell of each row of the first table under "## Using it"."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Using it\n"):]
    section = section[: section.index("\n## ", 1)]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows, "no options table under ## Using it"
    found: set[str] = set()
    for row in rows:
        first_cell = re.split(r"(?<!\\)\|", row)[1]
        for code in re.findall(r"`([^`]*)`", first_cell):
            found.update(_OPTION.findall(code))
    return found


def test_every_scan_option_is_in_the_readme_table() -> None:
    options = {o for a in _scan_parser()._actions for o in a.option_strings}
    documented = _table_options()
    assert sorted(options - documented) == [], "options missing from the README's table"
    assert sorted(documented - options) == [], "README rows name options `scan` does not have"


def test_the_table_reads_the_help() -> None:
    """The reading of the table itself: it sees both names of an option and nothing from the meanings."""
    documented = _table_options()
    assert {"--format", "-f", "--color", "--max-compression-ratio", "-h"} <= documented
    assert "--pack" in documented and "--config-ref" in documented
