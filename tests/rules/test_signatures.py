"""Signatures are data: every pack loads; a bad record fails fast naming file and field (exit code 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.errors import SignatureError
from scanner.rules import default_signature_dir, load_packs
from scanner.rules.loader import load_pack
from scanner.rules.model import PRODUCTS
from tests.conftest import REPO, run_cli

SIGNATURES = REPO / "signatures"
# Ids once used and then retired must never come back; extend this list instead of reusing an id.
RETIRED_IDS: frozenset[str] = frozenset()


def test_default_packs_load_and_ids_are_unique() -> None:
    ruleset = load_packs()
    ids = [r.id for r in ruleset.rules]
    assert len(ids) == len(set(ids))
    assert {p.name for p in ruleset.packs} == {"tiktok", "bytedance-affiliates"}
    assert not set(ids) & RETIRED_IDS


def test_wechat_pack_is_opt_in() -> None:
    assert "wechat-payments" in {p.name for p in load_packs(enable=["wechat-payments"]).packs}


def test_every_rule_cites_the_prohibition_and_has_help() -> None:
    for pack_dir in sorted(SIGNATURES.glob("*/pack.toml")):
        pack = load_pack(pack_dir.parent)
        assert "Executive Order" in pack.prohibition_markdown
        for rule in pack.rules:
            assert rule.help_markdown.startswith("## ")
            assert rule.security_severity > 0


def test_affiliates_never_share_matchers_with_tiktok_rules() -> None:
    tiktok = load_pack(SIGNATURES / "tiktok")
    affiliates = load_pack(SIGNATURES / "bytedance-affiliates")

    def values(pack: object) -> set[str]:
        out: set[str] = set()
        for rule in pack.rules:  # type: ignore[attr-defined]
            m = rule.matchers
            out.update(m.packages, m.hosts, m.domains, m.markers, m.classes, m.schemes)
        return out

    assert values(tiktok) & values(affiliates) == set()


def _broken_copy(tmp_path: Path, rule_file: str, old: str, new: str) -> Path:
    target = tmp_path / "packs"
    shutil.copytree(SIGNATURES / "tiktok", target / "tiktok")
    path = target / "tiktok" / rule_file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return target


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('level = "error"', 'level = "fatal"', "level"),
        ('category = "service-endpoint"', 'category = "endpoints"', "category"),
        ('id = "TT303"', 'id = "tt303"', "id"),
        ("security-severity = 8.0", "security-severity = 11.0", "security-severity"),
        ('hosts = [', 'hostz = [', "match.hostz"),
        ('"analytics.tiktok.com",', '"Analytics.TikTok.com",', "match.hosts"),
        ('title = "TikTok Pixel endpoint"', 'titel = "TikTok Pixel endpoint"', "titel"),
        ('product = "tiktok-pixel"', 'product = "tiktok-pixels"', "product"),
        ('product = "tiktok-pixel"\n', '', "product"),
    ],
)
def test_malformed_record_names_file_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    packs = _broken_copy(tmp_path, "TT303-tiktok-pixel-endpoint.toml", old, new)
    with pytest.raises(SignatureError) as info:
        load_packs([packs])
    assert info.value.field == field
    assert info.value.path.endswith("TT303-tiktok-pixel-endpoint.toml")


def test_duplicate_pack_name_is_rejected(tmp_path: Path) -> None:
    shutil.copytree(SIGNATURES / "tiktok", tmp_path / "tiktok")
    with pytest.raises(SignatureError, match="two packs share this name"):
        load_packs([default_signature_dir(), tmp_path])


def test_duplicate_id_across_packs_is_rejected(tmp_path: Path) -> None:
    shutil.copytree(SIGNATURES / "tiktok", tmp_path / "team")
    pack_toml = tmp_path / "team" / "pack.toml"
    pack_toml.write_text(pack_toml.read_text().replace('name = "tiktok"', 'name = "team"'))
    with pytest.raises(SignatureError, match="also used by"):
        load_packs([default_signature_dir(), tmp_path])


def test_cli_exits_2_on_bad_signatures(tmp_path: Path) -> None:
    packs = _broken_copy(tmp_path, "TT303-tiktok-pixel-endpoint.toml", 'level = "error"', 'level = "fatal"')
    # a team pack with the same name as a built-in one is rejected too; rename it to isolate the bad field
    (packs / "tiktok").rename(packs / "team")
    pack_toml = packs / "team" / "pack.toml"
    pack_toml.write_text(pack_toml.read_text().replace('name = "tiktok"', 'name = "team"'))
    for rule in (packs / "team").glob("TT*.toml"):
        rule.rename(rule.with_name(rule.name.replace("TT", "TM", 1)))
        rule_path = rule.with_name(rule.name.replace("TT", "TM", 1))
        text = rule_path.read_text().replace('id = "TT', 'id = "TM', 1)
        rule_path.write_text(text.replace('name = "', 'name = "team-', 1))
    proc = run_cli("scan", str(REPO / "examples"), "--signatures", str(packs))
    assert proc.returncode == 2
    assert "TM303-tiktok-pixel-endpoint.toml" in proc.stderr
    assert "'level'" in proc.stderr


def test_every_rule_names_a_product_on_the_line_after_its_id() -> None:
    """The product is data (docs/design/components.md): every rule file says it, right after `id`."""
    for path in sorted(SIGNATURES.glob("*/*.toml")):
        if path.name == "pack.toml":
            continue
        first, second = path.read_text(encoding="utf-8").splitlines()[:2]
        assert first.startswith("id = ") and second.startswith("product = "), path
    products = {r.id: r.product for pack in sorted(SIGNATURES.glob("*/pack.toml"))
                for r in load_pack(pack.parent).rules}
    assert products["TT201"] == products["TT101"] == products["TT401"] == "tiktok-open-sdk"
    assert products["TT303"] == products["TT204"] == "tiktok-pixel"
    assert products["BD102"] == "bytedance-affiliate/lark"
    assert all(p in PRODUCTS for p in products.values())
