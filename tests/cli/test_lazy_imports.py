"""A scan of plain files (the pre-commit case) must not pay for parsers or worker pools it never uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("tree_sitter", "libcst", "yaml", "jsonschema", "lief", "elftools", "macholib", "pefile",
         "multiprocessing", "concurrent.futures", "pathspec")

PROBE = """
import json, sys
from scanner.cli import main
code = main(["scan", *sys.argv[1:], "-f", "sarif", "-o", "/dev/null", "--fail-on", "none"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after_scan(*paths: str, cwd: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *paths], cwd=cwd, capture_output=True, text=True, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    assert data["code"] == 0
    return list(data["modules"])


def test_plain_files_import_no_parser(tmp_path: Path) -> None:
    for i in range(10):  # a pre-commit hook passes the staged files by name
        (tmp_path / f"f{i}.js").write_text(f"export const a{i} = {i};\n")
    (tmp_path / "notes.txt").write_text("nothing to see\n")
    modules = _modules_after_scan(*(f"f{i}.js" for i in range(10)), "notes.txt", cwd=tmp_path)
    assert "scanner.core.run" in modules  # the probe did run a scan
    heavy = [m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY)]
    assert heavy == []


def test_directory_of_plain_files_imports_no_parser(tmp_path: Path) -> None:
    for i in range(20):
        (tmp_path / "src" / f"d{i % 3}").mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / f"d{i % 3}" / f"m{i}.js").write_text("const x = 1;\n")
    modules = _modules_after_scan("src", cwd=tmp_path)
    heavy = [m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY)]
    assert heavy == []
