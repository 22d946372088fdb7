"""lockfile/podspec: `dependency` lines of a CocoaPods podspec (Ruby, never run) or `.podspec.json`.

Flutter plugins, React Native bridges and wrapper pods declare the native TikTok SDK here
(`s.dependency 'TikTokBusinessSDK', '~> 1.3'`); subspec blocks (`ss.dependency`) are included.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile._support.lines import KeyPath, LineIndex
from scanner.analyzers.lockfile._support.source import blank_comments
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import COCOAPODS
from scanner.errors import ParseError

_DEP = re.compile(r"""\b\w+\.dependency[ \t]*\(?[ \t]*(["'])(?P<name>[^"']+)\1(?P<rest>[^\n]*)""")
_STRING = re.compile(r"""(["'])([^"']*)\1""")
_SUBSPEC = re.compile(r"""\b\w+\.subspec[ \t]*\(?[ \t]*(["'])(?P<name>[^"']+)\1""")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if path.endswith(".json"):
        return _parse_json(path, text)
    code = blank_comments(path, text, hash_=True)
    lines = LineIndex(text)
    subspecs = [(m.start(), m.group("name")) for m in _SUBSPEC.finditer(code)]
    out: list[DeclaredPackage] = []
    for m in _DEP.finditer(code):
        strings = [s for _, s in _STRING.findall(m.group("rest"))]
        requirement = ", ".join(strings) if strings else None
        version = exact_version(requirement)
        start, end = m.start("name") - 1, m.end("name") + 1
        scope = next((n for s, n in reversed(subspecs) if s < m.start()), None)
        out.append(DeclaredPackage(
            purl=COCOAPODS.purl(m.group("name"), version), ecosystem="cocoapods", name=m.group("name"),
            version=version, line=lines.line(start), column=lines.column(start), end_column=lines.column(end),
            direct=True, scope=scope))
    return out


def _parse_json(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_json(path, text)
    if not isinstance(doc.data, dict):
        raise ParseError(f"{path}: a podspec.json must be an object")
    lines = doc.lines
    out: list[DeclaredPackage] = []

    def walk(spec: dict[str, Any], where: KeyPath, scope: str | None) -> None:
        deps = spec.get("dependencies") or {}
        if not isinstance(deps, dict):
            raise ParseError(f"{path}: dependencies must be an object")
        for name, reqs in deps.items():
            offset = doc.key(*where, "dependencies", name)
            assert offset is not None
            requirement = ", ".join(str(r) for r in reqs) if isinstance(reqs, list) else None
            version = exact_version(requirement)
            out.append(DeclaredPackage(
                purl=COCOAPODS.purl(name, version), ecosystem="cocoapods", name=name, version=version,
                line=lines.line(offset), column=lines.column(offset), end_column=lines.column(offset) + len(name) + 2,
                direct=True, scope=scope))
        for i, sub in enumerate(spec.get("subspecs") or []):
            if isinstance(sub, dict):
                walk(sub, (*where, "subspecs", i), str(sub.get("name")))

    walk(doc.data, (), None)
    return sorted(out, key=lambda p: p.line)


class PodspecAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/podspec"
    version: ClassVar[str] = "1.0.0"
    patterns: ClassVar[tuple[str, ...]] = ("*.podspec", "*.podspec.json")
    parse = staticmethod(parse)
