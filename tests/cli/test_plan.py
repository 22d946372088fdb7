"""`tiktok-scan plan PATH`: for each component, every file and line to change to remove it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli
from tests.findings.test_components import PIXEL_BASE, lockfile, write


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plan") / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(REPO / "examples" / "ios-app", root / "ios")  # Podfile + Info.plist (keys and schemes)
    pkg = {"name": "shop", "version": "1.0.0", "dependencies": {"tiktok-pixel": "^2.0.3"}}
    return write(root, {
        "web/package.json": json.dumps(pkg, indent=2) + "\n",
        "web/package-lock.json": lockfile({"tiktok-pixel": "2.0.3"}),
        "web/src/track.js": "import TiktokPixel from 'tiktok-pixel';\n\nTiktokPixel.track('Purchase');\n",
        "web/node_modules/tiktok-pixel/package.json": json.dumps({"name": "tiktok-pixel", "version": "2.0.3"}) + "\n",
        "web/node_modules/tiktok-pixel/index.js": PIXEL_BASE,
        "web/vendor/pixel/pixel.js": PIXEL_BASE,
    })


def test_plan_lists_every_line_to_change(tree: Path) -> None:
    proc = run_cli("plan", ".", cwd=tree)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    web = text[text.index("TikTok Pixel in web/ ("):]
    web = web[: web.index("\n\n")]
    # code first, then the declaration, then the lockfile
    assert web.index("remove the imports:") < web.index("remove the dependency from the manifest:") \
        < web.index("update the lockfile (reinstall)")
    for line in ("web/src/track.js:1  [TT204] import TiktokPixel from 'tiktok-pixel';",
                 "web/src/track.js:3  [TT204] TiktokPixel.track", "web/package.json:5  [TT104] tiktok-pixel",
                 "web/package-lock.json:14  [TT104] tiktok-pixel@2.0.3"):
        assert line in web, line
    ios = text[text.index("TikTok Open SDK (Login Kit / Share Kit) in ios/ ("):]
    ios = ios[: ios.index("\n\n")]
    assert "declared, never used: remove it from the manifest" in ios
    assert "remove the configuration keys and entries:" in ios
    for line in ("ios/Info.plist:7  [TT202] TikTokClientKey", "ios/Info.plist:13  [TT405] snssdk1233",
                 "ios/Podfile:6  [TT101] TikTokOpenSDKCore"):
        assert line in ios, line
    installed = text[text.index("TikTok Pixel in web/node_modules/tiktok-pixel ("):].splitlines()
    assert "stop depending on tiktok-pixel" in installed[1]
    assert [line.strip() for line in installed[2:4]] == ["web/node_modules/tiktok-pixel/index.js",
                                                         "web/node_modules/tiktok-pixel/package.json"]
    copied = text[text.index("TikTok Pixel in web/vendor/pixel ("):].splitlines()
    assert "used without a declaration" in copied[0]  # the project declares the Pixel, not this copy
    assert "delete the copied package web/vendor/pixel" in copied[1]
    assert copied[2].strip() == "web/vendor/pixel/pixel.js"


def test_plan_json(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    proc = run_cli("plan", ".", "--format", "json", "-o", str(out), cwd=tree)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    web = next(c for c in doc["components"] if c["product"] == "tiktok-pixel" and c["place"] == "web")
    steps = {s["kind"]: s for s in web["steps"]}
    assert [loc["path"] for loc in steps["declared"]["locations"]] == ["web/package.json"]
    assert steps["imported"]["locations"][0]["start_line"] == 1
    assert web["remove_instance"] is None


def test_plan_of_a_clean_tree(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("print('hello')\n", encoding="utf-8")
    proc = run_cli("plan", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == "Nothing to remove: no TikTok component found.\n"
