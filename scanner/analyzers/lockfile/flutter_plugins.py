"""lockfile/flutter-plugins: the plugins `flutter pub get` links into the native projects.

`.flutter-plugins-dependencies` (one line of JSON: `plugins.<platform>[].name` and the `path` in
the pub cache, `.../hosted/pub.dev/<name>-<version>/`) and the older `.flutter-plugins`
(`name=path` lines). Each plugin is reported once, where it is first named, with the version its
path shows.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer, declared_at
from scanner.ecosystems import PUB
from scanner.errors import ParseError


def _version(name: str, path: str) -> str | None:
    m = re.search(re.escape(name) + r"-(\d[\w.+\-]*)[/\\]?$", path)
    return m.group(1) if m else None


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    lines = LineIndex(text)
    found: list[tuple[str, str, int]] = []  # (name, pub-cache path, offset of the name)
    if path.endswith("-dependencies"):
        doc = load_json(path, text)
        plugins = doc.data.get("plugins") if isinstance(doc.data, dict) else None
        if not isinstance(plugins, dict):
            raise ParseError(f"{path}: no `plugins` object")
        for platform, entries in plugins.items():
            for i, entry in enumerate(entries if isinstance(entries, list) else []):
                offset = doc.string("plugins", platform, i, "name")
                if isinstance(entry, dict) and isinstance(entry.get("name"), str) and offset is not None:
                    found.append((entry["name"], str(entry.get("path") or ""), offset + 1))
    else:
        for m in re.finditer(r"^([A-Za-z_]\w*)=(.*)$", text, re.M):
            found.append((m.group(1), m.group(2).strip(), m.start(1)))
    first: dict[str, tuple[str, int]] = {}  # each plugin once, where it is first named
    for name, where, offset in found:
        first.setdefault(name, (where, offset))
    return [declared_at(lines, offset, len(name), PUB.purl(name, _version(name, where)), "pub", name,
                        _version(name, where), direct=None, scope="flutter-plugin")
            for name, (where, offset) in first.items()]


class FlutterPluginsAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/flutter-plugins"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = (".flutter-plugins-dependencies", ".flutter-plugins")
    parse = staticmethod(parse)
