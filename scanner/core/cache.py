"""A per-user cache of what every run derives from the signatures, the same each time.

Why: a pre-commit hook starts a new process for every commit, and parsing the signature TOML
(about 20 ms) and compiling the prefilter's hyperscan database (about 10 ms) are a seventh of its
budget. Both are pure functions of bytes the run reads anyway, so they are kept under a key made of
those bytes (SHA-256) and the tool version. Only data is stored: JSON, and hyperscan's own
serialized database. The folder must belong to the user and be writable by nobody else, or it is
not used; any unreadable, foreign or corrupt entry is rebuilt; a folder that cannot be written
only costs the time. `TIKTOK_SCAN_CACHE_DIR` moves it, `TIKTOK_SCAN_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from scanner import __version__


def cache_dir() -> Path | None:
    """The cache folder (created 0700), or None when turned off or not safe to use."""
    if os.environ.get("TIKTOK_SCAN_NO_CACHE"):
        return None
    explicit = os.environ.get("TIKTOK_SCAN_CACHE_DIR")
    if explicit:
        base = Path(explicit)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = Path(xdg) / "tiktok-scan" if xdg else Path.home() / ".cache" / "tiktok-scan"
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.stat(base, follow_symlinks=False)
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        return None
    if not stat.S_ISDIR(info.st_mode) or not _own(info):
        return None
    return base


def key(*parts: bytes) -> str:
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()[:32]


def read(name: str) -> bytes | None:
    """The bytes stored under `name`, if the entry is the user's own regular file."""
    base = cache_dir()
    if base is None:
        return None
    try:  # O_NONBLOCK: a FIFO put in the folder opens at once (and is refused below), never blocks
        fd = os.open(base / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _own(info):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def write(name: str, data: bytes) -> None:
    """Store `data` under `name` atomically (a temp file renamed); failures are ignored."""
    base = cache_dir()
    if base is None:
        return
    import tempfile  # only a run that fills the cache pays its import (random, shutil): ~1 ms

    try:
        fd, tmp = tempfile.mkstemp(dir=base, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, base / name)
        except OSError:
            os.unlink(tmp)
    except OSError:
        pass


def read_json(name: str) -> Any:
    raw = read(name)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def write_json(name: str, value: Any) -> None:
    try:
        data = json.dumps(value, separators=(",", ":")).encode()
    except (TypeError, ValueError):  # a value JSON cannot hold (a TOML date): not cached
        return
    write(name, data)


def _own(info: os.stat_result) -> bool:
    """Owned by this user and not writable by group or others (POSIX); Windows has no such bits."""
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
