"""Each fixture app is flagged at the exact lines with the right rule ids; each negative twin
(tiktoken, TikTokStyleFeed, comments and docs, commented-out imports) stays below warning."""

from __future__ import annotations

import pytest

from scanner.model import Context, FactKind, Level
from tests.analyzers.source.helpers import FIXTURES, scan_fixture, serious

EXPECTED: dict[str, set[tuple[int, str]]] = {
    "html/positive/index.html": {(9, "TT204"), (9, "TT303"), (10, "TT204"), (11, "TT204"), (18, "TT209"),
                                 (21, "TT305"), (22, "TT204")},
    "java/positive/LoginActivity.java": {(7, "TT201"), (8, "TT201"), (9, "TT201"), (10, "TT201"), (20, "TT201"),
                                         (21, "TT201"), (22, "TT201"), (32, "TT301")},
    "java/positive/ShopApplication.java": {(5, "TT203"), (6, "TT203"), (7, "TT203"), (13, "TT203"), (16, "TT203"),
                                           (19, "TT203"), (29, "TT203")},
    "js/positive/App.js": {(4, "TT203"), (5, "TT201"), (9, "TT203"), (13, "TT203"), (17, "TT201")},
    "js/positive/minis.js": {(2, "TT208"), (3, "TT208")},
    "js/positive/server.js": {(5, "TT206"), (7, "TT302"), (8, "TT302"), (20, "TT302"), (29, "TT302"),
                             (33, "TT206")},
    "kotlin/positive/LoginActivity.kt": {(6, "TT201"), (7, "TT201"), (8, "TT201"), (9, "TT201"), (13, "TT201"),
                                         (17, "TT201"), (18, "TT201"), (21, "TT201"), (38, "TT301"), (39, "TT301")},
    "objc/positive/AppDelegate.m": {(2, "TT201"), (2, "TT202"), (3, "TT201"), (4, "TT203"), (9, "TT201"),
                                    (9, "TT202"), (10, "TT203"), (11, "TT203"), (16, "TT201")},
    "swift/positive/ShareViewController.swift": {(3, "TT201"), (4, "TT201"), (11, "TT201"), (25, "TT201")},
    "ts/positive/_app.tsx": {(8, "TT204"), (15, "TT204"), (21, "TT204"), (30, "TT204"), (31, "TT303")},
    "groovy/positive/TikTokInit.groovy": {(1, "TT203"), (2, "TT201"), (7, "TT201"), (8, "TT203"), (9, "TT301")},
    "dart/positive/login_button.dart": {(3, "TT201"), (9, "TT201"), (10, "TT201"), (15, "TT301")},
    "go/positive/events.go": {(13, "TT302"), (26, "TT302"), (39, "TT301")},
    "csharp/positive/TikTokEventsClient.cs": {(10, "TT302"), (27, "TT302"), (32, "TT301")},
    "ruby/positive/tiktok_events.rb": {(5, "TT201"), (9, "TT302"), (13, "TT201"), (17, "TT302")},
    "php/positive/tiktok-events.php": {(7, "TT206"), (12, "TT302"), (20, "TT302"), (32, "TT206"), (38, "TT301")},
}

NEGATIVES = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.glob("*/negative/*") if p.is_file())


def test_every_positive_fixture_has_expectations() -> None:
    on_disk = {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.glob("*/positive/*") if p.is_file()}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_positive_fixture_lines_and_rules(rel: str) -> None:
    assert serious(scan_fixture(rel)) == EXPECTED[rel]


@pytest.mark.parametrize("rel", NEGATIVES)
def test_negative_twin_has_nothing_at_warning_or_error(rel: str) -> None:
    findings = scan_fixture(rel)
    assert [f for f in findings if f.level.at_least(Level.WARNING)] == []


def test_negatives_exist_for_every_language() -> None:
    langs_pos = {p.split("/")[0] for p in EXPECTED}
    langs_neg = {p.split("/")[0] for p in NEGATIVES}
    assert langs_pos <= langs_neg


def _one(rel: str, line: int, rule: str):  # type: ignore[no-untyped-def]
    hits = [f for f in scan_fixture(rel) if f.location.start_line == line and f.rule_id == rule]
    assert len(hits) == 1, hits
    return hits[0]


def test_import_is_reported_in_import_context_by_the_source_analyzer() -> None:
    f = _one("kotlin/positive/LoginActivity.kt", 6, "TT201")
    assert (f.kind, f.context, f.value, f.analyzer) == (
        FactKind.MODULE, Context.IMPORT, "com.tiktok.open.sdk.auth.AuthApi", "source/jvm")
    assert (f.location.start_column, f.location.end_column) == (8, 40)


def test_kotlin_alias_and_simple_name_resolve_through_imports() -> None:
    f = _one("kotlin/positive/LoginActivity.kt", 18, "TT201")
    assert f.kind is FactKind.SYMBOL and f.context is Context.CALL
    assert f.value == "com.tiktok.open.sdk.core.appcheck.TikTokAppCheckUtil.isTikTokAppInstalled"
    ctor = _one("kotlin/positive/LoginActivity.kt", 17, "TT201")
    assert ctor.value == "com.tiktok.open.sdk.auth.AuthApi"


def test_js_destructured_require_resolves_new_expression() -> None:
    f = _one("js/positive/server.js", 33, "TT206")
    assert (f.kind, f.value) == (FactKind.SYMBOL, "tiktok-live-connector.WebcastPushConnection")


def test_js_renamed_named_import_resolves_call() -> None:
    f = _one("js/positive/App.js", 17, "TT201")
    assert f.value == "tiktok-opensdk-react-native.share"


def test_endpoint_string_gets_string_context_and_wins_over_text_analyzer() -> None:
    f = _one("js/positive/server.js", 7, "TT302")
    assert (f.context, f.analyzer) == (Context.STRING, "source/javascript")
    assert f.value == "business-api.tiktok.com/open_api/v1.3/event/track/"


def test_concatenated_endpoint_is_one_url() -> None:
    f = _one("java/positive/LoginActivity.java", 32, "TT301")
    assert (f.kind, f.value, f.context) == (FactKind.URL, "open.tiktokapis.com/v2/oauth/token/", Context.STRING)


def test_optional_chaining_call_is_a_pixel_call() -> None:
    f = _one("ts/positive/_app.tsx", 15, "TT204")
    assert (f.kind, f.value, f.context) == (FactKind.SYMBOL, "ttq.track", Context.CALL)


def test_objc_message_send_is_a_call() -> None:
    f = _one("objc/positive/AppDelegate.m", 11, "TT203")
    assert (f.kind, f.value) == (FactKind.SYMBOL, "TikTokBusiness.initializeSdk")
    alloc = _one("objc/positive/AppDelegate.m", 16, "TT201")
    assert alloc.value == "TikTokOpenSDKShareRequest"


def test_html_inline_pixel_is_parsed_as_javascript() -> None:
    load = _one("html/positive/index.html", 10, "TT204")
    assert (load.value, load.context, load.analyzer) == ("ttq.load", Context.CALL, "source/html")
    handler = _one("html/positive/index.html", 22, "TT204")
    assert handler.value == "ttq.track"


def test_comments_are_notes_with_comment_or_documentation_context() -> None:
    findings = scan_fixture("java/negative/TikTokStyleFeed.java")
    assert findings, "the Javadoc link should still be reported, as a note"
    assert {f.context for f in findings} <= {Context.COMMENT, Context.DOCUMENTATION}
    assert {f.level for f in findings} == {Level.NOTE}


def test_go_concatenated_endpoint_drops_the_query_from_the_value() -> None:
    f = _one("go/positive/events.go", 39, "TT301")
    assert f.value == "open.tiktokapis.com/v2/user/info/"  # queries carry ids and tokens, never signatures
    assert "fields=open_id" in f.evidence


def test_php_use_alias_resolves_new() -> None:
    f = _one("php/positive/tiktok-events.php", 32, "TT206")
    assert (f.kind, f.value, f.context) == (FactKind.SYMBOL, "EcomPHP.TiktokShop.Client", Context.CALL)


def test_ruby_constant_path_constructor() -> None:
    f = _one("ruby/positive/tiktok_events.rb", 13, "TT201")
    assert f.value == "Tiktok::Open::Sdk::Client.new"


def test_dart_plugin_singleton_call() -> None:
    f = _one("dart/positive/login_button.dart", 10, "TT201")
    assert (f.value, f.context) == ("TikTokSDK.instance.login", Context.CALL)
