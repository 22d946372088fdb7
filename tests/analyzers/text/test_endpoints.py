"""text/endpoints: exact lines and rules on realistic files; domain boundaries and look-alikes stay silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.analyzers.text.tokens import find_tokens
from scanner.core.prefilter import Needles, Prefilter
from scanner.model import FactKind
from scanner.rules import load_packs
from tests.conftest import REPO, findings_of

FIXTURES = REPO / "tests" / "fixtures" / "foundation"


@pytest.fixture(scope="module")
def needles() -> Needles:
    return Needles.from_rules(load_packs())


def tokens(text: str, needles: Needles) -> list[tuple[str, str]]:
    data = text.encode()
    hits = Prefilter(needles).hits(data)
    return [(t.kind.value, t.value) for t in find_tokens(data, hits, needles)]


def test_positive_tree_is_flagged_at_the_right_lines() -> None:
    found = [f for f in findings_of(FIXTURES / "positive") if f[3] in ("error", "warning")]
    assert found == [
        ("display_api.py", 3, "TT301", "error"),
        ("display_api.py", 7, "TT301", "error"),  # requests.post(API, ...): the called endpoint
        ("events.yaml", 4, "TT302", "error"),
        ("landing.html", 4, "TT303", "error"),
    ]


def test_negative_twin_has_nothing_at_warning_or_error() -> None:
    assert [f for f in findings_of(FIXTURES / "negative") if f[3] in ("error", "warning")] == []


@pytest.mark.parametrize(
    "text",
    [
        "see nottiktok.com for more",
        "https://tiktok.com.example.org/x",
        "import tiktoken",
        "TikTok-style feeds",
        "my_tiktok.com_var",
        "tiktok.comx",
        "foo.tiktok.com-mirror.net",
        "cl100k_base.tiktoken",
    ],
)
def test_domain_boundaries(text: str, needles: Needles) -> None:
    assert [t for t in tokens(text, needles) if t[0] in ("host", "url")] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("curl https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=X",
         ("url", "analytics.tiktok.com/i18n/pixel/events.js")),
        ("host: open.tiktokapis.com", ("host", "open.tiktokapis.com")),
        ("'https://OPEN.TikTokApis.com/v2/oauth/token/'", ("url", "open.tiktokapis.com/v2/oauth/token/")),
        ("x = 'tiktok.com.'", ("host", "tiktok.com")),
        ("GET //business-api.tiktok.com:443/open_api/v1.3/", ("url", "business-api.tiktok.com/open_api/v1.3/")),
    ],
)
def test_hosts_and_urls(text: str, expected: tuple[str, str], needles: Needles) -> None:
    assert expected in tokens(text, needles)


def test_schemes_and_markers(needles: Needles) -> None:
    found = tokens("<string>tiktokopensdk</string> snssdk1233://open w.TiktokAnalyticsObject=t", needles)
    assert ("scheme", "tiktokopensdk") in found
    assert ("scheme", "snssdk1233") in found
    assert ("marker", "TiktokAnalyticsObject") in found
    # markers are case-sensitive and word-bounded
    assert not [t for t in tokens("tiktokanalyticsobject XTiktokAnalyticsObject", needles) if t[0] == "marker"]


def test_email_domains_are_mentions(needles: Needles) -> None:
    data = b"contact privacy@tiktok.com"
    toks = find_tokens(data, Prefilter(needles).hits(data), needles)
    assert [(t.kind, t.email) for t in toks] == [(FactKind.HOST, True)]


def test_comment_and_markdown_context_is_note(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("# docs: https://open.tiktokapis.com/v2/user/info/\nx = 1\n")
    (tmp_path / "NOTES.md").write_text("We call https://business-api.tiktok.com/open_api/ from the server.\n")
    assert findings_of(tmp_path) == [("NOTES.md", 1, "TT302", "note"), ("a.py", 1, "TT301", "note")]


def test_utf16_and_latin1_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "u16.xml").write_bytes("<a href='https://open.tiktokapis.com/v2/'/>\n".encode("utf-16"))
    (tmp_path / "l1.txt").write_bytes(b"caf\xe9\nurl=https://business-api.tiktok.com/open_api/\n")
    assert findings_of(tmp_path) == [("l1.txt", 2, "TT302", "note"), ("u16.xml", 1, "TT301", "error")]


def test_columns_count_characters_not_bytes(tmp_path: Path) -> None:
    (tmp_path / "x.js").write_text("const s = 'ünïcödé'; fetch('https://open.tiktokapis.com/v2/user/info/')\n")
    from scanner.config import ScanConfig
    from scanner.core.run import run_scan

    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))
    (finding,) = result.findings
    assert (finding.location.start_line, finding.location.start_column) == (1, 29)


def test_hyphenated_markers_do_not_match_longer_names(needles: Needles) -> None:
    assert ("marker", "tiktok-embed") in tokens('<blockquote class="tiktok-embed" cite="x">', needles)
    assert not [t for t in tokens('<div class="tiktok-embed-placeholder my-tiktok-embed">', needles)
                if t[0] == "marker"]


def test_email_in_a_source_string_is_a_mention(tmp_path: Path) -> None:
    (tmp_path / "sdk.podspec").write_text(
        "Pod::Spec.new do |s|\n  s.author = { 'Open Platform' => 'tiktok-openplatform@bytedance.com' }\nend\n")
    (tmp_path / "mail.rb").write_text("SUPPORT = 'sdk-team@bytedance.com'\n")
    assert [f for f in findings_of(tmp_path) if f[3] in ("error", "warning")] == []


def test_a_whole_value_scheme_is_written_in_lower_case(needles: Needles) -> None:
    """`<string>tiktokopensdk</string>` is the Open SDK's query scheme; a version catalog's key
    `version.ref = "tiktokOpenSdk"` is a name that happens to spell it."""
    assert tokens("<string>tiktokopensdk</string>", needles) == [("scheme", "tiktokopensdk")]
    assert tokens('core = { module = "g:a", version.ref = "tiktokOpenSdk" }', needles) == []
    assert tokens('open("tiktokOpenSdk://share")', needles) == [("scheme", "tiktokopensdk")]
