"""What an audit scans: local checkouts, bare git mirrors, or directories of release artifacts."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner.errors import UsageError

# git is run only on bare mirrors, with every hook/fsmonitor/pager turned off and no config from the
# mirror able to execute anything: `archive`-free plumbing commands that read objects only.
_GIT_SAFE = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "protocol.allow=never",
             "--no-pager"]


@dataclass(frozen=True)
class RepoSpec:
    name: str  # unique, file-name safe: used for the per-repository SARIF file
    path: str  # absolute
    kind: str  # "checkout" | "bare" | "artifacts"


def _is_bare(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir() \
        and not (path / ".git").exists()


def classify(path: Path) -> str:
    if _is_bare(path):
        return "bare"
    if (path / ".git").exists():
        return "checkout"
    return "artifacts"


def _safe_name(path: Path, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", path.name.removesuffix(".git")) or "repo"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def discover(paths: list[str], repos_file: str | None = None) -> list[RepoSpec]:
    """Repository specs in a stable order; a missing path is a usage error before anything runs."""
    items = list(paths)
    if repos_file:
        for line in Path(repos_file).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                items.append(line)
    if not items:
        raise UsageError("audit: no repositories given (REPO... or --repos-file FILE)")
    specs: list[RepoSpec] = []
    taken: set[str] = set()
    for item in items:
        path = Path(item).expanduser().resolve()
        if not path.is_dir():
            raise UsageError(f"{item}: not a directory (a checkout, a bare mirror or a folder of artifacts)")
        specs.append(RepoSpec(name=_safe_name(path, taken), path=str(path), kind=classify(path)))
    return specs


def git(mirror: str, *args: str, data: bytes | None = None) -> bytes:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1")
    proc = subprocess.run(["git", *_GIT_SAFE, "--git-dir", mirror, *args], input=data, capture_output=True,
                          env=env, timeout=600, check=False)
    if proc.returncode != 0:
        raise OSError(f"{mirror}: git {args[0]} failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout


def bare_blobs(mirror: str, max_size: int) -> Iterator[tuple[str, bytes | None, int]]:
    """(path, content or None when over `max_size`, size) for every file at HEAD of a bare mirror."""
    listing = git(mirror, "ls-tree", "-r", "-z", "--long", "HEAD")
    entries: list[tuple[str, str, int]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, sha, size = meta.split()
        if kind != b"blob" or mode == b"120000":  # symlinks are never followed
            continue
        entries.append((path.decode("utf-8", "replace"), sha.decode(), int(size)))
    wanted = [e for e in entries if e[2] <= max_size]
    for big_path, _, big_size in entries:
        if big_size > max_size:
            yield big_path, None, big_size
    # read blobs in bounded batches so a large mirror never sits in memory whole
    batch: list[tuple[str, str, int]] = []
    budget = 0
    for entry in wanted:
        batch.append(entry)
        budget += entry[2]
        if len(batch) >= 2000 or budget >= 64 * 1024 * 1024:
            yield from _cat_batch(mirror, batch)
            batch, budget = [], 0
    if batch:
        yield from _cat_batch(mirror, batch)


def _cat_batch(mirror: str, batch: list[tuple[str, str, int]]) -> Iterator[tuple[str, bytes | None, int]]:
    out = git(mirror, "cat-file", "--batch", data=b"".join(sha.encode() + b"\n" for _, sha, _ in batch))
    pos = 0
    for path, _, size in batch:
        pos = out.index(b"\n", pos) + 1
        yield path, out[pos : pos + size], size
        pos += size + 1


def shard_files(root: str, shard_size: int) -> list[list[str]] | None:
    """File lists of `shard_size` for very large checkouts/artifact folders, or None when one shard does."""
    from scanner.walk import Walker

    refs = [ref.path for ref in Walker().walk([root])]
    if len(refs) <= shard_size:
        return None
    return [refs[i : i + shard_size] for i in range(0, len(refs), shard_size)]
