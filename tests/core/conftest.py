"""A small corpus with every path the speed-ups touch: plain files, CRLF and UTF-16 text,
repeated lines (line-hash counters), archives (zip, tar.gz, gzip, nested), binaries, and enough
files (over PARALLEL_THRESHOLD) that run_scan takes its parallel, batched path."""

from __future__ import annotations

import gzip
import io
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

EXAMPLES = REPO / "examples"


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="session")
def speed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("speed") / "corpus"
    shutil.copytree(EXAMPLES, root / "examples")
    pixel = b'<script src="https://analytics.tiktok.com/i18n/pixel/events.js"></script>\n'
    api = b'const url = "https://business-api.tiktok.com/open_api/v1.3/event/track/";\n'
    for i in range(150):
        d = root / "pkgs" / f"p{i % 12:02d}"
        d.mkdir(parents=True, exist_ok=True)
        body = b"export const n = %d;\n" % i * (i % 7 + 1)
        if i % 9 == 0:
            body += api * 3  # equal 100-character windows on two lines: counters 1 and 2
        if i % 13 == 0:
            body = body.replace(b"\n", b"\r\n") + b"  // see https://www.tiktok.com/@shop\r\n"
        (d / f"m{i}.js").write_bytes(body)
        (d / f"b{i}.bin").write_bytes(bytes(range(256)) * (i % 5 + 1) + (b"open.tiktokapis.com\x00" if i % 11 == 0
                                                                          else b""))
    (root / "pkgs" / "utf16.html").write_bytes(b"\xff\xfe" + ("<p>x</p>\n" + pixel.decode()).encode("utf-16-le"))
    (root / "pkgs" / "bundle.min.js").write_bytes(b"var a=1;" * 20000 + api + b"var b=2;" * 100 + api)
    (root / "pkgs" / "site.zip").write_bytes(_zip({"www/index.html": pixel, "www/app.js": api,
                                                   "inner.tar.gz": _tar_gz({"pkg/track.js": api})}))
    (root / "pkgs" / "sdk.tgz").write_bytes(_tar_gz({"package/index.js": api, "package/README.md": pixel}))
    (root / "pkgs" / "config.yaml.gz").write_bytes(gzip.compress(b"endpoint: " + api))
    (root / "pkgs" / "empty.txt").write_bytes(b"")
    return root
