"""The `.pre-commit-hooks.yaml` hook, driven by the real pre-commit framework.

The hook repository is a snapshot of this checkout (committed into a temporary git repository);
pre-commit installs it into its own virtualenv with pip, exactly as users get it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.analyzers.registry import build_analyzers
from tests.integration.helpers import REPO, git, write

pytestmark = pytest.mark.slow

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")

PIXEL_HTML = """<!doctype html>
<html>
<head>
<script>
!function (w, d, t) {
  w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];
  ttq.load('C4EXAMPLE00000000000');
  ttq.page();
}(window, document, 'ttq');
</script>
</head>
<body><h1>Shop</h1></body>
</html>
"""
CLEAN_PY = 'def total(items):\n    return sum(i.price for i in items)\n'
ANDROID_GRADLE = """plugins {
    id 'com.android.application'
}

repositories {
    google()
    mavenCentral()
    maven { url 'https://artifact.bytedance.com/repository/AwemeOpenSDK' }
}

dependencies {
    implementation 'com.tiktok.open.sdk:tiktok-open-sdk-core:2.3.0'
    implementation 'com.tiktok.open.sdk:tiktok-open-sdk-auth:2.3.0'
}
"""
PACKAGE_JSON = {"name": "shop-mobile", "version": "1.0.0",
                "dependencies": {"react": "18.3.1", "tiktok-opensdk-react-native": "^1.1.0"}}


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull,
               GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.org",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.org", PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)
    return env


def _snapshot(dest: Path) -> str:
    """This checkout's package files as a one-commit git repository; returns the commit."""
    dest.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_data")
    for name in ("scanner", "signatures", "sarif"):
        shutil.copytree(REPO / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, dest / name)
    if not (dest / "README.md").exists():  # a worktree without the README still builds
        (dest / "README.md").write_text("# tiktok-scan\n", encoding="utf-8")
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "snapshot")
    return git(dest, "rev-parse", "HEAD").strip()


class Project:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=self.root, env=self.env, capture_output=True, text=True, check=False)

    def commit(self, message: str) -> tuple[int, str]:
        """`git commit`, which runs the installed hook; (exit code, what the user sees)."""
        proc = self.run("git", "commit", "-m", message)
        return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    if PRE_COMMIT is None:
        pytest.fail("pre-commit is not installed (it is in the `test` extra)")
    base = tmp_path_factory.mktemp("precommit")
    env = _env(base / "pre-commit-home")
    hooks = base / "hook-repo"
    rev = _snapshot(hooks)
    root = base / "shop"
    root.mkdir()
    git(root, "init", "-q")
    write(root, {
        ".pre-commit-config.yaml": f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: tiktok-scan\n",
        "README.md": "# Shop\n",
    })
    project = Project(root, env)
    installed = project.run(PRE_COMMIT, "install")
    assert installed.returncode == 0, installed.stderr
    project.run("git", "add", "-A")
    code, out = project.commit("initial")  # installs the hook environment (pip install of the snapshot)
    assert code == 0, out
    yield project


def test_a_commit_adding_the_pixel_is_blocked(project: Project) -> None:
    write(project.root, {"web/index.html": PIXEL_HTML})
    project.run("git", "add", "web/index.html")
    code, out = project.commit("add analytics")
    assert code != 0
    assert "tiktok-scan (TikTok SDKs, code and services)" in out and "Failed" in out
    assert "web/index.html:6:5: error [TT204] TikTok Pixel in web code" in out
    assert "tiktok-scan: commit blocked: " in out
    assert project.run("git", "log", "--format=%s").stdout.split() == ["initial"]
    project.run("git", "reset", "-q", "--", "web/index.html")
    (project.root / "web" / "index.html").unlink()


def test_a_commit_adding_the_bytedance_sdk_repository_is_blocked_at_warning(project: Project) -> None:
    config = project.root / ".pre-commit-config.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "        args: [--fail-on, warning]\n", encoding="utf-8")
    write(project.root, {"android/app/build.gradle": ANDROID_GRADLE})
    project.run("git", "add", "-A")
    code, out = project.commit("add TikTok login")
    assert code != 0
    assert "android/app/build.gradle:8:18: warning [TT109]" in out
    project.run("git", "reset", "-q")
    config.write_text(original, encoding="utf-8")
    shutil.rmtree(project.root / "android")


def test_a_commit_adding_an_sdk_dependency_is_blocked(project: Project) -> None:
    if not any(a.name != "text/endpoints" and a.wants("package.json", True) for a in build_analyzers()):
        pytest.skip("no package.json analyzer is registered in this checkout yet (manifest analyzers: issue 3)")
    write(project.root, {"mobile/package.json": json.dumps(PACKAGE_JSON, indent=2) + "\n"})
    project.run("git", "add", "-A")
    code, out = project.commit("add TikTok login")
    assert code != 0
    assert "mobile/package.json:6:" in out and "[TT101]" in out
    project.run("git", "reset", "-q")
    shutil.rmtree(project.root / "mobile")


def test_a_clean_commit_passes_and_only_staged_content_is_read(project: Project) -> None:
    write(project.root, {"shop/cart.py": CLEAN_PY})
    project.run("git", "add", "shop/cart.py")
    code, out = project.commit("cart")
    assert code == 0, out
    assert "tiktok-scan (TikTok SDKs, code and services)...." in out and "Passed" in out

    # Unstaged pixel code in a tracked file and an untracked page with the pixel: neither is
    # part of the commit, so neither may block it.
    write(project.root, {"shop/cart.py": CLEAN_PY + "# tax\n", "web/landing.html": PIXEL_HTML})
    project.run("git", "add", "shop/cart.py")
    with (project.root / "shop" / "cart.py").open("a", encoding="utf-8") as handle:
        handle.write('PIXEL = "https://analytics.tiktok.com/i18n/pixel/events.js"\n')
    code, out = project.commit("tax")
    assert code == 0, out
    assert "Passed" in out
    assert "analytics.tiktok.com" in (project.root / "shop" / "cart.py").read_text(encoding="utf-8")

    # The reverse: the staged copy has the pixel URL, the working copy no longer does.
    project.run("git", "add", "shop/cart.py")
    (project.root / "shop" / "cart.py").write_text(CLEAN_PY, encoding="utf-8")
    code, out = project.commit("pixel sneaks in")
    assert code != 0
    assert "shop/cart.py:4:10: error [TT303]" in out
    project.run("git", "reset", "-q")


def test_try_repo(project: Project) -> None:
    write(project.root, {"web/index.html": PIXEL_HTML, "shop/cart.py": CLEAN_PY})
    hooks = project.root.parent / "hook-repo"
    result = project.run(PRE_COMMIT, "try-repo", str(hooks), "tiktok-scan", "--files", "web/index.html")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "web/index.html:6:5: error [TT204]" in result.stdout
    result = project.run(PRE_COMMIT, "try-repo", str(hooks), "tiktok-scan", "--files", "shop/cart.py")
    assert result.returncode == 0, result.stdout + result.stderr
    (project.root / "web" / "index.html").unlink()


def test_the_default_baseline_is_used_by_the_hook(project: Project) -> None:
    """`.tiktok-scan-baseline.json` at the repository root accepts the findings it records, with no
    configuration; a new finding still blocks; `--no-baseline` in the hook's args applies none."""
    write(project.root, {"legacy/pixel.html": PIXEL_HTML})
    created = project.run(sys.executable, "-m", "scanner", "baseline", "create", ".",
                          "-o", ".tiktok-scan-baseline.json")
    assert created.returncode == 0, created.stderr
    assert "legacy/pixel.html" in (project.root / ".tiktok-scan-baseline.json").read_text(encoding="utf-8")
    project.run("git", "add", "legacy/pixel.html", ".tiktok-scan-baseline.json")
    code, out = project.commit("accept the legacy landing page")
    assert code == 0, out
    assert "Passed" in out

    write(project.root, {"web/new.html": PIXEL_HTML})  # the same code at a new path is a new finding
    project.run("git", "add", "web/new.html")
    code, out = project.commit("new page")
    assert code != 0
    assert "web/new.html:6:5: error [TT204]" in out and "legacy/pixel.html" not in out
    project.run("git", "reset", "-q")
    shutil.rmtree(project.root / "web")

    config = project.root / ".pre-commit-config.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "        args: [--no-baseline]\n", encoding="utf-8")
    with (project.root / "legacy" / "pixel.html").open("a", encoding="utf-8") as handle:
        handle.write("<!-- reviewed -->\n")
    project.run("git", "add", "legacy/pixel.html", ".pre-commit-config.yaml")
    code, out = project.commit("touch the legacy page")
    assert code != 0
    assert "legacy/pixel.html:6:5: error [TT204]" in out
    project.run("git", "reset", "-q")
    config.write_text(original, encoding="utf-8")
    project.run("git", "checkout", "--", "legacy/pixel.html")
    project.run("git", "rm", "-q", "legacy/pixel.html", ".tiktok-scan-baseline.json")
    code, out = project.commit("drop the legacy page")
    assert code == 0, out
