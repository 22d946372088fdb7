"""source/dart: Dart and Flutter `package:` imports, calls, strings, comments.

Flutter plugins wrap the native TikTok SDKs; the import names the plugin package and calls go
through the plugin's singleton (`TikTokSDK.instance.login(...)`).
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.source.base import TreeSitterAnalyzer
from scanner.analyzers.source.languages import DART, LanguageSpec


class DartAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/dart"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (DART,)
