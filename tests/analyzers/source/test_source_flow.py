"""Issue 15: what the code does with a TikTok string, per language.

A URL built at run time and handed to a client is a called endpoint (an error at the call, its
definition a related location); the same host in a list, a regular expression or a bundle id is
data about TikTok (a note). Each fixture is asserted line by line with rule, level and context.
"""

from __future__ import annotations

import pytest

from scanner.analyzers.source.base import parse
from scanner.analyzers.source.flow import UNKNOWN, Evaluator, grammar, shown, tokens_of
from scanner.analyzers.source.languages import JAVASCRIPT, PYTHON
from scanner.core.prefilter import Needles
from scanner.model import Context, Finding, Level
from scanner.rules.loader import load_ruleset
from tests.analyzers.source.helpers import FIXTURES, default_scanner, scan_text

FLOW = FIXTURES / "flow"

E, W, N = "error", "warning", "note"
CALL, STRING, DATA = "call", "string", "data"

EXPECTED: dict[str, set[tuple[int, str, str, str]]] = {
    "python/positive/tiktok_ads_source.py": {(16, "TT302", E, STRING), (20, "TT302", E, CALL),
                                             (32, "TT302", E, CALL)},
    "python/negative/link_rules.py": {(7, "TT306", N, DATA), (11, "TT601", N, DATA), (12, "TT306", N, DATA)},
    "js/positive/eventsClient.js": {(10, "TT302", E, STRING), (11, "TT302", E, CALL), (20, "TT302", E, CALL)},
    "js/negative/thirdParties.js": {(4, "TT303", N, DATA), (4, "TT306", N, DATA), (7, "TT303", N, DATA),
                                    (9, "TT306", N, DATA), (11, "TT306", N, DATA)},
    "ts/positive/tiktokAuth.ts": {(4, "TT301", E, STRING), (19, "TT301", E, CALL), (24, "TT301", E, CALL)},
    "ts/negative/embedRules.ts": {(5, "TT306", N, DATA), (8, "TT306", N, DATA), (10, "TT306", N, DATA)},
    "java/positive/TikTokEventsUploader.java": {(14, "TT302", E, STRING), (15, "TT302", E, STRING),
                                                (21, "TT302", E, CALL), (29, "TT302", E, CALL),
                                                (34, "TT302", E, CALL)},
    "java/negative/ShareTargets.java": {(10, "TT306", N, DATA), (14, "TT601", N, DATA), (16, "TT306", N, DATA)},
    "kotlin/positive/TikTokLoginRepository.kt": {(9, "TT301", E, STRING), (17, "TT301", E, CALL),
                                                 (26, "TT301", E, CALL), (31, "TT301", E, CALL)},
    "kotlin/negative/LinkClassifier.kt": {(7, "TT306", N, DATA), (11, "TT601", N, DATA), (12, "TT306", N, DATA)},
    "groovy/positive/TikTokReport.groovy": {(5, "TT302", E, STRING), (11, "TT302", E, CALL), (17, "TT302", E, CALL)},
    "groovy/negative/LinkRules.groovy": {(3, "TT306", N, DATA), (4, "TT601", N, DATA), (5, "TT306", N, DATA)},
    "swift/positive/TikTokLoginService.swift": {(5, "TT301", E, STRING), (13, "TT301", E, STRING),
                                                (15, "TT301", E, CALL), (19, "TT301", E, STRING),
                                                (20, "TT301", E, CALL)},
    "swift/negative/LinkPolicy.swift": {(7, "TT306", N, DATA), (11, "TT601", N, DATA), (12, "TT306", N, DATA)},
    "objc/positive/TTEventsClient.m": {(3, "TT302", E, STRING), (14, "TT302", E, CALL), (18, "TT306", E, CALL)},
    "objc/negative/TTLinkRules.m": {(5, "TT306", N, DATA), (8, "TT601", N, DATA), (9, "TT306", N, DATA)},
    "go/positive/tiktok.go": {(18, "TT302", E, STRING), (19, "TT302", E, CALL), (29, "TT302", E, CALL)},
    "go/negative/domains.go": {(8, "TT306", N, DATA), (13, "TT601", N, DATA), (15, "TT306", N, DATA)},
    "csharp/positive/TikTokVideoDownloader.cs": {(9, "TT306", W, STRING), (16, "TT306", E, CALL),
                                                 (23, "TT306", E, CALL), (29, "TT305", E, CALL)},
    "csharp/negative/LinkPreviewOptions.cs": {(11, "TT306", N, DATA), (14, "TT601", N, DATA),
                                              (16, "TT306", N, DATA)},
    "php/positive/TikTokEventsService.php": {(15, "TT302", E, STRING), (16, "TT302", E, CALL),
                                             (21, "TT302", E, CALL)},
    "php/negative/LinkRules.php": {(8, "TT306", N, DATA), (10, "TT601", N, DATA), (12, "TT306", N, DATA)},
    "ruby/positive/tiktok_client.rb": {(10, "TT302", E, STRING), (14, "TT302", E, CALL), (22, "TT302", E, CALL)},
    "ruby/negative/link_rules.rb": {(5, "TT306", N, DATA), (6, "TT306", N, DATA), (7, "TT601", N, DATA),
                                    (8, "TT306", N, DATA)},
    "dart/positive/tiktok_api.dart": {(4, "TT301", E, STRING), (12, "TT301", E, CALL), (16, "TT301", E, CALL)},
    "dart/negative/link_rules.dart": {(4, "TT306", N, DATA), (9, "TT601", N, DATA), (11, "TT306", N, DATA)},
}


def _scan(rel: str) -> list[Finding]:
    path = FLOW / rel
    return default_scanner().scan_bytes(path.name, path.read_bytes()).findings


def _at(rel: str, line: int, rule: str) -> Finding:
    [hit] = [f for f in _scan(rel) if f.location.start_line == line and f.rule_id == rule]
    return hit


def test_every_fixture_has_expectations() -> None:
    assert {p.relative_to(FLOW).as_posix() for p in FLOW.glob("*/*/*")} == set(EXPECTED)
    languages = {rel.split("/")[0] for rel in EXPECTED}
    assert languages == {"python", "js", "ts", "java", "kotlin", "groovy", "swift", "objc", "go", "csharp", "php",
                         "ruby", "dart"}
    assert all(f"{lang}/negative" in " ".join(EXPECTED) for lang in languages)


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_fixture_lines_rules_levels_and_contexts(rel: str) -> None:
    got = {(f.location.start_line, f.rule_id, f.level.value, f.context.value) for f in _scan(rel)}
    assert got == EXPECTED[rel]


@pytest.mark.parametrize(("rel", "line", "rule", "call", "defined"), [
    ("python/positive/tiktok_ads_source.py", 20, "TT302", "requests.get(https://{?}.tiktok.com/open_api/v1.3/", 16),
    ("js/positive/eventsClient.js", 11, "TT302", "fetch(https://business-api.tiktok.com/open_api/v1.3/event/", 10),
    ("go/positive/tiktok.go", 19, "TT302", "http.NewRequest(https://{?}.tiktok.com/open_api/v1.3/event/", 18),
    ("java/positive/TikTokEventsUploader.java", 21, "TT302", "Request.Builder.url(https://business-api", 15),
    ("swift/positive/TikTokLoginService.swift", 15, "TT301", "session.dataTask(https://open.tiktokapis.com/v2/", 13),
    ("objc/positive/TTEventsClient.m", 14, "TT302", "[NSURLSession sharedSession].dataTaskWithRequest(https:", 9),
    ("ruby/positive/tiktok_client.rb", 22, "TT302", "Net.HTTP.post(https://business-api.tiktok.com/open_api/", 21),
])
def test_called_endpoint_names_the_call_and_relates_the_definition(rel: str, line: int, rule: str, call: str,
                                                                    defined: int) -> None:
    f = _at(rel, line, rule)
    assert f.context is Context.CALL and f.level is Level.ERROR
    assert f.evidence.startswith(call), f.evidence
    assert "called endpoint" in f.message
    assert defined in {r.location.start_line for r in f.related}, f.related


def test_base_address_of_an_http_client_is_a_called_web_service() -> None:
    # the C# downloader: `HttpClient { BaseAddress = new Uri($"https://{Host}/") }`
    f = _at("csharp/positive/TikTokVideoDownloader.cs", 16, "TT306")
    assert (f.level, f.context, f.evidence) == (Level.ERROR, Context.CALL, "BaseAddress = https://www.tiktok.com/")
    assert [r.location.start_line for r in f.related] == [9]
    # a fetched video page is the web service, not a profile link (TT601 is a mention rule)
    page = _at("csharp/positive/TikTokVideoDownloader.cs", 23, "TT306")
    assert page.value == "www.tiktok.com/@" and page.level is Level.ERROR


def test_unknown_subdomain_with_the_business_api_path_is_the_business_api() -> None:
    # the ads-data connector: 'https://{}.tiktok.com/open_api/{}'.format(prefix, version)
    f = _at("python/positive/tiktok_ads_source.py", 16, "TT302")
    assert f.value == "{?}.tiktok.com/open_api/v1.3/"
    assert f.evidence == "https://{?}.tiktok.com/open_api/v1.3/"


def test_a_literal_passed_straight_to_a_client_is_reported_at_the_literal() -> None:
    [f] = scan_text("send.py", 'import requests\nrequests.post("https://business-api.tiktok.com/open_api/v1.3/x")\n')
    assert (f.location.start_line, f.location.start_column, f.context) == (2, 16, Context.CALL)
    assert f.related == ()


def test_the_same_strings_in_no_call_stay_as_before() -> None:
    findings = scan_text("consts.py", 'HOST = "www.tiktok.com"\nX = HOST.upper()\n')
    assert [(f.rule_id, f.level, f.context) for f in findings] == [("TT306", Level.WARNING, Context.STRING)]


# -- the evaluator on its own --------------------------------------------------------------------

def _value(spec_key: str, source: str, expr_line: int) -> str:
    spec = {"python": PYTHON, "javascript": JAVASCRIPT}[spec_key]
    data = source.encode()
    tree = parse(spec, data)
    g = grammar(spec.key)
    assert g is not None
    bindings: dict[str, list[object]] = {}
    target = None
    for stmt in tree.root_node.named_children:
        node = stmt.named_children[0] if stmt.type in ("expression_statement", "lexical_declaration") else stmt
        if node.type == "variable_declarator" or node.type == "assignment":
            name = node.child_by_field_name("name") or node.child_by_field_name("left")
            value = node.child_by_field_name("value") or node.child_by_field_name("right")
            bindings.setdefault(data[name.start_byte:name.end_byte].decode(), []).append(value)
            if stmt.start_point[0] + 1 == expr_line:
                target = value
    assert target is not None
    return shown(Evaluator(data, g, bindings).value(target))


@pytest.mark.parametrize(("source", "expected"), [
    ('A = "v1.3"\nU = "https://%s.tiktok.com/open_api/%s/" % (p, A)\n', "https://{?}.tiktok.com/open_api/v1.3/"),
    ('A = "v2"\nU = "/".join(["https://open.tiktokapis.com", A, "user/info/"])\n',
     "https://open.tiktokapis.com/v2/user/info/"),
    ('H = os.getenv("H", "business-api.tiktok.com")\nU = f"https://{H}/open_api/"\n',
     "https://business-api.tiktok.com/open_api/"),
    ('A = "x"\nA = "y"\nU = "https://" + A\n', "https://{?}"),  # two values: not a constant
    ('A = B\nB = A\nU = A + "/x"\n', "{?}/x"),  # a cycle ends as unknown, not a crash
    ('U = "https://{0}.tiktok.com/{1}".format("ads", "open_api")\n', "https://ads.tiktok.com/open_api"),
])
def test_python_string_building(source: str, expected: str) -> None:
    assert _value("python", source, source.count("\n")) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("const r = process.env.R ?? 'business-api';\nconst u = `https://${r}.tiktok.com/open_api/`;\n",
     "https://business-api.tiktok.com/open_api/"),
    ("const v = 'v2';\nconst u = ['https://open.tiktokapis.com', v, 'oauth/token/'].join('/');\n",
     "https://open.tiktokapis.com/v2/oauth/token/"),
    ("const u = 'https://' + region + '.tiktok.com/open_api/';\n", "https://{?}.tiktok.com/open_api/"),
])
def test_javascript_string_building(source: str, expected: str) -> None:
    assert _value("javascript", source, source.count("\n")) == expected


def test_tokens_of_keeps_an_unknown_subdomain() -> None:
    needles = Needles.from_rules(load_ruleset())
    [(_, value)] = tokens_of(f"https://{UNKNOWN}.tiktok.com/open_api/{UNKNOWN}", needles)
    assert value == "{?}.tiktok.com/open_api/"


def test_flow_needs_a_candidate_and_never_crashes_on_broken_code() -> None:
    # unbalanced, truncated and deeply nested inputs: facts or nothing, never an exception
    for text in ('requests.get("https://www.tiktok.com/" + (((((', "x = " + "(" * 500 + '"a.tiktok.com"',
                 'f"{' * 200 + "tiktok.com"):
        default_scanner().scan_bytes("broken.py", text.encode())
    assert scan_text("plain.js", "fetch(url);\nconst u = base + '/x';\n") == []
