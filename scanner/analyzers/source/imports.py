"""How the text of an import becomes a module value and the names it binds, per import style.

Values are what `[match.modules]` compares by prefix: dotted for Java/Kotlin/Groovy/C#/PHP
namespaces, the module for Swift/Objective-C, the package for Dart, the import path for Go and
the require path for Ruby and JavaScript.
"""

from __future__ import annotations

_QUOTES = "\"'`"


def strip_quotes(text: str) -> str:
    text = text.strip()
    if text[:1] == "@":  # Objective-C @"..."
        text = text[1:]
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] == text[0]:
        return text[1:-1]
    return text.strip(_QUOTES)


def module_value(style: str, raw: str) -> str | None:
    """The normalized module for an import's path text, or None when it names no module."""
    text = raw.strip()
    if not text:
        return None
    if style == "dotted":
        value = "".join(text.split()).rstrip(";").removesuffix(".*")
        return value or None
    if style == "dotnet":
        value = "".join(text.split()).rstrip(";").removeprefix("global::")
        return value or None
    if style == "php":
        value = "".join(text.split()).strip("\\").replace("\\", ".")
        return value or None
    if style == "apple":
        if text.startswith("<") and text.endswith(">"):
            inner = text[1:-1]
        elif text[:1] in _QUOTES:
            inner = strip_quotes(text)
            if "/" not in inner:  # "Local.h": a header of this project
                return None
        else:  # `@import X.Sub;`, `import X`, `import class X.Y`
            return text.split(".", 1)[0].strip() or None
        return inner.split("/", 1)[0].removesuffix(".h") or None
    value = strip_quotes(text)
    if not value:
        return None
    if style == "dart":
        if not value.startswith("package:"):
            return None  # dart:core, relative files
        return value[len("package:"):].split("/", 1)[0] or None
    return value  # js, go, ruby


def default_binding(style: str, value: str) -> str | None:
    """The local name an import binds without an explicit alias (`import a.b.C` binds `C`)."""
    if style in ("dotted", "php"):
        last = value.rsplit(".", 1)[-1]
        return last if last and last[0].isalpha() else None
    if style == "go":
        parts = [p for p in value.split("/") if p]
        while len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
            parts.pop()  # github.com/x/y/v2 binds `y`
        return parts[-1].replace("-", "_") if parts else None
    return None
