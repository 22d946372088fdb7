"""lockfile/nuget-packages-config: legacy NuGet `packages.config` (`<package id= version= />`).

The file lists every installed package flat (direct and transitive alike) with exact versions.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.xml import load_xml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import NUGET
from scanner.errors import ParseError


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    root = load_xml(path, text)
    if root.tag != "packages":
        raise ParseError(f"{path}: root element is <{root.tag}>, not <packages>")
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    for item in root.findall("package"):
        name, version = item.attr("id"), item.attr("version")
        if not name:
            raise ParseError(f"{path}: line {item.line}: <package> without id")
        column, end_column = lines.span(item.line, name)
        out.append(DeclaredPackage(
            purl=NUGET.purl(name, version), ecosystem="nuget", name=name, version=version,
            line=item.line, column=column, end_column=end_column,
            scope="dev" if item.attr("developmentDependency") == "true" else None))
    return out


class NugetPackagesConfigAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/nuget-packages-config"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("packages.config",)
    parse = staticmethod(parse)
