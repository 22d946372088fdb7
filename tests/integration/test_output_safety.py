"""A scanned tree never redirects, blocks or widens a report write (issue 18, the output part).

Each refusal is run twice, in-process (`scanner.cli.main`) and as the installed console script,
and must exit 2 with a message naming the path and the link, leave the link's target as it was
(content and mtime) and create nothing there.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scanner.report.output import OutputError, write_report
from tests.audit.conftest import PIXEL_HTML, make_checkout
from tests.integration.helpers import BIN, git, write

FINDING = 'NEW = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'
OLD_TIME = 1_000_000_000  # 2001: a victim's mtime that a write would visibly move
TIMEOUT = 120  # a FIFO opened for writing blocks for ever: a hang fails the test instead

Run = Callable[[list[str], Path], tuple[int, str]]


def _in_process(args: list[str], cwd: Path) -> tuple[int, str]:
    """`main(args)` in `cwd`, in a thread so that a blocking open fails the test instead of hanging it."""
    import contextlib
    import io

    from scanner.cli import main

    result: list[int] = []
    err = io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        def target() -> None:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                result.append(main(args))

        worker = threading.Thread(target=target, daemon=True)
        worker.start()
        worker.join(TIMEOUT)
    finally:
        os.chdir(here)
    if worker.is_alive():
        for fifo in [p for p in cwd.rglob("*") if p.is_fifo()]:  # unblock the writer, then fail
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        pytest.fail(f"tiktok-scan {args} did not return (opened a FIFO?)")
    return result[0], err.getvalue()


def _console_script(args: list[str], cwd: Path) -> tuple[int, str]:
    exe = shutil.which("tiktok-scan", path=str(BIN))
    assert exe is not None
    proc = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    return proc.returncode, proc.stderr


@pytest.fixture(params=[_in_process, _console_script], ids=["in-process", "console-script"])
def run(request: pytest.FixtureRequest) -> Run:
    fn: Run = request.param
    return fn


@pytest.fixture
def checkout(git_repo: Path) -> Path:
    """A repository with a TikTok finding, as a pull request's checkout would be."""
    write(git_repo, {"app/events.py": FINDING})
    return git_repo


@pytest.fixture
def victim(tmp_path: Path) -> Iterator[Path]:
    """A file outside the checkout that the runner can write."""
    path = tmp_path / "victim" / "settings.txt"
    path.parent.mkdir()
    path.write_text("precious\n", encoding="utf-8")
    os.utime(path, (OLD_TIME, OLD_TIME))
    os.utime(path.parent, (OLD_TIME, OLD_TIME))
    yield path
    assert path.read_text(encoding="utf-8") == "precious\n"
    assert path.stat().st_mtime == OLD_TIME
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.txt"]  # nothing created beside it


def _commit(repo: Path, **links: str) -> None:
    for name, target in links.items():
        os.symlink(target, repo / name)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a pull request")


def _scan(run: Run, repo: Path, output: str) -> tuple[int, str]:
    return run(["scan", "--format", "sarif", "-o", output, "--no-progress", "--jobs", "1"], repo)


def test_a_committed_link_at_the_report_is_refused(checkout: Path, victim: Path, run: Run) -> None:
    _commit(checkout, **{"tiktok-scan.sarif": str(victim)})
    code, err = _scan(run, checkout, "tiktok-scan.sarif")
    assert code == 2
    assert (f"tiktok-scan: tiktok-scan.sarif: refusing to write through the symbolic link tiktok-scan.sarif -> "
            f"{victim}\n") in err
    assert (checkout / "tiktok-scan.sarif").is_symlink()
    assert [p.name for p in checkout.iterdir() if p.name.endswith(".tmp")] == []


def test_a_relative_link_is_refused_too(checkout: Path, victim: Path, run: Run) -> None:
    _commit(checkout, **{"tiktok-scan.sarif": "../victim/settings.txt"})
    code, err = _scan(run, checkout, "tiktok-scan.sarif")
    assert code == 2
    assert "tiktok-scan.sarif: refusing to write through the symbolic link tiktok-scan.sarif -> " \
           "../victim/settings.txt" in err


def test_a_dangling_link_creates_nothing_where_it_points(checkout: Path, tmp_path: Path, run: Run) -> None:
    absent = tmp_path / "victim-dir" / "created.sarif"
    absent.parent.mkdir()
    _commit(checkout, **{"tiktok-scan.sarif": str(absent)})
    code, err = _scan(run, checkout, "tiktok-scan.sarif")
    assert code == 2
    assert f"tiktok-scan.sarif: refusing to write through the symbolic link tiktok-scan.sarif -> {absent}" in err
    assert list(absent.parent.iterdir()) == []


def test_a_linked_directory_above_the_report_is_refused(checkout: Path, victim: Path, run: Run) -> None:
    _commit(checkout, reports=str(victim.parent))
    code, err = _scan(run, checkout, "reports/settings.txt")
    assert code == 2
    assert f"reports/settings.txt: refusing to write through the symbolic link reports -> {victim.parent}" in err


def test_a_link_further_down_is_refused(checkout: Path, victim: Path, run: Run) -> None:
    (checkout / "ci").mkdir()
    _commit(checkout, **{"ci/out": str(victim.parent)})
    code, err = _scan(run, checkout, "ci/out/new.sarif")
    assert code == 2
    assert f"ci/out/new.sarif: refusing to write through the symbolic link ci/out -> {victim.parent}" in err


def test_a_fifo_at_the_report_is_refused_without_blocking(checkout: Path, run: Run) -> None:
    os.mkfifo(checkout / "tiktok-scan.sarif")
    code, err = _scan(run, checkout, "tiktok-scan.sarif")
    assert code == 2
    assert "tiktok-scan: tiktok-scan.sarif: is a FIFO (named pipe), not a regular file\n" in err
    assert stat.S_ISFIFO(os.lstat(checkout / "tiktok-scan.sarif").st_mode)


def test_a_directory_at_the_report_is_refused(checkout: Path, run: Run) -> None:
    (checkout / "tiktok-scan.sarif").mkdir()
    code, err = _scan(run, checkout, "tiktok-scan.sarif")
    assert code == 2
    assert "tiktok-scan: tiktok-scan.sarif: is a directory, not a regular file\n" in err
    assert list((checkout / "tiktok-scan.sarif").iterdir()) == []


def test_a_control_character_in_a_link_is_quoted(checkout: Path, tmp_path: Path) -> None:
    """A link text is the scanned tree's: a newline must not start a `::` command line on a CI log."""
    target = "x\n::error::forged"
    os.symlink(target, checkout / "tiktok-scan.sarif")
    code, err = _in_process(["scan", "-o", "tiktok-scan.sarif", "--no-progress", "--jobs", "1"], checkout)
    assert code == 2
    assert f"refusing to write through the symbolic link tiktok-scan.sarif -> {target!r}\n" in err
    assert "\n::error" not in err


# -- what keeps working ----------------------------------------------------------------------------

def _sarif_results(path: Path) -> list[str]:
    run = json.loads(path.read_text(encoding="utf-8"))["runs"][0]
    return [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]


def test_an_existing_report_is_replaced_whole(checkout: Path, run: Run) -> None:
    (checkout / "tiktok-scan.sarif").write_text("an older report, longer than nothing\n" * 1000, encoding="utf-8")
    code, err = _scan(run, checkout, "tiktok-scan.sarif")
    assert code == 1, err
    assert _sarif_results(checkout / "tiktok-scan.sarif") == ["app/events.py"]
    assert sorted(p.name for p in checkout.iterdir()) == [".git", "app", "tiktok-scan.sarif"]  # no temp file left


def test_missing_directories_are_created(checkout: Path, run: Run) -> None:
    code, err = _scan(run, checkout, "out/deep/report.sarif")
    assert code == 1, err
    assert _sarif_results(checkout / "out" / "deep" / "report.sarif") == ["app/events.py"]
    assert sorted(p.name for p in (checkout / "out" / "deep").iterdir()) == ["report.sarif"]


def test_a_link_outside_the_checkout_is_followed(checkout: Path, tmp_path: Path, run: Run) -> None:
    """The user's own link (like /tmp -> /private/tmp on macOS) is not the scanned tree's."""
    (tmp_path / "real-out").mkdir()
    os.symlink(tmp_path / "real-out", tmp_path / "link-out")
    code, err = _scan(run, checkout, str(tmp_path / "link-out" / "sub" / "report.sarif"))
    assert code == 1, err
    assert _sarif_results(tmp_path / "real-out" / "sub" / "report.sarif") == ["app/events.py"]


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_the_report_mode_follows_the_umask(checkout: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        code, err = _in_process(["scan", "-o", "report.txt", "--no-progress", "--jobs", "1"], checkout)
    finally:
        os.umask(old)
    assert code == 1, err
    assert stat.S_IMODE(os.stat(checkout / "report.txt").st_mode) == 0o666 & ~umask


def test_text_is_written_as_write_text_wrote_it(tmp_path: Path) -> None:
    text = "ascii, é, 漢字, \U0001f600, a line\nand another\n"
    write_report(tmp_path / "a.txt", text)
    (tmp_path / "b.txt").write_text(text, encoding="utf-8")
    assert (tmp_path / "a.txt").read_bytes() == (tmp_path / "b.txt").read_bytes()


def test_protected_roots_are_checked_where_they_really_are(checkout: Path, victim: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Reached through a link of the user's (allowed), a link inside a protected root is still refused."""
    os.symlink(victim.parent, checkout / "reports")
    os.symlink(checkout, tmp_path / "alias")
    monkeypatch.chdir(tmp_path / "victim")
    with pytest.raises(OutputError, match=r"refusing to write through the symbolic link .*/repo/reports -> "):
        write_report(tmp_path / "alias" / "reports" / "x.sarif", "{}", protect=[checkout])
    write_report(tmp_path / "alias" / "x.sarif", "{}", protect=[checkout])  # the root itself: fine
    assert (checkout / "x.sarif").read_text(encoding="utf-8") == "{}"


# -- the audit's --out DIR -------------------------------------------------------------------------

@pytest.fixture
def audited(tmp_path: Path) -> Path:
    return make_checkout(tmp_path / "web", {"public/index.html": PIXEL_HTML})


def test_audit_refuses_a_linked_sarif_directory(audited: Path, victim: Path, tmp_path: Path, run: Run) -> None:
    out = tmp_path / "audit-out"
    out.mkdir()
    os.symlink(victim.parent, out / "sarif")
    code, err = run(["audit", str(audited), "--out", str(out), "--jobs", "1", "--no-progress"], tmp_path)
    assert code == 2
    assert f"{out}/sarif: refusing to write through the symbolic link {out}/sarif -> {victim.parent}" in err


def test_audit_refuses_a_linked_report(audited: Path, victim: Path, tmp_path: Path, run: Run) -> None:
    out = tmp_path / "audit-out"
    out.mkdir()
    os.symlink(victim, out / "report.html")
    code, err = run(["audit", str(audited), "--out", str(out), "--jobs", "1", "--no-progress"], tmp_path)
    assert code == 2
    assert f"{out}/report.html: refusing to write through the symbolic link {out}/report.html -> {victim}" in err


def test_audit_refuses_a_linked_history_database(audited: Path, victim: Path, tmp_path: Path, run: Run) -> None:
    out = tmp_path / "audit-out"
    out.mkdir()
    before = victim.read_bytes()
    os.symlink(victim, out / "audit.sqlite")
    code, err = run(["audit", str(audited), "--out", str(out), "--jobs", "1", "--no-progress"], tmp_path)
    assert code == 2
    assert f"{out}/audit.sqlite: refusing to write through the symbolic link" in err
    assert victim.read_bytes() == before


def test_audit_creates_its_out_directory(audited: Path, tmp_path: Path) -> None:
    out = tmp_path / "new" / "audit-out"
    code, err = _in_process(["audit", str(audited), "--out", str(out), "--jobs", "1", "--no-progress"], tmp_path)
    assert code == 1, err
    assert sorted(p.name for p in out.iterdir()) == ["audit.sqlite", "inventory.cdx.json", "report.csv",
                                                     "report.html", "report.md", "sarif"]
    assert sorted(p.name for p in (out / "sarif").iterdir()) == ["web.sarif"]
