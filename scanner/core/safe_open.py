"""Reading the small files that steer a scan (configuration, baselines, signature packs) safely.

They can sit in the scanned tree, so they get the walker's rules: no symbolic links followed unless
the caller allows it, never a FIFO or device (which would block or never end), and a size cap.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MiB = 1024 * 1024


class NotRegularFile(OSError):
    """A FIFO, socket, device or directory where a file was expected: never read."""


class FileTooLarge(OSError):
    """Over the caller's size cap; `size` is what was seen (the stat'ed size or the bytes read)."""

    def __init__(self, size: int, max_bytes: int, path: str, grew: bool = False) -> None:
        what = f"grew over the {max_bytes} byte limit while read" if grew else \
            f"{size} bytes is over the {max_bytes} byte limit"
        super().__init__(errno.EFBIG, f"{what}; not read", path)
        self.size = size


def read_regular_file(path: Path, max_bytes: int, *, follow_symlinks: bool = False) -> bytes:
    """The bytes of `path`, or OSError with a message saying why it was refused.

    O_NONBLOCK makes opening a FIFO return at once; the fstat after open catches a file swapped
    for something else between the check and the open.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
        if os.path.islink(path):
            raise OSError(errno.ELOOP, "is a symbolic link; not followed", str(path))
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file (FIFO, socket, device or directory); not read",
                                 str(path))
        if st.st_size > max_bytes:
            raise FileTooLarge(st.st_size, max_bytes, str(path))
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(max_bytes + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > max_bytes:
        raise FileTooLarge(len(data), max_bytes, str(path), grew=True)
    return data


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every link resolved, lies in `root` (also resolved)."""
    resolved, base = os.path.realpath(path), os.path.realpath(root)
    return resolved == base or resolved.startswith(base.rstrip(os.sep) + os.sep)
