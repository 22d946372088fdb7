"""Scale-out: a real Dask scheduler and two workers on loopback give the same results as a local audit,
and a worker killed in the middle of an audit loses nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.audit.conftest import make_fleet
from tests.conftest import REPO, run_cli

pytest.importorskip("distributed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_worker(address: str, name: str) -> subprocess.Popen[bytes]:
    # no nanny: killing this process kills the worker (a nanny would restart it)
    return subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--no-nanny",
                             "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1", "--name", name],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)


@pytest.fixture
def cluster() -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    from distributed import Client

    address = f"tcp://127.0.0.1:{_free_port()}"
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                  "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = [_start_worker(address, f"w{i}") for i in range(2)]
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    if len(client.scheduler_info()["workers"]) == 2:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the Dask cluster did not start")
            time.sleep(0.5)
        yield address, workers
    finally:
        for proc in (*workers, scheduler):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (*workers, scheduler):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _results(out: Path) -> dict[str, list[tuple[str, str, int, str]]]:
    """Per repository: (rule, uri, line, fingerprint) of every result, from the written SARIF."""
    out_map = {}
    for sarif in sorted((out / "sarif").glob("*.sarif")):
        run = json.loads(sarif.read_text())["runs"][0]
        out_map[sarif.stem] = sorted(
            (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["partialFingerprints"]["primaryLocationLineHash"]) for r in run["results"])
    return out_map


@pytest.mark.slow
def test_dask_audit_equals_local_audit(tmp_path: Path, cluster: tuple[str, list[subprocess.Popen[bytes]]]) -> None:
    address, _ = cluster
    repos = [str(p) for p in make_fleet(tmp_path / "fleet")]
    local = run_cli("audit", *repos, "--out", str(tmp_path / "local"))
    remote = run_cli("audit", *repos, "--out", str(tmp_path / "dask"), "--dask-scheduler", address)
    assert local.returncode == remote.returncode == 1, remote.stderr
    assert _results(tmp_path / "dask") == _results(tmp_path / "local")
    assert sum(len(v) for v in _results(tmp_path / "local").values()) > 10


def _big_fleet(base: Path, count: int, files: int) -> list[Path]:
    repos = []
    for i in range(count):
        repo = base / f"repo{i:02}"
        shutil.copytree(REPO / "examples", repo)
        bulk = repo / "bulk"
        bulk.mkdir()
        for j in range(files):
            (bulk / f"m{j:04}.js").write_text(f"export const v{j} = {j};\n" * 20)
        repos.append(repo)
    return repos


@pytest.mark.slow
def test_killed_worker_loses_no_results(tmp_path: Path, cluster: tuple[str, list[subprocess.Popen[bytes]]]) -> None:
    address, workers = cluster
    repos = [str(p) for p in _big_fleet(tmp_path / "fleet", count=10, files=1500)]
    db = tmp_path / "dask" / "audit.sqlite"
    audit = subprocess.Popen([sys.executable, "-m", "scanner", "audit", *repos, "--out", str(tmp_path / "dask"),
                              "--dask-scheduler", address], cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    # kill a worker as soon as the first repository is stored: the audit is then mid-way
    deadline = time.monotonic() + 300
    stored = 0
    while time.monotonic() < deadline and audit.poll() is None:
        if db.exists():
            try:
                stored = sqlite3.connect(db).execute("SELECT COUNT(*) FROM repos").fetchone()[0]
            except sqlite3.Error:
                stored = 0
            if stored >= 1:
                break
        time.sleep(0.05)
    assert audit.poll() is None and 1 <= stored < len(repos), "the audit must still be running"
    os.kill(workers[0].pid, signal.SIGKILL)
    stdout, stderr = audit.communicate(timeout=600)
    assert audit.returncode == 1, stderr
    assert f"{len(repos)} repositories, 0 failed" in stdout
    local = run_cli("audit", *repos, "--out", str(tmp_path / "local"))
    assert local.returncode == 1
    assert _results(tmp_path / "dask") == _results(tmp_path / "local")
