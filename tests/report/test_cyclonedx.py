"""The CycloneDX inventory: one component per TikTok component instance (one product in one place),
every finding an `evidence.occurrences` entry, `evidence.identity` saying how it was identified,
validated against CycloneDX 1.6 with cyclonedx-python-lib.

The tree is built at test time from real inputs: a Gradle declaration and Java code calling the
Open SDK (first-party), an installed npm package (a package instance), and the committed binary
fixtures built by the Debian toolchains (tests/fixtures/binary/README.md): a vendored
TikTokOpenSDK.framework and an APK.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.findings.components import build_components
from scanner.findings.suppress import AllowEntry, apply_allowlist
from scanner.model import Finding, PlaceKind, ScanResult
from scanner.report.cyclonedx import cyclonedx_inventory
from tests.conftest import REPO

BINARY = REPO / "tests" / "fixtures" / "binary"
LOGIN_JAVA = """package com.example;

import com.tiktok.open.sdk.auth.AuthApi;
import com.tiktok.open.sdk.auth.AuthRequest;

public class Login {
    void start(android.app.Activity activity, AuthRequest request) {
        AuthApi api = new AuthApi(activity);
        api.authorize(request);
    }
}
"""
GRADLE = """dependencies {
    implementation 'com.tiktok.open.sdk:tiktok-open-sdk-auth:2.3.0'
}
repositories {
    maven { url 'https://artifact.bytedance.com/repository/AwemeOpenSDK' }
}
"""  # TT101 at line 2, TT109 at line 5 (accepted below)
PIXEL_PACKAGE = '{\n  "name": "tiktok-pixel",\n  "version": "2.1.0",\n  "main": "index.js"\n}\n'
PIXEL_JS = "fetch('https://analytics.tiktok.com/i18n/pixel/events.js');\n"


@lru_cache(maxsize=1)
def _scanned(base: str) -> ScanResult:
    root = Path(base)
    files = {"app/build.gradle": GRADLE, "app/src/main/java/com/example/Login.java": LOGIN_JAVA,
             "node_modules/tiktok-pixel/package.json": PIXEL_PACKAGE, "node_modules/tiktok-pixel/index.js": PIXEL_JS}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    shutil.copytree(BINARY / "apple" / "TikTokOpenSDK.framework", root / "vendor" / "TikTokOpenSDK.framework")
    (root / "dist").mkdir()
    shutil.copy(BINARY / "android" / "app.apk", root / "dist" / "app.apk")
    result = run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1))
    # one accepted finding, as an allowlist entry marks it
    apply_allowlist(result, (AllowEntry(rules=("TT109",), reason="the repository is allowed"),))
    return result


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    return _scanned(str(tmp_path_factory.mktemp("cdx")))


@pytest.fixture(scope="module")
def bom(result: ScanResult) -> dict[str, Any]:
    text = cyclonedx_inventory(result)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    doc: dict[str, Any] = json.loads(text)
    assert (doc["bomFormat"], doc["specVersion"]) == ("CycloneDX", "1.6")
    return doc


def _props(component: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in component.get("properties", []):
        out.setdefault(p["name"], []).append(p["value"])
    return out


def _by_ref(bom: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["bom-ref"]: c for c in bom["components"]}


def _where(f: Finding) -> tuple[str, int | None, int | None]:
    loc = f.location
    return (loc.display_path, loc.start_line if loc.has_lines else None, loc.byte_offset)


def test_one_component_per_component_instance(result: ScanResult, bom: dict[str, Any]) -> None:
    components = build_components(result, include_suppressed=True)
    refs = {f"{c.product}@{c.place.kind.value}:{c.place.root or '.'}" for c in components}
    assert set(_by_ref(bom)) == refs and len(bom["components"]) == len(components)
    places = {(c.product, c.place.kind, c.place.root) for c in components}
    assert ("tiktok-open-sdk", PlaceKind.FIRST_PARTY, "app") in places
    assert ("tiktok-pixel", PlaceKind.PACKAGE, "node_modules/tiktok-pixel") in places
    assert ("tiktok-open-sdk", PlaceKind.PACKAGE, "vendor/TikTokOpenSDK.framework") in places
    assert ("tiktok-open-sdk", PlaceKind.BINARY, "dist/app.apk") in places
    pixel = _by_ref(bom)["tiktok-pixel@package:node_modules/tiktok-pixel"]
    assert (pixel["name"], pixel["version"], pixel["purl"]) == ("tiktok-pixel", "2.1.0", "pkg:npm/tiktok-pixel@2.1.0")
    apk = _by_ref(bom)["tiktok-open-sdk@binary:dist/app.apk"]
    assert apk["type"] == "file" and _props(apk)["tiktok-scan:place-kind"] == ["binary"]


def test_every_finding_is_an_occurrence_of_its_component(result: ScanResult, bom: dict[str, Any]) -> None:
    cdx = _by_ref(bom)
    total = 0
    for component in build_components(result, include_suppressed=True):
        ref = f"{component.product}@{component.place.kind.value}:{component.place.root or '.'}"
        occurrences = cdx[ref]["evidence"]["occurrences"]
        found = Counter((o["location"], o.get("line"), o.get("offset")) for o in occurrences)
        assert found == Counter(_where(result.findings[i]) for i in component.findings), ref
        assert len({o["bom-ref"] for o in occurrences}) == len(occurrences)
        total += len(occurrences)
    assert total == len(result.findings)  # nothing lost, nothing counted twice
    # places inside an archive keep their member chain and a byte offset, never a made-up line
    apk = cdx["tiktok-open-sdk@binary:dist/app.apk"]["evidence"]["occurrences"]
    dex = [o for o in apk if o["location"] == "dist/app.apk!/classes2.dex"]
    assert dex and all("line" not in o and o["offset"] > 0 for o in dex)
    assert any(o["additionalContext"].startswith("TT401 shipped: ") for o in dex)
    # source places have lines; a call carries the symbol that was called
    code = cdx["tiktok-open-sdk@first-party:app"]["evidence"]["occurrences"]
    where = {(o["location"], o.get("line"), o.get("symbol")) for o in code}
    java = "app/src/main/java/com/example/Login.java"
    assert where == {("app/build.gradle", 2, None), (java, 3, "com.tiktok.open.sdk.auth.AuthApi"),
                     (java, 4, "com.tiktok.open.sdk.auth.AuthRequest"), (java, 8, "com.tiktok.open.sdk.auth.AuthApi")}


def test_identity_says_how_each_component_was_identified(bom: dict[str, Any]) -> None:
    cdx = _by_ref(bom)

    def methods(ref: str) -> dict[str, list[dict[str, Any]]]:
        (identity,) = cdx[ref]["evidence"]["identity"]
        out: dict[str, list[dict[str, Any]]] = {}
        for m in identity["methods"]:
            out.setdefault(m["technique"], []).append(m)
        return out

    code = methods("tiktok-open-sdk@first-party:app")
    assert set(code) == {"manifest-analysis", "source-code-analysis"}
    assert any(m["value"].startswith("declared: TT101 app/build.gradle:2") for m in code["manifest-analysis"])
    assert {m["value"].split(":", 1)[0] for m in code["source-code-analysis"]} == {"called", "imported"}
    assert "binary-analysis" in methods("tiktok-open-sdk@binary:dist/app.apk")
    assert "binary-analysis" in methods("tiktok-open-sdk@package:vendor/TikTokOpenSDK.framework")
    (pixel,) = cdx["tiktok-pixel@package:node_modules/tiktok-pixel"]["evidence"]["identity"]
    assert (pixel["field"], pixel["concludedValue"]) == ("purl", "pkg:npm/tiktok-pixel@2.1.0")
    (app,) = cdx["tiktok-open-sdk@binary:dist/app.apk"]["evidence"]["identity"]
    assert (app["field"], app["concludedValue"]) == ("name", "TikTok Open SDK (Login Kit / Share Kit)")
    for component in bom["components"]:
        (identity,) = component["evidence"]["identity"]
        assert identity["confidence"] == max(m["confidence"] for m in identity["methods"])
        assert all(0 < m["confidence"] <= 1 for m in identity["methods"])


def test_declared_packages_are_nested_with_their_graph(bom: dict[str, Any]) -> None:
    code = _by_ref(bom)["tiktok-open-sdk@first-party:app"]
    assert code["purl"] == "pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-auth@2.3.0"
    props = _props(code)
    assert props["tiktok-scan:product"] == ["tiktok-open-sdk"] and props["tiktok-scan:place"] == ["app"]
    assert set(props["tiktok-scan:rule-id"]) >= {"TT101", "TT201"}
    assert set(props["tiktok-scan:evidence"][0].split(",")) >= {"declared", "imported", "called"}
    assert int(props["tiktok-scan:findings"][0]) == len(code["evidence"]["occurrences"]) - int(
        props["tiktok-scan:accepted"][0])


def test_accepted_findings_stay_listed_and_say_so(result: ScanResult, bom: dict[str, Any]) -> None:
    accepted = [f for f in result.findings if f.suppressed is not None]
    assert [(f.rule_id, f.location.path, f.location.start_line) for f in accepted] == [("TT109", "app/build.gradle", 5)]
    marked = [o for c in bom["components"] for o in c["evidence"]["occurrences"]
              if o["additionalContext"].endswith("(accepted: the repository is allowed)")]
    assert sorted((o["location"], o.get("line")) for o in marked) == sorted(
        (f.location.display_path, f.location.start_line) for f in accepted)
    owner = next(c for c in bom["components"] if any(o in c["evidence"]["occurrences"] for o in marked))
    assert int(_props(owner)["tiktok-scan:accepted"][0]) == len(accepted)


def test_an_empty_result_is_a_valid_empty_inventory(result: ScanResult) -> None:
    empty = cyclonedx_inventory(replace(result, findings=[]))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(empty) is None
    assert json.loads(empty).get("components", []) == []
