"""CycloneDX inventory (validated against the 1.6 schema) and the dependency-review deny list."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import yaml
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL

from scanner.config import ScanConfig
from scanner.core.match import MatchIndex
from scanner.core.run import run_scan
from scanner.model import Context, Fact, FactKind, Location
from scanner.report.cyclonedx import cyclonedx_inventory
from scanner.report.dependency_review import dependency_review_deny_list
from scanner.rules.loader import load_packs
from tests.analyzers.lockfile.conftest import NATIVE


@lru_cache(maxsize=1)
def inventory() -> str:
    return cyclonedx_inventory(run_scan(ScanConfig(roots=[str(NATIVE / "ios")], jobs=1)))


def every_component(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The inventory's components and the packages nested in them (one TikTok component may be
    identified by several purls: its declared and resolved packages)."""
    out, todo = [], list(doc.get("components", []))
    while todo:
        c = todo.pop()
        out.append(c)
        todo.extend(c.get("components", []))
    return out


def component(doc: dict[str, Any], purl: str) -> dict[str, Any]:
    [found] = [c for c in every_component(doc) if c.get("purl") == purl]
    return found


def test_inventory_is_valid_cyclonedx_1_6() -> None:
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(inventory()) is None
    doc = json.loads(inventory())
    assert (doc["bomFormat"], doc["specVersion"]) == ("CycloneDX", "1.6")


def test_inventory_component_carries_rules_locations_and_path() -> None:
    doc = json.loads(inventory())
    core = component(doc, "pkg:cocoapods/TikTokOpenSDKCore@2.5.0")
    props = {(p["name"], p["value"]) for p in core["properties"]}
    assert ("tiktok-scan:rule-id", "TT101") in props
    assert ("tiktok-scan:category", "sdk-dependency") in props
    assert ("tiktok-scan:direct", "false") in props
    assert ("tiktok-scan:dependency-path", "TikTokOpenAuthSDK > TikTokOpenSDKCore") in props
    assert ("Podfile.lock", 8) in {(o["location"], o.get("line")) for o in core["evidence"]["occurrences"]}


def test_inventory_lists_only_watched_components() -> None:
    purls = {c["purl"] for c in every_component(json.loads(inventory())) if "purl" in c}
    assert "pkg:cocoapods/Alamofire@5.9.1" not in purls
    assert not any("TTTAttributedLabel" in p for p in purls)
    assert "pkg:swift/github.com/tiktok/tiktok-opensdk-ios@2.5.0" in purls


def test_inventory_of_an_empty_result_is_still_valid() -> None:
    empty = cyclonedx_inventory(run_scan(ScanConfig(roots=[str(NATIVE / "rust")], jobs=1)))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(empty) is None
    assert json.loads(empty).get("components", []) == []


def test_deny_list_is_a_dependency_review_config() -> None:
    ruleset = load_packs()
    config = yaml.safe_load(dependency_review_deny_list(ruleset))
    assert set(config) == {"deny-packages", "deny-groups"}
    packages, groups = config["deny-packages"], config["deny-groups"]
    assert "pkg:maven/com.github.tiktok/tiktok-business-android-sdk" in packages
    assert "pkg:swift/github.com/tiktok/tiktok-opensdk-ios" in packages
    assert "pkg:maven/com.pangle.global/" in groups
    assert len(packages) == len(set(packages))
    for purl in packages:
        parsed = PackageURL.from_string(purl)  # complete purls, as the action validates them
        assert parsed.version is None and "*" not in purl
    assert all(g.endswith("/") for g in groups)


def test_every_denied_package_matches_its_rule() -> None:
    ruleset = load_packs()
    index = MatchIndex.compile(ruleset)
    config = yaml.safe_load(dependency_review_deny_list(ruleset))
    for purl in config["deny-packages"]:
        fact = Fact(kind=FactKind.PACKAGE, value=purl, location=Location(path="x"), context=Context.DEPENDENCY,
                    analyzer="test")
        assert index.lookup(fact), purl


def test_deny_list_names_what_it_cannot_express() -> None:
    text = dependency_review_deny_list(load_packs())
    assert "#   pkg:pypi/bytedance-*" in text
    assert "#   pkg:cocoapods/TikTokOpenSDKCore" in text
    assert "pkg:pypi/bytedance-*" not in yaml.safe_load(text)["deny-packages"]
