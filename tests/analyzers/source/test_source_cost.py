"""Parsing cost: files without a candidate are never parsed, grammars load lazily, and long
lines (minified bundles, source maps) fall back to bounded token matching."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from scanner.analyzers.source import base
from scanner.config import ScanConfig
from scanner.config.limits import Limits
from scanner.core.run import run_scan
from scanner.core.scanner import Scanner
from scanner.model import Context, FactKind, Level, SkipReason
from tests.conftest import REPO

PLAIN = {
    "app/src/Main.kt": "package a\nimport android.os.Bundle\nfun main() { println(\"hello\") }\n",
    "app/src/Util.java": "package a;\nimport java.util.List;\nclass Util { void f() { g(); } }\n",
    "web/index.js": "import React from 'react';\nexport const x = () => fetch('/api');\n",
    "web/page.tsx": "export default function P() { return <div>hi</div>; }\n",
    "ios/View.swift": "import UIKit\nlet x = UIView()\n",
    "ios/View.m": "#import <UIKit/UIKit.h>\n@implementation V\n@end\n",
    "site/index.html": "<html><script>console.log('hi')</script></html>\n",
}


def _parses(root: Path) -> Counter[str]:
    before = Counter(base.PARSE_CALLS)
    run_scan(ScanConfig(roots=[str(root)], jobs=1))
    return Counter(base.PARSE_CALLS) - before


def test_files_without_a_candidate_are_never_parsed(tmp_path: Path) -> None:
    for rel, text in PLAIN.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert _parses(tmp_path) == Counter()

    (tmp_path / "app/src/Login.kt").write_text("import com.tiktok.open.sdk.auth.AuthApi\nval a = AuthApi(this)\n")
    (tmp_path / "web/pixel.js").write_text("ttq.track('Purchase');\n")
    assert _parses(tmp_path) == Counter({"kotlin": 1, "javascript": 1})


def test_html_scripts_without_a_candidate_are_not_parsed_as_javascript(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        "<html><body><a href='https://www.tiktok.com/@shop'>us</a>\n"
        "<script>console.log('a')</script><script>ttq.page()</script></body></html>\n")
    assert _parses(tmp_path) == Counter({"html": 1, "javascript": 1})


def test_grammars_are_imported_only_for_languages_present(tmp_path: Path) -> None:
    (tmp_path / "pixel.js").write_text("ttq.track('Purchase');\n")
    code = (
        "import sys\n"
        "from scanner.config import ScanConfig\n"
        "from scanner.core import parallel\n"
        "from scanner.core.run import run_scan\n"
        "def grammars():\n"
        "    return sorted(m for m in sys.modules if m.startswith('tree_sitter_') and '.' not in m)\n"
        "real = parallel._scan_one\n"
        "def scan_one(scanner, item):  # in the scan's (forked) worker process\n"
        "    outcome = real(scanner, item)\n"
        "    print('worker', grammars(), flush=True)\n"
        "    return outcome\n"
        "parallel._scan_one = scan_one\n"
        f"r = run_scan(ScanConfig(roots=[{str(tmp_path)!r}], jobs=1))\n"
        "assert [f.rule_id for f in r.findings] == ['TT204'], r.findings\n"
        "print('scanner', grammars())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=REPO)
    assert out.stdout.splitlines() == ["worker ['tree_sitter_javascript']", "scanner []"]


def _bundle() -> str:
    filler = "var a=function(b){return b+1};" * 2000  # ~62 KB, one line
    return (
        "/*! app bundle */\n"
        + filler
        + 'var l=require("tiktok-live-connector");'
        + filler
        + 'window.ttq.track("CompletePayment",{value:1});var u="https://analytics.tiktok.com/i18n/pixel/events.js";\n'
    )


def test_long_lines_fall_back_to_token_matching() -> None:
    scanner = Scanner(ScanConfig(jobs=1, limits=Limits(max_line_length=10_000)))
    text = _bundle()
    before = Counter(base.PARSE_CALLS)
    outcome = scanner.scan_bytes("dist/app.min.js", text.encode())
    assert Counter(base.PARSE_CALLS) - before == Counter()
    got = {(f.location.start_line, f.location.start_column, f.rule_id, f.kind, f.value) for f in outcome.findings}
    module_col = text.split("\n")[1].index("tiktok-live-connector") + 1
    call_col = text.split("\n")[1].index("window.ttq.track") + 1
    assert (2, module_col, "TT206", FactKind.MODULE, "tiktok-live-connector") in got
    assert (2, call_col, "TT204", FactKind.SYMBOL, "ttq.track") in got
    assert any(f.rule_id == "TT303" and f.location.start_line == 2 for f in outcome.findings)
    notes = [n for n in outcome.notifications if n.reason is SkipReason.LIMIT]
    assert len(notes) == 1 and notes[0].level is Level.NOTE and "token" in notes[0].message


def test_the_same_bundle_under_the_line_limit_is_parsed() -> None:
    scanner = Scanner(ScanConfig(jobs=1))
    before = Counter(base.PARSE_CALLS)
    outcome = scanner.scan_bytes("dist/app.min.js", _bundle().encode())
    assert Counter(base.PARSE_CALLS) - before == Counter({"javascript": 1})
    calls = [f for f in outcome.findings if f.rule_id == "TT204" and f.context is Context.CALL]
    assert [(f.value, f.evidence) for f in calls] == [("ttq.track", "window.ttq.track")]


def test_source_maps_are_token_matched() -> None:
    source_map = {
        "version": 3,
        "file": "main.js",
        "sources": ["webpack:///./node_modules/react-native-tiktok-business-sdk/index.js", "webpack:///./src/app.js"],
        "sourcesContent": ["export default {}", "import T from 'react-native-tiktok-business-sdk';\n"
                           "T.init();\nTikTokBusiness.initializeSdk('a', 'b', 'c');\n"],
        "mappings": "AAAA",
    }
    text = json.dumps(source_map)
    before = Counter(base.PARSE_CALLS)
    outcome = Scanner(ScanConfig(jobs=1)).scan_bytes("dist/main.js.map", text.encode())
    assert Counter(base.PARSE_CALLS) - before == Counter()
    got = {(f.location.start_column, f.rule_id, f.value, f.context) for f in outcome.findings}
    assert (text.index("react-native-tiktok-business-sdk/index.js") + 1, "TT203",
            "react-native-tiktok-business-sdk", Context.CODE) in got
    assert (text.index("from 'react-native-tiktok-business-sdk'") + 7, "TT203",
            "react-native-tiktok-business-sdk", Context.IMPORT) in got
    assert (text.index("TikTokBusiness.initializeSdk") + 1, "TT203", "TikTokBusiness.initializeSdk",
            Context.CALL) in got
