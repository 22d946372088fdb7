"""Paths are data: a file or archive member whose name is not UTF-8 is scanned and reported, and
every output stays valid (SARIF URIs percent-encoded from the raw bytes, text and JSON escaped)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from scanner.report.escape import clean_strings, escape_surrogates, path_bytes
from tests.sarif_tools import schema_errors

REPO = Path(__file__).resolve().parents[2]
CODE = b'fetch("https://business-api.tiktok.com/open_api/v1.3/event/track/")\n'

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"),
                                reason="the file system must accept names that are not UTF-8")


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    with open(os.path.join(os.fsencode(root), b"bad\xff.js"), "wb") as fh:
        fh.write(CODE)
    (root / "ok.js").write_bytes(CODE)
    with tarfile.open(root / "a.tar.gz", "w:gz", encoding="utf-8", errors="surrogateescape") as tar:
        info = tarfile.TarInfo(os.fsdecode(b"m\xfe.js"))
        info.size = len(CODE)
        tar.addfile(info, io.BytesIO(CODE))
    return root


def _scan(root: Path, fmt: str, out: Path) -> bytes:
    proc = subprocess.run([sys.executable, "-m", "scanner", "scan", str(root), "-f", fmt, "-o", str(out)],
                          cwd=REPO, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr
    data = out.read_bytes()
    data.decode("utf-8")  # strict: no surrogate went out as a raw byte
    return data


def test_sarif_uris_keep_the_raw_bytes(tmp_path: Path) -> None:
    doc = json.loads(_scan(_tree(tmp_path), "sarif", tmp_path / "out.sarif"))
    assert schema_errors(doc) == []
    results = doc["runs"][0]["results"]
    where = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results)
    assert where == [("a.tar.gz", 1), ("bad%FF.js", 1), ("ok.js", 1)]
    chain = [r["properties"]["archiveChain"] for r in results if "archiveChain" in r.get("properties", {})]
    assert chain == ["a.tar.gz!/m\\xfe.js"]


def test_json_is_valid_utf8_without_lone_surrogates(tmp_path: Path) -> None:
    raw = _scan(_tree(tmp_path), "json", tmp_path / "out.json")
    assert b"\\ud" not in raw.lower()  # no escaped lone surrogate either
    doc = json.loads(raw)
    found = sorted((f["path"], f["archive_members"], f["start_line"], f["rule_id"]) for f in doc["findings"])
    assert found == [("a.tar.gz", ["m\\xfe.js"], 1, "TT302"), ("bad\\xff.js", [], 1, "TT302"),
                     ("ok.js", [], 1, "TT302")]


def test_text_escapes_the_names(tmp_path: Path) -> None:
    text = _scan(_tree(tmp_path), "text", tmp_path / "out.txt").decode("utf-8")
    heads = sorted(line for line in text.splitlines() if "[TT302]" in line)
    assert [h.split(": ", 1)[0] for h in heads] == ["a.tar.gz!/m\\xfe.js:1:8", "bad\\xff.js:1:8", "ok.js:1:8"]


def test_escape_helpers() -> None:
    name = os.fsdecode(b"d\xe9j\xe0/\xff.js")
    assert path_bytes(name) == b"d\xe9j\xe0/\xff.js"
    assert path_bytes("caf\u00e9") == "caf\u00e9".encode()
    assert escape_surrogates(name) == "d\\xe9j\\xe0/\\xff.js"
    assert escape_surrogates("\ud800x") == "\\ud800x"  # a surrogate no decoding made
    assert escape_surrogates("caf\u00e9 \U0001f600") == "caf\u00e9 \U0001f600"
    assert clean_strings({name: [name, 1, None]}) == {"d\\xe9j\\xe0/\\xff.js": ["d\\xe9j\\xe0/\\xff.js", 1, None]}


def test_a_baseline_keeps_the_names_and_reads_back(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    base = tmp_path / "base.json"
    made = subprocess.run([sys.executable, "-m", "scanner", "baseline", "create", str(root), "-o", str(base)],
                          cwd=REPO, capture_output=True, timeout=120, check=False)
    assert made.returncode == 0, made.stderr.decode("utf-8", "replace")
    paths = sorted(e["path"] for e in json.loads(base.read_bytes().decode("utf-8"))["findings"])
    assert paths == [os.fsdecode(b"a.tar.gz!/m\xfe.js"), os.fsdecode(b"bad\xff.js"), "ok.js"]
    again = subprocess.run([sys.executable, "-m", "scanner", "scan", str(root), "--baseline", str(base),
                            "-f", "json"], cwd=REPO, capture_output=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr.decode("utf-8", "replace")
    found = json.loads(again.stdout)["findings"]
    assert len(found) == 3 and all(f.get("suppressed") for f in found)
