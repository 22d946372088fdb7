"""lockfile/expo-config: config plugins of an Expo app (`app.json`, `app.config.json`, `app.config.js/ts`).

`"plugins": ["react-native-tiktok", ["expo-tiktok-business", {"appId": ".."}]]` names npm packages
whose config plugins change the native projects at prebuild; each is reported where it is named.
Local plugins (`./plugins/withX`) are skipped; `pkg/app.plugin` names the package `pkg`. In the
JS/TS forms only the literal `plugins: [...]` array is read (the module is never run).
"""

from __future__ import annotations

from typing import Any, ClassVar

from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.script_literals import array_entries, literal_after
from scanner.analyzers.lockfile._support.source import blank_comments
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer, declared_at
from scanner.ecosystems import NPM


def package_of(spec: str) -> str | None:
    """The npm package a plugin reference names (`@scope/pkg/app.plugin` -> `@scope/pkg`); None for paths."""
    if not spec or spec.startswith((".", "/", "~")):
        return None
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") and len(parts) > 1 else parts[0]


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    lines = LineIndex(text)
    found: list[tuple[str, int]] = []  # (plugin reference, offset of its first character)
    if path.endswith(".json"):
        doc = load_json(path, text)
        data: Any = doc.data
        prefix: tuple[str, ...] = ("expo",) if isinstance(data, dict) and isinstance(data.get("expo"), dict) else ()
        config = data.get("expo") if prefix else data
        plugins = config.get("plugins") if isinstance(config, dict) else None
        for i, item in enumerate(plugins if isinstance(plugins, list) else []):
            key: tuple[str | int, ...] = (*prefix, "plugins", i) if isinstance(item, str) else \
                (*prefix, "plugins", i, 0)
            spec = item if isinstance(item, str) else item[0] if isinstance(item, list) and item else None
            offset = doc.string(*key)
            if isinstance(spec, str) and offset is not None:
                found.append((spec, offset + 1))
    else:
        code = blank_comments(path, text, slash=True)
        start = literal_after(code, "plugins", "[")
        if start is not None:
            found = array_entries(code, start)
    named = ((spec, offset, package_of(spec)) for spec, offset in found)
    return [declared_at(lines, offset, len(spec), NPM.purl(name), "npm", name, None, direct=True, scope="expo-plugin")
            for spec, offset, name in named if name is not None]


class ExpoConfigAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/expo-config"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("app.json", "app.config.json", "app.config.js", "app.config.ts",
                                            "app.config.mjs", "app.config.cjs")
    parse = staticmethod(parse)
