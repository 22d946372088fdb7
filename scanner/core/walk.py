"""Walk: the only code that touches the file system.

One pass per root with os.scandir; relative POSIX paths; `.git` and friends skipped; symlinks are
never followed (a link inside the root is reached through its target anyway, a link out of the
root is reported); special files (FIFOs, sockets, devices) are reported and never opened. With
`respect_gitignore`, scanner.core.gitignore reads each directory's `.gitignore` under the same rules.
"""

from __future__ import annotations

import os
import re
import stat
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scanner.model import Level, Notification, SkipReason

SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", ".jj"})


@dataclass(frozen=True)
class FileRef:
    root: str  # absolute path of the scan root (a directory, or the file itself)
    path: str  # POSIX path relative to the scan root's base, as shown to users
    abspath: str
    size: int


@dataclass
class WalkOptions:
    excludes: Sequence[str] = ()
    respect_gitignore: bool = False


class PatternError(ValueError):
    """A glob given to the scan (`--exclude`, a config file's `exclude`) cannot be compiled."""

    def __init__(self, pattern: str, problem: str, source: str = "") -> None:
        self.pattern = pattern
        self.problem = problem
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}pattern {pattern!r}: {problem}")


def check_patterns(patterns: Sequence[str], source: str) -> list[str]:
    """The patterns, unchanged, once each compiles exactly as the walk will compile it.

    Raises PatternError naming `source` (`--exclude`, `pyproject.toml: exclude`...) and the first
    bad pattern: one that does not compile (a bracket expression Python's `re` rejects, such as
    `[z-a]` or `a[]b`), an empty or blank one, one of slashes only, one with a NUL. Backslashes are
    ordinary characters here (paths are POSIX): `foo\\` names a file `foo\\`.
    """
    for pattern in patterns:
        if "\0" in pattern:
            raise PatternError(pattern, "contains a NUL character, which no path can", source)
        if not pattern.strip():
            raise PatternError(pattern, "is empty", source)
        if not pattern.strip().strip("/"):
            raise PatternError(pattern, "has only slashes, so it matches nothing", source)
        try:
            glob_to_regex(pattern)
        except PatternError as exc:
            raise PatternError(pattern, exc.problem, source) from exc
    return list(patterns)


@lru_cache(maxsize=512)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """gitignore-like globs: `**` spans directories, `*` and `?` stay within one name.

    A pattern without a slash matches a name at any depth (`*.min.js`, `node_modules`).
    Raises PatternError (never re.error) for a bracket expression that is not a valid class.
    """
    pat = pattern.strip()
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    out = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pat.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pat.find("]", i)
            if j == -1:
                out.append(re.escape(c))
            else:
                out.append(_bracket_class(pattern, pat[i : j + 1], "[" + pat[i + 1 : j].replace("!", "^", 1) + "]"))
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    body = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    try:
        return _compile(f"^{prefix}{body}(?:/.*)?$")
    except re.error as exc:  # not expected once every class compiled on its own: a backstop
        raise PatternError(pattern, exc.msg) from exc


def _bracket_class(pattern: str, bracket: str, regex: str) -> str:
    """The class as the regex will read it, checked on its own so the error names the bracket."""
    try:
        _compile(regex)
    except re.error as exc:
        raise PatternError(pattern, f"bad bracket expression {bracket!r}: {exc.msg}") from exc
    return regex


def _compile(regex: str) -> re.Pattern[str]:
    # `re` warns (FutureWarning) on `[[` or `--` inside a class; the meaning is today's either way,
    # and a warning turned into an error (-W error) must not abort a scan.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(regex)


def is_excluded(rel_path: str, excludes: Sequence[str]) -> bool:
    return any(glob_to_regex(p).match(rel_path) for p in excludes)


class Walker:
    """Yields FileRefs; problems become Notifications in `self.notifications`."""

    def __init__(self, options: WalkOptions | None = None) -> None:
        self.options = options or WalkOptions()
        self.notifications: list[Notification] = []
        self.files_seen = 0

    def walk(self, roots: Sequence[str | Path], srcroot: str | None = None) -> Iterator[FileRef]:
        """Paths come out relative to `srcroot` when the root lies inside it, else to the root."""
        for root in roots:
            yield from self._walk_root(Path(root), srcroot)

    def _note(self, path: str, reason: SkipReason, message: str, level: Level = Level.WARNING) -> None:
        self.notifications.append(Notification(path=path, reason=reason, message=message, level=level))

    def _walk_root(self, root: Path, srcroot: str | None) -> Iterator[FileRef]:
        try:
            st = os.lstat(root)
        except OSError as exc:
            self._note(str(root), SkipReason.UNREADABLE, f"{root}: cannot read: {exc.strerror}", Level.ERROR)
            return
        if stat.S_ISLNK(st.st_mode):
            root = root.resolve()
            try:
                st = os.stat(root)
            except OSError as exc:
                self._note(str(root), SkipReason.UNREADABLE, f"{root}: cannot read: {exc.strerror}", Level.ERROR)
                return
        if stat.S_ISREG(st.st_mode):
            absroot = os.path.abspath(root)
            self.files_seen += 1
            shown = _prefix(os.path.dirname(absroot), srcroot) + root.name
            yield FileRef(root=absroot, path=shown, abspath=absroot, size=st.st_size)
            return
        if not stat.S_ISDIR(st.st_mode):
            self._note(str(root), SkipReason.SPECIAL_FILE, f"{root}: not a regular file or directory; not read")
            return
        absroot = os.path.abspath(root)
        yield from self._walk_dir(absroot, _prefix(absroot, srcroot))

    def _walk_dir(self, absroot: str, prefix: str = "") -> Iterator[FileRef]:
        ignores = None
        if self.options.respect_gitignore:  # imported only then: a plain scan never needs it
            from scanner.core.gitignore import GITIGNORE, GitignoreStack

            ignores = GitignoreStack(absroot, report=self.notifications.append, prefix=prefix)
        stack: list[str] = [""]
        excludes = self.options.excludes
        while stack:
            rel_dir = stack.pop()
            abs_dir = os.path.join(absroot, rel_dir) if rel_dir else absroot
            try:
                with os.scandir(abs_dir) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                where = prefix + rel_dir if rel_dir else prefix.rstrip("/") or "."
                self._note(where, SkipReason.UNREADABLE, f"{where}: cannot list: {exc.strerror}")
                continue
            # The directory's own .gitignore applies to its entries; a link or special file in its
            # place was reported by the stack (as not read), so the walk adds nothing for it.
            reported = None
            if ignores is not None and any(entry.name == GITIGNORE for entry in entries):
                reported = GITIGNORE if ignores.enter(rel_dir) else None
            subdirs: list[str] = []
            for entry in entries:
                if entry.name == reported:
                    continue
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                shown = prefix + rel  # lossless: a non-UTF-8 name keeps its bytes as surrogates
                try:
                    if entry.is_symlink():
                        self._symlink(absroot, entry.path, shown)
                        continue
                    is_dir = entry.is_dir(follow_symlinks=False)
                    if is_dir and entry.name in SKIP_DIRS:
                        continue
                    if excludes and is_excluded(rel, excludes):
                        continue
                    if ignores is not None and ignores.ignored(rel, is_dir):
                        continue
                    if is_dir:
                        subdirs.append(rel)
                        continue
                    st = entry.stat(follow_symlinks=False)
                except OSError as exc:
                    self._note(shown, SkipReason.UNREADABLE, f"{shown}: cannot read: {exc.strerror}")
                    continue
                if not stat.S_ISREG(st.st_mode):
                    self._note(shown, SkipReason.SPECIAL_FILE,
                               f"{shown}: special file (FIFO, socket or device); not read")
                    continue
                self.files_seen += 1
                yield FileRef(root=absroot, path=shown, abspath=entry.path, size=st.st_size)
            stack.extend(reversed(subdirs))

    def _symlink(self, absroot: str, link: str, shown: str) -> None:
        try:
            target = os.path.realpath(link)
        except OSError:
            target = ""
        inside = target == absroot or target.startswith(absroot.rstrip(os.sep) + os.sep)
        if not inside:
            self._note(shown, SkipReason.SYMLINK,
                       f"{shown}: symbolic link to {target or '?'} outside the scan root; not followed")
        elif not os.path.exists(link):
            self._note(shown, SkipReason.SYMLINK, f"{shown}: broken or looping symbolic link; not followed",
                       Level.NOTE)
        # links that stay inside the root are not followed: their targets are scanned in place


def _prefix(absdir: str, srcroot: str | None) -> str:
    """`examples/` when scanning <repo>/examples with srcroot <repo>; '' when outside it."""
    if not srcroot:
        return ""
    base = os.path.abspath(srcroot)
    if absdir == base:
        return ""
    if absdir.startswith(base.rstrip(os.sep) + os.sep):
        return Path(os.path.relpath(absdir, base)).as_posix() + "/"
    return ""
