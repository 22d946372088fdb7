"""Components: findings grouped into one product in one place (docs/design/components.md).

The tree is written file by file in the formats the real tools write (npm's package.json and
package-lock.json v3, Gradle's Kotlin DSL, the TikTok Pixel's published base code) and scanned by the
real engine: the components come from real findings, not hand-made ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.findings.components import build_components, describe, instance_of
from scanner.model import Component, EvidenceKind, Location, PlaceKind, ScanResult

PIXEL_BASE = (  # the Pixel base code as TikTok's Events Manager hands it out (shortened loader)
    "!function (w, d, t) {\n"
    "  w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];\n"
    '  ttq.load=function(e,n){var r="https://analytics.tiktok.com/i18n/pixel/events.js";};\n'
    "  ttq.load('CEXAMPLEPIXEL0000000');\n"
    "  ttq.page();\n"
    "}(window, document, 'ttq');\n"
)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def lockfile(packages: dict[str, str]) -> str:
    """package-lock.json v3 as npm 10 writes it."""
    entries: dict[str, object] = {"": {"name": "shop", "version": "1.0.0",
                                       "dependencies": {n: f"^{v}" for n, v in packages.items()}}}
    for name, version in packages.items():
        entries[f"node_modules/{name}"] = {
            "version": version, "resolved": f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz",
            "integrity": "sha512-" + "A" * 86 + "==", "license": "MIT"}
    return json.dumps({"name": "shop", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
                       "packages": entries}, indent=2) + "\n"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("components") / "repo"
    (root / ".git").mkdir(parents=True)
    pkg = {"name": "shop", "version": "1.0.0", "private": True,
           "dependencies": {"react": "^18.3.1", "tiktok-pixel": "^2.0.3"}}
    return write(root, {
        # web/: the Pixel declared, resolved, installed and called from first-party code
        "web/package.json": json.dumps(pkg, indent=2) + "\n",
        "web/package-lock.json": lockfile({"react": "18.3.1", "tiktok-pixel": "2.0.3"}),
        "web/src/track.js": "import TiktokPixel from 'tiktok-pixel';\n\nTiktokPixel.init('CEXAMPLE');\n"
                            "TiktokPixel.track('Purchase', { value: 9.5 });\n",
        "web/node_modules/tiktok-pixel/package.json": json.dumps(
            {"name": "tiktok-pixel", "version": "2.0.3", "main": "index.js"}, indent=2) + "\n",
        "web/node_modules/tiktok-pixel/index.js": PIXEL_BASE,
        "web/node_modules/tiktok-pixel/lib/queue.js": "ttq.track('ViewContent');\nttq.identify({});\n",
        # landing/: the same Pixel, copied by hand into vendor/ and loaded from first-party HTML
        "landing/vendor/tiktok-pixel/pixel.js": PIXEL_BASE,
        "landing/index.html": "<!DOCTYPE html>\n<html><head>\n<script src=\"vendor/tiktok-pixel/pixel.js\">"
                              "</script>\n<script>ttq.track('CompleteRegistration');</script>\n</head></html>\n",
        # android/: the Open SDK declared, never used
        "android/app/build.gradle.kts": 'plugins {\n    id("com.android.application")\n}\n\ndependencies {\n'
                                        '    implementation("com.tiktok.open.sdk:tiktok-open-sdk-core:2.3.0")\n'
                                        '    implementation("com.tiktok.open.sdk:tiktok-open-sdk-auth:2.3.0")\n}\n',
        "android/app/src/main/java/com/example/Main.kt": "package com.example\n\nclass Main\n",
    })


@pytest.fixture(scope="module")
def result(tree: Path) -> ScanResult:
    return run_scan(ScanConfig(roots=[str(tree)], srcroot=str(tree)))


def by_place(components: list[Component]) -> dict[tuple[str, str], Component]:
    return {(c.product, c.place.root): c for c in components}


def test_components_by_product_and_place(result: ScanResult) -> None:
    comps = by_place(build_components(result))
    assert set(comps) >= {("tiktok-pixel", "web"), ("tiktok-pixel", "web/node_modules/tiktok-pixel"),
                          ("tiktok-pixel", "landing/vendor/tiktok-pixel"), ("tiktok-pixel", ""),
                          ("tiktok-open-sdk", "android/app")}
    web = comps[("tiktok-pixel", "web")]
    assert web.place.kind is PlaceKind.FIRST_PARTY
    assert {EvidenceKind.DECLARED, EvidenceKind.RESOLVED, EvidenceKind.IMPORTED} <= set(web.kinds)
    declared = next(e for e in web.evidence if e.kind is EvidenceKind.DECLARED)
    assert [result.findings[i].location.path for i in declared.findings] == ["web/package.json"]
    assert not web.declared_unused and not web.used_undeclared
    installed = comps[("tiktok-pixel", "web/node_modules/tiktok-pixel")]
    assert installed.place.kind is PlaceKind.PACKAGE
    assert installed.place.package is not None
    # the identity from the path, the version from the project's lockfile entry
    assert installed.place.package.purl == "pkg:npm/tiktok-pixel@2.0.3"
    assert {result.findings[i].location.path for i in installed.findings} == {
        "web/node_modules/tiktok-pixel/package.json",  # its own manifest names it
        "web/node_modules/tiktok-pixel/index.js", "web/node_modules/tiktok-pixel/lib/queue.js"}
    # every unsuppressed finding of a product rule is in exactly one component
    seen = [i for c in comps.values() for i in c.findings]
    assert len(seen) == len(set(seen)) == sum(1 for f in result.findings if f.suppressed is None)


def test_declared_but_unused(result: ScanResult) -> None:
    comps = build_components(result)
    sdk = by_place(comps)[("tiktok-open-sdk", "android/app")]
    assert sdk.kinds == (EvidenceKind.DECLARED,)
    assert sdk.declared_unused and not sdk.used_undeclared
    lines = sorted(result.findings[i].location.start_line for i in sdk.findings)
    assert lines == [6, 7]
    text = describe(sdk, result.findings)
    assert text.startswith("TikTok Open SDK (Login Kit / Share Kit) in android/app/ "
                           "(declared in android/app/build.gradle.kts:6,7)")
    assert "declared, never used: remove it from the manifest" in text
    # the web project declares the Pixel and calls it: not unused
    assert [c for c in comps if c.declared_unused] == [sdk]


def test_used_in_first_party_code_and_a_vendored_copy(result: ScanResult) -> None:
    comps = by_place(build_components(result))
    page = comps[("tiktok-pixel", "")]  # landing/ has no manifest: the repository is the project
    copy = comps[("tiktok-pixel", "landing/vendor/tiktok-pixel")]
    assert page.place.kind is PlaceKind.FIRST_PARTY and copy.place.kind is PlaceKind.PACKAGE
    assert {result.findings[i].location.path for i in page.findings} == {"landing/index.html"}
    assert EvidenceKind.CALLED in page.kinds and EvidenceKind.CALLED in copy.kinds
    # neither is declared in any manifest: a copy, flagged on both
    assert page.used_undeclared and copy.used_undeclared
    # the installed npm package is declared by its project: not flagged
    assert not comps[("tiktok-pixel", "web/node_modules/tiktok-pixel")].used_undeclared


def test_suppressed_findings_are_not_components(result: ScanResult) -> None:
    from dataclasses import replace

    findings = [replace(f, suppressed="accepted") if f.location.path.startswith("android/") else f
                for f in result.findings]
    comps = build_components(replace(result, findings=findings))
    assert all(not c.place.root.startswith("android") for c in comps)


@pytest.mark.parametrize(("path", "members", "kind", "root", "name"), [
    ("app/src/Main.kt", (), None, None, None),
    ("node_modules/@scope/x/lib/a.js", (), PlaceKind.PACKAGE, "node_modules/@scope/x", "@scope/x"),
    ("a/node_modules/b/node_modules/c/i.js", (), PlaceKind.PACKAGE, "a/node_modules/b/node_modules/c", "c"),
    ("ios/Pods/TikTokOpenSDK/Sources/A.m", (), PlaceKind.PACKAGE, "ios/Pods/TikTokOpenSDK", "TikTokOpenSDK"),
    ("ios/Pods/Target Support Files/TikTokOpenSDK/a.xcconfig", (), PlaceKind.PACKAGE, "ios/Pods/TikTokOpenSDK",
     "TikTokOpenSDK"),
    ("Carthage/Checkouts/tiktok-opensdk-ios/A.m", (), PlaceKind.PACKAGE, "Carthage/Checkouts/tiktok-opensdk-ios",
     "tiktok-opensdk-ios"),
    ("vendor/github.com/o/r/x.go", (), PlaceKind.PACKAGE, "vendor/github.com/o/r", "github.com/o/r"),
    ("third_party/tiktok/a.py", (), PlaceKind.PACKAGE, "third_party/tiktok", "tiktok"),
    ("venv/lib/python3.11/site-packages/TikTokApi/api.py", (), PlaceKind.PACKAGE,
     "venv/lib/python3.11/site-packages/TikTokApi", "TikTokApi"),
    ("F/T.xcframework/ios-arm64/T.framework/T", (), PlaceKind.PACKAGE, "F/T.xcframework", "T"),
    ("dl/tiktok-pixel-2.0.3.tgz", ("package/index.js",), PlaceKind.PACKAGE, "dl/tiktok-pixel-2.0.3.tgz",
     "tiktok-pixel"),
    ("app.apk", ("classes2.dex",), PlaceKind.BINARY, "app.apk", None),
    ("app.apk", ("lib/sdk.jar", "com/a/B.class"), PlaceKind.PACKAGE, "app.apk!/lib/sdk.jar", "sdk"),
])
def test_place_from_the_path(path: str, members: tuple[str, ...], kind: PlaceKind | None, root: str | None,
                             name: str | None) -> None:
    inst = instance_of(Location(path, members=members))
    if kind is None:
        assert inst is None
        return
    assert inst is not None
    assert (inst.kind, inst.root, inst.name) == (kind, root, name)


def test_a_binary_outside_any_package_is_its_own_place() -> None:
    inst = instance_of(Location("build/libads.so", byte_offset=4096), binary=True)
    assert inst is not None and (inst.kind, inst.root) == (PlaceKind.BINARY, "build/libads.so")


_SEGMENTS = st.sampled_from(["node_modules", "@s", "x", "Pods", "Headers", "Public", "Target Support Files",
                             "vendor", "a.b", "Carthage", "Checkouts", "site-packages", "y-1.0.dist-info",
                             "T.framework", "T.xcframework", ".build", "checkouts", "src", "", "é", "\udcff"])


@given(st.lists(_SEGMENTS, min_size=1, max_size=8).map("/".join),
       st.lists(st.lists(_SEGMENTS, min_size=1, max_size=4).map("/".join), max_size=3).map(tuple),
       st.booleans())
@settings(max_examples=300, deadline=None)
def test_place_never_fails_and_starts_where_the_path_starts(path: str, members: tuple[str, ...], binary: bool) -> None:
    inst = instance_of(Location(path, members=members), binary=binary)
    if inst is None:
        assert not members and not binary
        return
    assert inst.kind in (PlaceKind.PACKAGE, PlaceKind.BINARY)
    # a place starts where the finding's path starts (the same top directory, the same outer archive)
    assert inst.root.split("/")[0] == path.split("/")[0] or inst.root.startswith(path)
    pods_shared = any(f"Pods/{shared}/" in path + "/" for shared in ("Target Support Files", "Headers"))
    if members and not pods_shared:  # an archive, a package inside it, or the installed package holding it
        # (a file under Pods/Target Support Files/X or Pods/Headers/*/X belongs to the pod Pods/X: no prefix)
        assert "!/".join((path, *members)).startswith(inst.root)


def test_a_called_endpoint_is_an_endpoint_not_undeclared_code(tmp_path: Path) -> None:
    """A TikTok URL reaching an HTTP client calls the service; no package declares a service, so the
    component is never "used without a declaration"."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "events.py").write_text(
        "import os\n\nimport requests\n\n"
        'EVENTS_URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n\n\n'
        "def send(event: dict) -> None:\n"
        '    requests.post(EVENTS_URL, json=event, headers={"Access-Token": os.environ["TOKEN"]}, timeout=10)\n',
        encoding="utf-8")
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))
    called = [f for f in result.findings if f.location.start_line == 9]
    assert called and called[0].rule_id == "TT302"
    (component,) = [c for c in build_components(result) if c.product == "tiktok-events-api"]
    assert {e.kind for e in component.evidence} == {EvidenceKind.ENDPOINT}
    assert not component.used_undeclared and not component.declared_unused
