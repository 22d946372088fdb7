"""source/python: imports, alias-resolved calls and endpoint strings, each at its exact line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.analyzers.source import python as pysrc
from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.core.scanner import Scanner
from scanner.model import Context, Finding, Level, SkipReason
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "source" / "python"


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(ScanConfig())


@pytest.fixture(scope="module")
def fixture_findings() -> dict[str, list[Finding]]:
    result = run_scan(ScanConfig(roots=[str(FIXTURES)], srcroot=str(FIXTURES), jobs=1))
    out: dict[str, list[Finding]] = {}
    for f in result.findings:
        out.setdefault(f.location.path, []).append(f)
    return out


def serious(findings: list[Finding]) -> set[tuple[str, int]]:
    return {(f.rule_id, f.location.start_line) for f in findings if f.level.at_least(Level.WARNING)}


def scan_source(scanner: Scanner, source: str, name: str = "app.py") -> list[Finding]:
    outcome = scanner.scan_bytes(name, source.encode())
    return sorted(outcome.findings, key=lambda f: f.sort_key)


def test_events_api_server_is_flagged_at_exact_lines(fixture_findings: dict[str, list[Finding]]) -> None:
    findings = fixture_findings["events_api_server.py"]
    assert serious(findings) == {
        ("TT205", 12),  # import business_api_client
        ("TT205", 13),  # from business_api_client.rest import ApiException
        ("TT302", 20),  # EVENTS_URL literal
        ("TT302", 21),  # host literal inside a concatenation
        ("TT302", 39),  # requests.post(EVENTS_URL, ...): the called endpoint
        ("TT302", 45),  # host literal inside an f-string
        ("TT302", 46),  # requests.post(url, ...) with the f-string's URL
        ("TT205", 51),  # business_api_client.Configuration()
        ("TT302", 52),  # configuration.host = "https://business-api.tiktok.com"
        ("TT205", 53),  # EventCallbackApi(ApiClient(...))
    }
    by_line = {(f.rule_id, f.location.start_line): f for f in findings}
    assert by_line[("TT205", 12)].context is Context.IMPORT
    assert by_line[("TT205", 51)].context is Context.CALL
    assert by_line[("TT205", 51)].value == "business_api_client.Configuration"
    assert by_line[("TT302", 45)].context is Context.STRING
    assert all(f.analyzer == "source/python" for f in findings)


def test_scraper_aliases_resolve_to_qualified_names(fixture_findings: dict[str, list[Finding]]) -> None:
    findings = fixture_findings["tiktok_scraper.py"]
    assert serious(findings) == {
        ("TT206", 8),  # import TikTokApi as tt
        ("TT206", 9),  # from TikTokApi import TikTokApi as Client
        ("TT206", 10),  # from TikTokLive import TikTokLiveClient
        ("TT305", 13),  # oEmbed endpoint string
        ("TT206", 17),  # tt.TikTokApi()
        ("TT206", 23),  # Client()
        ("TT206", 30),  # TikTokLiveClient(...)
    }
    calls = {f.location.start_line: f for f in findings if f.context is Context.CALL}
    assert calls[17].value == "TikTokApi.TikTokApi" and calls[17].evidence == "tt.TikTokApi(...)"
    assert calls[23].value == "TikTokApi.TikTokApi" and calls[23].evidence == "Client(...)"
    assert calls[30].value == "TikTokLive.TikTokLiveClient"


def test_negative_twin_has_nothing_at_warning_or_error(fixture_findings: dict[str, list[Finding]]) -> None:
    findings = fixture_findings.get("negative_twin.py", [])
    assert serious(findings) == set()
    # the docstring mentions are still visible, as notes with their context
    assert {(f.location.start_line, f.context) for f in findings} == {
        (3, Context.DOCUMENTATION),
        (28, Context.DOCUMENTATION),
    }


def test_python2_file_is_read_by_the_lexer_alone() -> None:
    """Its imported name is never rebound, so the lexer resolves everything and libcst (which
    cannot parse Python 2) is not needed: no note."""
    result = run_scan(ScanConfig(roots=[str(FIXTURES)], srcroot=str(FIXTURES), jobs=1))
    assert [n for n in result.notifications if n.path == "legacy_py2.py"] == []
    findings = [f for f in result.findings if f.location.path == "legacy_py2.py"]
    assert {(f.rule_id, f.location.start_line, f.context) for f in findings} == {
        ("TT206", 3, Context.IMPORT),
        ("TT301", 5, Context.STRING),
        ("TT301", 9, Context.CALL),  # urllib2.urlopen(API): tree-sitter reads what libcst cannot
        ("TT306", 8, Context.COMMENT),
    }
    assert {f.level for f in findings if f.context is Context.COMMENT} == {Level.NOTE}


def test_python2_file_that_needs_scope_analysis_falls_back_to_the_lexer_with_a_note(scanner: Scanner) -> None:
    source = (
        "from TikTokApi import TikTokApi\n"
        "def make(TikTokApi=None):\n"  # the name is rebound: only scope analysis can tell the calls apart
        "    print 'making', TikTokApi\n"
        "    return TikTokApi()\n"
    )
    outcome = scanner.scan_bytes("old.py", source.encode())
    assert [(f.rule_id, f.location.start_line, f.context) for f in outcome.findings] == [
        ("TT206", 1, Context.IMPORT)]
    notes = outcome.notifications
    assert len(notes) == 1 and notes[0].reason is SkipReason.PARSE_ERROR and notes[0].level is Level.NOTE
    assert "fell back to the lexer" in notes[0].message


def test_comment_and_commented_out_import_are_not_use(scanner: Scanner) -> None:
    findings = scan_source(scanner, (
        "# from TikTokApi import TikTokApi\n"
        "# requests.post('https://business-api.tiktok.com/open_api/v1.3/event/track/')\n"
        "x = 1  # see https://open.tiktokapis.com/v2/user/info/\n"
    ))
    assert [(f.rule_id, f.location.start_line, f.level, f.context) for f in findings] == [
        ("TT302", 2, Level.NOTE, Context.COMMENT),
        ("TT301", 3, Level.NOTE, Context.COMMENT),
    ]


def test_string_span_equals_text_endpoints_span(scanner: Scanner) -> None:
    source = 'URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'
    findings = scan_source(scanner, source)
    assert len(findings) == 1  # one fact per span: the parser's replaced the generic one
    f = findings[0]
    assert (f.rule_id, f.analyzer, f.context) == ("TT302", "source/python", Context.STRING)
    assert (f.location.start_line, f.location.start_column) == (1, source.index("https") + 1)
    text_only = scanner.scan_bytes("notes.txt", source.encode()).findings
    assert [(g.location.start_line, g.location.start_column, g.location.end_column) for g in text_only] == [
        (f.location.start_line, f.location.start_column, f.location.end_column)]


def test_docstring_inside_concatenated_docstring_and_nested_fstring(scanner: Scanner) -> None:
    findings = scan_source(scanner, (
        "def f(x):\n"
        '    ("see https://business-api.tiktok.com/docs "\n'
        '     "for the fields")\n'
        "    return f\"{x}\" + f\"https://open.tiktokapis.com/v2/{'user'}/info/\"\n"
    ))
    assert [(f.rule_id, f.location.start_line, f.context) for f in findings] == [
        ("TT302", 2, Context.DOCUMENTATION),
        ("TT301", 4, Context.STRING),
    ]


def test_import_forms(scanner: Scanner) -> None:
    findings = scan_source(scanner, (
        "import os, business_api_client.models as m\n"
        "from business_api_client.api.event_callback_api import (\n"
        "    EventCallbackApi,\n"
        ")\n"
        "from . import TikTokApi\n"
        "from .TikTokApi import helpers\n"
        "body = m.PixelTrackBody()\n"
        "api = EventCallbackApi()\n"
    ))
    assert [(f.rule_id, f.location.start_line, f.context, f.value) for f in findings] == [
        ("TT205", 1, Context.IMPORT, "business_api_client.models"),
        ("TT205", 2, Context.IMPORT, "business_api_client.api.event_callback_api"),
        ("TT205", 7, Context.CALL, "business_api_client.models.PixelTrackBody"),
        ("TT205", 8, Context.CALL, "business_api_client.api.event_callback_api.EventCallbackApi"),
    ]


def test_local_name_shadowing_an_sdk_name_is_not_a_call(scanner: Scanner) -> None:
    findings = scan_source(scanner, (
        "class TikTokApi:\n"
        "    pass\n"
        "client = TikTokApi()\n"
        "def business_api_client():\n"
        "    return 1\n"
        "business_api_client()\n"
    ))
    assert findings == []


def test_files_without_a_candidate_are_never_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path.parent / f"{tmp_path.name}-parsed.log"  # the scan's worker process appends to it
    real = pysrc._parse

    def counting(text: str) -> object:
        with log.open("a", encoding="utf-8") as f:
            f.write(text + "\0")
        return real(text)

    monkeypatch.setattr(pysrc, "_parse", counting)
    for i in range(5):
        (tmp_path / f"plain{i}.py").write_text("import json\nprint(json.dumps({'a': 1}))\n")
    (tmp_path / "tok.py").write_text("import tiktoken\nenc = tiktoken.get_encoding('cl100k_base')\n")
    (tmp_path / "notes.md").write_text("from TikTokApi import TikTokApi\n")
    (tmp_path / "uses.py").write_text("from TikTokApi import TikTokApi\napi = TikTokApi()\n")
    (tmp_path / "shadow.py").write_text("from TikTokApi import TikTokApi\n\n\ndef make(TikTokApi=None):\n"
                                        "    return TikTokApi()\n\n\napi = TikTokApi()\n")
    result = run_scan(ScanConfig(roots=[str(tmp_path)], jobs=1))
    # plain*.py have no candidate and notes.md is not Python; tok.py is a candidate (the prefilter's
    # `tiktok` needle hits `tiktoken`) but imports no candidate module, so the lexer is enough;
    # uses.py never rebinds its imported name, so the lexer resolves its call; shadow.py does
    calls = log.read_text(encoding="utf-8").split("\0")[:-1] if log.exists() else []
    assert calls == [(tmp_path / "shadow.py").read_text()]
    assert {(f.location.path, f.rule_id, f.location.start_line) for f in result.findings
            if f.analyzer == "source/python"} == {("uses.py", "TT206", 1), ("uses.py", "TT206", 2),
                                                  ("shadow.py", "TT206", 1), ("shadow.py", "TT206", 8)}


def test_libcst_is_not_imported_when_nothing_needs_parsing(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("import json\n")
    (tmp_path / "readme.md").write_text("https://business-api.tiktok.com\n")
    code = (
        "import sys\n"
        "from scanner.config import ScanConfig\n"
        "from scanner.core.run import run_scan\n"
        f"r = run_scan(ScanConfig(roots=[{str(tmp_path)!r}], jobs=1))\n"
        "assert r.findings, 'the markdown host should still be found'\n"
        "print('libcst' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_overlong_line_is_lexed_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.config.limits import Limits

    monkeypatch.setattr(pysrc, "_parse", lambda text: pytest.fail("parsed a file over the line limit"))
    scanner = Scanner(ScanConfig(limits=Limits(max_line_length=100)))
    source = ("import TikTokApi\nDATA = '" + "x" * 200 + "'\n"
              "URL = 'https://business-api.tiktok.com/x'  # api\nTikTokApi.TikTokApi()\n")
    outcome = scanner.scan_bytes("big.py", source.encode())
    # the lexer resolves the call (the name is never rebound): the line limit never comes into play
    assert sorted((f.location.start_line, f.rule_id, f.context) for f in outcome.findings) == [
        (1, "TT206", Context.IMPORT), (3, "TT302", Context.STRING), (4, "TT206", Context.CALL)]
    assert outcome.notifications == []
    rebound = source + "for TikTokApi in range(3):\n    pass\n"
    outcome = scanner.scan_bytes("big.py", rebound.encode())
    assert sorted((f.location.start_line, f.rule_id, f.context) for f in outcome.findings) == [
        (1, "TT206", Context.IMPORT), (3, "TT302", Context.STRING)]  # the call is not resolved
    assert [n.level for n in outcome.notifications] == [Level.NOTE]


def test_endpoint_only_file_is_not_parsed(scanner: Scanner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pysrc, "_parse", lambda text: pytest.fail("parsed a file without a candidate import"))
    findings = scan_source(scanner, 'import requests\nrequests.post("https://business-api.tiktok.com/x")\n')
    assert [(f.rule_id, f.location.start_line, f.context) for f in findings] == [("TT302", 2, Context.CALL)]


_PIECES = [*"abc ()[]{}'\"\\#:=.\nfFrRb+@", "import ", "from ", "TikTokApi", "business-api.tiktok.com",
           '"""', "f'", "    ", "\t", "\u00e9"]
_FUZZ_SCANNER: list[Scanner] = []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_never_crashes(source: str) -> None:
    if not _FUZZ_SCANNER:
        _FUZZ_SCANNER.append(Scanner(ScanConfig()))
    scanner = _FUZZ_SCANNER[0]
    outcome = scanner.scan_bytes("fuzz.py", ("x = 'tiktok.com'\n" + source).encode())
    assert not [n for n in outcome.notifications if n.reason is SkipReason.ANALYZER_ERROR], outcome.notifications
