"""lockfile/gradle-catalog: the `[libraries]` of a Gradle version catalog (gradle/libs.versions.toml).

Apps declare `implementation(libs.tiktok.opensdk)` in build scripts; the coordinates live here,
so each catalog entry is reported at its own line. Forms: `"g:a:v"`, `{ module = "g:a", version = .. }`,
`{ group = "g", name = "a", version.ref = "x" }`, and rich versions `{ strictly/require/prefer }`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from scanner.analyzers.lockfile._support.toml import load_toml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import MAVEN
from scanner.errors import ParseError


def _version(value: Any, versions: dict[str, Any], follow: bool = True) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "ref" in value:
            # one hop: a [versions] entry is a version, never a reference (a self-referencing one
            # would otherwise recurse until the stack runs out and the whole file would be lost)
            return _version(versions.get(value["ref"]), versions, follow=False) if follow else None
        for key in ("strictly", "require", "prefer"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_toml(path, text)
    data = doc.data
    versions = data.get("versions", {})
    libraries = data.get("libraries", {})
    if not isinstance(libraries, dict) or not isinstance(versions, dict):
        raise ParseError(f"{path}: [libraries] and [versions] must be tables")
    out: list[DeclaredPackage] = []
    for alias, spec in libraries.items():
        version: str | None = None
        if isinstance(spec, str):
            parts = spec.split(":")
            if len(parts) < 2:
                raise ParseError(f"{path}: library {alias!r}: {spec!r} is not group:artifact[:version]")
            group, artifact = parts[0], parts[1]
            version = parts[2] if len(parts) > 2 else None
        elif isinstance(spec, dict):
            if isinstance(spec.get("module"), str) and ":" in spec["module"]:
                group, artifact = spec["module"].split(":", 1)
            elif isinstance(spec.get("group"), str) and isinstance(spec.get("name"), str):
                group, artifact = spec["group"], spec["name"]
            else:
                raise ParseError(f"{path}: library {alias!r} has neither module nor group/name")
            version = _version(spec.get("version"), versions)
        else:
            raise ParseError(f"{path}: library {alias!r} must be a string or a table")
        line = doc.declared_line("libraries", alias) or doc.tables.get(("libraries",), 1)
        column, end_column = doc.lines.span(line, alias)
        out.append(DeclaredPackage(
            purl=MAVEN.purl(artifact, version, namespace=group), ecosystem="maven", name=f"{group}:{artifact}",
            version=version, line=line, column=column, end_column=end_column, direct=True, scope="version-catalog"))
    return sorted(out, key=lambda p: p.line)


class GradleCatalogAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/gradle-catalog"
    version: ClassVar[str] = "1.0.0"
    patterns: ClassVar[tuple[str, ...]] = ("*.versions.toml",)
    parse = staticmethod(parse)
