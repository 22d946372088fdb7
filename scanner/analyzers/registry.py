"""The explicit list of analyzers. A test fails when an analyzer module is missing here."""

from __future__ import annotations

from scanner.analyzers.interface import Analyzer
from scanner.analyzers.source.apple import AppleAnalyzer
from scanner.analyzers.source.dart import DartAnalyzer
from scanner.analyzers.source.dotnet import DotnetAnalyzer
from scanner.analyzers.source.go import GoAnalyzer
from scanner.analyzers.source.html import HtmlAnalyzer
from scanner.analyzers.source.javascript import JavaScriptAnalyzer
from scanner.analyzers.source.jvm import JvmAnalyzer
from scanner.analyzers.source.php import PhpAnalyzer
from scanner.analyzers.source.ruby import RubyAnalyzer
from scanner.analyzers.text.endpoints import EndpointsAnalyzer

# Source analyzers come first: for a fact of the same span their context also wins by priority,
# and for the same rule at the same place the first fact seen is the one reported.
ANALYZERS: tuple[type[Analyzer], ...] = (
    AppleAnalyzer,
    DartAnalyzer,
    DotnetAnalyzer,
    GoAnalyzer,
    HtmlAnalyzer,
    JavaScriptAnalyzer,
    JvmAnalyzer,
    PhpAnalyzer,
    RubyAnalyzer,
    EndpointsAnalyzer,
)


def build_analyzers() -> tuple[Analyzer, ...]:
    return tuple(cls() for cls in ANALYZERS)
