"""semgrep's findings added to the built-in ones: `tiktok-scan scan --engine semgrep`.

Both engines report the same rules (semgrep runs the exported ones), so a place is reported once:
findings are keyed on rule, path and line, and the built-in finding wins over semgrep's.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from scanner.model import Finding, ScanResult
from scanner.rules.model import RuleSet


def _key(finding: Finding) -> tuple[str, str, int]:
    return finding.rule_id, finding.location.display_path, finding.location.start_line


def merge_findings(builtin: Iterable[Finding], extra: Iterable[Finding]) -> list[Finding]:
    """Built-in findings plus semgrep's, deduplicated by (rule, path, line); built-in ones win."""
    out = list(builtin)
    seen = {_key(f) for f in out}
    for f in extra:
        if _key(f) not in seen:
            seen.add(_key(f))
            out.append(f)
    return sorted(out, key=lambda f: f.sort_key)


def add_semgrep_findings(result: ScanResult, roots: Sequence[str], ruleset: RuleSet, jobs: int) -> None:
    """Run semgrep on each root with `ruleset` exported and merge its findings into `result`, their
    paths made relative to the result's srcroot as the built-in findings' are."""
    from scanner.interop.semgrep.run import run_semgrep

    srcroot = Path(str(result.extra.get("srcroot") or "."))
    extra = []
    for root in roots:
        prefix = os.path.relpath(Path(root).resolve(), srcroot.resolve()) if Path(root).is_dir() else "."
        for finding in run_semgrep([root], ruleset, jobs=jobs):
            path = finding.location.path if prefix == "." else f"{Path(prefix).as_posix()}/{finding.location.path}"
            extra.append(replace(finding, location=replace(finding.location, path=path)))
    result.findings = merge_findings(result.findings, extra)
