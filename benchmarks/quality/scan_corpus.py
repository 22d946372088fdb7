"""Run tiktok-scan on every downloaded case: one SARIF per case, paths relative to the cache.

The archives themselves are scanned (the core opens .tgz/.whl in memory); nothing is unpacked or
installed. One SARIF per case keeps each run under GitHub's 25,000-results cap.

    python benchmarks/quality/scan_corpus.py [--cache DIR] [--out DIR] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_corpus import HERE, load_corpus


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=HERE / "cache")
    ap.add_argument("--out", type=Path, default=None, help="SARIF directory (default: CACHE/sarif)")
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args(argv)
    out = args.out or args.cache / "sarif"
    failed = 0
    for case in load_corpus():
        if args.only and case.name not in args.only:
            continue
        target = args.cache / case.ecosystem / case.dirname
        if not target.is_dir():
            print(f"MISSING {case.key}: run build_corpus.py first", file=sys.stderr)
            failed += 1
            continue
        sarif = out / case.ecosystem / f"{case.dirname}.sarif"
        sarif.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [sys.executable, "-m", "scanner", "scan", str(target), "--format", "sarif", "-o", str(sarif),
             "--fail-on", "none", "--srcroot", str(args.cache), "--jobs", "1"],
            capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0:
            print(f"FAIL {case.key}: exit {proc.returncode}: {proc.stderr.strip()[-400:]}", file=sys.stderr)
            failed += 1
            continue
        print(f"scanned {case.key}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
