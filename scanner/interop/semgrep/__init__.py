"""semgrep interop: the source signatures as semgrep rules, and semgrep's results as our findings.

- `export`: `export_semgrep(ruleset)`, the rules file of `tiktok-scan rules --export semgrep`
  (`endpoints` gives its endpoint regexes the built-in matcher's precedence);
- `run`: `run_semgrep(paths, ruleset)` runs an installed semgrep offline with those rules and reads
  its results back as findings; `validate_semgrep` checks a rules file;
- `merge`: `merge_findings` / `add_semgrep_findings` add them to the built-in findings
  (`scan --engine semgrep`), one per rule, path and line, built-in ones first.
"""

from scanner.interop.semgrep.export import META_KIND, META_RULE, export_semgrep, semgrep_rules
from scanner.interop.semgrep.merge import add_semgrep_findings, merge_findings
from scanner.interop.semgrep.run import (
    ANALYZER,
    ENV_EXECUTABLE,
    SemgrepFailed,
    SemgrepUnavailable,
    find_semgrep,
    run_semgrep,
    semgrep_available,
    validate_semgrep,
)

__all__ = ["ANALYZER", "ENV_EXECUTABLE", "META_KIND", "META_RULE", "SemgrepFailed", "SemgrepUnavailable",
           "add_semgrep_findings", "export_semgrep", "find_semgrep", "merge_findings", "run_semgrep",
           "semgrep_available", "semgrep_rules", "validate_semgrep"]
