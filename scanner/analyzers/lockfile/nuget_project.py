"""lockfile/nuget-project: `PackageReference` items of MSBuild project files (*.csproj, *.fsproj, *.vbproj).

`<PackageReference Include="X" Version="1.2.3" />`, the `<Version>` child form, and `Update=`
items. Versions set centrally (Directory.Packages.props) are reported there.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile._support.xml import load_xml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import NUGET

ITEM_TAGS = ("PackageReference", "PackageVersion", "GlobalPackageReference")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    root = load_xml(path, text)
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    for tag in ITEM_TAGS:
        for item in root.iter(tag):
            name = item.attr("Include") or item.attr("Update")
            if not name:
                continue
            requirement = item.attr("Version") or item.attr("VersionOverride") or item.child_text("Version")
            version = exact_version(requirement) if requirement and "$(" not in requirement else None
            column, end_column = lines.span(item.line, name)
            out.append(DeclaredPackage(
                purl=NUGET.purl(name, version), ecosystem="nuget", name=name, version=version,
                line=item.line, column=column, end_column=end_column,
                direct=True if tag != "PackageVersion" else None,
                scope="central-version" if tag == "PackageVersion" else None))
    return sorted(out, key=lambda p: (p.line, p.column))


class NugetProjectAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/nuget-project"
    version: ClassVar[str] = "1.0.0"
    patterns: ClassVar[tuple[str, ...]] = ("*.csproj", "*.fsproj", "*.vbproj")
    parse = staticmethod(parse)
