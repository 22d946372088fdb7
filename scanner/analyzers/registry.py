"""The explicit list of analyzers. A test fails when an analyzer module is missing here."""

from __future__ import annotations

from scanner.analyzers.interface import Analyzer
from scanner.analyzers.source.apple import AppleAnalyzer
from scanner.analyzers.source.html import HtmlAnalyzer
from scanner.analyzers.source.javascript import JavaScriptAnalyzer
from scanner.analyzers.source.jvm import JvmAnalyzer
from scanner.analyzers.text.endpoints import EndpointsAnalyzer

ANALYZERS: tuple[type[Analyzer], ...] = (
    AppleAnalyzer,
    HtmlAnalyzer,
    JavaScriptAnalyzer,
    JvmAnalyzer,
    EndpointsAnalyzer,
)


def build_analyzers() -> tuple[Analyzer, ...]:
    return tuple(cls() for cls in ANALYZERS)
