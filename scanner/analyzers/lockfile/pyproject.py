"""lockfile/pyproject: dependencies declared in pyproject.toml.

PEP 621 (`[project] dependencies`, `optional-dependencies`), PEP 735 `[dependency-groups]`,
Poetry (`[tool.poetry.dependencies]`, `dev-dependencies`, `group.<name>.dependencies`) and the
uv/PDM dev-dependency tables. A manifest records ranges; the purl carries a version only for an
exact pin (`==1.0`, or a bare version in Poetry, which means exactly that version).
"""

from __future__ import annotations

import re
from typing import Any

from scanner.analyzers.lockfile._support.lines import KeyPath, LineIndex
from scanner.analyzers.lockfile._support.shapes import display_name, require_mapping
from scanner.analyzers.lockfile._support.toml import load_toml
from scanner.analyzers.lockfile._support.versions import parse_pep508
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PYPI
from scanner.errors import ParseError

_POETRY_EXACT = re.compile(r"^={0,2}\s*(\d+(?:\.\d+)*(?:[a-z]+\d*)?(?:\.post\d+)?(?:\.dev\d+)?)$")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_toml(path, text)
    data = doc.data
    project = require_mapping(path, data.get("project"), "[project]")
    tool = require_mapping(path, data.get("tool"), "[tool]")
    poetry = require_mapping(path, tool.get("poetry"), "[tool.poetry]")
    root = display_name(project.get("name"), display_name(poetry.get("name"), "(root)"))
    out: list[DeclaredPackage] = []

    def strings(key: KeyPath, values: Any, scope: str | None) -> None:
        if values is None:
            return
        if not isinstance(values, list):
            raise ParseError(f"{path}: {'.'.join(map(str, key))} is a {type(values).__name__}, expected an array")
        located = iter(doc.items.get(key, []))
        for value in values:
            if not isinstance(value, str):
                continue  # `{include-group = "..."}` in dependency groups
            line = next((ln for ln, s in located if s == value), None)
            if line is None:
                raise ParseError(f"{path}: cannot locate requirement {value!r} in {'.'.join(map(str, key))}")
            name, version = parse_pep508(path, line, value)
            out.append(_package(doc.lines, line, name, version, root, scope))

    def tables(key: KeyPath, values: Any, scope: str | None) -> None:
        for name, spec in require_mapping(path, values, ".".join(map(str, key))).items():
            if name.lower() == "python":
                continue
            line = doc.line(*key, name)
            if line is None:
                raise ParseError(f"{path}: cannot locate {'.'.join(map(str, (*key, name)))}")
            version_spec = spec.get("version") if isinstance(spec, dict) else spec
            version = None
            if isinstance(version_spec, str):
                m = _POETRY_EXACT.match(version_spec.strip())
                version = m.group(1) if m else None
            out.append(_package(doc.lines, line, name, version, root, scope))

    strings(("project", "dependencies"), project.get("dependencies"), None)
    for extra, values in require_mapping(path, project.get("optional-dependencies"), "optional-dependencies").items():
        strings(("project", "optional-dependencies", extra), values, "optional")
    for group, values in require_mapping(path, data.get("dependency-groups"), "[dependency-groups]").items():
        strings(("dependency-groups", group), values, group)
    tables(("tool", "poetry", "dependencies"), poetry.get("dependencies"), None)
    tables(("tool", "poetry", "dev-dependencies"), poetry.get("dev-dependencies"), "dev")
    for group, body in require_mapping(path, poetry.get("group"), "[tool.poetry.group]").items():
        if isinstance(body, dict):
            tables(("tool", "poetry", "group", group, "dependencies"), body.get("dependencies"), group)
    uv = require_mapping(path, tool.get("uv"), "[tool.uv]")
    strings(("tool", "uv", "dev-dependencies"), uv.get("dev-dependencies"), "dev")
    pdm = require_mapping(path, tool.get("pdm"), "[tool.pdm]")
    for group, values in require_mapping(path, pdm.get("dev-dependencies"), "[tool.pdm.dev-dependencies]").items():
        strings(("tool", "pdm", "dev-dependencies", group), values, group)
    return out


def _package(lines: LineIndex, line: int, name: str, version: str | None, root: str,
             scope: str | None) -> DeclaredPackage:
    column = lines.column_of(line, name)
    return DeclaredPackage(
        purl=PYPI.purl(name, version), ecosystem="pypi", name=name, version=version,
        line=line, column=column, end_column=column + len(name),
        direct=True, dependency_path=(root, name), scope=scope,
    )


class PyprojectAnalyzer(ParserAnalyzer):
    name = "lockfile/pyproject"
    filenames = ("pyproject.toml",)
    parse = staticmethod(parse)
