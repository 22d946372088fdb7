"""A scanned checkout never makes tiktok-scan run a program (issue 18).

Each hostile shape is built at test time in a real repository: a configured program (fsmonitor,
pager, external diff, textconv, diff command, clean/smudge/process filter selected by a committed
`.gitattributes`, hooks, a promisor remote with an `ext::` or ssh transport behind a missing tree).
The payload creates a marker file. `scan --since`, `scan --staged` and `scan --pre-commit` run under
an audit hook that records every program start: only the reviewed git invocations may start, and the
marker must never appear. A control then runs plain git on the same repository and shows that the
payload is live, so a passing test is not a vacuous one.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.integration.helpers import git, write
from tests.process_starts import Start, foreign, watching

Cli = Callable[..., tuple[int, str, str]]

OLD = 'OLD = "https://open.tiktokapis.com/v2/user/info/"\n'
NEW = 'NEW = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'
HOOKS = ("pre-commit", "post-checkout", "post-index-change", "reference-transaction", "fsmonitor-watchman",
         "pre-auto-gc", "post-merge", "push-to-checkout")


@dataclass(frozen=True)
class Hostile:
    name: str
    config: tuple[tuple[str, str], ...]  # `PAYLOAD` in a value is the payload script
    attributes: str = ""
    missing_tree: bool = False  # delete the base commit's `legacy` tree object
    control: tuple[str, ...] = ()  # plain git arguments that run the payload (empty: no control)
    hooks: bool = False
    env: dict[str, str] = field(default_factory=dict)


PROMISOR = (("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
            ("remote.origin.promisor", "true"), ("remote.origin.partialclonefilter", "blob:none"))
SHAPES = [
    Hostile("fsmonitor", (("core.fsmonitor", "PAYLOAD"),), control=("status",)),
    Hostile("pager", (("core.pager", "PAYLOAD"), ("pager.diff", "PAYLOAD"))),  # a pager needs a terminal
    Hostile("diff-external", (("diff.external", "PAYLOAD"),), control=("diff", "HEAD~1")),
    Hostile("textconv", (("diff.evil.textconv", "PAYLOAD"),), "* diff=evil\n", control=("diff", "HEAD~1")),
    Hostile("diff-command", (("diff.evil.command", "PAYLOAD"),), "* diff=evil\n", control=("diff", "HEAD~1")),
    Hostile("filter-clean", (("filter.evil.clean", "PAYLOAD"), ("filter.evil.smudge", "PAYLOAD")),
            "* filter=evil\n", control=("diff", "--name-only", "HEAD")),
    Hostile("filter-process", (("filter.evil.process", "PAYLOAD"), ("filter.evil.required", "true")),
            "* filter=evil\n", control=("diff", "--name-only", "HEAD")),
    Hostile("promisor-ext", (*PROMISOR, ("remote.origin.url", "ext::PAYLOAD"), ("protocol.ext.allow", "always")),
            missing_tree=True, control=("ls-tree", "-r", "main")),
    Hostile("promisor-ssh", (*PROMISOR, ("remote.origin.url", "ssh://example.invalid/x.git"),
                             ("core.sshCommand", "PAYLOAD"), ("protocol.ssh.allow", "always")),
            missing_tree=True, control=("ls-tree", "-r", "main")),
    Hostile("hooks", (), hooks=True),
]


def _build(tmp_path: Path, shape: Hostile) -> tuple[Path, Path]:
    """A repository with a branch `feature` off `main`, a staged file, and the hostile config last."""
    repo, marker = tmp_path / "repo", tmp_path / "payload-ran"
    payload = tmp_path / "payload.sh"
    payload.write_text(f"#!/bin/sh\ntouch '{marker}'\nexit 0\n", encoding="utf-8")
    payload.chmod(0o755)
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, {"legacy/old.py": OLD, "app/clean.py": "print('hello')\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    base_legacy = git(repo, "rev-parse", "HEAD:legacy").strip()
    git(repo, "checkout", "-qb", "feature")
    write(repo, {"legacy/old.py": OLD + "# touched\n", "app/new.py": NEW})
    if shape.attributes:
        write(repo, {".gitattributes": shape.attributes})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "feature")
    write(repo, {"app/staged.py": NEW})
    git(repo, "add", "app/staged.py")
    write(repo, {"app/clean.py": "print('hello, world')\n"})  # an unstaged change
    for key, value in shape.config:
        git(repo, "config", key, value.replace("PAYLOAD", str(payload)))
    if shape.hooks:
        for hook in HOOKS:
            target = repo / ".git" / "hooks" / hook
            target.write_text(payload.read_text(encoding="utf-8"), encoding="utf-8")
            target.chmod(0o755)
    if shape.missing_tree:
        (repo / ".git" / "objects" / base_legacy[:2] / base_legacy[2:]).unlink()
    future = 2_000_000_000  # every work-tree file looks modified: git must re-read (and filter) it
    for path in repo.rglob("*.py"):
        os.utime(path, (future, future))
    return repo, marker


def _reviewed(start: Start) -> bool:
    """Our git invocations: no pager, overrides first, every transport refused by the environment."""
    env = start.env
    return start.argv[:4] == ("git", "--no-pager", "-c", "core.fsmonitor=false") and env is not None \
        and env.get("GIT_ALLOW_PROTOCOL") == "" and not any(k.startswith("GIT_CONFIG_") and k != "GIT_CONFIG_NOSYSTEM"
                                                            for k in env)


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_a_hostile_checkout_runs_nothing(shape: Hostile, tmp_path: Path, run_cli: Cli) -> None:
    repo, marker = _build(tmp_path, shape)
    outcomes = {}
    with watching() as starts:
        outcomes["since"] = run_cli(["scan", "--since", "main", "--no-progress"], cwd=repo)
        outcomes["staged"] = run_cli(["scan", "--staged", "--no-progress"], cwd=repo)
        since_and_staged = foreign(starts)
        starts.clear()
        outcomes["pre-commit"] = run_cli(["scan", "--pre-commit", "app/new.py", "app/staged.py"], cwd=repo)
        assert foreign(starts) == [], "the pre-commit hook mode never runs a program"
    assert not marker.exists(), f"{shape.name}: the payload ran"
    assert since_and_staged, "diff scans ask git"
    assert all(_reviewed(s) for s in since_and_staged), since_and_staged
    for mode, (code, out, err) in outcomes.items():
        if shape.missing_tree and mode == "since":
            # the tree a lazy fetch would bring is not fetched: a clear usage error, nothing run
            assert code == 2 and "unable to read tree" in err, (mode, err)
            continue
        assert code == 1, (mode, out, err)
        assert "app/staged.py:1:8: error [TT302]" in out if mode != "since" else "app/new.py:1:8: error [TT302]" in out

    if shape.control:  # the same repository makes plain git run the payload: the shape is live
        subprocess.run(["git", *shape.control], cwd=repo, capture_output=True, stdin=subprocess.DEVNULL,
                       env={k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, check=False,
                       timeout=60)
        assert marker.exists(), f"{shape.name}: control did not run the payload; the shape is not hostile"


def test_audit_of_a_hostile_checkout_runs_no_program(tmp_path: Path, run_cli: Cli) -> None:
    """An audit reads files and objects itself: not even the reviewed git invocations start."""
    shapes = {s.name: s for s in SHAPES}
    repos = []
    for name in ("filter-clean", "promisor-ext", "fsmonitor", "hooks"):
        (tmp_path / name).mkdir()
        repo, marker = _build(tmp_path / name, shapes[name])
        repos.append((repo, marker))
    out = tmp_path / "audit-out"
    with watching() as starts:
        code, _, err = run_cli(["audit", *[str(r) for r, _ in repos], "--out", str(out), "--jobs", "1"])
    assert code == 1, err
    assert foreign(starts) == []
    assert not any(marker.exists() for _, marker in repos)
    sarifs = sorted((out / "sarif").glob("*.sarif"))
    assert len(sarifs) == len(repos)
    for sarif in sarifs:
        assert '"uri": "app/new.py"' in sarif.read_text(encoding="utf-8"), sarif.name
