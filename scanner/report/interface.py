"""The interfaces of the output formats (listed in `scanner.report.registry`).

- a scan report renders a finished ScanResult (`scan --format`, `inventory --format`): a class
  with `name`, `from_options(ReportOptions)` and `render(result)`; a reporter that had to leave
  something out says so in `warnings` (shown on stderr, the report itself stays whole);
- a rules document renders the signature packs (`rules --format`, `rules --export`): a function
  `(RuleSet) -> str`.

Reporters are pure: they never read files or decide what matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from scanner.model import Level, ScanResult
from scanner.rules.model import RuleSet


@dataclass(frozen=True)
class ReportOptions:
    """How a scan report looks, never what it contains; each reporter takes the options it knows."""

    color: bool = False  # text: ANSI colours
    min_level: Level = Level.NOTE  # text: lowest level shown
    category: str = "tiktok-scan"  # sarif: automationDetails category
    include_suppressed: bool = False  # sarif: suppressed findings as results with `suppressions`
    all_locations: bool = False  # sarif: one result per location in packages and binaries too (no roll-up)


class Reporter(Protocol):
    name: str

    def render(self, result: ScanResult) -> str:
        """The whole report as text (SARIF/JSON are JSON text)."""
        ...

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the last `render` had to leave out, for the user (empty when nothing)."""
        ...


class ReporterFactory(Protocol):
    name: str

    def from_options(self, options: ReportOptions) -> Reporter: ...


RulesDocument = Callable[[RuleSet], str]
