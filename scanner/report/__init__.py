"""Reporters: pure functions of a finished ScanResult (they never read files or decide matches)."""
