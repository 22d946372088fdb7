"""CocoaPods naming shared by the Podfile, Podfile.lock and podspec parsers."""

from __future__ import annotations

import re

from scanner.analyzers.lockfile.common import make_purl

_ENTRY = re.compile(r"^\s*(?P<name>[^\s(]+)(?:\s*\((?P<spec>[^)]*)\))?\s*$")


def pod_purl(name: str, version: str | None = None) -> str:
    """`pkg:cocoapods/Root@v#Sub/Spec`: the root pod is the name, the subspec the subpath."""
    root, _, sub = name.partition("/")
    return make_purl("cocoapods", root, version=version, subpath=sub or None)


def split_entry(entry: str) -> tuple[str, str | None]:
    """`Name (1.2.3)` / `Name (= 1.2.3)` / `Name (from `url`)` -> (name, text in parentheses)."""
    m = _ENTRY.match(entry)
    if m is None:
        return entry.strip(), None
    return m.group("name"), m.group("spec")
