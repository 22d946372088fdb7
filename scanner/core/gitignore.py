"""Opt-in `.gitignore` support with git's own matching rules; git is never run on the scanned tree.

Reading. A `.gitignore` is an input like any other: lstat first; only a regular file is opened
(O_NOFOLLOW|O_NONBLOCK, then fstat again against a swap in between); a symbolic link is never
followed, a FIFO, socket or device never opened. A file over MAX_BYTES is not applied at all (the
files it would hide are scanned: a scanner errs toward reading more). Each problem is one
Notification, handed to `report`.

Matching follows git's dir.c and wildmatch.c, on bytes as git does (no decoding; messages show
undecodable bytes as U+FFFD):
- each line is compiled on its own; a line git can never match (a trailing backslash, an unclosed
  bracket, an unknown `[:class:]`, a range set that matches no character) costs that line and one
  notification, and the rest of the file still applies;
- within a file the last matching line decides (`!` re-includes); a deeper `.gitignore` overrides
  a shallower one; an ignored directory is not entered, so nothing below it can be re-included,
  as in git;
- a pattern becomes a regular expression that cannot backtrack catastrophically (see `_regex`), so
  a hostile line such as `*a*a*a*a*a*a*a*b` cannot stall the walk.

Cost. A path consults only the `.gitignore` files of its ancestor directories (a dict lookup per
ancestor, cached per directory), and each of those with one regex call per run of same-sign lines
(usually one). The patterns in effect for one path, and those compiled in one walk, are capped
(MAX_ACTIVE_PATTERNS, MAX_TOTAL_PATTERNS); a file past a cap is not applied and reported.
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner.core.safe_open import FileTooLarge, NotRegularFile, read_regular_file
from scanner.model import Level, Notification, SkipReason

MAX_BYTES = 1 << 20  # a .gitignore larger than 1 MiB is not applied
MAX_LINE = 4096  # PATH_MAX on Linux: a longer line is not applied
MAX_ACTIVE_PATTERNS = 5_000  # patterns in effect for one path (its ancestors' files together)
MAX_TOTAL_PATTERNS = 100_000  # patterns compiled in one walk
MAX_LINE_NOTES = 10  # bad lines reported one by one per file; the rest in one summary

GITIGNORE = ".gitignore"

# Regex pieces over bytes. A directory is matched as its path followed by NUL (a byte no file
# name contains), so one regex serves files and directories and `dir/` patterns can require it.
_ONE = rb"[^/\x00]"
_STAR_GREEDY = rb"[^/\x00]*"
_STAR_LAZY = rb"[^/\x00]*?"
_END = rb"\x00?\Z"
_END_DIR = rb"\x00\Z"


class _Star:
    """`*` (and a `**` that is not a whole path segment): any bytes within one segment."""


class _AnyPath:
    """A trailing `/**` (or `**` alone): anything, slashes included."""


class _Dirs:
    """`**/` as a whole segment: zero or more directories (the slash is part of it)."""


_Token = bytes | type[_Star] | type[_AnyPath] | type[_Dirs]


class NeverMatches(ValueError):
    """A line git accepts but can never match; its message says why."""


@dataclass(frozen=True)
class GitignorePattern:
    """One compiled line of a .gitignore."""

    line: int  # 1-based
    text: bytes  # the line as written, without its end of line
    negated: bool  # `!pattern`: re-includes
    dir_only: bool  # `pattern/`: directories only
    basename: bool  # no slash in the pattern: matched against the last path component
    tokens: tuple[_Token, ...]

    def regex(self, names: Iterator[int] | None = None) -> bytes:
        """The uncompiled regex, anchored at the start by `match` and at the end here."""
        return _regex(self.tokens, names or itertools.count()) + (_END_DIR if self.dir_only else _END)


def parse_line(raw: bytes, line: int) -> GitignorePattern | None:
    """One line (without its newline) -> a pattern, or None for a blank line, a comment or a
    pattern git reads as empty (`!`, `/`). Raises NeverMatches for a line git cannot match."""
    text = raw[:-1] if raw.endswith(b"\r") else raw
    if not text or text.startswith(b"#"):
        return None
    text = text.split(b"\x00", 1)[0]  # git holds patterns as C strings
    pattern = _trim_trailing_spaces(text)
    negated = pattern.startswith(b"!")
    if negated:
        pattern = pattern[1:]
    dir_only = pattern.endswith(b"/")
    if dir_only:
        pattern = pattern[:-1]
    if not pattern:
        return None
    if len(text) > MAX_LINE:
        raise NeverMatches(f"it is longer than {MAX_LINE} bytes, more than any path")
    basename = b"/" not in pattern
    if pattern.startswith(b"/"):
        pattern = pattern[1:]
    any_depth = _ANY_DEPTH.match(pattern)
    if any_depth and b"/" not in pattern[any_depth.end():]:
        basename, pattern = True, pattern[any_depth.end():]  # `**/name` is `name`: one segment, any depth
    tokens = _tokens(pattern, pathname=not basename)
    return GitignorePattern(line=line, text=text, negated=negated, dir_only=dir_only, basename=basename,
                            tokens=tuple(tokens))


def _trim_trailing_spaces(text: bytes) -> bytes:
    """git's trim_trailing_spaces: unescaped trailing spaces (not tabs) go."""
    if not text.endswith(b" "):
        return text
    last_space = -1
    i = 0
    while i < len(text):
        c = text[i]
        if c == 0x20:
            if last_space < 0:
                last_space = i
        elif c == 0x5C:  # backslash
            i += 1
            if i == len(text):
                return text
            last_space = -1
        else:
            last_space = -1
        i += 1
    return text[:last_space] if last_space >= 0 else text


_SPECIAL = re.compile(rb"[\\?*[]")  # git's is_glob_special
_ANY_DEPTH = re.compile(rb"\*\*+/")


def _tokens(pattern: bytes, pathname: bool) -> list[_Token]:
    """wildmatch.c's reading of a pattern: fixed one-byte matchers (regex bytes) and wildcards."""
    out: list[_Token] = []
    i, n = 0, len(pattern)
    # dir.c compares the literal prefix (up to the first wildcard or backslash) on its own and hands wildmatch
    # the rest as a pattern of its own: a `**` right after that prefix counts as starting a
    # segment, so `/a**/b` is `a` then `**/b` (it matches `a/b`, `ab/b` and `ab/c/b`).
    first = _SPECIAL.search(pattern)
    wild_start = first.start() if first else n
    while i < n:
        special = _SPECIAL.search(pattern, i)
        literal_end = special.start() if special else n
        if literal_end > i:
            out.append(re.escape(pattern[i:literal_end]))
            i = literal_end
            continue
        c = pattern[i]
        if c == 0x5C:  # backslash: the next byte is literal
            if i + 1 == n:
                raise NeverMatches("it ends with a backslash that escapes nothing")
            out.append(re.escape(pattern[i + 1 : i + 2]))
            i += 2
        elif c == 0x3F:  # ?
            out.append(_ONE)
            i += 1
        elif c == 0x2A:  # *
            j = i
            while j < n and pattern[j] == 0x2A:
                j += 1
            whole_segment = j - i >= 2 and (i in (0, wild_start) or pattern[i - 1] == 0x2F)
            if pathname and whole_segment and j == n:
                out.append(_AnyPath)
                i = j
            elif pathname and whole_segment and pattern[j] == 0x2F:
                out.append(_Dirs)  # git also tries `**/` as matching no directory at all
                i = j + 1
            elif pathname and whole_segment and pattern[j : j + 2] == b"\\/":
                out.append(_AnyPath)  # wildmatch skips its no-directory shortcut for an escaped slash
                i = j
            else:
                if not out or out[-1] is not _Star:
                    out.append(_Star)
                i = j
        else:  # [
            cls, i = _bracket(pattern, i)
            out.append(cls)
    return _merge_wildcards(out)


def _merge_wildcards(tokens: list[_Token]) -> list[_Token]:
    """`**/**/` is `**/`, `**/**` is `**`: adjacent path wildcards would only add backtracking."""
    out: list[_Token] = []
    for token in tokens:
        if token in (_Dirs, _AnyPath) and out and out[-1] in (_Dirs, _AnyPath):
            out[-1] = _AnyPath if _AnyPath in (token, out[-1]) else _Dirs
            continue
        out.append(token)
    return out


_ALNUM = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CLASSES: dict[bytes, frozenset[int]] = {  # ASCII only, as git's sane_ctype
    b"alnum": frozenset(_ALNUM),
    b"alpha": frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
    b"blank": frozenset(b" \t"),
    b"cntrl": frozenset([*range(0x20), 0x7F]),
    b"digit": frozenset(b"0123456789"),
    b"graph": frozenset(range(0x21, 0x7F)),
    b"lower": frozenset(b"abcdefghijklmnopqrstuvwxyz"),
    b"print": frozenset(range(0x20, 0x7F)),
    b"punct": frozenset(set(range(0x21, 0x7F)) - set(_ALNUM)),
    b"space": frozenset(b" \t\n\r"),  # git's sane_ctype: no \v, no \f
    b"upper": frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    b"xdigit": frozenset(b"0123456789ABCDEFabcdef"),
}


def _bracket(pattern: bytes, start: int) -> tuple[bytes, int]:
    """A `[...]` at `start` as wildmatch.c reads it -> (regex class, index after the `]`)."""
    n = len(pattern)
    p = start + 1
    negated = p < n and pattern[p] in b"!^"
    if negated:
        p += 1
    matched: set[int] = set()
    prev = 0  # the previous single byte, a possible range start (0: none)
    first = True
    while True:
        if p >= n:
            raise NeverMatches(f"its bracket expression {_show(pattern[start:])} is not closed")
        c = pattern[p]
        if c == 0x5D and not first:  # ]
            break
        first = False
        if c == 0x5C:  # backslash
            p += 1
            if p >= n:
                raise NeverMatches(f"its bracket expression {_show(pattern[start:])} is not closed")
            prev = pattern[p]
            matched.add(prev)
        elif c == 0x2D and prev and p + 1 < n and pattern[p + 1] != 0x5D:  # a-z
            p += 1
            high = pattern[p]
            if high == 0x5C:
                p += 1
                if p >= n:
                    raise NeverMatches(f"its bracket expression {_show(pattern[start:])} is not closed")
                high = pattern[p]
            matched.update(range(prev, high + 1))  # a reversed range matches nothing, as in git
            prev = 0
        elif c == 0x5B and p + 1 < n and pattern[p + 1] == 0x3A:  # [:class:]
            end = pattern.find(b"]", p + 2)
            if end < 0:
                raise NeverMatches(f"its bracket expression {_show(pattern[start:])} is not closed")
            if end - (p + 2) < 1 or pattern[end - 1] != 0x3A:
                matched.add(c)  # no `:]`: the `[` is an ordinary member
                prev = c
            else:
                name = pattern[p + 2 : end - 1]
                if name not in _CLASSES:
                    raise NeverMatches(f"[:{_show(name)[1:-1]}:] is not a character class")
                matched |= _CLASSES[name]
                prev = 0
                p = end
        else:
            matched.add(c)
            prev = c
        p += 1
    members = (set(range(1, 256)) - matched) if negated else matched
    members -= {0, 0x2F}  # never a slash (WM_PATHNAME), never the directory mark
    if not members:
        raise NeverMatches(f"its bracket expression {_show(pattern[start : p + 1])} matches no character")
    return _byte_class(members), p + 1


def _byte_class(members: set[int]) -> bytes:
    parts = []
    for _, run in itertools.groupby(enumerate(sorted(members)), lambda item: item[1] - item[0]):
        values = [v for _, v in run]
        lo, hi = values[0], values[-1]
        parts.append(b"\\x%02x" % lo if lo == hi else b"\\x%02x-\\x%02x" % (lo, hi))
    return b"[" + b"".join(parts) + b"]"


def _atomic_group(body: bytes, names: Iterator[int]) -> bytes:
    return b"(?>" + body + b")"


def _atomic_lookahead(body: bytes, names: Iterator[int]) -> bytes:
    """The same before Python 3.11 (no `(?>`): a lookahead cannot be backtracked into."""
    name = b"a%d" % next(names)
    return b"(?=(?P<" + name + b">" + body + b"))(?P=" + name + b")"


_atomic = _atomic_group if sys.version_info >= (3, 11) else _atomic_lookahead


def _regex(tokens: tuple[_Token, ...], names: Iterator[int]) -> bytes:
    """Tokens -> a regex that matches as wildmatch does, without catastrophic backtracking.

    A backtracking engine given k wildcards may try every way to split the path among them
    (n**k). Here at most one wildcard per segment and one path wildcard (`**/`, `/**`) keep that
    freedom; every other piece is placed at its leftmost possible position inside an atomic group,
    which is never worse for what follows:
    - inside a segment, a fixed run between two `*` is placed leftmost: the next `*` can absorb
      whatever a later placement would have skipped (runs hold no `/` or they have one place only);
    - a run of segments between two path wildcards is placed leftmost: it ends with `/` (a path
      wildcard follows a slash in git's syntax; only the first may follow the literal prefix, which
      is anchored), so the next wildcard reaches every later place.
    Work is then about (path length) x (segment length) at worst.
    """
    units: list[list[_Token]] = [[]]
    wildcards: list[type[_AnyPath] | type[_Dirs]] = []
    for token in tokens:
        if token is _AnyPath or token is _Dirs:
            wildcards.append(token)
            units.append([])
        else:
            units[-1].append(token)
    if not wildcards:
        return _unit(units[0], last=True, names=names)
    out = _unit(units[0], last=False, names=names)
    for wildcard, unit in zip(wildcards[:-1], units[1:-1], strict=True):
        lazy = rb"(?s:.*?)" if wildcard is _AnyPath else rb"(?:(?s:.*?)/)??"
        out += _atomic(lazy + _unit(unit, last=False, names=names), names)
    # `(?:.*/)?` rather than `(?:[^/]*/)*`: a repeat of one character runs in C at full speed; it
    # cannot swallow the directory mark, which only ever ends the path.
    greedy = rb"(?s:.*)" if wildcards[-1] is _AnyPath else rb"(?:(?s:.*)/)?"
    return out + greedy + _unit(units[-1], last=True, names=names)


def _unit(tokens: list[_Token], last: bool, names: Iterator[int]) -> bytes:
    """Fixed bytes and `*` between path wildcards: the `*`s stay within a segment."""
    chunks: list[list[bytes]] = [[]]
    for token in tokens:
        if token is _Star:
            chunks.append([])
        else:
            assert isinstance(token, bytes)
            chunks[-1].append(token)
    out = b"".join(chunks[0])
    for chunk in chunks[1:-1]:
        out += _atomic(_STAR_LAZY + b"".join(chunk), names)
    if len(chunks) > 1:
        out += (_STAR_GREEDY if last else _STAR_LAZY) + b"".join(chunks[-1])
    return out


def _show(text: bytes, limit: int = 120) -> str:
    """Bytes for a message: undecodable bytes as U+FFFD, quoted with repr, long ones cut."""
    if len(text) > limit:
        return f"{text[:limit].decode('utf-8', 'replace')!r}... ({len(text)} bytes)"
    return repr(text.decode("utf-8", "replace"))


class GitignoreRules:
    """The applied lines of one .gitignore; `decide` says ignored (True), re-included (False) or
    not matched (None)."""

    def __init__(self, patterns: list[GitignorePattern]) -> None:
        self.count = len(patterns)
        # Runs of consecutive lines with the same sign, last run first: the first run with a match
        # decides, and within a run it does not matter which line matched. Per run, one regex for
        # the pathname patterns and one for the basename patterns.
        self._runs: list[tuple[bool, re.Pattern[bytes] | None, re.Pattern[bytes] | None]] = []
        for negated, run in itertools.groupby(reversed(patterns), key=lambda p: p.negated):
            group = list(run)
            self._runs.append((not negated, _alternation([p for p in group if not p.basename]),
                               _alternation([p for p in group if p.basename])))

    def decide(self, path: bytes, start: int, name_start: int) -> bool | None:
        """`path`: the walk-relative path, NUL-terminated for a directory; `start`: where the part
        relative to this file's directory begins; `name_start`: where its last component begins."""
        for ignore, by_path, by_name in self._runs:
            if (by_path is not None and by_path.match(path, start)) or (
                    by_name is not None and by_name.match(path, name_start)):
                return ignore
        return None


def _alternation(patterns: list[GitignorePattern]) -> re.Pattern[bytes] | None:
    if not patterns:
        return None
    names = itertools.count()  # group names stay unique across the alternation (Python 3.10)
    return re.compile(b"|".join(b"(?:" + p.regex(names) + b")" for p in patterns))


@dataclass(frozen=True)
class _Level:
    """A directory with applied rules, linked to the nearest ancestor that has some."""

    base: int  # where paths below this directory start being relative to it (bytes)
    rules: GitignoreRules
    parent: _Level | None
    active: int  # patterns in effect here: these and every ancestor's


class GitignoreStack:
    """The .gitignore files met on the way down, each applied relative to its own directory.

    `enter(rel_dir)` before asking about that directory's entries, parents before children;
    `ignored(rel, is_dir)` for an entry. Problems go to `report` (default: `self.notifications`).
    `prefix` is prepended to paths in notifications, as the walk shows them.
    """

    def __init__(self, absroot: str, report: Callable[[Notification], None] | None = None,
                 prefix: str = "") -> None:
        self.absroot = absroot
        self.prefix = prefix
        self.notifications: list[Notification] = []
        self._report = report or self.notifications.append
        self._levels: dict[str, _Level] = {}
        self._total = 0
        self._cached_dir: str | None = None
        self._cached_level: _Level | None = None

    # -- reading ------------------------------------------------------------------------------

    def enter(self, rel_dir: str) -> bool:
        """Reads `rel_dir/.gitignore` if there is one. True when that entry was reported as not
        read (a link, a special file): the walk then adds no notification of its own for it."""
        rel = f"{rel_dir}/{GITIGNORE}" if rel_dir else GITIGNORE
        path = os.path.join(self.absroot, rel)
        shown = self.prefix + rel  # lossless: a non-UTF-8 name keeps its bytes as surrogates
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return False
        except OSError as exc:
            self._note(shown, SkipReason.UNREADABLE, f"{shown}: cannot read: {exc.strerror}; its ignore rules "
                       "are not applied")
            return False
        if stat.S_ISLNK(st.st_mode):
            self._not_followed(path, shown)
            return True
        if stat.S_ISDIR(st.st_mode):
            return False  # a directory named .gitignore: git reads nothing from it either
        if not stat.S_ISREG(st.st_mode):
            self._special(shown)
            return True
        if st.st_size > MAX_BYTES:
            self._too_large(shown, st.st_size)
            return False
        data = self._read(path, shown)
        if isinstance(data, bool):
            return data
        self._apply(rel_dir, shown, data)
        return False

    def _read(self, path: str, shown: str) -> bytes | bool:
        """The file's bytes; True when it was swapped for a link or a special file since the lstat."""
        try:
            return read_regular_file(Path(path), MAX_BYTES)
        except NotRegularFile:  # swapped for a FIFO or device since the lstat
            self._special(shown)
            return True
        except FileTooLarge as exc:
            self._too_large(shown, exc.size)
            return False
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # swapped for a link since the lstat
                self._not_followed(path, shown)
                return True
            self._note(shown, SkipReason.UNREADABLE, f"{shown}: cannot read: {exc.strerror}; its ignore rules "
                       "are not applied")
            return False

    def _apply(self, rel_dir: str, shown: str, data: bytes) -> None:
        parent = self._level_of(rel_dir.rpartition("/")[0]) if rel_dir else None
        in_effect = parent.active if parent else 0
        patterns: list[GitignorePattern] = []
        bad = 0
        data = data.removeprefix(b"\xef\xbb\xbf")  # git skips a UTF-8 byte order mark
        for number, raw in enumerate(data.split(b"\n"), 1):
            try:
                pattern = parse_line(raw, number)
            except NeverMatches as exc:
                bad += 1
                if bad <= MAX_LINE_NOTES:
                    written = _show(raw.removesuffix(b"\r"))
                    self._note(shown, SkipReason.PARSE_ERROR,
                               f"{shown}:{number}: pattern {written} is not applied: {exc}")
                continue
            if pattern is None:
                continue
            patterns.append(pattern)
            # Checked as lines come, so a huge file costs no more than the caps allow.
            if in_effect + len(patterns) > MAX_ACTIVE_PATTERNS:
                self._note(shown, SkipReason.LIMIT,
                           f"{shown}: more than {MAX_ACTIVE_PATTERNS - in_effect} patterns, which would put more "
                           f"than {MAX_ACTIVE_PATTERNS} in effect here; its ignore rules are not applied")
                return
            if self._total + len(patterns) > MAX_TOTAL_PATTERNS:
                self._note(shown, SkipReason.LIMIT,
                           f"{shown}: more than {MAX_TOTAL_PATTERNS} .gitignore patterns in this scan; its ignore "
                           "rules are not applied")
                return
        if bad > MAX_LINE_NOTES:
            self._note(shown, SkipReason.PARSE_ERROR,
                       f"{shown}: {bad - MAX_LINE_NOTES} more lines are not applied (first {MAX_LINE_NOTES} reported)")
        if not patterns:
            return
        self._total += len(patterns)
        base = len(os.fsencode(rel_dir)) + 1 if rel_dir else 0
        self._levels[rel_dir] = _Level(base, GitignoreRules(patterns), parent, in_effect + len(patterns))
        self._cached_dir = None

    def _note(self, shown: str, reason: SkipReason, message: str) -> None:
        self._report(Notification(path=shown, reason=reason, message=message, level=Level.WARNING))

    def _not_followed(self, path: str, shown: str) -> None:
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        self._note(shown, SkipReason.SYMLINK, f"{shown}: symbolic link to {target!r}; not followed, its ignore "
                   "rules are not applied")

    def _special(self, shown: str) -> None:
        self._note(shown, SkipReason.SPECIAL_FILE, f"{shown}: special file (FIFO, socket or device); not read, "
                   "its ignore rules are not applied")

    def _too_large(self, shown: str, size: int) -> None:
        self._note(shown, SkipReason.LIMIT, f"{shown}: {size} bytes, over the {MAX_BYTES}-byte limit for a "
                   ".gitignore; its ignore rules are not applied")

    # -- matching -----------------------------------------------------------------------------

    def _level_of(self, rel_dir: str) -> _Level | None:
        """The rules in effect in `rel_dir`: its own or its nearest ancestor's (one dict lookup
        per ancestor, cached for the directory being walked)."""
        if rel_dir == self._cached_dir:
            return self._cached_level
        found = None
        probe = rel_dir
        while True:
            found = self._levels.get(probe)
            if found is not None or not probe:
                break
            probe = probe.rpartition("/")[0]
        self._cached_dir, self._cached_level = rel_dir, found
        return found

    def ignored(self, rel: str, is_dir: bool) -> bool:
        level = self._level_of(rel.rpartition("/")[0])
        if level is None:
            return False
        path = os.fsencode(rel) + (b"\x00" if is_dir else b"")
        name_start = path.rfind(b"/") + 1
        while level is not None:
            decision = level.rules.decide(path, level.base, name_start)
            if decision is not None:
                return decision
            level = level.parent
        return False
