"""Hyperscan has no wheel on some runners (Linux arm64, Intel macOS): there `pip install` leaves it
out (an environment marker in pyproject.toml) and `engine="auto"` takes the pure-Python `re`
prefilter. Both engines must give the same findings on every fixture tree."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.core.prefilter import Needles, Prefilter
from scanner.core.run import run_scan
from tests.conftest import REPO

TREES = [REPO / "tests" / "fixtures", REPO / "examples"]
NEEDLES = Needles(literals=("tiktok",), domains=frozenset(), markers=frozenset(), schemes=frozenset(), classes=())


def _findings(root: Path, engine: str) -> tuple[str, list[tuple[str, str, tuple[str, ...], int, int, int | None]]]:
    result = run_scan(ScanConfig(roots=[str(root)], jobs=1, prefilter_engine=engine, srcroot=str(root)))
    keys = [(f.rule_id, f.location.path, f.location.members, f.location.start_line, f.location.start_column,
             f.location.byte_offset) for f in result.findings]
    return str(result.extra["prefilter"]), sorted(keys)


@pytest.fixture
def no_hyperscan(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a platform without a hyperscan wheel: `import hyperscan` raises ImportError."""
    monkeypatch.setitem(sys.modules, "hyperscan", None)


def test_auto_falls_back_to_re_without_hyperscan(no_hyperscan: None) -> None:
    prefilter = Prefilter(NEEDLES, engine="auto")
    assert prefilter.engine == "re"
    assert prefilter.hits(b"a TikTok b") == [(0, 8)]
    with pytest.raises(ImportError):
        Prefilter(NEEDLES, engine="hyperscan")  # asked for by name: no silent fallback


def test_auto_engine_is_hyperscan_where_installed() -> None:
    pytest.importorskip("hyperscan")
    assert Prefilter(NEEDLES, engine="auto").engine == "hyperscan"


@pytest.mark.parametrize("root", TREES, ids=lambda p: p.name)
def test_engines_give_identical_findings(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, reference = _findings(root, "re")
    assert engine == "re"
    assert len(reference) > 20
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        pass
    else:
        assert _findings(root, "hyperscan") == ("hyperscan", reference)
        assert _findings(root, "auto") == ("hyperscan", reference)
    monkeypatch.setitem(sys.modules, "hyperscan", None)
    assert _findings(root, "auto") == ("re", reference)


def test_hyperscan_is_required_only_where_it_has_wheels() -> None:
    """hyperscan 0.9.1 wheels: Linux x86_64, macOS arm64, Windows x64; none for Linux aarch64, Intel macOS."""
    tomllib = pytest.importorskip("tomllib")
    from packaging.requirements import Requirement

    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (req,) = [Requirement(d) for d in deps if d.startswith("hyperscan")]
    assert req.marker is not None
    wheels = {("linux", "x86_64"): True, ("darwin", "arm64"): True, ("win32", "AMD64"): True,
              ("linux", "aarch64"): False, ("darwin", "x86_64"): False, ("win32", "ARM64"): False}
    for (platform, machine), installed in wheels.items():
        env = {"sys_platform": platform, "platform_machine": machine, "platform_python_implementation": "CPython"}
        assert req.marker.evaluate(env) is installed, (platform, machine)
