"""Baselines: record today's findings so that a scan shows only new ones.

An entry is keyed on rule + repository-relative path + a fingerprint of the finding's content
(the matched value and its whitespace-normalized line), never on line numbers or timestamps, so
moving code around keeps known findings known. Identical findings in one file are told apart by
an occurrence counter (`…:2`). The file is sorted JSON with one entry per line: a baseline edited
on two branches merges like any sorted list.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from scanner.core.safe_open import MiB, read_regular_file
from scanner.errors import UsageError
from scanner.model import Finding, ScanResult

FORMAT_VERSION = 1


@dataclass(frozen=True, order=True)
class Entry:
    path: str  # display path (archive chain included)
    rule: str
    fingerprint: str
    # No matched value (URL, host, package) is stored: the baseline sits in the repository and
    # would itself be scanned, and reported, on the next run.

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.rule, self.fingerprint)


def content_hash(finding: Finding) -> str:
    """What the finding is, independent of where the line now sits."""
    content = " ".join(finding.snippet.split())
    raw = "\x1f".join((finding.rule_id, finding.location.display_path, finding.value, content))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding (same order); repeats get increasing occurrence numbers."""
    seen: Counter[str] = Counter()
    out = [""] * len(findings)
    for i in sorted(range(len(findings)), key=lambda i: findings[i].sort_key):
        digest = content_hash(findings[i])
        seen[digest] += 1
        out[i] = f"{digest}:{seen[digest]}"
    return out


def entries_for(findings: Sequence[Finding]) -> list[Entry]:
    """Baseline entries for the findings that are not already suppressed."""
    out = []
    for finding, fp in zip(findings, fingerprints(findings), strict=True):
        if finding.suppressed is not None:
            continue
        out.append(Entry(path=finding.location.display_path, rule=finding.rule_id, fingerprint=fp))
    return sorted(set(out))


_LONE = re.compile("[\ud800-\udfff]")


def dumps(entries: Iterable[Entry]) -> str:
    """Sorted, one entry per line, no timestamps: stable bytes for the same findings."""
    rows = [
        json.dumps({"path": e.path, "rule": e.rule, "fingerprint": e.fingerprint}, ensure_ascii=False)
        for e in sorted(set(entries))
    ]
    # a name that was not UTF-8 on disk holds lone surrogates: written as JSON escapes (`\udcff`),
    # the file stays UTF-8 and reads back to the same path
    body = _LONE.sub(lambda m: f"\\u{ord(m.group()):04x}", ",\n    ".join(rows))
    head = f'{{\n  "tool": "tiktok-scan",\n  "format": {FORMAT_VERSION},\n  "findings": ['
    return head + (f"\n    {body}\n  " if rows else "") + "]\n}\n"


@dataclass(frozen=True)
class Baseline:
    source: str
    keys: frozenset[tuple[str, str, str]]
    text: str = ""  # the file as read (the TS101 guard points at the line of an added entry)

    def __len__(self) -> int:
        return len(self.keys)


MAX_BASELINE_BYTES = 64 * MiB


def load(path: Path, *, follow_symlinks: bool = True) -> Baseline:
    """A baseline file: a regular file (never a FIFO or device) of at most MAX_BASELINE_BYTES.

    `follow_symlinks=False` for a baseline the scanned tree supplies (the default one at its root).
    """
    try:
        data = read_regular_file(path, MAX_BASELINE_BYTES, follow_symlinks=follow_symlinks)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from exc
    return loads(data, path)


def loads(data: bytes, path: Path | str) -> Baseline:
    """A baseline from its bytes (read from disk or from a git revision); `path` names it in messages."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a tiktok-scan baseline (invalid JSON: {exc})") from exc
    if not isinstance(doc, dict) or doc.get("tool") != "tiktok-scan" or not isinstance(doc.get("findings"), list):
        raise UsageError(f"{path}: not a tiktok-scan baseline (expected an object with 'tool' and 'findings')")
    if doc.get("format") != FORMAT_VERSION:
        raise UsageError(f"{path}: baseline format {doc.get('format')!r} is not supported (expected {FORMAT_VERSION})")
    keys = set()
    for n, item in enumerate(doc["findings"], 1):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("path", "rule", "fingerprint")):
            raise UsageError(f"{path}: finding {n}: needs string fields 'path', 'rule' and 'fingerprint'")
        keys.add((item["path"], item["rule"], item["fingerprint"]))
    return Baseline(source=str(path), keys=frozenset(keys), text=data.decode("utf-8"))


def apply_baseline(result: ScanResult, baseline: Baseline, reason: str | None = None) -> int:
    """Mark findings recorded in the baseline as suppressed (external), with `reason` as the
    justification (default: the baseline's name); returns how many."""
    reason = reason or f"known finding recorded in the baseline {baseline.source}"
    prints = fingerprints(result.findings)
    count = 0
    out: list[Finding] = []
    for finding, fp in zip(result.findings, prints, strict=True):
        if finding.suppressed is None and (finding.location.display_path, finding.rule_id, fp) in baseline.keys:
            finding = replace(finding, suppressed=reason,
                              suppression_kind="external")
            count += 1
        out.append(finding)
    result.findings = out
    return count
