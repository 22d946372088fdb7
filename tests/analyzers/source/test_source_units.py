"""Units of the source framework: callee chains, import normalization, registry and data drift,
context priority over text/endpoints, and never crashing on hostile bytes."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scanner.analyzers.source as source_pkg
from scanner.analyzers.registry import ANALYZERS
from scanner.analyzers.source.base import QUERY_DIR, TreeSitterAnalyzer
from scanner.analyzers.source.extract import callee_chain
from scanner.analyzers.source.imports import default_binding, module_value
from scanner.analyzers.source.languages import ALL, PYTHON
from scanner.model import Context, Level
from tests.analyzers.source.helpers import default_scanner, scan_text
from tests.conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SIGNATURES = REPO / "signatures" / "tiktok"


@pytest.mark.parametrize(("text", "ruby", "chain"), [
    ("AuthApi(activity = this).authorize", False, ["AuthApi", "authorize"]),
    ("window.ttq?.track", False, ["window", "ttq", "track"]),
    ("window.ttq!.page", False, ["window", "ttq", "page"]),
    ("!AppCheck.isTikTokAppInstalled", False, ["AppCheck", "isTikTokAppInstalled"]),
    ("new TikTokBusinessSdk.TTConfig(ctx, t)\n   .setAppId(x)\n   .setTTAppId", False,
     ["TikTokBusinessSdk", "TTConfig", "setAppId", "setTTAppId"]),
    ("$this->http->post", False, ["$this", "http", "post"]),
    ("Tiktok::Open::Sdk::Client.new", True, ["Tiktok::Open::Sdk::Client", "new"]),
    ("await TikTokSDK.instance.login", False, ["TikTokSDK", "instance", "login"]),
    ("(function(){ return 1 })", False, []),
])
def test_callee_chain(text: str, ruby: bool, chain: list[str]) -> None:
    assert callee_chain(text, keep_double_colon=ruby) == chain


@pytest.mark.parametrize(("style", "raw", "value"), [
    ("dotted", "com.tiktok.open.sdk.auth.AuthApi", "com.tiktok.open.sdk.auth.AuthApi"),
    ("dotted", "com.tiktok.appevents.*", "com.tiktok.appevents"),
    ("apple", "<TikTokOpenSDK/TikTokOpenSDKApplicationDelegate.h>", "TikTokOpenSDK"),
    ("apple", '"AppDelegate.h"', None),
    ("apple", "TikTokBusinessSDK.Core", "TikTokBusinessSDK"),
    ("dart", "'package:tiktok_sdk_v2/tiktok_sdk_v2.dart'", "tiktok_sdk_v2"),
    ("dart", "'dart:async'", None),
    ("php", "EcomPHP\\TiktokShop\\Client", "EcomPHP.TiktokShop.Client"),
    ("js", "'react-native-tiktok-business-sdk'", "react-native-tiktok-business-sdk"),
    ("go", '"github.com/bububa/tiktok-business/core"', "github.com/bububa/tiktok-business/core"),
])
def test_module_value(style: str, raw: str, value: str | None) -> None:
    assert module_value(style, raw) == value


def test_default_bindings() -> None:
    assert default_binding("dotted", "com.tiktok.open.sdk.auth.AuthApi") == "AuthApi"
    assert default_binding("go", "github.com/x/tiktok-go/v2") == "tiktok_go"
    assert default_binding("js", "tiktok-live-connector") is None


def test_every_source_analyzer_is_registered_with_a_module_path_name() -> None:
    found = {}
    for info in pkgutil.iter_modules(source_pkg.__path__):
        module = importlib.import_module(f"scanner.analyzers.source.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, TreeSitterAnalyzer) and obj is not TreeSitterAnalyzer:
                found[obj.name] = (obj, info.name)
    assert found, "no source analyzers found"
    for name, (cls, module_name) in found.items():
        assert cls in ANALYZERS, f"{name} is not in the registry"
        assert name == f"source/{module_name}"
        assert cls.priority > 0 and cls.needs_candidates
    names = [cls.name for cls in ANALYZERS]
    assert len(names) == len(set(names))


def test_every_language_has_a_query_file() -> None:
    assert {spec.query for spec in (*ALL, PYTHON)} == {p.stem for p in QUERY_DIR.glob("*.scm")}


def test_calls_resolved_through_imports_have_symbol_prefixes_for_every_module() -> None:
    """A call through an imported name yields `<module>.<member>`: each module a rule lists for an
    ecosystem with bindings needs the matching `<module>.*` symbol prefix in the same rule."""
    for path in sorted(SIGNATURES.glob("TT2*.toml")):
        match = tomllib.loads(path.read_text())["match"]
        for eco in ("jvm", "js", "go", "php", "dotnet", "dart"):
            for module in match.get("modules", {}).get(eco, []):
                assert f"{module}.*" in match.get("symbols", {}).get(eco, []), (path.name, eco, module)


def test_source_context_wins_over_the_text_guess_in_block_comments() -> None:
    text = "/*\n   Events API: https://business-api.tiktok.com/open_api/v1.3/event/track/\n*/\nexport {};\n"
    findings = scan_text("src/events.js", text)
    assert [(f.location.start_line, f.rule_id, f.level, f.context, f.analyzer) for f in findings] == [
        (2, "TT302", Level.NOTE, Context.COMMENT, "source/javascript")]


def test_commented_out_import_and_call_are_not_use() -> None:
    text = ("// import com.tiktok.open.sdk.auth.AuthApi\n"
            "/* TikTokBusinessSdk.initializeSdk(config) */\n"
            "class A { fun f() { /* AuthApi(this) */ } }\n")
    assert scan_text("app/A.kt", text) == []


def test_import_alias_does_not_leak_from_wildcards() -> None:
    findings = scan_text("app/B.kt", "import com.tiktok.appevents.*\nfun f() { appevents.track() }\n")
    assert [(f.location.start_line, f.rule_id) for f in findings] == [(1, "TT203")]


_SEEDS = [b"ttq.track(", b"import com.tiktok.open.sdk.auth.AuthApi\n", b"https://business-api.tiktok.com/x",
          b"require('tiktok-live-connector')", b"#import <TikTokOpenSDK/X.h>\n", b"\"", b"/*", b"`${", b"'"]


@settings(max_examples=60, deadline=None)
@given(parts=st.lists(st.one_of(st.sampled_from(_SEEDS), st.binary(max_size=40)), max_size=12),
       suffix=st.sampled_from([spec.suffixes[0] for spec in ALL]))
def test_never_crashes_on_hostile_bytes(parts: list[bytes], suffix: str) -> None:
    outcome = default_scanner().scan_bytes(f"f{suffix}", b"".join(parts))
    assert not [n for n in outcome.notifications if n.level is Level.ERROR], outcome.notifications
