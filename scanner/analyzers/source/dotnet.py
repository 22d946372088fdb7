"""source/dotnet: C# usings (aliases resolved), invocations, `new`, strings, comments."""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.source.base import TreeSitterAnalyzer
from scanner.analyzers.source.languages import CSHARP, LanguageSpec


class DotnetAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/dotnet"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (CSHARP,)
