"""Diff scans: which files a commit or a pull request touches, asked of git.

Only ever run on the user's own repository (the one they run tiktok-scan in), never on a tree
being audited, and with the repository's hooks and fsmonitor switched off so that asking for a
file list cannot run a program configured in the repository.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from scanner.errors import UsageError

# No hooks, no fsmonitor daemon, no external diff or textconv programs.
GIT = ("git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external=")
DIFF = ("diff", "--name-only", "-z", "--no-ext-diff", "--no-textconv", "--no-renames", "--diff-filter=ACMRT")


def _git(args: Sequence[str], cwd: Path) -> str:
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    env.pop("GIT_EXTERNAL_DIFF", None)
    try:
        proc = subprocess.run([*GIT, *args], cwd=cwd, env=env, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise UsageError("git is not installed; --staged and --since need it") from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args[:3])}: {message[-1] if message else f'exit {proc.returncode}'}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def repo_root(cwd: Path) -> Path:
    """The top of the work tree that contains `cwd`."""
    try:
        out = _git(("rev-parse", "--show-toplevel"), cwd)
    except UsageError as exc:
        raise UsageError(f"{cwd}: not inside a git work tree ({exc})") from exc
    return Path(out.strip())


def _names(out: str) -> list[str]:
    return sorted({name for name in out.split("\0") if name})


def staged_files(root: Path) -> list[str]:
    """Files added, copied, modified or retyped in the index (what the next commit contains)."""
    return _names(_git((*DIFF, "--cached"), root))


def unstaged_files(root: Path) -> list[str]:
    """Files whose working-tree copy differs from the index."""
    return _names(_git(DIFF, root))


def changed_since(root: Path, ref: str) -> list[str]:
    """Files changed between the merge base of `ref` and HEAD and the working tree (a PR's own changes)."""
    if ref.startswith("-"):
        raise UsageError(f"--since {ref!r}: not a git revision")
    try:
        base = _git(("merge-base", ref, "HEAD"), root).strip()
    except UsageError as exc:
        raise UsageError(f"--since {ref}: no common ancestor with HEAD ({exc}); in a shallow clone, fetch "
                         f"more history (actions/checkout: fetch-depth: 0)") from exc
    return _names(_git((*DIFF, base, "--"), root))


def under(files: Sequence[str], root: Path, paths: Sequence[str]) -> list[str]:
    """Keep the repository-relative `files` that lie under one of `paths` (given relative to the cwd)."""
    prefixes = []
    for p in paths:
        rel = os.path.relpath(Path(p).resolve(), root.resolve())
        if rel == ".":
            return list(files)
        if rel.startswith(".."):
            raise UsageError(f"{p}: outside the repository {root}")
        prefixes.append(Path(rel).as_posix())
    return [f for f in files if any(f == p or f.startswith(p + "/") for p in prefixes)]
