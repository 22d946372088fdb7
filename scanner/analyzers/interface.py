"""The one interface every analyzer implements: a cheap `wants`, then `analyze`.

The core (not the analyzer) walks the tree, opens archives, reads bytes and runs the prefilter;
an analyzer only ever sees one in-memory file. Raising AnalysisError (or anything else) inside
`analyze` turns that file into a recorded skip for that analyzer; the scan goes on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar, Protocol

from scanner.config.limits import Limits
from scanner.core.encoding import decode
from scanner.core.prefilter import Needles
from scanner.model import Fact, Location, Notification


@dataclass
class FileInput:
    """One file (or archive member) in memory, as routed to analyzers."""

    path: str  # POSIX path of the file on disk, relative to the scan root
    members: tuple[str, ...]  # archive members inside `path`, outermost first
    data: bytes
    is_text: bool
    hits: list[tuple[int, int]]  # prefilter hits: (needle index, end offset), sorted by offset
    needles: Needles
    limits: Limits
    notifications: list[Notification] = field(default_factory=list)
    # The file on disk (absolute) and the scan root it was found under; None for archive members and
    # content not on disk. For formats whose meaning lives in a sibling file (a build script's
    # version catalog): read it with scanner.core.safe_open, never above `scan_root`.
    origin: str | None = None
    scan_root: str | None = None

    @property
    def display_path(self) -> str:
        return "!/".join((self.path, *self.members))

    @property
    def name(self) -> str:
        """The innermost file name: what `wants()` style tests look at."""
        inner = self.members[-1] if self.members else self.path
        return inner.rsplit("/", 1)[-1]

    @property
    def inner_path(self) -> str:
        return self.members[-1] if self.members else self.path

    @cached_property
    def text(self) -> str:
        """Decoded text: BOM-aware, UTF-8, else Latin-1 (lossless for ASCII identifiers)."""
        return decode_text(self.data)

    @cached_property
    def line_starts(self) -> list[int]:
        """Offsets (0-based, in `text`) where each line starts; index 0 is line 1."""
        starts = [0]
        text = self.text
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return starts

    def location(self, start: int, end: int) -> Location:
        """A Location for a [start, end) character span of `text` (1-based lines and columns)."""
        from bisect import bisect_right

        starts = self.line_starts
        line = bisect_right(starts, start)
        end_line = bisect_right(starts, max(start, end - 1))
        return Location(
            path=self.path,
            members=self.members,
            start_line=line,
            start_column=start - starts[line - 1] + 1,
            end_line=end_line,
            end_column=end - starts[end_line - 1] + 1,
        )

    @cached_property
    def newline_offsets(self) -> list[int]:
        """Byte offsets of every b"\n" in `data`."""
        data = self.data
        out: list[int] = []
        find = data.find
        pos = find(b"\n")
        while pos != -1:
            out.append(pos)
            pos = find(b"\n", pos + 1)
        return out

    @cached_property
    def is_ascii(self) -> bool:
        return self.data.isascii()

    def byte_location(self, start: int, end: int) -> Location:
        """A Location for a [start, end) byte span of `data`; columns count characters."""
        from bisect import bisect_left

        newlines = self.newline_offsets
        line = bisect_left(newlines, start) + 1
        end_line = bisect_left(newlines, max(start, end - 1)) + 1
        line_start = newlines[line - 2] + 1 if line > 1 else 0
        end_line_start = newlines[end_line - 2] + 1 if end_line > 1 else 0
        return Location(
            path=self.path,
            members=self.members,
            start_line=line,
            start_column=self._column(line_start, start),
            end_line=end_line,
            end_column=self._column(end_line_start, end),
        )

    def _column(self, line_start: int, offset: int) -> int:
        if self.is_ascii:
            return offset - line_start + 1
        if line_start == 0 and self.data.startswith(b"\xef\xbb\xbf"):
            line_start = 3  # a UTF-8 byte-order mark is no column (core/encoding keeps it in the bytes)
        return len(self.data[line_start:offset].decode("utf-8", "replace")) + 1

    def binary_location(self, offset: int) -> Location:
        return Location(path=self.path, members=self.members, byte_offset=offset)

    def line_text(self, line: int) -> str:
        starts = self.line_starts
        if not 1 <= line <= len(starts):
            return ""
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[starts[line - 1] : end].rstrip("\r")


def decode_text(data: bytes) -> str:
    return decode(data)


class Analyzer(Protocol):
    """`name` mirrors the module path (`text/endpoints`); `version` goes into every output."""

    name: ClassVar[str]
    version: ClassVar[str]
    # Analyzers whose facts about the same span should win over generic ones (source > text).
    priority: ClassVar[int]
    # True: only run when the prefilter found a candidate in the file (parsers, text search).
    needs_candidates: ClassVar[bool]
    # False: a parser whose cost explodes on one huge line; files with a line over the limit go
    # only to the other analyzers. The tree-sitter analyzers check the limit themselves (True).
    handles_long_lines: ClassVar[bool]

    def wants(self, path: str, is_text: bool) -> bool:
        """Cheap test on the (inner) path and the text/binary sniff; no I/O."""
        ...

    def analyze(self, file: FileInput) -> Iterable[Fact]:
        """Facts seen in the file; may append to `file.notifications`."""
        ...
