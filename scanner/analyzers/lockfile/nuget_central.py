"""lockfile/nuget-central: central package management, `Directory.Packages.props`.

`<PackageVersion Include="X" Version="1.2.3" />` pins versions for every project of the repository;
`<GlobalPackageReference>` adds a package to all of them.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile.base import ParserAnalyzer
from scanner.analyzers.lockfile.nuget_project import parse


class NugetCentralAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/nuget-central"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Directory.Packages.props", "Directory.Build.props",
                                            "Directory.Build.targets")
    parse = staticmethod(parse)
