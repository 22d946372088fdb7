"""Fixture repositories for audits: a checkout, a bare mirror, a folder of artifacts, a clean repo."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO

GIT = ["git", "-c", "user.email=audit@example.com", "-c", "user.name=audit", "-c", "init.defaultBranch=main"]

GRADLE_OPEN_SDK = """dependencies {
    implementation 'com.tiktok.open.sdk:tiktok-open-sdk-auth:2.3.0'
}
repositories {
    maven { url 'https://artifact.bytedance.com/repository/AwemeOpenSDK' }
}
"""
PIXEL_HTML = """<html><head>
<script src="https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=CEXAMPLE&lib=ttq"></script>
</head></html>
"""


def make_checkout(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    subprocess.run([*GIT, "init", "-q", str(path)], check=True)
    subprocess.run([*GIT, "-C", str(path), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(path), "commit", "-qm", "init"], check=True)
    return path


def make_bare_mirror(path: Path, source: Path) -> Path:
    subprocess.run([*GIT, "clone", "-q", "--bare", str(source), str(path)], check=True)
    return path


def make_fleet(base: Path) -> list[Path]:
    shop = base / "shop"
    shutil.copytree(REPO / "examples", shop)
    subprocess.run([*GIT, "init", "-q", str(shop)], check=True)
    android = make_checkout(base / "android", {"app/build.gradle": GRADLE_OPEN_SDK, "README.md": "An app.\n"})
    mirror = make_bare_mirror(base / "web-mirror.git",
                              make_checkout(base / "_web_src", {"public/index.html": PIXEL_HTML}))
    artifacts = base / "release-artifacts"
    artifacts.mkdir()
    (artifacts / "config.json").write_text('{"endpoint": "https://open.tiktokapis.com/v2/user/info/"}\n')
    clean = make_checkout(base / "clean", {"src/tokens.py": "import tiktoken\n"})
    return [shop, android, mirror, artifacts, clean]
