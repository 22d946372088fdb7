"""The prefilter's per-file hit cap stops matching and keeps what was found: the file's findings up
to the cap, the rest of its archive, and one `limit` notification saying so."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.core.prefilter import MAX_HITS_PER_FILE, Needles, Prefilter
from scanner.core.run import run_scan
from scanner.model import SkipReason
from scanner.rules import load_packs

PIXEL = b"https://analytics.tiktok.com/i18n/pixel/events.js"
REAL = b'fetch("https://business-api.tiktok.com/open_api/v1.3/event/track/")\n'


@pytest.fixture(scope="module")
def needles() -> Needles:
    return Needles.from_rules(load_packs())


@pytest.mark.parametrize("engine", ["hyperscan", "re"])
def test_the_cap_stops_the_pass_and_keeps_the_hits(needles: Needles, engine: str) -> None:
    if engine == "hyperscan":
        pytest.importorskip("hyperscan")
    prefilter = Prefilter(needles, engine=engine)
    data = PIXEL * 50
    everything, capped = prefilter.capped_hits(data)
    assert not capped and len(everything) >= 50
    first, capped = prefilter.capped_hits(data, limit=7)
    assert capped and len(first) == 7
    assert prefilter.hits(data, limit=7) == first
    assert prefilter.has_candidate(data) and not prefilter.has_candidate(b"nothing here")


def test_a_capped_member_keeps_its_findings_and_the_rest_of_its_archive(tmp_path: Path) -> None:
    # a random tail on each URL keeps the member under the compression-ratio limit
    big = b"\n".join(PIXEL + b"?v=" + os.urandom(4).hex().encode() for _ in range(MAX_HITS_PER_FILE))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", big)
        zf.writestr("real.js", REAL)
    (tmp_path / "b.zip").write_bytes(buf.getvalue())
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path)))
    members = {(f.location.members, f.rule_id) for f in result.findings}
    assert members == {(("big.txt",), "TT303"), (("real.js",), "TT302")}
    real = [f for f in result.findings if f.location.members == ("real.js",)]
    assert [(f.location.start_line, f.location.start_column) for f in real] == [(1, 8)]
    first = min(f.location.start_line for f in result.findings if f.location.members == ("big.txt",))
    assert first == 1
    limits = [n for n in result.notifications if n.reason is SkipReason.LIMIT]
    assert [n.path for n in limits] == ["b.zip!/big.txt"]
    assert "prefilter hits" in limits[0].message
    assert not [n for n in result.notifications if n.reason is SkipReason.ANALYZER_ERROR]
