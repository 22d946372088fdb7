"""Regressions from the real-package benchmark (benchmarks/quality): each pattern that a real
package showed and the scanner missed or over-reported, reproduced by a small hand-written file."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

from tests.conftest import findings_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "quality"


def _loud(findings: list[tuple[str, int, str, str]]) -> list[tuple[str, int, str, str]]:
    return [f for f in findings if f[3] in ("warning", "error")]


def _members(root: Path) -> list[tuple[str, tuple[str, ...], int, str, str]]:
    from scanner.config import ScanConfig
    from scanner.core.run import run_scan

    result = run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1))
    return sorted((f.location.path, f.location.members, f.location.start_line, f.rule_id, f.level.value)
                  for f in result.findings)


def test_installed_npm_package_is_reported_by_its_own_name() -> None:
    # npm tiktok-scraper@1.4.36: nothing in its files names a TikTok host at error level; the
    # manifest's `name` says the files ARE that client. tiktoken's own manifest stays silent.
    found = _loud(findings_of(FIXTURES / "npm-identity"))
    assert found == [("node_modules/tiktok-scraper/package.json", 2, "TT106", "error")]


def test_python_core_metadata_name_and_requires_dist() -> None:
    # PyPI PyTok==1.0.0 (`Name:` in the wheel's METADATA) and a wheel that reaches TikTokLive and
    # TikTokApi only through Requires-Dist; the description body and tiktoken's metadata are silent.
    found = _loud(findings_of(FIXTURES / "python-metadata"))
    assert found == [
        ("site-packages/PyTok-1.0.0.dist-info/METADATA", 2, "TT106", "error"),
        ("site-packages/feedtool-2.0.dist-info/METADATA", 8, "TT106", "error"),
        ("site-packages/feedtool-2.0.dist-info/METADATA", 9, "TT106", "error"),
    ]


def test_python_metadata_parser_scopes() -> None:
    from scanner.analyzers.lockfile.python_metadata import parse

    text = (FIXTURES / "python-metadata/site-packages/feedtool-2.0.dist-info/METADATA").read_text()
    pkgs = {p.name: p for p in parse("METADATA", text)}
    assert pkgs["feedtool"].scope == "self" and pkgs["feedtool"].version == "2.0"
    assert pkgs["tiktokapi"].scope == "optional" and pkgs["tiktokapi"].version == "7.3.3"
    assert pkgs["TikTokLive"].scope is None and pkgs["TikTokLive"].line == 8


def test_embed_player_urls_are_errors() -> None:
    # react-tiktok (oEmbed), tiktok-video-element (player/v1), react-social-media-embed (embed.js)
    found = _loud(findings_of(FIXTURES / "endpoints"))
    embed = [f for f in found if f[0] == "embed_player.js"]
    assert embed == [("embed_player.js", 2, "TT305", "error"), ("embed_player.js", 3, "TT305", "error"),
                     ("embed_player.js", 4, "TT305", "error"), ("embed_player.js", 7, "TT305", "error")]


def test_web_app_api_and_legacy_app_hosts() -> None:
    # tiktokapipy util/queries.py (an f-string to www.tiktok.com/api/) and npm tiktok-api
    # (api2.musical.ly): both TikTok app API calls; a profile link stays a note.
    found = findings_of(FIXTURES / "endpoints")
    assert ("web_api.py", 5, "TT307", "error") in found
    assert ("web_api.py", 9, "TT601", "note") in found
    assert ("legacy_client.js", 4, "TT307", "error") in found
    assert not [f for f in found if f[0] == "legacy_client.js" and f[1] == 1 and f[3] != "note"]


def test_hard_cases_assembled_host_comment_and_app_detection_scheme() -> None:
    found = findings_of(FIXTURES / "endpoints")
    assert ("assembled.js", 2, "TT301", "error") in found  # host assembled from literal parts
    assert not [f for f in found if f[0] == "assembled.js" and f[1] == 3]  # commented-out pixel call
    assert [f for f in found if f[0] == "Info.plist"] == [("Info.plist", 9, "TT405", "note")]


def _tgz(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_sdk_reached_only_through_a_dependency_inside_a_tarball(tmp_path: Path) -> None:
    # The shape of `npm pack` output: a LIVE overlay whose only TikTok link is its dependency.
    manifest = '{\n  "name": "stream-overlay",\n  "version": "1.0.0",\n  "dependencies": {\n' \
               '    "tiktok-live-connector": "^2.0.0"\n  }\n}\n'
    (tmp_path / "stream-overlay-1.0.0.tgz").write_bytes(_tgz({"package/package.json": manifest,
                                                            "package/index.js": "module.exports = 1;\n"}))
    found = [f for f in _members(tmp_path) if f[4] in ("warning", "error")]
    assert found == [("stream-overlay-1.0.0.tgz", ("package/package.json",), 5, "TT106", "error")]


def test_wheel_of_a_tiktok_client_is_reported_by_its_metadata(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as whl:
        whl.writestr("pytok/__init__.py", "")
        whl.writestr("PyTok-1.0.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: PyTok\nVersion: 1.0.0\n\n")
    (tmp_path / "PyTok-1.0.0-py3-none-any.whl").write_bytes(buf.getvalue())
    found = [f for f in _members(tmp_path) if f[4] in ("warning", "error")]
    assert found == [("PyTok-1.0.0-py3-none-any.whl", ("PyTok-1.0.0.dist-info/METADATA",), 2, "TT106", "error")]


def test_core_metadata_long_description_is_prose() -> None:
    # python-tiktok==0.1.12 and tiktok-signer==1.4.0 wheels: API URLs in the README that METADATA
    # carries as its long description were errors; prose mentions are notes.
    found = findings_of(FIXTURES / "python-metadata")
    body = [f for f in found if f[0] == "site-packages/tiktoken-0.14.0.dist-info/METADATA"]
    assert body == [("site-packages/tiktoken-0.14.0.dist-info/METADATA", 10, "TT302", "note")]


def test_python_metadata_parser_never_crashes_on_damaged_input() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from scanner.analyzers.lockfile.python_metadata import parse
    from scanner.errors import ParseError

    base = (FIXTURES / "python-metadata/site-packages/feedtool-2.0.dist-info/METADATA").read_text()

    @settings(max_examples=80, deadline=None)
    @given(cut=st.integers(0, len(base)), junk=st.text(max_size=40))
    def check(cut: int, junk: str) -> None:
        try:
            pkgs = parse("METADATA", base[:cut] + junk + base[cut:])
        except ParseError:
            return
        assert all(p.line >= 1 for p in pkgs)

    check()
