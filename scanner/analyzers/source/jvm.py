"""source/jvm: Java, Kotlin (and .kts scripts) and Groovy imports, calls, strings, comments.

A class imported by its full name and then used by its simple name (`import ...auth.AuthApi`,
`AuthApi(this)`) is reported with the qualified name it resolves to.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.source.base import TreeSitterAnalyzer
from scanner.analyzers.source.languages import GROOVY, JAVA, KOTLIN, LanguageSpec


class JvmAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/jvm"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (JAVA, KOTLIN, GROOVY)
