"""The walker: one pass, .git skipped, excludes, symlink policy, size cap, text vs binary by content."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.config.limits import Limits
from scanner.core.run import run_scan
from scanner.core.scanner import is_text
from scanner.core.walk import PatternError, Walker, WalkOptions, check_patterns, glob_to_regex
from scanner.model import SkipReason

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


@pytest.mark.parametrize(("pattern", "problem"), [
    ("[z-a]", "bad bracket expression '[z-a]': bad character range z-a"),
    ("a[]b", "bad bracket expression '[]': unterminated character set"),
    ("src/[!]/x", "bad bracket expression '[!]': unterminated character set"),
    ("[\\q]", "bad bracket expression '[\\\\q]': bad escape \\q"),
    ("x[a\\]", "bad bracket expression '[a\\\\]': unterminated character set"),
    ("", "is empty"),
    ("  ", "is empty"),
    ("/", "has only slashes, so it matches nothing"),
    ("a\0b", "contains a NUL character, which no path can"),
])
def test_check_patterns_rejects_what_cannot_work(pattern: str, problem: str) -> None:
    with pytest.raises(PatternError) as info:
        check_patterns(["ok/**", pattern], "--exclude")
    assert str(info.value) == f"--exclude: pattern {pattern!r}: {problem}"
    assert (info.value.source, info.value.pattern, info.value.problem) == ("--exclude", pattern, problem)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(("pattern", "matches", "misses"), [
    ("[a-", "x/[a-", "x/a"),  # no closing bracket: a literal `[`
    ("[", "[", "a"),
    ("**/[", "a/b/[", "a/b"),
    ("\\", "a/\\", "a/b"),  # backslashes are ordinary characters, trailing or not
    ("foo\\", "foo\\", "foo"),
    ("[ab]*.js", "src/b.js", "src/c.js"),
    ("café/*.js", "café/x.js", "cafe/x.js"),
    ("日本/**", "日本/a/b.txt", "日本語/a"),
    ("[[]x", "[x", "x"),  # `re` warns about a possible nested set; the meaning is today's
])
def test_check_patterns_accepts_what_the_walk_compiles(pattern: str, matches: str, misses: str) -> None:
    assert check_patterns([pattern], "--exclude") == [pattern]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        regex = glob_to_regex(pattern)
    assert regex.match(matches) and not regex.match(misses)


def test_glob_to_regex_raises_pattern_error_not_re_error(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("x")
    with pytest.raises(PatternError, match=r"^pattern '\[z-a\]\.js': bad bracket expression") as info:
        glob_to_regex("[z-a].js")
    assert not isinstance(info.value, re.error) and isinstance(info.value.__cause__, re.error)
    with pytest.raises(PatternError):
        paths(tmp_path, excludes=["[z-a]"])


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
