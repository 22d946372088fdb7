"""A pull request cannot switch the gate off silently.

In a diff scan the configuration (and baseline) that steers the scan usually comes from the very
change being checked. This compares what the base revision had with what the change brings and
turns each weakening (coverage removed) into a TS101 finding at the line that makes it.
Strengthening, reordering and settings that only change how results look are not findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scanner.config.files import PYPROJECT, FileConfig, find_config_in
from scanner.config.limits import LIMIT_NAMES, Limits
from scanner.errors import ScannerError
from scanner.findings.baseline import Baseline, loads
from scanner.findings.fingerprint import line_hashes_at
from scanner.model import Context, FactKind, Finding, Level, Location
from scanner.rules.loader import default_signature_dir, load_rule
from scanner.rules.model import Rule

RULE_ID = "TS101"
_LEVEL_RANK = {"none": 0, "note": 1, "warning": 2, "error": 3}

Reader = Callable[[Path], "bytes | None"]  # a file's bytes at a revision, None when absent


@dataclass(frozen=True)
class Weakening:
    key: str  # configuration key (`disable-packs`, `limits.max-file-size`, `allow`, `baseline`)
    detail: str  # what changed, for the message
    occurrence: int = 1  # the n-th `[[allow]]` table, for its line


def rule() -> Rule:
    return load_rule(default_signature_dir() / "scan-integrity" / "TS101-scan-configuration-weakened.toml",
                     pack="scan-integrity")


def _effective_limits(cfg: FileConfig) -> Limits:
    return cfg.limits if cfg.limits is not None else Limits()


def compare(before: FileConfig, after: FileConfig) -> list[Weakening]:
    """Every way `after` scans less than `before` (defaults stand in for unset keys)."""
    out: list[Weakening] = []
    for name in sorted(set(before.packs) - set(after.packs)):
        out.append(Weakening("packs", f"pack {name!r} is no longer enabled"))
    for name in sorted(set(after.disable_packs) - set(before.disable_packs)):
        out.append(Weakening("disable-packs", f"pack {name!r} is disabled"))
    removed = sorted({str(p) for p in before.signatures} - {str(p) for p in after.signatures})
    for directory in removed:
        out.append(Weakening("signatures", f"signature directory {directory!r} is no longer loaded"))
    for pattern in [p for p in after.exclude if p not in before.exclude]:
        out.append(Weakening("exclude", f"exclude pattern {pattern!r} added: matching files are not scanned"))
    for n, entry in enumerate(after.allow, 1):
        if entry not in before.allow:
            what = ", ".join(f"{k}={list(v)}" for k, v in (("rules", entry.rules), ("paths", entry.paths),
                                                           ("purls", entry.purls)) if v)
            out.append(Weakening("allow", f"allowlist entry added ({what}): matching findings are suppressed", n))
    old_limits, new_limits = _effective_limits(before), _effective_limits(after)
    for name in LIMIT_NAMES:
        old, new = getattr(old_limits, name), getattr(new_limits, name)
        if new < old:
            out.append(Weakening(f"limits.{name.replace('_', '-')}", f"limit {name.replace('_', '-')} lowered "
                                                                    f"from {old} to {new}"))
    if before.inline_suppressions is False and after.inline_suppressions is not False:
        out.append(Weakening("inline-suppressions", "inline `tiktok-scan: ignore` comments are honoured again"))
    old_fail, new_fail = before.fail_on or "error", after.fail_on or "error"
    if _LEVEL_RANK[new_fail] > _LEVEL_RANK[old_fail] or (new_fail == "none" and old_fail != "none"):
        out.append(Weakening("fail-on", f"fail-on raised from {old_fail!r} to {new_fail!r}"))
    if not before.respect_gitignore and after.respect_gitignore:
        out.append(Weakening("respect-gitignore", "files ignored by .gitignore are no longer scanned"))
    return out


def baseline_added(before: Baseline | None, after: Baseline) -> list[tuple[str, str, str]]:
    """Baseline entries (path, rule, fingerprint) the change adds: findings it hides."""
    return sorted(after.keys - (before.keys if before is not None else frozenset()))


def _line_of(text: str, key: str, occurrence: int, pyproject: bool) -> int:
    """1-based line of `key` in the tiktok-scan table (or of the n-th `[[allow]]`), 1 when not found."""
    section = "tool.tiktok-scan" if pyproject else ""
    table, _, subkey = key.partition(".") if key.startswith("limits.") else ("", "", key)
    seen = 0
    current = ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if header:
            current = header.group(1).replace('"', "")
            if key == "allow" and current == ".".join(p for p in (section, "allow") if p):
                seen += 1
                if seen == occurrence:
                    return number
            continue
        wanted = ".".join(p for p in (section, table) if p)
        name = subkey if table else key
        if current == wanted and re.match(rf"^{re.escape(name)}\s*=", stripped):
            return number
    return 1


@dataclass(frozen=True)
class GuardInput:
    """What a diff scan knows: where the configuration is and how to read the base revision."""

    root: Path  # repository root
    base_label: str  # for messages: `the merge base with origin/main`, `HEAD`
    read_base: Reader
    config_paths: list[Path]  # candidates, nearest first (as find_config looks them up)
    after: FileConfig  # the configuration the scan runs with
    after_text: str  # its text ('' when there is none)
    baseline_path: Path | None  # the baseline the scan applies, if any
    after_baseline: Baseline | None


def check(guard: GuardInput) -> list[Finding]:
    """TS101 findings for a diff scan: each weakening at its line, added baseline entries at theirs."""
    found = find_config_in(guard.read_base, guard.config_paths)
    before = found[1] if found else FileConfig()
    config_path = guard.after.source or (found[0] if found else None)
    findings: list[Finding] = []
    if config_path is not None:
        shown = _relative(config_path, guard.root)
        pyproject = config_path.name == PYPROJECT
        for weak in compare(before, guard.after):
            line = _line_of(guard.after_text, weak.key, weak.occurrence, pyproject) if guard.after_text else 1
            findings.append(_finding(shown, line, guard.after_text, weak.key,
                                     f"The scan configuration {shown} is weakened against {guard.base_label}: "
                                     f"{weak.detail}."))
    if guard.baseline_path is not None and guard.after_baseline is not None:
        raw = guard.read_base(guard.baseline_path)
        try:
            before_baseline = loads(raw, guard.baseline_path) if raw is not None else None
        except ScannerError:
            before_baseline = None  # an unreadable old baseline hid nothing
        added = baseline_added(before_baseline, guard.after_baseline)
        if added:
            shown = _relative(guard.baseline_path, guard.root)
            text = guard.after_baseline.text
            first = next((n for n, line in enumerate(text.splitlines(), 1) if added[0][2] in line), 1)
            rules = sorted({rule_id for _, rule_id, _ in added})
            findings.append(_finding(shown, first, text, "baseline",
                                     f"The baseline {shown} gains {len(added)} entr{'y' if len(added) == 1 else 'ies'} "
                                     f"against {guard.base_label} ({', '.join(rules)}): those findings are hidden "
                                     f"from later scans."))
    return findings


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _finding(path: str, line: int, text: str, key: str, message: str) -> Finding:
    lines = text.splitlines()
    snippet = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return Finding(
        rule_id=RULE_ID, level=Level.ERROR, location=Location(path=path, start_line=line, end_line=line,
                                                              end_column=max(2, len(snippet) + 1)),
        message=message, kind=FactKind.MARKER, value=key, context=Context.CONFIG, analyzer="scan/config-guard",
        evidence=key, snippet=snippet, line_hash=line_hashes_at(text, [line]).get(line) if text else None,
    )
