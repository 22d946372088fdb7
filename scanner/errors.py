"""Errors are data: one exception tree, messages start with the path they are about."""

from __future__ import annotations


class ScannerError(Exception):
    """Base of every error the scanner raises on purpose."""


class UsageError(ScannerError):
    """Bad command line or configuration: exit code 2."""


class ConfigError(UsageError):
    """A configuration file is malformed or has unknown keys."""


class SignatureError(ScannerError):
    """A signature record is invalid. The message names the file and the field."""

    def __init__(self, path: str, field: str, problem: str) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        super().__init__(f"{path}: field {field!r}: {problem}")


class AnalysisError(ScannerError):
    """A file could not be analyzed; becomes a skip, never aborts a scan."""


class ParseError(AnalysisError):
    """A file's content does not follow its format (malformed lockfile, truncated binary...)."""


class LimitExceeded(AnalysisError):
    """A file or archive went past a configured limit (size, depth, ratio, time)."""
