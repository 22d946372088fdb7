"""What one scan is asked to do. The CLI (and config files) fill it in; the engine only reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scanner.config.limits import Limits
from scanner.model import Level


@dataclass
class ScanConfig:
    roots: list[str] = field(default_factory=list)
    enable_packs: list[str] = field(default_factory=list)
    disable_packs: list[str] = field(default_factory=list)
    signature_dirs: list[Path] = field(default_factory=list)  # extra packs (a team's own)
    excludes: list[str] = field(default_factory=list)
    respect_gitignore: bool = False
    limits: Limits = field(default_factory=Limits)
    jobs: int = 0  # 0: one worker per core
    fail_on: Level = Level.ERROR
    prefilter_engine: str = "auto"  # auto | hyperscan | re
    files: list[str] | None = None  # explicit file list (pre-commit, diff scans), relative to roots[0]
    show_progress: bool = False
    srcroot: str | None = None  # paths are reported relative to it; default: the enclosing repository
    inline_suppressions: bool = True  # honour `tiktok-scan: ignore[...]` comments (off for audits)
    skip_outputs: list[str] = field(default_factory=list)  # this run's report files (-o ...): never read


def find_srcroot(root: str) -> str:
    """The repository that contains `root` (a `.git` entry found upward), else the root's directory.

    Looked up on the file system only: running git inside an untrusted tree is never needed.
    """
    start = Path(root).resolve()
    if not start.is_dir():
        start = start.parent
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return str(start)
