"""SARIF by component (issue 14): one result per location in first-party code, one per component in a
package or binary (the other places as related locations), `--all-locations` for one per location,
and fingerprints that GitHub's own upload code (codeql-action's fingerprints.ts, run offline) accepts.

The tree holds the real binaries of tests/fixtures/binary (built with the Debian toolchains, see its
README): an APK, an AAR, a vendored iOS framework, an ELF library and a wheel, next to first-party
Python and an installed npm package written as npm writes them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.report.sarif import MAX_RELATED_LOCATIONS, OWN_FINGERPRINT, SarifReporter
from tests.conftest import REPO
from tests.sarif_tools import multitool_problems, schema_errors

BINARIES = REPO / "tests" / "fixtures" / "binary"
CODEQL = REPO / "tests" / "fixtures" / "codeql_action"
PIXEL_CALLS = 1_100  # more than GitHub keeps as related locations of one result


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sarif-components") / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copy(BINARIES / "android" / "app.apk", root / "app.apk")
    shutil.copy(BINARIES / "android" / "tiktok-open-sdk-share.aar", root / "tiktok-open-sdk-share.aar")
    framework = "TikTokOpenSDK.framework"
    shutil.copytree(BINARIES / "apple" / framework, root / "ios" / "Frameworks" / framework)
    (root / "native").mkdir()
    shutil.copy(BINARIES / "native" / "libtthelper.so", root / "native" / "libtthelper.so")
    (root / "dist").mkdir()
    shutil.copy(BINARIES / "wheels" / "tiktok_widget-1.0.0-py3-none-any.whl", root / "dist")
    files = {
        "src/login.py": 'import requests\n\nAUTH = "https://open.tiktokapis.com/v2/oauth/token/"\n'
                        'INFO = "https://open.tiktokapis.com/v2/user/info/"\n',
        "web/package.json": json.dumps({"name": "web", "version": "1.0.0",
                                        "dependencies": {"tiktok-pixel": "^2.0.3"}}, indent=2) + "\n",
        "web/node_modules/tiktok-pixel/package.json": json.dumps(
            {"name": "tiktok-pixel", "version": "2.0.3", "main": "index.js"}, indent=2) + "\n",
        "web/node_modules/tiktok-pixel/index.js": "".join(f"ttq.track('Event{i}');\n" for i in range(PIXEL_CALLS)),
        # a first-party text file above the size the scan computes GitHub's line hash for (4 MiB)
        "config/endpoints.yaml": "".join(f"k{i}: value {i:06d} of a long generated list\n" for i in range(110_000))
                                 + "tiktok: https://open.tiktokapis.com/v2/user/info/\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _scan(tree: Path, out: Path, *extra: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "scanner", "scan", ".", "--format", "sarif", "-o", str(out), "-q",
                           *extra], cwd=tree, capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "warning" not in proc.stderr, proc.stderr  # no result-limit notification
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def sarif(tree: Path) -> tuple[Path, dict[str, Any]]:
    out = tree.parent / "components.sarif"
    return out, _scan(tree, out)


@pytest.fixture(scope="module")
def every(tree: Path) -> tuple[Path, dict[str, Any]]:
    out = tree.parent / "all-locations.sarif"
    return out, _scan(tree, out, "--all-locations")


def _where(result: dict[str, Any]) -> str:
    loc = result["locations"][0]
    logical = loc.get("logicalLocations")
    return logical[0]["fullyQualifiedName"] if logical else loc["physicalLocation"]["artifactLocation"]["uri"]


def test_first_party_one_result_per_location(sarif: tuple[Path, dict[str, Any]]) -> None:
    results = sarif[1]["runs"][0]["results"]
    mine = [r for r in results if _where(r) == "src/login.py"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in mine] == [
        ("TT301", 3), ("TT301", 4)]
    assert all("relatedLocations" not in r and "locationCount" not in r["properties"] for r in mine)


def test_a_package_is_one_result_at_its_manifest(sarif: tuple[Path, dict[str, Any]]) -> None:
    results = sarif[1]["runs"][0]["results"]
    pixel = [r for r in results if r["properties"].get("component", {}).get("place") == "web/node_modules/tiktok-pixel"]
    assert len(pixel) == 1
    (res,) = pixel
    assert _where(res) == "web/node_modules/tiktok-pixel/package.json"  # the instance's manifest
    assert res["level"] == "error"
    props = res["properties"]
    assert props["locationCount"] == PIXEL_CALLS + 1
    assert props["relatedLocationCount"] == PIXEL_CALLS
    assert len(res["relatedLocations"]) == MAX_RELATED_LOCATIONS
    first = res["relatedLocations"][0]
    assert first["physicalLocation"]["artifactLocation"]["uri"] == "web/node_modules/tiktok-pixel/index.js"
    assert first["physicalLocation"]["region"]["startLine"] == 1
    assert first["message"]["text"].startswith("TT204: ")
    assert props["component"] == {"product": "tiktok-pixel", "title": "TikTok Pixel", "placeKind": "package",
                                  "place": "web/node_modules/tiktok-pixel", "evidence": ["called", "declared"],
                                  "rules": ["TT104", "TT204"], "purl": "pkg:npm/tiktok-pixel@2.0.3"}
    assert "TikTok Pixel in web/node_modules/tiktok-pixel" in res["message"]["text"]


def test_binaries_give_a_few_results_under_binary_rules(sarif: tuple[Path, dict[str, Any]],
                                                        every: tuple[Path, dict[str, Any]]) -> None:
    results = sarif[1]["runs"][0]["results"]
    framework = [r for r in results if _where(r).startswith("ios/")]
    # one result per product in the vendored framework, all at the binary, all under binary rules (TT4xx)
    assert {r["properties"]["component"]["place"] for r in framework} == {"ios/Frameworks/TikTokOpenSDK.framework"}
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in framework} == {
        "ios/Frameworks/TikTokOpenSDK.framework/TikTokOpenSDK"}
    assert sorted(r["properties"]["component"]["product"] for r in framework) == ["tiktok-open-sdk", "tiktok-sdk"]
    assert all(r["ruleId"].startswith("TT4") for r in framework), [r["ruleId"] for r in framework]
    # the AAR and its classes.jar are one package; the APK is one binary place
    places = {r["properties"]["component"]["place"] for r in results if "component" in r["properties"]}
    assert "tiktok-open-sdk-share.aar" in places
    assert not any(p.startswith("tiktok-open-sdk-share.aar!/") for p in places)
    assert "app.apk" in places
    per_location = every[1]["runs"][0]["results"]
    assert len(results) < len(per_location) / 2
    # every location is still there: as a primary or a related location
    kept = sum(r["properties"].get("locationCount", 1) for r in results)
    assert kept == len(per_location)


def test_all_locations_gives_one_result_per_finding(tree: Path, every: tuple[Path, dict[str, Any]]) -> None:
    result = run_scan(ScanConfig(roots=[str(tree)], srcroot=str(tree), jobs=1))
    results = every[1]["runs"][0]["results"]
    assert len(results) == len(result.findings)
    assert not any("relatedLocations" in r or "component" in r["properties"] for r in results)
    rolled = SarifReporter().document(result)["runs"][0]["results"]
    assert len(rolled) < len(results)


def test_a_rolled_up_result_describes_its_component_as_the_other_reports_do(
        tree: Path, sarif: tuple[Path, dict[str, Any]]) -> None:
    """The message of a package's or binary's result starts with its component's summary as the JSON,
    text and plan reports give it, flags included (a vendored copy is used without a declaration)."""
    from scanner.findings.components import build_components, describe

    result = run_scan(ScanConfig(roots=[str(tree)], srcroot=str(tree), jobs=1))
    summaries = {(c.product, c.place.root): describe(c, result.findings) for c in build_components(result)}
    rolled = [r for r in sarif[1]["runs"][0]["results"] if "component" in r["properties"]]
    assert len(rolled) > 3
    for res in rolled:
        comp = res["properties"]["component"]
        summary = summaries[(comp["product"], comp["place"])]
        assert res["message"]["text"].startswith(summary + ": "), (res["message"]["text"], summary)
    framework = [r for r in rolled if r["properties"]["component"]["place"].endswith("TikTokOpenSDK.framework")]
    assert framework and all("; used without a declaration: " in r["message"]["text"] for r in framework)


def test_archive_and_binary_locations_carry_our_fingerprint_not_a_line_hash(
        every: tuple[Path, dict[str, Any]]) -> None:
    seen = set()
    assert any(_where(r) == "config/endpoints.yaml" for r in every[1]["runs"][0]["results"])
    for res in every[1]["runs"][0]["results"]:
        loc = res["locations"][0]
        fps = res["partialFingerprints"]
        inside = "logicalLocations" in loc or "byteOffset" in loc["physicalLocation"]["region"] \
            or _where(res).endswith(("TikTokOpenSDK", ".so"))
        if inside:
            assert "primaryLocationLineHash" not in fps, _where(res)
            assert fps[OWN_FINGERPRINT] not in seen  # GitHub can keep them apart
            seen.add(fps[OWN_FINGERPRINT])
        elif _where(res) == "config/endpoints.yaml":  # too big to hash here: GitHub computes it
            assert set(fps) == {OWN_FINGERPRINT}
        else:
            assert set(fps) == {"primaryLocationLineHash"}
    assert len(seen) > 20


@pytest.fixture(scope="module")
def codeql_node_modules() -> Path:
    """typescript and long, installed once with npm (the packages codeql-action's fingerprints.ts needs)."""
    prefix = REPO / ".tools" / "codeql-fingerprints"
    modules = prefix / "node_modules"
    if not (modules / "typescript").is_dir() or not (modules / "long").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to run codeql-action's fingerprinting (typescript, long)")
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(prefix), "--ignore-scripts", "--no-audit", "--no-fund",
                        "typescript@5.9.3", "long@5.3.2"], check=True, capture_output=True, timeout=600)
    return modules


def _github_fingerprints(modules: Path, sarif_path: Path, root: Path) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run codeql-action's fingerprinting")
    proc = subprocess.run([node, str(CODEQL / "add_fingerprints.js"), str(modules), str(sarif_path), str(root)],
                          capture_output=True, text=True, check=True, timeout=300)
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("case", ["components", "all-locations"])
def test_github_finds_no_inconsistent_fingerprint(codeql_node_modules: Path, tree: Path, case: str,
                                                  sarif: tuple[Path, dict[str, Any]],
                                                  every: tuple[Path, dict[str, Any]]) -> None:
    path, doc = sarif if case == "components" else every
    got = _github_fingerprints(codeql_node_modules, path, tree)
    assert got["warnings"] == []
    results = doc["runs"][0]["results"]
    assert len(got["fingerprints"]) == len(results)
    for ours, theirs in zip(results, got["fingerprints"], strict=True):
        for key, value in ours["partialFingerprints"].items():
            assert theirs[key] == value  # GitHub keeps ours, and agrees on every text line


@pytest.mark.slow
def test_the_fingerprint_check_sees_a_member_line_hash(codeql_node_modules: Path, tree: Path,
                                                       every: tuple[Path, dict[str, Any]]) -> None:
    """What 0.1.0 wrote: a wheel member's own line hash on a location that is the wheel's line 1."""
    from scanner.findings.fingerprint import line_hashes

    doc = json.loads(json.dumps(every[1]))
    (res,) = [r for r in doc["runs"][0]["results"] if r["properties"].get("memberLine") == 8]
    res["partialFingerprints"] = {"primaryLocationLineHash": line_hashes("x\n" * 7 + "ttq\n")[7]}
    bad = tree.parent / "member-line-hash.sarif"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    warnings = _github_fingerprints(codeql_node_modules, bad, tree)["warnings"]
    assert len(warnings) == 1 and "inconsistent fingerprint" in warnings[0]
    assert "tiktok_widget-1.0.0-py3-none-any.whl line 1" in warnings[0]


def test_schema_and_github_rules(sarif: tuple[Path, dict[str, Any]], every: tuple[Path, dict[str, Any]],
                                 tmp_path: Path) -> None:
    assert schema_errors(sarif[1]) == []
    assert schema_errors(every[1]) == []
    problems = [p for p in multitool_problems(sarif[0], tmp_path) if p[1] in ("error", "warning")]
    assert problems == []


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Issue 19's case: a generated file that sorts first with hundreds of errors, one real finding in
    another file, a profile link (a note), and a vendored copy with errors of its own."""
    root = tmp_path_factory.mktemp("crowded") / "repo"
    (root / ".git").mkdir(parents=True)
    files = {
        "a_generated/endpoints.py": "".join(f'U{i} = "https://open.tiktokapis.com/v2/video/{i}"\n'
                                            for i in range(300)),
        "src/share.py": 'SHARE = "https://open.tiktokapis.com/v2/post/publish/video/init/"\n',
        "web/about.html": '<a href="https://www.tiktok.com/@shop">us on TikTok</a>\n',
        "vendor/tiktok-api/client.py": "".join(f'E{i} = "https://open.tiktokapis.com/v2/research/{i}"\n'
                                               for i in range(50)),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_cap_keeps_every_file_first_then_first_party_then_level(crowded: Path) -> None:
    result = run_scan(ScanConfig(roots=[str(crowded)], srcroot=str(crowded), jobs=1))

    def kept(limit: int) -> list[str]:
        reporter = SarifReporter(max_results=limit, all_locations=True)
        results = reporter.document(result)["runs"][0]["results"]
        assert reporter.cap is not None and reporter.cap.total == 352 and len(results) == limit
        assert "The most severe result of every file was kept first" in reporter.cap.message
        return [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]

    paths = kept(100)
    assert "src/share.py" in paths  # not pushed out by the 300 errors of a file that sorts first
    assert "web/about.html" in paths  # a first-party note: its file's only result
    assert len([p for p in paths if p.startswith("vendor/")]) == 1  # the vendored copy keeps its top result
    assert paths.count("a_generated/endpoints.py") == 97
    paths = kept(302)
    # after one result per file, first-party results go before the vendored copy's other errors
    assert len([p for p in paths if p.startswith("vendor/")]) == 1
    assert paths.count("a_generated/endpoints.py") == 299
    # rolled up, the vendored copy is one result and nothing has to go
    rolled = SarifReporter(max_results=303)
    doc = rolled.document(result)
    assert rolled.cap is None and len(doc["runs"][0]["results"]) == 303
