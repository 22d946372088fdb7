"""Download the labelled quality corpus (benchmarks/quality/corpus.toml) into a git-ignored cache.

Each case is fetched at its pinned version with the ecosystem's own client (`npm pack`,
`pip download --no-deps`) into `cache/<ecosystem>/<case-dir>/`, one directory per case, so the
scorer can map every SARIF result back to its case by path. Already downloaded cases are kept.
Nothing here is committed: the packages are fetched at benchmark time.

    python benchmarks/quality/build_corpus.py [--cache DIR] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
LABELS = ("tiktok", "clean", "affiliate")
ECOSYSTEMS = ("npm", "pypi")


@dataclass(frozen=True)
class Case:
    """One labelled package at a pinned version."""

    ecosystem: str
    name: str
    version: str
    label: str
    reason: str

    @property
    def dirname(self) -> str:
        """Directory of the case inside the cache: `@scope/name` becomes `@scope+name`."""
        return f"{self.name.replace('/', '+')}@{self.version}"

    @property
    def key(self) -> str:
        return f"{self.ecosystem}/{self.dirname}"


def load_corpus(path: Path = HERE / "corpus.toml") -> list[Case]:
    """Read and validate the labels; a bad record fails with its index and field named."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cases: list[Case] = []
    seen: set[str] = set()
    for i, rec in enumerate(data.get("case", [])):
        missing = [f for f in ("ecosystem", "name", "version", "label", "reason") if not rec.get(f)]
        if missing:
            raise ValueError(f"{path}: case #{i} lacks {', '.join(missing)}")
        case = Case(rec["ecosystem"], rec["name"], rec["version"], rec["label"], rec["reason"])
        if case.ecosystem not in ECOSYSTEMS:
            raise ValueError(f"{path}: case #{i} ({case.name!r}): ecosystem {case.ecosystem!r} not in {ECOSYSTEMS}")
        if case.label not in LABELS:
            raise ValueError(f"{path}: case #{i} ({case.name!r}): label {case.label!r} not in {LABELS}")
        if case.key in seen:
            raise ValueError(f"{path}: case #{i}: {case.key!r} listed twice")
        seen.add(case.key)
        cases.append(case)
    return cases


def _command(case: Case, dest: Path) -> list[str]:
    if case.ecosystem == "npm":
        return ["npm", "pack", f"{case.name}@{case.version}", "--pack-destination", str(dest), "--silent"]
    # Wheels only, for one fixed target (CPython 3.11, x86-64 Linux), so every machine gets the same
    # file; an sdist would need its build backend run just to read its metadata.
    return [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
            "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
            "--platform", "manylinux_2_28_x86_64", "--platform", "manylinux_2_17_x86_64",
            "--platform", "manylinux2014_x86_64", "--platform", "any",
            "--disable-pip-version-check", "-q", "-d", str(dest), f"{case.name}=={case.version}"]


def fetch(case: Case, cache: Path) -> Path:
    """Download one case unless its directory already holds a file; returns the directory."""
    dest = cache / case.ecosystem / case.dirname
    if dest.is_dir() and any(dest.iterdir()):
        return dest
    tmp = dest.with_name(dest.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    env = dict(os.environ, PIP_CONSTRAINT="", npm_config_ignore_scripts="true")
    proc = subprocess.run(_command(case, tmp), env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not any(tmp.iterdir()):
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"{case.key}: download failed: {proc.stderr.strip()[-500:]}")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=HERE / "cache")
    ap.add_argument("--only", nargs="*", default=None, help="case names to fetch (default: all)")
    args = ap.parse_args(argv)
    failed = 0
    for case in load_corpus():
        if args.only and case.name not in args.only:
            continue
        try:
            dest = fetch(case, args.cache)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print(f"FAIL {e}", file=sys.stderr)
            failed += 1
            continue
        files = ", ".join(p.name for p in sorted(dest.iterdir()))
        print(f"ok   {case.key}: {files}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
