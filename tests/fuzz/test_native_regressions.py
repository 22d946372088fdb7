"""Inputs that hang, crash or balloon a native parser (tree-sitter, libcst), replayed through the CLI.

Each file in tests/fuzz/regressions/native/ is named `<label>__<file name>__<sha256 prefix>[.gz]`
(gzipped when large: the content is the decompressed bytes). It is written under that file name
into a tree beside a planted finding and scanned by the real CLI,
serial (`--jobs 1`, where native parsers run in the scanner's own process), under a watchdog
(a 2 s per-file budget plus the grace, see `cli.py`). The run must exit 0/1, write a valid SARIF, keep
the planted finding, and report the input or name it in a notification. These run through the CLI
and never in-process: an in-process replay of a native hang would hang the test run itself.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest

from tests.fuzz.cli import plant, problems, run_cli

NATIVE = Path(__file__).resolve().parent / "regressions" / "native"
BUDGET = 2.0  # --file-timeout: each input is scanned alone, a short budget keeps the CI run short


def _inputs() -> list[Path]:
    return sorted(p for p in NATIVE.glob("*__*__*") if p.is_file())


def test_there_are_native_regressions() -> None:
    names = [p.name.split("__")[1] for p in _inputs()]
    assert names.count("build.gradle.kts") >= 5, names  # the five Kotlin inputs of issue 19


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: p.name.split("__")[0])
def test_native_regression(path: Path, tmp_path: Path) -> None:
    _label, name, _digest = path.name.split("__")
    data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    assert hashlib.sha256(data).hexdigest().startswith(_digest.removesuffix(".gz")), path.name
    root = tmp_path / "tree"
    (root / "hostile").mkdir(parents=True)
    (root / "hostile" / name).write_bytes(data)
    plant(root)
    assert problems(run_cli(root, tmp_path / "report.sarif", budget=BUDGET), f"hostile/{name}") == []
