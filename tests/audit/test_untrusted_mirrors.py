"""Audited folders are data: a bare mirror's git config never makes the audit run a program.

Each hostile shape is built at test time with real git (the only place git runs), and proved
hostile: real git reading it runs the command its config names. The audit, in-process and as the
real CLI, must then start no program but its own Python workers, and still report every intact file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scanner.audit.run import AuditOptions, Task, scan_task
from scanner.audit.sources import MirrorError, Unread, bare_blobs, classify, discover
from scanner.cli import main
from scanner.model import SkipReason
from scanner.rules import default_signature_dir, load_packs
from tests.audit.conftest import (
    GIT,
    HOSTILE_CONFIG,
    PIXEL_HTML,
    REQUIREMENTS_SDK,
    git_out,
    loose_path,
    make_bare_mirror,
    make_checkout,
    make_hostile_mirror,
)
from tests.conftest import REPO
from tests.process_starts import CHILD_HOOK_DIR, Start, foreign, watching

INTACT = {("public/index.html", 2, "TT303"), ("requirements.txt", 1, "TT103")}


def _results(sarif: Path) -> tuple[set[tuple[str, int, str]], list[dict[str, Any]]]:
    run = json.loads(sarif.read_text())["runs"][0]
    found = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in run["results"]}
    return found, run["invocations"][0]["toolExecutionNotifications"]


def _missing_note(path: str, oid: str) -> str:
    return f"{path}: object {oid} missing from the repository (partial clone?); not fetched"


@pytest.mark.parametrize("missing", ["blob", "tree"])
def test_in_process_audit_of_a_hostile_mirror_starts_no_program(tmp_path: Path, missing: str) -> None:
    mirror, oid, marker = make_hostile_mirror(tmp_path, missing)
    missing_path = "vendor/pixel.js" if missing == "blob" else "vendor"
    assert classify(mirror) == "bare"
    with watching() as worker_starts:  # what a pool worker runs, here in this process
        result = scan_task(Task(discover([str(mirror)])[0]), AuditOptions())
    assert {(f.location.path, f.location.start_line, f.rule_id) for f in result.findings} == INTACT
    assert [(n.path, n.reason, n.message) for n in result.notifications] == [
        (missing_path, SkipReason.UNREADABLE, _missing_note(missing_path, oid))]
    out = tmp_path / "out"
    with watching() as cli_starts:
        code = main(["audit", str(mirror), "--out", str(out), "--jobs", "1", "--no-progress"])
    assert code == 1  # findings, and no failed repository
    found, notes = _results(out / "sarif" / f"hostile-{missing}.sarif")
    assert found == INTACT
    assert [n["message"]["text"] for n in notes] == [_missing_note(missing_path, oid)]
    assert foreign(worker_starts + cli_starts) == []
    # reading a mirror runs no program; its blobs are analyzed in a forked scan worker (a fork, no exec)
    assert {s.event for s in worker_starts} <= {"os.fork"}
    assert not marker.exists()


def _run_cli_watched(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """`python -m scanner ARGS` with every one of its Python processes logging its program starts."""
    log = tmp_path / "starts.jsonl"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([CHILD_HOOK_DIR, str(REPO)]), TIKTOK_SCAN_TEST_STARTS=str(log))
    proc = subprocess.run([sys.executable, "-m", "scanner", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    starts = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return proc, starts


def test_the_child_hook_sees_program_starts(tmp_path: Path) -> None:
    """The positive control for the CLI test below: the hook does log a program a child starts."""
    log = tmp_path / "starts.jsonl"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([CHILD_HOOK_DIR, str(REPO)]), TIKTOK_SCAN_TEST_STARTS=str(log))
    subprocess.run([sys.executable, "-c", "import subprocess; subprocess.run(['true'])"], env=env, check=True)
    starts = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(s["event"], s["argv"]) for s in starts] == [("subprocess.Popen", ["true"])]
    assert foreign([Start(s["event"], s["program"], tuple(s["argv"])) for s in starts])


def test_cli_audit_of_hostile_mirrors_starts_no_program(tmp_path: Path) -> None:
    blob_mirror, blob_id, blob_marker = make_hostile_mirror(tmp_path, "blob")
    tree_mirror, tree_id, tree_marker = make_hostile_mirror(tmp_path, "tree")
    out = tmp_path / "out"
    proc, starts = _run_cli_watched(tmp_path, "audit", str(blob_mirror), str(tree_mirror), "--out", str(out),
                                    "--jobs", "2", "--no-progress")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "0 failed" in proc.stdout
    assert foreign([Start(s["event"], s["program"], tuple(s["argv"])) for s in starts]) == []
    assert not blob_marker.exists() and not tree_marker.exists()
    for name, note in (("hostile-blob", _missing_note("vendor/pixel.js", blob_id)),
                       ("hostile-tree", _missing_note("vendor", tree_id))):
        found, notes = _results(out / "sarif" / f"{name}.sarif")
        assert found == INTACT, name
        assert [n["message"]["text"] for n in notes] == [note]


def test_a_folder_that_only_looks_like_a_bare_repository_is_scanned_as_plain_files(tmp_path: Path) -> None:
    fake = tmp_path / "fake.git"
    (fake / "refs" / "heads").mkdir(parents=True)
    (fake / "objects").mkdir()
    (fake / "HEAD").write_text("not a ref\n")
    marker = tmp_path / "marker"
    (fake / "config").write_text(HOSTILE_CONFIG.format(marker=marker))
    (fake / "requirements.txt").write_text(REQUIREMENTS_SDK)
    (spec,) = discover([str(fake)])
    assert (spec.kind, spec.note) == ("artifacts", "looks like a bare git repository but is not a readable one "
                                      "(HEAD: HEAD is not an object id: b'not a ref'); scanned as plain files")
    out = tmp_path / "out"
    with watching() as starts:
        code = main(["audit", str(fake), "--out", str(out), "--jobs", "1", "--no-progress"])
    assert code == 1 and foreign(starts) == [] and not marker.exists()
    found, notes = _results(out / "sarif" / "fake.sarif")
    assert found == {("requirements.txt", 1, "TT103")}
    assert [n["message"]["text"] for n in notes] == [f"HEAD: {spec.note}"]


@pytest.mark.parametrize(("head", "why"), [
    ("ref: refs/heads/main\n", "HEAD: refs/heads/main does not exist (no commit yet?)"),
    ("ref: refs/../../etc/passwd\n", "HEAD: HEAD points to an invalid ref name b'refs/../../etc/passwd'"),
    ("0" * 40 + "\n", f"HEAD commit {'0' * 40} is missing from the repository"),
])
def test_a_head_that_does_not_resolve_to_a_readable_commit_is_not_a_bare_repository(
        tmp_path: Path, head: str, why: str) -> None:
    repo = tmp_path / "r.git"
    subprocess.run([*GIT, "init", "-q", "--bare", str(repo)], check=True)
    (repo / "HEAD").write_text(head)
    (spec,) = discover([str(repo)])
    assert spec.kind == "artifacts"
    assert spec.note == f"looks like a bare git repository but is not a readable one ({why}); scanned as plain files"
    with pytest.raises(MirrorError, match="HEAD"):
        list(bare_blobs(str(repo), 1 << 20))


def test_head_resolves_through_packed_refs_and_detached_ids(tmp_path: Path) -> None:
    source = make_checkout(tmp_path / "src", {"requirements.txt": REQUIREMENTS_SDK})
    mirror = make_bare_mirror(tmp_path / "m.git", source)
    subprocess.run([*GIT, "--git-dir", str(mirror), "pack-refs", "--all"], check=True)
    assert not (mirror / "refs" / "heads" / "main").exists() and (mirror / "packed-refs").is_file()
    assert [f.path for f in bare_blobs(str(mirror), 1 << 20)] == ["requirements.txt"]
    (mirror / "HEAD").write_text(git_out("--git-dir", str(mirror), "rev-parse", "HEAD") + "\n")
    assert classify(mirror) == "bare"
    assert [f.path for f in bare_blobs(str(mirror), 1 << 20)] == ["requirements.txt"]


def test_alternates_are_never_followed(tmp_path: Path) -> None:
    """`objects/info/alternates` may name any directory; the object it would supply stays missing."""
    mirror, oid, marker = make_hostile_mirror(tmp_path, "blob")
    (mirror / "objects" / "info").mkdir(exist_ok=True)
    (mirror / "objects" / "info" / "alternates").write_text(f"{tmp_path / 'src-blob' / '.git' / 'objects'}\n")
    assert (tmp_path / "src-blob" / ".git" / "objects" / oid[:2] / oid[2:]).is_file()
    entries = {f.path: f for f in bare_blobs(str(mirror), 1 << 20)}
    assert (entries["vendor/pixel.js"].unread, entries["vendor/pixel.js"].object_id) == (Unread.MISSING, oid)
    assert entries["requirements.txt"].content == REQUIREMENTS_SDK.encode()
    assert not marker.exists()


def test_links_and_fifos_inside_a_mirror_are_never_opened(tmp_path: Path) -> None:
    source = make_checkout(tmp_path / "src", {"a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n"})
    mirror = make_bare_mirror(tmp_path / "m.git", source)
    ids = {name: git_out("--git-dir", str(mirror), "rev-parse", f"HEAD:{name}") for name in ("a.txt", "b.txt")}
    outside = tmp_path / "outside-object"
    shutil.copy(loose_path(mirror, ids["a.txt"]), outside)
    loose_path(mirror, ids["a.txt"]).unlink()
    os.symlink(outside, loose_path(mirror, ids["a.txt"]))  # a link out of the mirror: never followed
    loose_path(mirror, ids["b.txt"]).unlink()
    os.mkfifo(loose_path(mirror, ids["b.txt"]))  # opening it for reading would block for ever
    entries = {f.path: f for f in bare_blobs(str(mirror), 1 << 20)}
    assert entries["c.txt"].content == b"c\n"
    for name in ("a.txt", "b.txt"):
        assert (entries[name].unread, entries[name].object_id) == (Unread.CORRUPT, ids[name])
        assert "not a regular file" in entries[name].detail
    # a link anywhere in the ref path is refused too: HEAD's branch leads out of the mirror
    (tmp_path / "elsewhere").write_text(git_out("--git-dir", str(mirror), "rev-parse", "HEAD") + "\n")
    os.symlink(tmp_path / "elsewhere", mirror / "refs" / "heads" / "main")  # a loose ref beats packed-refs
    assert classify(mirror) == "artifacts"
    assert "refs/heads/main: not a regular file" in discover([str(mirror)])[0].note


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_bare_blobs_matches_git_on_a_packed_mirror_with_deltas(tmp_path: Path) -> None:
    """The same files, in the same order and with the same bytes as `git ls-tree -r` / `cat-file`,
    on a repacked mirror where most blobs at HEAD are deltas; links and submodules are skipped."""
    src = make_checkout(tmp_path / "src", {"big.txt": "".join(f"line {i} of the file\n" for i in range(4000)),
                                           "requirements.txt": REQUIREMENTS_SDK})
    for version in range(5):  # later versions shrink, so git stores them as deltas of the older ones
        text = "".join(f"line {i} of the file\n" for i in range(4000 - 500 * version))
        (src / "big.txt").write_text(text)
        (src / "dir" / f"v{version}").mkdir(parents=True)
        (src / "dir" / f"v{version}" / "copy.txt").write_text(text[: 1000 * (version + 1)])
        subprocess.run([*GIT, "-C", str(src), "add", "-A"], check=True)
        subprocess.run([*GIT, "-C", str(src), "commit", "-qm", f"v{version}"], check=True)
    os.symlink("big.txt", src / "link.txt")
    commit = git_out("-C", str(src), "rev-parse", "HEAD")
    subprocess.run([*GIT, "-C", str(src), "update-index", "--add", "--cacheinfo", f"160000,{commit},sub"], check=True)
    subprocess.run([*GIT, "-C", str(src), "add", "link.txt"], check=True)
    subprocess.run([*GIT, "-C", str(src), "commit", "-qm", "link and submodule"], check=True)
    mirror = make_bare_mirror(tmp_path / "m.git", src)
    subprocess.run([*GIT, "--git-dir", str(mirror), "repack", "-adfq", "--depth=50", "--window=50"], check=True)
    assert not list((mirror / "objects").glob("??/*"))  # everything is in the pack now
    listing = git_out("--git-dir", str(mirror), "ls-tree", "-r", "HEAD").splitlines()
    want = [(line.split("\t")[1], line.split()[2]) for line in listing if line.split()[:2] == ["100644", "blob"]]
    got = [(f.path, _blob_id(f.content)) for f in bare_blobs(str(mirror), 1 << 20) if f.content is not None]
    assert got == want and len(want) == 7
    (index,) = (mirror / "objects" / "pack").glob("*.idx")
    verify = git_out("--git-dir", str(mirror), "verify-pack", "-v", str(index))
    deltas = {line.split()[0] for line in verify.splitlines() if len(line.split()) == 7}
    assert len(deltas & {oid for _, oid in want}) >= 3  # the delta reader was exercised
    small = {f.path: f for f in bare_blobs(str(mirror), 100)}
    assert small["requirements.txt"].content == REQUIREMENTS_SDK.encode()
    assert (small["big.txt"].unread, small["big.txt"].size) == (Unread.TOO_LARGE, len((src / "big.txt").read_bytes()))


def test_audits_never_read_the_scanned_repository_configuration(tmp_path: Path) -> None:
    """A repository's `.tiktok-scan.toml` (and `[tool.tiktok-scan]`) would hide every finding if it
    were read; the audit reports them all. A scan of the same tree, which does read it, shows the
    configuration is valid and would hide them."""
    rules = [r.id for r in load_packs([default_signature_dir()]).rules]
    config = ('exclude = ["**"]\ndisable-packs = ["tiktok"]\n'
              f'[[allow]]\nrules = {json.dumps(rules)}\nreason = "the audited repository says so"\n'
              '[[allow]]\npaths = ["**"]\n')
    pyproject = "[tool.tiktok-scan]\n" + config.replace("[[allow]]", "[[tool.tiktok-scan.allow]]")
    repo = make_checkout(tmp_path / "app", {".tiktok-scan.toml": config, "pyproject.toml": pyproject,
                                            "public/index.html": PIXEL_HTML, "requirements.txt": REQUIREMENTS_SDK})
    mirror = make_bare_mirror(tmp_path / "app-mirror.git", repo)
    scanned = subprocess.run([sys.executable, "-m", "scanner", "scan", ".", "--format", "json"], cwd=repo,
                             capture_output=True, text=True, check=False)
    assert scanned.returncode == 0 and json.loads(scanned.stdout)["findings"] == [], scanned.stderr
    out = tmp_path / "out"
    assert main(["audit", str(repo), str(mirror), "--out", str(out), "--jobs", "1", "--no-progress"]) == 1
    for name in ("app", "app-mirror"):
        found, _ = _results(out / "sarif" / f"{name}.sarif")
        assert found >= INTACT, name


def test_audits_do_not_honour_the_audited_code_s_inline_suppressions(tmp_path: Path) -> None:
    """`tiktok-scan: ignore` comments hide findings from the repository's own scans, not from an
    audit of it (checkout and bare mirror alike)."""
    html = PIXEL_HTML.replace("</script>", "</script> <!-- tiktok-scan: ignore -->")
    repo = make_checkout(tmp_path / "app", {"public/index.html": html})
    mirror = make_bare_mirror(tmp_path / "app-mirror.git", repo)
    scanned = subprocess.run([sys.executable, "-m", "scanner", "scan", ".", "--format", "json"], cwd=repo,
                             capture_output=True, text=True, check=False)
    assert scanned.returncode == 0, scanned.stdout  # the comment does suppress in a scan
    out = tmp_path / "out"
    assert main(["audit", str(repo), str(mirror), "--out", str(out), "--jobs", "1", "--no-progress"]) == 1
    for name in ("app", "app-mirror"):
        found, _ = _results(out / "sarif" / f"{name}.sarif")
        assert found == {("public/index.html", 2, "TT303")}, name


def test_the_audit_modules_never_load_a_configuration_file() -> None:
    import ast

    for module in sorted((REPO / "scanner" / "audit").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert "scanner.config.files" not in imported, module
        assert not {"find_config", "load_config", "_file_config"} & {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}, module


def _put_loose(mirror: Path, oid: str, kind: str, content: bytes) -> None:
    """An object stored under any id: a mirror's objects are not checked against their ids."""
    import zlib

    loose_path(mirror, oid).parent.mkdir(exist_ok=True)
    loose_path(mirror, oid).write_bytes(zlib.compress(f"{kind} {len(content)}\0".encode() + content))


def test_hostile_trees_and_objects_end_as_notes_never_as_a_hang_or_a_path(tmp_path: Path) -> None:
    """A tree that contains itself, entries named `..` or with a slash, an undecodable object and
    an object of the wrong type: each is one unread entry, the walk ends, the rest is read."""
    source = make_checkout(tmp_path / "src", {"requirements.txt": REQUIREMENTS_SDK})
    mirror = make_bare_mirror(tmp_path / "m.git", source)
    good = git_out("--git-dir", str(mirror), "rev-parse", "HEAD:requirements.txt")
    loop, dots, root, commit, garbage = (f"{n:040x}" for n in (0xA1, 0xA2, 0xA3, 0xA4, 0xA5))

    def entry(mode: str, name: bytes, oid: str) -> bytes:
        return mode.encode() + b" " + name + b"\0" + bytes.fromhex(oid)

    _put_loose(mirror, loop, "tree", entry("40000", b"again", loop) + entry("100644", b"in-loop.txt", good))
    _put_loose(mirror, dots, "tree", entry("100644", b"..", good) + entry("100644", b"a/b", good))
    _put_loose(mirror, root, "tree", entry("100644", b"broken.txt", garbage) + entry("40000", b"dots", dots)
               + entry("40000", b"loop", loop) + entry("100644", b"not-a-blob.txt", loop)
               + entry("100644", b"requirements.txt", good))
    loose_path(mirror, garbage).parent.mkdir(exist_ok=True)
    loose_path(mirror, garbage).write_bytes(b"\x78\x9c not zlib at all")
    _put_loose(mirror, commit, "commit", f"tree {root}\nauthor a <a> 0 +0000\n\nhostile\n".encode())
    (mirror / "HEAD").write_text(commit + "\n")
    got = [(f.path, f.unread, f.object_id) for f in bare_blobs(str(mirror), 1 << 20)]
    assert got == [
        ("broken.txt", Unread.CORRUPT, garbage),
        ("dots", Unread.CORRUPT, dots), ("dots", Unread.CORRUPT, dots),
        ("loop/again", Unread.CORRUPT, loop), ("loop/in-loop.txt", None, ""),
        ("not-a-blob.txt", Unread.CORRUPT, loop),
        ("requirements.txt", None, ""),
    ]
    details = {f.path: f.detail for f in bare_blobs(str(mirror), 1 << 20)}
    assert details["loop/again"] == "the tree contains itself"
    assert details["not-a-blob.txt"] == "ValueError: a tree, not a blob"
