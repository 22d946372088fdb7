"""lockfile/composer-json: `require` / `require-dev` of a PHP `composer.json`.

Platform requirements (`php`, `ext-*`, `lib-*`, composer APIs) are not packages and are skipped.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import COMPOSER
from scanner.errors import ParseError


def _platform(name: str) -> bool:
    return "/" not in name or name in ("php", "hhvm", "composer-plugin-api", "composer-runtime-api")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    doc = load_json(path, text)
    data, lines = doc.data, doc.lines
    if not isinstance(data, dict):
        raise ParseError(f"{path}: composer.json must be an object")
    out: list[DeclaredPackage] = []
    for section, scope in (("require", None), ("require-dev", "dev")):
        deps = data.get(section)
        if deps is None:
            continue
        if not isinstance(deps, dict):
            raise ParseError(f"{path}: {section} must be an object")
        for name, constraint in deps.items():
            if _platform(name):
                continue
            version = exact_version(str(constraint).lstrip("v")) if isinstance(constraint, str) else None
            offset = doc.key(section, name)
            assert offset is not None
            out.append(DeclaredPackage(
                purl=COMPOSER.purl(name, version), ecosystem="composer", name=name, version=version,
                line=lines.line(offset), column=lines.column(offset), end_column=lines.column(offset) + len(name) + 2,
                direct=True, scope=scope))
    return out


class ComposerJsonAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/composer-json"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("composer.json",)
    parse = staticmethod(parse)
