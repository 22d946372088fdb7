"""`python -m scanner` runs the same command line as `tiktok-scan`."""

from scanner.cli import run

raise SystemExit(run())
