"""The explicit list of analyzers. A test fails when an analyzer module is missing here."""

from __future__ import annotations

from scanner.analyzers.interface import Analyzer
from scanner.analyzers.source.python import PythonAnalyzer
from scanner.analyzers.text.endpoints import EndpointsAnalyzer

ANALYZERS: tuple[type[Analyzer], ...] = (
    EndpointsAnalyzer,
    PythonAnalyzer,
)


def build_analyzers() -> tuple[Analyzer, ...]:
    return tuple(cls() for cls in ANALYZERS)
