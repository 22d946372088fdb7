"""Positions in a text: 0-based character offsets to 1-based lines and columns.

Lines end at "\\n" only (a "\\r" before it belongs to the line ending), as everywhere else in the
scanner: a finding's line is the line an editor and GitHub show.
"""

from __future__ import annotations

from bisect import bisect_right

KeyPath = tuple[str | int, ...]  # a value's path from a document's root: keys by name, items by 0-based index


class LineIndex:
    """Maps 0-based character offsets of one text to 1-based lines and columns."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.starts = starts

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, max(offset, 0))

    def column(self, offset: int) -> int:
        return offset - self.starts[self.line(offset) - 1] + 1

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of an offset, both 1-based."""
        line = self.line(offset)
        return line, offset - self.starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its line ending; "" outside the text."""
        if not 1 <= line <= len(self.starts):
            return ""
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[self.starts[line - 1]:end].rstrip("\r")

    def column_of(self, line: int, needle: str) -> int:
        """1-based column of `needle` on `line` (case-insensitive), 1 when absent."""
        found = self.line_text(line).lower().find(needle.lower())
        return found + 1 if found >= 0 else 1

    def span(self, line: int, needle: str) -> tuple[int, int]:
        """(column, end column) of `needle` on `line`; the line's text without its indent if absent."""
        text = self.line_text(line)
        col = text.find(needle) if needle else -1
        if col == -1:
            stripped = len(text) - len(text.lstrip())
            return stripped + 1, max(len(text), stripped + 1) + 1
        return col + 1, col + len(needle) + 1
