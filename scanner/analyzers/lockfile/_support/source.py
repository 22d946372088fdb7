"""Manifests that are programs (Gradle, Swift, Ruby and CocoaPods DSLs, Xcode projects): read, never run.

Comments are blanked (offsets and lines kept) so that declarations are found in the code only,
and brackets must balance outside strings, or the file is not valid in its language.
"""

from __future__ import annotations

import re

from scanner.errors import ParseError

_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


def blank_comments(path: str, text: str, *, slash: bool = False, hash_: bool = False,
                   triple_quotes: bool = False) -> str:
    """The text with comments replaced by spaces (newlines kept), so offsets and lines stay valid.

    Strings are skipped over so `"https://jitpack.io"` keeps its `//`. An unterminated string or
    block comment raises ParseError: the file is not valid in its language.
    """
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if triple_quotes and text.startswith(('"""', "'''"), i):
            quote = text[i:i + 3]
            end = text.find(quote, i + 3)
            if end == -1:
                raise ParseError(f"{path}: unterminated string starting on line {text.count(chr(10), 0, i) + 1}")
            i = end + 3
            continue
        if ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            if j >= n or text[j] == "\n":
                raise ParseError(f"{path}: unterminated string on line {text.count(chr(10), 0, i) + 1}")
            i = j + 1
            continue
        if (slash and text.startswith("//", i)) or (hash_ and ch == "#"):  # to the end of the line
            end = text.find("\n", i)
            end = n if end == -1 else end
            for k in range(i, end):
                out[k] = " "
            i = end
            continue
        if slash and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                raise ParseError(f"{path}: unterminated block comment on line {text.count(chr(10), 0, i) + 1}")
            for k in range(i, end + 2):
                if out[k] != "\n":
                    out[k] = " "
            i = end + 2
            continue
        i += 1
    return "".join(out)


def check_balanced(path: str, code: str, pairs: str = "(){}[]") -> None:
    """Brackets outside strings must balance (comments already blanked)."""
    stripped = _STRING_RE.sub("", code)
    opens = {pairs[i]: pairs[i + 1] for i in range(0, len(pairs), 2)}
    closes = {v: k for k, v in opens.items()}
    stack: list[str] = []
    for ch in stripped:
        if ch in opens:
            stack.append(ch)
        elif ch in closes:
            if not stack or stack[-1] != closes[ch]:
                raise ParseError(f"{path}: unbalanced {ch!r}")
            stack.pop()
    if stack:
        raise ParseError(f"{path}: unclosed {stack[-1]!r}")
