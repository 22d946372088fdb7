"""source/ruby: Ruby requires, method calls (`Tiktok::Open::Sdk::Client.new`), strings, comments."""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.source.base import TreeSitterAnalyzer
from scanner.analyzers.source.languages import RUBY, LanguageSpec


class RubyAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/ruby"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (RUBY,)
