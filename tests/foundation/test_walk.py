"""The walker: one pass, .git skipped, excludes, symlink policy, size cap, text vs binary by content."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.engine import is_text, run_scan
from scanner.limits import Limits
from scanner.model import SkipReason
from scanner.walk import Walker, WalkOptions, glob_to_regex

URL = "x = 'https://open.tiktokapis.com/v2/user/info/'\n"


def paths(root: Path, **options: object) -> list[str]:
    walker = Walker(WalkOptions(**options))  # type: ignore[arg-type]
    return sorted(ref.path for ref in walker.walk([root]))


def test_skips_git_and_scans_vendored_code(tmp_path: Path) -> None:
    for rel in (".git/config", "src/a.py", "node_modules/tiktok-pixel/index.js", "vendor/sdk/x.m"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert paths(tmp_path) == ["node_modules/tiktok-pixel/index.js", "src/a.py", "vendor/sdk/x.m"]


def test_excludes_are_gitignore_style_globs(tmp_path: Path) -> None:
    for rel in ("a/b/c.min.js", "a/keep.js", "build/out.js", "docs/x.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert paths(tmp_path, excludes=["*.min.js", "build/", "docs/**"]) == ["a/keep.js"]
    assert glob_to_regex("**/tests/*.py").match("x/y/tests/t.py")
    assert not glob_to_regex("/build").match("src/build")


def test_respect_gitignore_is_opt_in(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("dist/\n*.log\n")
    for rel in ("dist/app.js", "x.log", "src/a.js"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert paths(tmp_path) == [".gitignore", "dist/app.js", "src/a.js", "x.log"]
    assert paths(tmp_path, respect_gitignore=True) == [".gitignore", "src/a.js"]


def test_symlinks_are_never_followed_out_of_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.py").write_text(URL)
    (root / "real.py").write_text(URL)
    (root / "to_outside").symlink_to(outside)
    (root / "to_etc").symlink_to("/etc")
    (root / "loop").symlink_to(root / "loop")
    (root / "inside_link.py").symlink_to(root / "real.py")
    result = run_scan(ScanConfig(roots=[str(root)], jobs=1))
    assert [f.location.path for f in result.findings] == ["real.py"]
    reasons = {n.path: n.reason for n in result.notifications}
    assert reasons["to_outside"] is SkipReason.SYMLINK
    assert reasons["to_etc"] is SkipReason.SYMLINK
    assert reasons["loop"] is SkipReason.SYMLINK


def test_size_cap_is_reported(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(URL * 1000)
    (tmp_path / "small.py").write_text(URL)
    result = run_scan(ScanConfig(roots=[str(tmp_path)], jobs=1, limits=Limits(max_file_size=1000)))
    assert [f.location.path for f in result.findings] == ["small.py"]
    assert [(n.path, n.reason) for n in result.notifications] == [("big.txt", SkipReason.TOO_LARGE)]


def test_fifo_is_reported_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "a.py").write_text(URL)
    result = run_scan(ScanConfig(roots=[str(tmp_path)], jobs=1))
    assert [n.reason for n in result.notifications] == [SkipReason.SPECIAL_FILE]
    assert len(result.findings) == 1


def test_text_or_binary_by_content() -> None:
    assert is_text(b"plain ascii\n")
    assert is_text("utf-16 text".encode("utf-16"))
    assert not is_text(b"\x7fELF\x02\x01\x01\x00\x00\x00")


@pytest.mark.real_srcroot
def test_paths_are_relative_to_the_enclosing_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app" / "web").mkdir(parents=True)
    (tmp_path / "app" / "web" / "a.js").write_text(URL)
    result = run_scan(ScanConfig(roots=[str(tmp_path / "app")], jobs=1))
    assert [f.location.path for f in result.findings] == ["app/web/a.js"]


def test_parallel_and_serial_scans_agree(tmp_path: Path) -> None:
    for i in range(150):
        (tmp_path / f"f{i:03}.py").write_text(URL if i % 7 == 0 else "print('hello')\n")
    serial = run_scan(ScanConfig(roots=[str(tmp_path)], jobs=1))
    parallel = run_scan(ScanConfig(roots=[str(tmp_path)], jobs=2))
    assert serial.findings == parallel.findings
    assert len(serial.findings) == 22
