"""Every signature has a positive and a negative fixture (STYLE.md item 7).

`tests/fixtures/rules/cases.toml` names, per rule id, the files where the rule must fire (at exactly
the listed 1-based lines, at the rule's level, or at note when the fixture is a mention) and the
look-alike files where it must not fire at all. The tests are parametrized over the rule ids of all
packs, so a rule added without cases fails here.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.model import Finding, Level
from scanner.rules.loader import default_signature_dir, load_packs
from scanner.rules.model import Rule, RuleSet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CASES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
PACKS = ["wechat-payments"]  # the only pack disabled by default


@cache
def ruleset() -> RuleSet:
    return load_packs([default_signature_dir()], enable=PACKS)


@cache
def cases() -> dict[str, Any]:
    with open(CASES_DIR / "cases.toml", "rb") as handle:
        return tomllib.load(handle)


def all_packs_enabled() -> bool:
    return {p.name for p in ruleset().packs} == {p.parent.name for p in default_signature_dir().glob("*/pack.toml")}


RULE_IDS = sorted(ruleset().by_id())


def findings_for(path: Path, rule_id: str) -> list[Finding]:
    """All findings of `rule_id` when `path` alone is scanned, every pack enabled."""
    assert path.is_file(), f"{path}: fixture file is missing"
    config = ScanConfig(roots=[str(path)], srcroot=str(path.parent), jobs=1, enable_packs=PACKS)
    result = run_scan(config, ruleset())
    assert not result.notifications, result.notifications  # a skipped or cut-short file proves nothing
    return [f for f in result.findings if f.rule_id == rule_id]


def test_every_pack_is_enabled_for_the_cases() -> None:
    assert all_packs_enabled()
    assert len(RULE_IDS) >= 50


def test_cases_name_no_unknown_rule() -> None:
    unknown = sorted(set(cases()) - set(RULE_IDS))
    assert not unknown, f"cases.toml names rule ids no pack defines: {unknown}"


def test_cases_have_only_known_keys() -> None:
    for rule_id, case in cases().items():
        assert set(case) <= {"positive", "negative"}, rule_id
        for pos in case.get("positive", []):
            assert set(pos) <= {"path", "lines", "mention", "optional"}, (rule_id, pos)
            assert pos["lines"] == sorted(set(pos["lines"])) and all(n >= 1 for n in pos["lines"]), (rule_id, pos)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_cases(rule_id: str) -> None:
    case = cases().get(rule_id)
    assert case is not None, f"{rule_id} has no entry in tests/fixtures/rules/cases.toml"
    committed = [p for p in case.get("positive", []) if "optional" not in p]
    assert committed, f"{rule_id}: no committed positive fixture"
    assert case.get("negative"), f"{rule_id}: no negative fixture"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_positive_fires_at_expected_lines(rule_id: str) -> None:
    rule: Rule = ruleset().by_id()[rule_id]
    for pos in cases().get(rule_id, {}).get("positive", []):
        path = CASES_DIR / pos["path"]
        if "optional" in pos and not path.exists():
            continue  # not committed (see the case's `optional` note); the committed positives still run
        found = findings_for(path, rule_id)
        lines = sorted({f.location.start_line for f in found})
        assert lines == pos["lines"], f"{rule_id} in {pos['path']}: fired at lines {lines}, expected {pos['lines']}"
        want = Level.NOTE if pos.get("mention") else rule.level
        for f in found:
            assert f.level.at_least(Level.NOTE), f
            assert f.level is want, f"{rule_id} in {pos['path']}:{f.location.start_line}: {f.level} != {want}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_negative_stays_silent(rule_id: str) -> None:
    for neg in cases().get(rule_id, {}).get("negative", []):
        found = findings_for(CASES_DIR / neg, rule_id)
        assert not found, f"{rule_id} fired on its negative {neg}: " + "; ".join(
            f"line {f.location.start_line}: {f.message}" for f in found)


def test_optional_positives_are_skipped_visibly() -> None:
    missing = [(rule_id, pos["optional"]) for rule_id, case in cases().items() for pos in case.get("positive", [])
               if "optional" in pos and not (CASES_DIR / pos["path"]).exists()]
    if missing:
        pytest.skip("optional positives not present: " + "; ".join(f"{r}: {how}" for r, how in missing))
