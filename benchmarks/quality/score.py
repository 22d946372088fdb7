"""Score tiktok-scan's SARIF for the labelled corpus: per-case outcomes and totals.

A result belongs to the case whose directory (`<ecosystem>/<name>@<version>/`, relative to the
cache, as scan_corpus.py writes them) starts its artifact URI. Suppressed results do not count.

- `tiktok` case detected: at least one `error` result from a TikTok pack rule (id `TT...`).
- `clean` case flagged: any result at `warning` or `error` (any pack).
- `affiliate` case under TikTok: any result from a `TT...` rule, at any level.
- findings per MB: every result (notes too) on clean cases, per MB of their archives.

    python benchmarks/quality/score.py [--sarif PATH ...] [--cache DIR] [--write RESULTS.md]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_corpus import HERE, Case, load_corpus

REPRODUCE = (
    "python benchmarks/quality/build_corpus.py && python benchmarks/quality/scan_corpus.py && "
    "python benchmarks/quality/score.py --write benchmarks/quality/RESULTS.md"
)


@dataclass
class Outcome:
    """What the scan said about one case."""

    case: Case
    levels: Counter[tuple[str, str]] = field(default_factory=Counter)  # (rule id, level) -> count
    size: int = 0  # bytes of the case's archives

    def count(self, *, tiktok: bool | None = None, levels: Iterable[str] = ("error", "warning", "note")) -> int:
        wanted = set(levels)
        return sum(n for (rule, level), n in self.levels.items()
                   if level in wanted and (tiktok is None or rule.startswith("TT") == tiktok))

    @property
    def tiktok_errors(self) -> int:
        return self.count(tiktok=True, levels=("error",))

    @property
    def ok(self) -> bool:
        label = self.case.label
        if label == "tiktok":
            return self.tiktok_errors > 0
        if label == "clean":
            return self.count(levels=("error", "warning")) == 0
        return self.count(tiktok=True) == 0

    def rules(self, levels: Iterable[str] = ("error", "warning")) -> str:
        wanted = set(levels)
        found = sorted({(rule, level) for (rule, level), n in self.levels.items() if level in wanted and n})
        return ", ".join(f"{rule} {level}" for rule, level in found) or "-"


def _rule_levels(run: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    driver = run.get("tool", {}).get("driver", {})
    for comp in (driver, *run.get("tool", {}).get("extensions", [])):
        for rule in comp.get("rules", []):
            out[rule["id"]] = rule.get("defaultConfiguration", {}).get("level", "warning")
    return out


def collect(sarif_docs: Iterable[dict], cases: list[Case]) -> dict[str, Outcome]:
    """Group every unsuppressed result by case."""
    outcomes = {c.key: Outcome(c) for c in cases}
    for doc in sarif_docs:
        for run in doc.get("runs", []):
            defaults = _rule_levels(run)
            for res in run.get("results", []):
                if res.get("suppressions"):
                    continue
                rule = res.get("ruleId", "")
                level = res.get("level") or defaults.get(rule, "warning")
                uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                key = "/".join(uri.split("/")[:2])
                if key in outcomes:
                    outcomes[key].levels[(rule, level)] += 1
    return outcomes


def sizes(outcomes: dict[str, Outcome], cache: Path) -> None:
    for key, out in outcomes.items():
        d = cache / key
        out.size = sum(p.stat().st_size for p in d.iterdir() if p.is_file()) if d.is_dir() else 0


@dataclass(frozen=True)
class Totals:
    tiktok: int
    detected: int
    clean: int
    clean_flagged: int
    affiliate: int
    affiliate_under_tt: int
    clean_findings: int
    clean_mb: float

    @property
    def recall(self) -> float:
        return self.detected / self.tiktok if self.tiktok else 1.0

    @property
    def per_mb(self) -> float:
        return self.clean_findings / self.clean_mb if self.clean_mb else 0.0

    @property
    def targets_met(self) -> bool:
        return self.recall >= 0.98 and self.clean_flagged == 0 and self.affiliate_under_tt == 0


def totals(outcomes: dict[str, Outcome]) -> Totals:
    by = {label: [o for o in outcomes.values() if o.case.label == label] for label in ("tiktok", "clean", "affiliate")}
    return Totals(
        tiktok=len(by["tiktok"]),
        detected=sum(o.ok for o in by["tiktok"]),
        clean=len(by["clean"]),
        clean_flagged=sum(not o.ok for o in by["clean"]),
        affiliate=len(by["affiliate"]),
        affiliate_under_tt=sum(not o.ok for o in by["affiliate"]),
        clean_findings=sum(o.count() for o in by["clean"]),
        clean_mb=sum(o.size for o in by["clean"]) / 1_000_000,
    )


def markdown(outcomes: dict[str, Outcome], version: str = "") -> str:
    t = totals(outcomes)
    lines = [
        f"# Detection quality on real packages{f' (tiktok-scan {version})' if version else ''}",
        "",
        f"Reproduce: `{REPRODUCE}`",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| recall on `tiktok` cases (an `error` from a TT rule) | {t.detected}/{t.tiktok} = {t.recall:.3f} "
        "| >= 0.98 |",
        f"| `clean` cases flagged at warning or error | {t.clean_flagged}/{t.clean} | 0 |",
        f"| `affiliate` cases reported under TT rules | {t.affiliate_under_tt}/{t.affiliate} | 0 |",
        f"| findings per MB on `clean` cases (all levels) | {t.per_mb:.3f} "
        f"({t.clean_findings} in {t.clean_mb:.1f} MB) | - |",
        f"| targets met | {'yes' if t.targets_met else 'NO'} | |",
        "",
        "| case | label | outcome | errors (TT) | warnings | notes | rules at warning/error |",
        "|---|---|---|---|---|---|---|",
    ]
    order = {"tiktok": 0, "affiliate": 1, "clean": 2}
    for o in sorted(outcomes.values(), key=lambda o: (order[o.case.label], o.case.key.lower())):
        c = o.case
        verdict = {"tiktok": ("detected", "MISSED"), "clean": ("silent", "FLAGGED"),
                   "affiliate": ("no TT", "UNDER TT")}[c.label][0 if o.ok else 1]
        lines.append(f"| {c.ecosystem}:{c.name}@{c.version} | {c.label} | {verdict} | {o.tiktok_errors} | "
                     f"{o.count(levels=('warning',))} | {o.count(levels=('note',))} | {o.rules()} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=HERE / "cache")
    ap.add_argument("--sarif", type=Path, nargs="*", default=None,
                    help="SARIF files or directories (default: CACHE/sarif)")
    ap.add_argument("--write", type=Path, default=None, help="also write the Markdown table to this file")
    args = ap.parse_args(argv)
    paths: list[Path] = []
    for p in args.sarif or [args.cache / "sarif"]:
        paths.extend(sorted(p.rglob("*.sarif")) if p.is_dir() else [p])
    if not paths:
        print("no SARIF found: run scan_corpus.py first", file=sys.stderr)
        return 2
    docs = (json.loads(p.read_text(encoding="utf-8")) for p in paths)
    outcomes = collect(docs, load_corpus())
    sizes(outcomes, args.cache)
    try:
        from scanner import __version__ as version
    except ImportError:  # pragma: no cover - scored outside the scanner's environment
        version = ""
    text = markdown(outcomes, version)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    return 0 if totals(outcomes).targets_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
