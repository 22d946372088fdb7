"""The per-user cache of parsed signatures and the compiled prefilter (core/cache.py).

A cached run must load the same rules and find the same hits as a cold one; a corrupt, foreign or
unsafe entry must be ignored, never trusted; the switch turns it off.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from scanner.core import cache
from scanner.core.prefilter import Needles, Prefilter
from scanner.rules import loader
from scanner.rules.loader import default_signature_dir, load_packs

SAMPLE = b"fetch('https://business-api.tiktok.com/open_api/v1.3/event/track/'); ttq.track('Purchase')"


@pytest.fixture()
def cache_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("TIKTOK_SCAN_CACHE_DIR", str(where))
    monkeypatch.delenv("TIKTOK_SCAN_NO_CACHE", raising=False)
    monkeypatch.setattr(loader, "_PARSED", loader._ParsedCache())
    return where


def _load() -> tuple[object, list[tuple[int, int]]]:
    loader._PARSED = loader._ParsedCache()  # a new process
    ruleset = load_packs([default_signature_dir()])
    needles = Needles.from_rules(ruleset)
    return ruleset, Prefilter(needles, engine="auto").hits(SAMPLE)


def test_a_cached_run_loads_the_same_rules_and_hits(cache_at: Path) -> None:
    cold_rules, cold_hits = _load()
    assert (cache_at / loader._ParsedCache.NAME).is_file()
    warm_rules, warm_hits = _load()
    assert warm_rules == cold_rules
    assert warm_hits == cold_hits and cold_hits
    assert stat.S_IMODE(os.stat(cache_at).st_mode) & 0o077 == 0  # created private


def test_a_corrupt_entry_is_rebuilt_not_trusted(cache_at: Path) -> None:
    cold_rules, cold_hits = _load()
    for entry in cache_at.iterdir():
        entry.write_bytes(b"\x00garbage" * 64)
    rules, hits = _load()
    assert rules == cold_rules and hits == cold_hits


def test_an_edited_pack_is_parsed_again(cache_at: Path, tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(default_signature_dir() / "wechat-payments", packs / "wechat-payments")
    rule_file = sorted(p for p in (packs / "wechat-payments").glob("*.toml") if p.name != "pack.toml")[0]
    first = load_packs([packs], enable=["wechat-payments"])
    text = rule_file.read_text(encoding="utf-8")
    rule_file.write_text(re.sub(r'(?m)^title = ".*"$', 'title = "Edited after the cache was written"', text, count=1),
                         encoding="utf-8")
    loader._PARSED = loader._ParsedCache()  # a new process
    second = load_packs([packs], enable=["wechat-payments"])
    titles = {r.title for r in second.rules} - {r.title for r in first.rules}
    assert titles == {"Edited after the cache was written"}


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permission bits")
def test_a_folder_others_can_write_is_not_used(cache_at: Path) -> None:
    cache_at.mkdir(mode=0o700)
    os.chmod(cache_at, 0o777)
    assert cache.cache_dir() is None
    _load()
    assert list(cache_at.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="POSIX symlinks")
def test_a_symlinked_entry_is_not_followed(cache_at: Path, tmp_path: Path) -> None:
    cache_at.mkdir(mode=0o700)
    target = tmp_path / "elsewhere.json"
    target.write_text("{}")
    (cache_at / "entry").symlink_to(target)
    assert cache.read("entry") is None


def test_the_switch_turns_it_off(cache_at: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOK_SCAN_NO_CACHE", "1")
    _load()
    assert not cache_at.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_entry_is_refused_without_blocking(cache_at: Path) -> None:
    import threading

    cache_at.mkdir(mode=0o700)
    os.mkfifo(cache_at / "entry", 0o600)
    result: list[bytes | None] = []
    reader = threading.Thread(target=lambda: result.append(cache.read("entry")), daemon=True)
    reader.start()
    reader.join(10)
    assert result == [None]  # answered at once (no writer ever opens the FIFO), and not trusted
