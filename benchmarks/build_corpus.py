"""Build the benchmark corpus: real npm trees and Python site-packages, outside the repository.

    python benchmarks/build_corpus.py [--out /work/bench-corpus]

Layout under OUT:
    full/npm/           package.json, package-lock.json, node_modules/ (`npm install --ignore-scripts`)
    full/python/        site-packages/ (`pip install --target`, binary wheels only: numpy, scipy, ...)
    x0.25/, x0.5/       deterministic subsets of full/ made of hard links (no extra disk space)
    x1 -> full          (a symlink; scan `x1/` with a trailing slash or `full`)
    manifest.json       files and bytes per scale, tool versions, pins

Reproducible: every top-level package is pinned, and npm resolves the rest of the tree as it was
on NPM_BEFORE (`npm install --before`). Nothing in the corpus is ever executed: npm install scripts
are off and pip installs wheels only. A few real TikTok-using packages give true hits.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

NPM_BEFORE = "2026-10-01"

# ~40 popular packages (frameworks, build tools, SDKs, icon sets) at pinned versions.
NPM_POPULAR = {
    "react": "18.3.1",
    "react-dom": "18.3.1",
    "next": "14.2.5",
    "vue": "3.4.35",
    "@angular/core": "18.1.3",
    "@angular/common": "18.1.3",
    "typescript": "5.5.4",
    "webpack": "5.93.0",
    "@babel/core": "7.25.2",
    "@babel/preset-env": "7.25.3",
    "eslint": "8.57.0",
    "prettier": "3.3.3",
    "jest": "29.7.0",
    "lodash": "4.17.21",
    "rxjs": "7.8.1",
    "aws-sdk": "2.1665.0",
    "@aws-sdk/client-s3": "3.627.0",
    "firebase": "10.12.5",
    "googleapis": "140.0.1",
    "@mui/material": "5.16.6",
    "@mui/icons-material": "5.16.6",
    "antd": "5.20.0",
    "express": "4.19.2",
    "axios": "1.7.3",
    "moment": "2.30.1",
    "date-fns": "3.6.0",
    "core-js": "3.38.0",
    "three": "0.167.1",
    "d3": "7.9.0",
    "chart.js": "4.4.3",
    "jquery": "3.7.1",
    "bootstrap": "5.3.3",
    "tailwindcss": "3.4.9",
    "sass": "1.77.8",
    "rollup": "4.20.0",
    "vite": "5.4.0",
    "socket.io": "4.7.5",
    "mongoose": "8.5.2",
    "@reduxjs/toolkit": "2.2.7",
    "zod": "3.23.8",
    "highlight.js": "11.10.0",
    "monaco-editor": "0.50.0",
    "pdfjs-dist": "4.5.136",
    "react-native": "0.74.5",
}
# Real packages that use TikTok: the true hits.
NPM_TIKTOK = {
    "tiktok-live-connector": "2.5.0",
    "tiktok-pixel": "2.0.3",
    "react-native-tiktok-business-sdk": "1.7.1",
    "react-native-tiktok": "2.1.17",
}
PYPI = {
    "numpy": "2.4.6",
    "scipy": "1.17.1",
    "pandas": "3.1.1",
    "pyarrow": "26.0.1",
    "scikit-learn": "1.9.1",
    "matplotlib": "3.11.2",
}
# Installed without their dependencies: some of those (protobuf3-to-dict) ship no wheel.
PYPI_TIKTOK = {
    "TikTokLive": "7.0.1",
    "tiktok-business-api-sdk-official": "1.1.3",
}
TIKTOK_UNITS = ("tiktok", "TikTok")  # units whose name contains these are in every scale
SCALES = (0.25, 0.5)


def run(cmd: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def build_npm(dest: Path) -> None:
    if (dest / "package-lock.json").exists() and (dest / "node_modules").is_dir():
        print(f"{dest}: already built", flush=True)
        return
    dest.mkdir(parents=True, exist_ok=True)
    deps = {**NPM_POPULAR, **NPM_TIKTOK}
    (dest / "package.json").write_text(json.dumps(
        {"name": "bench-corpus", "version": "1.0.0", "private": True, "dependencies": deps}, indent=2) + "\n")
    run(["npm", "install", "--ignore-scripts", "--legacy-peer-deps", "--no-audit", "--no-fund",
         f"--before={NPM_BEFORE}"], cwd=dest)


def build_python(dest: Path) -> None:
    target = dest / "site-packages"
    if (target / "numpy").is_dir():
        print(f"{target}: already built", flush=True)
        return
    dest.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--only-binary", ":all:",
         "--target", str(target), *(f"{k}=={v}" for k, v in PYPI.items())])
    run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--only-binary", ":all:",
         "--no-deps", "--target", str(target), *(f"{k}=={v}" for k, v in PYPI_TIKTOK.items())])


def units(full: Path) -> list[Path]:
    """Top-level packages (relative paths): the grains a scale factor selects."""
    out: list[Path] = []
    nm = full / "npm" / "node_modules"
    for entry in sorted(nm.iterdir()):
        if entry.name.startswith("@") and entry.is_dir() and not entry.is_symlink():
            out.extend(p.relative_to(full) for p in sorted(entry.iterdir()))
        else:
            out.append(entry.relative_to(full))
    sp = full / "python" / "site-packages"
    out.extend(p.relative_to(full) for p in sorted(sp.iterdir()))
    return out


def tree_size(path: Path) -> tuple[int, int]:
    files = size = 0
    if path.is_file() and not path.is_symlink():
        return 1, path.stat().st_size
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            p = os.path.join(dirpath, name)
            if os.path.islink(p):
                continue
            files += 1
            size += os.lstat(p).st_size
    return files, size


def select(full: Path, fraction: float) -> list[Path]:
    """Deterministic: TikTok units first, then units in sha256 order until the byte share is reached."""
    all_units = units(full)
    sizes = {u: tree_size(full / u)[1] for u in all_units}
    total = sum(sizes.values())
    tiktok = [u for u in all_units if any(t in str(u) for t in TIKTOK_UNITS)]
    rest = sorted((u for u in all_units if u not in tiktok), key=lambda u: hashlib.sha256(str(u).encode()).hexdigest())
    chosen, size = list(tiktok), sum(sizes[u] for u in tiktok)
    for unit in rest:
        if size >= fraction * total:
            break
        chosen.append(unit)
        size += sizes[unit]
    return sorted(chosen)


def link_tree(src: Path, dst: Path) -> None:
    """Hard-link copy: regular files become links to the same inodes, symlinks are copied as links."""
    if src.is_symlink():
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.readlink(src), dst)
        return
    if src.is_file():
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.link(src, dst)
        return
    shutil.copytree(src, dst, symlinks=True, copy_function=os.link)


def build_scale(full: Path, out: Path, fraction: float) -> None:
    dst = out / f"x{fraction:g}"
    if dst.exists():
        shutil.rmtree(dst)
    for loose in ("npm/package.json", "npm/package-lock.json"):
        link_tree(full / loose, dst / loose)
    for unit in select(full, fraction):
        link_tree(full / unit, dst / unit)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("BENCH_CORPUS", "/work/bench-corpus")),
                    help="where to build (default /work/bench-corpus or $BENCH_CORPUS; inside the repository "
                         "use benchmarks/corpus, which git ignores)")
    ap.add_argument("--scales-only", action="store_true", help="only (re)make the x0.25/x0.5 subsets")
    args = ap.parse_args(argv)
    out: Path = args.out.resolve()
    full = out / "full"
    if not args.scales_only:
        build_npm(full / "npm")
        build_python(full / "python")
    for fraction in SCALES:
        build_scale(full, out, fraction)
    x1 = out / "x1"
    if not x1.exists():
        x1.symlink_to("full")
    manifest: dict[str, object] = {"npm_before": NPM_BEFORE, "npm": {**NPM_POPULAR, **NPM_TIKTOK},
                                   "pypi": {**PYPI, **PYPI_TIKTOK}, "scales": {}}
    for name in ("x0.25", "x0.5", "full"):
        files, size = tree_size(out / name)
        manifest["scales"][name] = {"files": files, "bytes": size}  # type: ignore[index]
        print(f"{name}: {files} files, {size / 1e9:.2f} GB", flush=True)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
