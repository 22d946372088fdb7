"""lockfile/composer-json: `require` / `require-dev` of a PHP `composer.json`.

Platform requirements (`php`, `ext-*`, `lib-*`, composer APIs) are not packages and are skipped.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.analyzers.lockfile.common import (
    LineIndex,
    PosDict,
    exact_version,
    json_key_offset,
    load_json,
    make_purl,
)
from scanner.errors import ParseError


def _platform(name: str) -> bool:
    return "/" not in name or name in ("php", "hhvm", "composer-plugin-api", "composer-runtime-api")


def composer_purl(name: str, version: str | None) -> str:
    vendor, _, pkg = name.partition("/")
    return make_purl("composer", pkg, vendor, version)


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    data = load_json(path, text)
    if not isinstance(data, PosDict):
        raise ParseError(f"{path}: composer.json must be an object")
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    for section, scope in (("require", None), ("require-dev", "dev")):
        deps = data.get(section)
        if deps is None:
            continue
        if not isinstance(deps, PosDict):
            raise ParseError(f"{path}: {section} must be an object")
        for name, constraint in deps.items():
            if _platform(name):
                continue
            version = exact_version(str(constraint).lstrip("v")) if isinstance(constraint, str) else None
            offset = json_key_offset(text, deps, name)
            out.append(DeclaredPackage(
                purl=composer_purl(name, version), ecosystem="composer", name=name, version=version,
                line=lines.line(offset), column=lines.column(offset), end_column=lines.column(offset) + len(name) + 2,
                direct=True, scope=scope))
    return out


class ComposerJsonAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/composer-json"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("composer.json",)
    parse = staticmethod(parse)
