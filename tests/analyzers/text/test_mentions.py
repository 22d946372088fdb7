"""Data about TikTok (issue 15) in text files, decided from the syntax around the host: filter and
hosts-file rules, entity databases, tables, Xcode product names, patterns; a plain use stays a use."""

from __future__ import annotations

import pytest

from scanner.model import Context, Level
from tests.analyzers.source.helpers import scan_text

# third-party-web dist/entities.json (npm third-party-web 0.30.0), one record, as shipped (one line)
ENTITIES_JSON = (
    '[{"name":"TicketMaster","category":"content","domains":["*.t-x.io","*.tmcs.net"]},'
    '{"name":"TikTok","company":"ByteDance Ltd","homepage":"https://www.tiktok.com/en/","category":"social",'
    '"domains":["*.tiktok.com","*.ipstatp.com"],"examples":["analytics.tiktok.com",'
    '"https://s0.ipstatp.com/ad/business/track-log.js"],"totalExecutionTime":253020746}]\n'
)
# third-party-web dist/domain-map.csv, as shipped
DOMAIN_MAP_CSV = "analytics.tiktok.com,*.tiktok.com,social\nwww.tiktok.com,*.tiktok.com,social\n"
# an Xcode target named `tiktok` (project.pbxproj and its scheme, as Xcode 15 writes them)
PBXPROJ = (
    "\t\t8A1F2B3C2B0D4E5F00A1B2C3 /* tiktok.app */ = {isa = PBXFileReference; explicitFileType = wrapper.application; "
    "includeInIndex = 0; path = tiktok.app; sourceTree = BUILT_PRODUCTS_DIR; };\n"
    "\t\t\t\tPRODUCT_BUNDLE_IDENTIFIER = com.example.tiktok.app;\n"
)
XCSCHEME = ('         <BuildableReference\n            BuildableIdentifier = "primary"\n'
            '            BuildableName = "tiktok.app"\n            BlueprintName = "tiktok">\n')
FILTER_LIST = "! Title: Social trackers\n||analytics.tiktok.com^$third-party\n@@||www.tiktok.com^$document\n"
HOSTS_FILE = "# blocklist\n0.0.0.0 analytics.tiktok.com\n0.0.0.0 ads.tiktok.com\n"
CHROME_MANIFEST = '{"content_scripts": [{"matches": ["*://*.tiktok.com/*"], "js": ["content.js"]}]}\n'


@pytest.mark.parametrize(("name", "text"), [
    ("entities.json", ENTITIES_JSON), ("domain-map.csv", DOMAIN_MAP_CSV), ("project.pbxproj", PBXPROJ),
    ("tiktok.xcscheme", XCSCHEME), ("filters.txt.list", FILTER_LIST), ("hosts", HOSTS_FILE),
    ("manifest.json", CHROME_MANIFEST),
])
def test_data_about_tiktok_is_a_note_in_data_context(name: str, text: str) -> None:
    findings = scan_text(name, text)
    assert findings, name
    assert {(f.level, f.context) for f in findings} == {(Level.NOTE, Context.DATA)}, [
        (f.location.start_line, f.value, f.context) for f in findings]


def test_the_same_hosts_as_configuration_stay_a_use() -> None:
    yaml = "tiktok:\n  events_endpoint: https://business-api.tiktok.com/open_api/v1.3/event/track/\n"
    [f] = scan_text("settings.yaml", yaml)
    assert (f.rule_id, f.level, f.context) == ("TT302", Level.ERROR, Context.CONFIG)


def test_two_hosts_side_by_side_are_not_yet_a_list() -> None:
    # a client's primary and fallback host: "several" starts at three
    findings = scan_text("hosts.py", 'HOSTS = ["business-api.tiktok.com", "sandbox-ads.tiktok.com"]\n')
    assert {(f.level, f.context) for f in findings} == {(Level.ERROR, Context.STRING)}


def test_a_list_of_endpoint_urls_with_paths_is_not_a_domain_list() -> None:
    text = ('ROUTES = ["https://open.tiktokapis.com/v2/oauth/token/", "https://open.tiktokapis.com/v2/user/info/",\n'
            '          "https://open.tiktokapis.com/v2/video/list/"]\n')
    assert {f.context for f in scan_text("routes.py", text)} == {Context.STRING}


@pytest.mark.parametrize(("line", "reason"), [
    ("0.0.0.0 analytics.tiktok.com", "filter"),
    ("\t127.0.0.1\t analytics.tiktok.com", "filter"),  # hosts files align with tabs
    ("::1 analytics.tiktok.com", "filter"),
    ("ping 0.0.0.0 analytics.tiktok.com", ""),  # an address after other words: not a hosts entry
    ("10.0.0.0 analytics.tiktok.com", ""),
])
def test_a_hosts_file_entry_is_only_an_address_before_the_host(line: str, reason: str) -> None:
    from scanner.analyzers.text.tokens import mention_reason

    data = ("x" * 5000 + "\n" + line + "\n").encode()
    start = data.index(b"analytics.tiktok.com")
    end = start + len("analytics.tiktok.com")
    assert mention_reason(data, start, end, start, end, "analytics.tiktok.com") == reason
