"""What a parsed value must look like before a parser reads it."""

from __future__ import annotations

from typing import Any

from scanner.errors import ParseError


def require_mapping(path: str, value: Any, what: str) -> dict[str, Any]:
    """`value` as a table/object ({} when absent); anything else is a ParseError naming `what`."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ParseError(f"{path}: {what} is a {type(value).__name__}, expected a table/object")
    return value


def display_name(value: Any, fallback: str) -> str:
    """A non-empty string from the file (a project's `name`), else `fallback`."""
    return value if isinstance(value, str) and value else fallback
