"""Every report the tool writes goes through `write_report`: a scanned tree is data, and a link or a
special file it contains must never redirect, block or widen a write.

- the report's own name is never followed: an existing symbolic link (dangling or not), directory,
  FIFO, socket or device there is refused before anything is opened, so nothing blocks;
- the directories above it are resolved one component at a time: a symbolic link inside the current
  directory or inside a `protect` root (the scanned trees) is refused; links above them (`/tmp` ->
  `/private/tmp`, a user's own path elsewhere) are followed. Missing directories are created, and
  only those;
- the text goes to a new temporary file beside the report (`O_EXCL | O_NOFOLLOW`, mode 0o666 less
  the umask), which is then renamed over the report: a rename replaces a link, it never follows it,
  and a reader never sees half a report.

Refusals raise `OutputError` (a `UsageError`: exit code 2), its message starting with the path.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from scanner.errors import UsageError

MAX_LINK_HOPS = 40  # Linux's own limit (MAXSYMLINKS) for one path resolution
_TEMP_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))  # O_BINARY: Windows; the text layer below translates newlines


class OutputError(UsageError):
    """A report cannot be written where it was asked for (a link, a special file, a missing directory)."""


def write_report(path: str | os.PathLike[str], text: str, *, protect: Sequence[str | os.PathLike[str]] = ()) -> None:
    """Write `text` (UTF-8, newlines as `Path.write_text` writes them) to `path`, replacing a regular file.

    `protect`: roots (besides the current directory) inside which no symbolic link is followed.
    """
    shown = _show(os.fspath(path))
    given = Path(path)
    if _is_devnull(given):  # `-o /dev/null`: a character device, but the one everybody means to write to
        with open(os.devnull, "w", encoding="utf-8", errors="surrogateescape") as sink:
            sink.write(text)
        return
    if given.name in ("", ".", ".."):
        raise OutputError(f"{shown}: is a directory, not a regular file")
    roots = _Roots(protect, relative=not given.is_absolute())
    try:
        parent = _resolve_directory(given.parent, roots, shown)
        target = os.path.join(parent, given.name)
        _check_target(target, roots, shown)
        _replace(target, text)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write: {exc.strerror or exc}") from exc


def checked_path(path: str | os.PathLike[str], *, protect: Sequence[str | os.PathLike[str]] = ()) -> Path:
    """`path` resolved under the same link policy, for files opened by a library (the audit's SQLite).

    The parent directories are created; a link, FIFO or device at the final name is refused.
    """
    shown = _show(os.fspath(path))
    given = Path(path)
    roots = _Roots(protect, relative=not given.is_absolute())
    try:
        target = os.path.join(_resolve_directory(given.parent, roots, shown), given.name)
        _check_target(target, roots, shown)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write: {exc.strerror or exc}") from exc
    return Path(target)


def make_directory(path: str | os.PathLike[str], *, protect: Sequence[str | os.PathLike[str]] = ()) -> Path:
    """Create `path` and whatever is missing above it, under the same link policy; return its resolved path."""
    shown = _show(os.fspath(path))
    try:
        return Path(_resolve_directory(Path(path), _Roots(protect, relative=not Path(path).is_absolute()), shown))
    except OSError as exc:
        raise OutputError(f"{shown}: cannot create the directory: {exc.strerror or exc}") from exc


class _Roots:
    """The current directory and the protected roots, each as given (made absolute) and resolved."""

    def __init__(self, protect: Iterable[str | os.PathLike[str]], *, relative: bool) -> None:
        self.cwd = os.getcwd()  # already free of links
        self.relative = relative
        found = {self.cwd}
        for root in protect:
            found.update((os.path.abspath(root), os.path.realpath(root)))
        self.prefixes = tuple(r if r.endswith(os.sep) else r + os.sep for r in sorted(found))

    def contain(self, path: str) -> bool:
        """Strictly inside one of the roots (a root itself may be a link the user chose)."""
        return any(path.startswith(prefix) and path != prefix for prefix in self.prefixes)

    def show(self, path: str) -> str:
        """`path` as the user wrote the report's: relative to the current directory when that was relative."""
        inside = path.startswith(self.cwd.rstrip(os.sep) + os.sep)
        return _show(os.path.relpath(path, self.cwd) if inside and self.relative else path)


def _resolve_directory(directory: Path, roots: _Roots, shown: str) -> str:
    """The link-free path of `directory` (relative to the current one), creating what is missing.

    Resolved one component at a time, as the kernel would, so that `..` after a followed link means
    what it means to the kernel and every link met on the way is checked, even inside a link's target.
    """
    absolute = Path(roots.cwd, directory)  # joins, never collapses `..` lexically
    real = absolute.anchor
    pending = list(reversed(absolute.parts[1:]))
    hops = 0
    while pending:
        name = pending.pop()
        if name in ("", "."):
            continue
        if name == "..":
            real = os.path.dirname(real)  # `real` holds no link: its parent is its lexical parent
            continue
        candidate = os.path.join(real, name)
        try:
            mode = os.lstat(candidate).st_mode
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):  # made meanwhile: looked at like any other
                os.mkdir(candidate)  # never follows a link: a dangling one makes it fail with EEXIST
            mode = os.lstat(candidate).st_mode
        if stat.S_ISLNK(mode):
            if roots.contain(candidate):
                raise OutputError(f"{shown}: refusing to write through the symbolic link "
                                  f"{roots.show(candidate)} -> {_show(os.readlink(candidate))}")
            hops += 1
            if hops > MAX_LINK_HOPS:
                raise OutputError(f"{shown}: too many levels of symbolic links")
            link = Path(os.readlink(candidate))
            if link.is_absolute():
                real = link.anchor
            pending.extend(reversed(link.parts[1:] if link.is_absolute() else link.parts))
            continue
        if not stat.S_ISDIR(mode):
            raise OutputError(f"{shown}: {roots.show(candidate)} is not a directory")
        real = candidate
    return real


def _check_target(target: str, roots: _Roots, shown: str) -> None:
    """The report's own name: absent or a regular file; anything else is refused, never opened."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        raise OutputError(f"{shown}: refusing to write through the symbolic link "
                          f"{roots.show(target)} -> {_show(os.readlink(target))}")
    raise OutputError(f"{shown}: is {_kind(mode)}, not a regular file")


def _replace(target: str, text: str) -> None:
    directory, name = os.path.split(target)
    base = name if len(os.fsencode(name)) <= 200 else name[:50]  # room for the suffix under NAME_MAX (255)
    for _ in range(100):
        temp = os.path.join(directory, f".{base}.{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(temp, _TEMP_FLAGS, 0o666)  # 0o666: the umask decides, as for any new file
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"no free temporary name beside {target}")
    try:
        # newline=None and utf-8 as Path.write_text; surrogateescape: a path that was not UTF-8 on
        # disk goes back out as the bytes it was
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as out:
            out.write(text)
        os.replace(temp, target)  # replaces a link or file that appeared meanwhile, never follows it
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _is_devnull(path: Path) -> bool:
    if os.path.abspath(path) != os.devnull:
        return False
    try:
        return stat.S_ISCHR(os.lstat(os.devnull).st_mode)
    except OSError:
        return False


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "a special file"


def _show(text: str) -> str:
    """Names come from the scanned tree: quoted when they hold a newline or a control character
    (a `::` line on a CI log is a command to the runner)."""
    return text if text.isprintable() else repr(text)
