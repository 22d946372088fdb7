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


REQUIREMENTS_SDK = "tiktok-business-api-sdk-official==1.1.3\n"  # TT103 at line 1
PIXEL_JS = "fetch('https://analytics.tiktok.com/i18n/pixel/events.js');\n"  # TT303 at line 1

# A bare repository config that makes git run a command: a partial clone whose promisor remote is an
# `ext::` transport, allowed by the repository itself (which beats `-c protocol.allow=never`).
# In an ext:: URL, `% ` is a space inside one argument: the command is `sh -c "touch MARKER"`.
HOSTILE_CONFIG = """[core]
\trepositoryformatversion = 1
\tbare = true
[extensions]
\tpartialClone = origin
[remote "origin"]
\turl = ext::sh -c touch% {marker}
\tpromisor = true
\tpartialclonefilter = blob:none
[protocol "ext"]
\tallow = always
"""


def git_out(*args: str) -> str:
    return subprocess.run([*GIT, *args], check=True, capture_output=True, text=True).stdout.strip()


def loose_path(mirror: Path, oid: str) -> Path:
    return mirror / "objects" / oid[:2] / oid[2:]


def make_hostile_mirror(base: Path, missing: str) -> tuple[Path, str, Path]:
    """(mirror, id of the object deleted from it, marker) for a bare clone whose config would make a
    git reader run `touch MARKER` when it lazily fetches the deleted object: `missing` is "blob"
    (vendor/pixel.js's content) or "tree" (the vendor/ directory). The intact files are
    public/index.html (TT303 at line 2) and requirements.txt (TT103 at line 1).

    Proves on a copy that real git does run the command (so a test that the scanner does not is not
    vacuous), then checks that the audited mirror still has no marker."""
    source = make_checkout(base / f"src-{missing}", {"public/index.html": PIXEL_HTML,
                                                     "requirements.txt": REQUIREMENTS_SDK,
                                                     "vendor/pixel.js": PIXEL_JS})
    mirror = make_bare_mirror(base / f"hostile-{missing}.git", source)
    marker = base / f"marker-{missing}"
    oid = git_out("--git-dir", str(mirror), "rev-parse", "HEAD:vendor" + ("/pixel.js" if missing == "blob" else ""))
    loose_path(mirror, oid).unlink()  # a local clone keeps objects loose: one file per object
    (mirror / "config").write_text(HOSTILE_CONFIG.format(marker=marker))
    proof = base / f"proof-{missing}.git"
    shutil.copytree(mirror, proof)
    subprocess.run(["git", "-c", "protocol.allow=never", "--git-dir", str(proof), "cat-file", "-p", oid],
                   capture_output=True, check=False)
    assert marker.exists(), "real git did not run the promisor remote: the hostile fixture is vacuous"
    marker.unlink()
    shutil.rmtree(proof)
    return mirror, oid, marker


# A long identifier with no place to break: the HTML report must wrap it, not widen the page.
LONG_NAME = "TikTokPixelEventsBridgeConfigurationGeneratedBundle" * 3 + ".js"
STOREFRONT = {
    "package.json": '{\n  "name": "storefront",\n  "version": "1.0.0",\n  "dependencies": {\n'
                    '    "tiktok-pixel": "^2.1.0"\n  }\n}\n',  # TT104 at line 5
    "web/index.html": PIXEL_HTML,  # TT303 at line 2
    f"web/static/{LONG_NAME}": PIXEL_JS,  # TT303 at line 1
    # an installed package: one component in its own place
    "node_modules/tiktok-pixel/package.json": '{\n  "name": "tiktok-pixel",\n  "version": "2.1.0",\n'
                                              '  "main": "index.js"\n}\n',
    "node_modules/tiktok-pixel/index.js": PIXEL_JS,
    "requirements.txt": REQUIREMENTS_SDK,  # TT103 at line 1: accepted by ACCEPT_CONFIG
    "tests/test_open_api.py": 'URL = "https://open.tiktokapis.com/v2/user/info/"\n',  # TT301, only in tests
}
ACCEPT_CONFIG = """[[allow]]
purls = ["pkg:pypi/tiktok-business-api-sdk-official"]
reason = "the server SDK is approved"
"""


def make_mixed_fleet(base: Path) -> list[Path]:
    """Four repositories whose audit exercises every count: first-party and package components, an
    accepted finding (with ACCEPT_CONFIG), a repository that uses TikTok only in its tests, a bare
    mirror, a clean one."""
    storefront = make_checkout(base / "storefront", STOREFRONT)
    tests_only = make_checkout(base / "mobile-tests", {
        "__tests__/login.test.js": 'fetch("https://open.tiktokapis.com/v2/oauth/token/");\n',
        "src/app.js": "export const app = 1;\n"})
    mirror = make_bare_mirror(base / "pixel-mirror.git",
                              make_checkout(base / "_pixel_src", {"public/index.html": PIXEL_HTML}))
    clean = make_checkout(base / "clean", {"src/tokens.py": "import tiktoken\n"})
    return [storefront, tests_only, mirror, clean]
