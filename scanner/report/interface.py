"""One small interface for every output format."""

from __future__ import annotations

from typing import Protocol

from scanner.model import ScanResult


class Reporter(Protocol):
    name: str

    def render(self, result: ScanResult) -> str:
        """The whole report as text (SARIF/JSON are JSON text)."""
        ...
