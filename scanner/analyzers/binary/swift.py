"""Swift names in Mach-O symbols: just enough of Swift's mangling to name modules and types.

An object compiled from Swift names its types in symbols such as
`_$s17TikTokOpenSDKCore0aB10URLHandlerCMn` (the nominal type descriptor of class
TikTokOpenSDKCore.TikTokURLHandler), and classes visible to Objective-C keep an old-style runtime
name (`_TtC17TikTokOpenSDKCore16TikTokURLHandler`). Identifiers use word substitutions: `0aB`
repeats the words "Tik" and "Tok" seen earlier in the same symbol. The grammar followed is
docs/ABI/Mangling.rst of the Swift repository (`identifier`, `nominal-type`, `private-decl-name`);
anything else in a symbol (generic arguments, function signatures) is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_WORDS = 26
MAX_DEPTH = 8
KINDS = {"C": "class", "V": "struct", "O": "enum", "P": "protocol"}
PREFIXES = ("_$s", "$s", "_$S", "$S", "_$e", "$e")


@dataclass(frozen=True)
class SwiftType:
    module: str
    names: tuple[str, ...]  # outermost first: ("Outer", "Inner")
    kind: str  # class, struct, enum or protocol

    @property
    def name(self) -> str:
        return ".".join(self.names)


def swift_class(name: str) -> tuple[str, str] | None:
    """(module, class) of a Swift class's ObjC runtime name: `_TtC17TikTokOpenSDKCore16TikTokURLHandler`."""
    if not name.startswith("_TtC"):
        return None
    parts: list[str] = []
    pos = 4
    while pos < len(name) and len(parts) < 2:
        digits = pos
        while pos < len(name) and name[pos].isdigit():
            pos += 1
        if digits == pos:
            return None
        length = int(name[digits:pos])
        parts.append(name[pos : pos + length])
        pos += length
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


def swift_module(symbol: str) -> str | None:
    """Module of a Swift symbol `$s17TikTokOpenSDKCore...` (also with a leading `_`)."""
    reader = _reader(symbol)
    if reader is None:
        return None
    module = reader.identifier()
    return module if module and module.isidentifier() else None


def swift_type(symbol: str) -> SwiftType | None:
    """The nominal type a symbol is about: `_$s17TikTokOpenSDKCore0aB10URLHandlerCMn` ->
    TikTokOpenSDKCore.TikTokURLHandler (class). None for other symbols (globals, ObjC types)."""
    reader = _reader(symbol)
    if reader is None:
        return None
    module = reader.identifier()
    if not module or not module.isidentifier():
        return None
    names: list[str] = []
    kind = ""
    while len(names) < MAX_DEPTH:
        mark = reader.pos
        name = reader.identifier()
        if name is None:
            reader.pos = mark
            break
        # a private type's name is followed by a file discriminator identifier and `LL`
        mark = reader.pos
        if not (reader.identifier() is not None and reader.peek(2) == "LL"):
            reader.pos = mark
        else:
            reader.pos += 2
        letter = reader.peek(1)
        if letter not in KINDS:
            break
        reader.pos += 1
        names.append(name)
        kind = KINDS[letter]
    if not names or not all(n.isidentifier() for n in names):
        return None
    return SwiftType(module, tuple(names), kind)


def _reader(symbol: str) -> _Reader | None:
    for prefix in PREFIXES:
        if symbol.startswith(prefix):
            return _Reader(symbol, len(prefix))
    return None


class _Reader:
    """A cursor over one mangled symbol with its word-substitution table."""

    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.pos = pos
        self.words: list[str] = []

    def peek(self, count: int) -> str:
        return self.text[self.pos : self.pos + count]

    def _natural(self) -> int | None:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isdigit():
            self.pos += 1
        return int(self.text[start : self.pos]) if self.pos > start else None

    def identifier(self) -> str | None:
        """`identifier ::= NATURAL IDENTIFIER-STRING | '0' (substitution-letters NATURAL chars)+`."""
        text = self.text
        if self.pos >= len(text) or not text[self.pos].isdigit():
            return None
        substitutions = False
        if text[self.pos] == "0":
            if self.peek(2) == "00":  # punycode: non-ASCII names are not SDK names we look for
                return None
            self.pos += 1
            substitutions = True
        out: list[str] = []
        while True:
            while substitutions and self.pos < len(text) and text[self.pos].isalpha() and text[self.pos].isascii():
                letter = text[self.pos]
                self.pos += 1
                index = ord(letter.lower()) - ord("a")
                if index >= len(self.words):
                    return None
                out.append(self.words[index])
                if letter.isupper():  # the last substitution of this identifier
                    substitutions = False
            if text.startswith("0", self.pos):
                self.pos += 1
                break
            length = self._natural()
            if not length or self.pos + length > len(text):
                return None
            chunk = text[self.pos : self.pos + length]
            self.pos += length
            out.append(chunk)
            self._add_words(chunk)
            if not substitutions:
                break
        return "".join(out) or None

    def _add_words(self, chunk: str) -> None:
        """Words are runs that start at a non-digit, non-`_` and end before `_` or a lower-to-upper step."""
        start = -1
        for i in range(len(chunk) + 1):
            ch = chunk[i] if i < len(chunk) else ""
            if start >= 0 and (ch in ("", "_") or (ch.isupper() and not chunk[i - 1].isupper())):
                if i - start >= 2 and len(self.words) < MAX_WORDS:
                    self.words.append(chunk[start:i])
                start = -1
            if start < 0 and ch and not ch.isdigit() and ch != "_":
                start = i
