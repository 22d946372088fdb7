"""Diff scans: which files a commit or a pull request touches, asked of git.

Only ever run on the user's own checkout (the one they run tiktok-scan in), never on a tree being
audited (audits read objects with dulwich). Even so, the checkout's `.git/config` and committed
`.gitattributes` can name programs for git to run (fsmonitor, pager, external diff, textconv,
clean/smudge filters, a promisor remote with an `ext::` transport that a lazy fetch would start).
Every invocation therefore gets an environment and `-c` overrides that switch each of those off;
`tests/integration/test_trust_boundary.py` plants every variant and checks that none runs.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from scanner.errors import UsageError

# Command-line `-c` beats every config file, the repository's own included.
_OVERRIDES = (
    "core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat", "diff.external=",
    "core.sshCommand=", "core.askPass=", "core.gitProxy=", "core.alternateRefsCommand=",
    "credential.helper=", "protocol.allow=never", "log.showSignature=false", "diff.ignoreSubmodules=all",
    "submodule.recurse=false", "maintenance.auto=false", "gc.auto=0", "core.untrackedCache=false",
)
DIFF = ("diff", "--name-only", "-z", "--no-ext-diff", "--no-textconv", "--no-renames", "--ignore-submodules=all",
        "--diff-filter=ACMRT")


def git_env() -> dict[str, str]:
    """The caller's environment without any GIT_* variable, plus the switches that refuse transports.

    `GIT_ALLOW_PROTOCOL` set but empty allows no transport at all and, unlike `protocol.allow`, cannot
    be overridden by the repository's `protocol.<name>.allow` (git checks the variable first).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_ALLOW_PROTOCOL="", GIT_PROTOCOL_FROM_USER="0", GIT_NO_LAZY_FETCH="1", GIT_CONFIG_NOSYSTEM="1",
        GIT_ATTR_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", GIT_PAGER="cat", PAGER="cat",
        LC_ALL="C",
    )
    env.pop("SSH_ASKPASS", None)
    return env


def _run(args: Sequence[str], cwd: Path, overrides: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    command = ["git", "--no-pager"]
    for item in overrides:
        command += ["-c", item]
    try:
        return subprocess.run([*command, *args], cwd=cwd, env=git_env(), capture_output=True, check=False,
                              stdin=subprocess.DEVNULL, timeout=600)
    except FileNotFoundError as exc:
        raise UsageError("git is not installed; --staged and --since need it") from exc
    except subprocess.TimeoutExpired as exc:
        raise UsageError(f"git {' '.join(args[:2])}: no answer in {exc.timeout:.0f} s") from exc


def _driver_overrides(cwd: Path) -> tuple[str, ...]:
    """Empty every filter and diff driver the repository configures.

    `.gitattributes` (committed, so anyone's) selects drivers by name; emptying the command of each
    configured name means a `* filter=evil` line finds a driver that does nothing. Asked afresh for
    every command that may run one: a list kept from an earlier call would miss a driver configured
    since (two scans in one process).
    """
    proc = _run(("config", "--null", "--list", "--name-only"), cwd, _OVERRIDES)
    out: list[str] = []
    for name in proc.stdout.decode("utf-8", "surrogateescape").split("\0"):
        section, _, rest = name.partition(".")
        driver, _, _key = rest.rpartition(".")
        if not driver:
            continue
        if section.lower() == "filter":
            out += [f"filter.{driver}.clean=", f"filter.{driver}.smudge=", f"filter.{driver}.process=",
                    f"filter.{driver}.required=false"]
        elif section.lower() == "diff":
            out += [f"diff.{driver}.textconv=", f"diff.{driver}.command="]
    return tuple(sorted(set(out)))


def _git(args: Sequence[str], cwd: Path) -> str:
    proc = _run(args, cwd, [*_OVERRIDES, *_driver_overrides(cwd)])
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args[:3])}: {message[-1] if message else f'exit {proc.returncode}'}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def repo_root(cwd: Path) -> Path:
    """The top of the work tree that contains `cwd`."""
    try:
        out = _git(("rev-parse", "--show-toplevel"), cwd)
    except UsageError as exc:
        raise UsageError(f"{cwd}: not inside a git work tree ({exc})") from exc
    return Path(out.strip())


def _names(out: str) -> list[str]:
    return sorted({name for name in out.split("\0") if name})


def staged_files(root: Path) -> list[str]:
    """Files added, copied, modified or retyped in the index (what the next commit contains)."""
    return _names(_git((*DIFF, "--cached"), root))


def unstaged_files(root: Path) -> list[str]:
    """Files whose working-tree copy differs from the index."""
    return _names(_git(DIFF, root))


def merge_base(root: Path, ref: str) -> str:
    """The commit a branch forked from `ref` at (what a pull request is compared with)."""
    if ref.startswith("-"):
        raise UsageError(f"--since {ref!r}: not a git revision")
    try:
        return _git(("merge-base", ref, "HEAD"), root).strip()
    except UsageError as exc:
        raise UsageError(f"--since {ref}: no common ancestor with HEAD ({exc}); in a shallow clone, fetch "
                         f"more history (actions/checkout: fetch-depth: 0)") from exc


def changed_since(root: Path, ref: str) -> list[str]:
    """Files changed between the merge base of `ref` and HEAD and the working tree (a PR's own changes)."""
    return _names(_git((*DIFF, merge_base(root, ref), "--"), root))


def show(root: Path, revision: str, path: str) -> bytes | None:
    """The bytes of `path` at `revision` (`:path` for the index), or None when it is not there.

    `cat-file` on a blob applies no filter and no textconv: the bytes are what was committed, so no
    driver needs emptying (this runs once per changed file of a `--new-only` scan).
    """
    if revision.startswith("-") or path.startswith("-"):
        raise UsageError(f"{revision}:{path}: not a git revision and path")
    spec = f"{revision}:{path}" if revision else f":{path}"
    proc = _run(("cat-file", "blob", spec), root, _OVERRIDES)
    return proc.stdout if proc.returncode == 0 else None


def under(files: Sequence[str], root: Path, paths: Sequence[str]) -> list[str]:
    """Keep the repository-relative `files` that lie under one of `paths` (given relative to the cwd)."""
    prefixes = []
    for p in paths:
        rel = os.path.relpath(Path(p).resolve(), root.resolve())
        if rel == ".":
            return list(files)
        if rel.startswith(".."):
            raise UsageError(f"{p}: outside the repository {root}")
        prefixes.append(Path(rel).as_posix())
    return [f for f in files if any(f == p or f.startswith(p + "/") for p in prefixes)]
