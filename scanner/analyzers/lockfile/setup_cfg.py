"""lockfile/setup-cfg: `[options] install_requires` and `[options.extras_require]` of setup.cfg.

configparser validates the file; a small scan of the same text gives each requirement's line
(configparser keeps none). Values are one requirement per line, as setuptools reads them.
"""

from __future__ import annotations

import configparser
import re

from scanner.analyzers.lockfile._support.versions import parse_pep508
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PYPI
from scanner.errors import ParseError

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_KEY = re.compile(r"^([^\s=:#;][^=:]*?)\s*[=:]\s*(.*)$")


def _values(text: str) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """(section, key) -> [(line, value line)], keys lower-cased like configparser does."""
    out: dict[tuple[str, str], list[tuple[int, str]]] = {}
    section = ""
    current: list[tuple[int, str]] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith(("#", ";")):
            continue
        if raw[0] in " \t":
            if current is not None:
                current.append((number, raw.strip()))
            continue
        header = _SECTION.match(raw)
        if header:
            section, current = header.group(1).strip(), None
            continue
        key = _KEY.match(raw)
        if key:
            current = out.setdefault((section, key.group(1).strip().lower()), [])
            if key.group(2).strip():
                current.append((number, key.group(2).strip()))
        else:
            current = None
    return out


def parse(path: str, text: str) -> list[DeclaredPackage]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        raise ParseError(f"{path}: not a valid setup.cfg: {exc}") from exc
    values = _values(text)
    root = parser.get("metadata", "name", fallback="") or "(root)"
    out: list[DeclaredPackage] = []
    wanted = [(("options", "install_requires"), None), (("options", "tests_require"), "test")]
    if parser.has_section("options.extras_require"):
        wanted += [(("options.extras_require", key), "optional") for key in parser.options("options.extras_require")]
    for key, scope in wanted:
        for number, value in values.get(key, []):
            value = re.sub(r"\s+#.*$", "", value)
            if not value:
                continue
            name, version = parse_pep508(path, number, value)
            column = text.splitlines()[number - 1].find(name) + 1 or 1
            out.append(DeclaredPackage(
                purl=PYPI.purl(name, version), ecosystem="pypi", name=name, version=version,
                line=number, column=column, end_column=column + len(name),
                direct=True, dependency_path=(root, name), scope=scope,
            ))
    return out


class SetupCfgAnalyzer(ParserAnalyzer):
    name = "lockfile/setup-cfg"
    filenames = ("setup.cfg",)
    parse = staticmethod(parse)
