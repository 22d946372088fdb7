"""source/apple: Swift and Objective-C imports, message sends and calls, strings, comments.

Swift and Objective-C import whole modules, so calls are matched by the names written
(`TikTokURLHandler.handleOpenURL`, `[TikTokBusiness initializeSdk:]`), not resolved.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.source.base import TreeSitterAnalyzer
from scanner.analyzers.source.languages import OBJC, SWIFT, LanguageSpec


class AppleAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/apple"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (SWIFT, OBJC)
