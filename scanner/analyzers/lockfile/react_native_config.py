"""lockfile/react-native-config: `react-native.config.js`, the React Native CLI's autolinking configuration.

`dependencies: { "react-native-tiktok": { platforms: { android: null } } }` names npm packages
whose native code autolinking links (or, with `null` platforms, leaves out); each key of the literal
`dependencies` object is reported where it is written. The module is never run.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.script_literals import literal_after, object_keys
from scanner.analyzers.lockfile._support.source import blank_comments
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer, declared_at
from scanner.ecosystems import NPM


def parse(path: str, text: str) -> list[DeclaredPackage]:
    code = blank_comments(path, text, slash=True)
    start = literal_after(code, "dependencies", "{")
    if start is None:
        return []
    lines = LineIndex(text)
    return [declared_at(lines, offset, len(name), NPM.purl(name), "npm", name, None, direct=True,
                        scope="react-native-autolinking") for name, offset in object_keys(code, start)]


class ReactNativeConfigAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/react-native-config"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("react-native.config.js", "react-native.config.cjs",
                                            "react-native.config.mjs", "react-native.config.ts")
    parse = staticmethod(parse)
