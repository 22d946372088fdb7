"""The optional patterns read only around the hits and the names that carry them (focus.py).

Focusing must change no finding: every source fixture is scanned focused and with the whole file
queried, and the findings (lines, rules, levels, evidence, related locations) must be equal. A
bundle whose one TikTok host sits in an entity list must stay focused (the point of it: Lighthouse's
bundle inside every React Native project), and a URL assembled through names spread over a large
file must still be followed to its sink.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.analyzers.source import focus
from scanner.model import Finding
from tests.analyzers.source.helpers import default_scanner
from tests.conftest import REPO

SOURCE_SUFFIXES = {".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java", ".kt", ".kts", ".groovy", ".gradle",
                   ".swift", ".m", ".mm", ".h", ".go", ".cs", ".php", ".rb", ".dart", ".vue", ".svelte", ".html"}
FILES = sorted(p for root in (REPO / "tests" / "fixtures", REPO / "examples") for p in root.rglob("*")
               if p.is_file() and p.suffix in SOURCE_SUFFIXES and p.stat().st_size < 2_000_000)


def _shape(findings: list[Finding]) -> list[tuple[object, ...]]:
    return sorted((f.rule_id, f.level.value, f.context.value, f.location.start_line, f.location.start_column,
                   f.location.end_line, f.location.end_column, f.evidence,
                   tuple((r.location.start_line, r.message) for r in f.related)) for f in findings)


def _scan(path: Path) -> list[Finding]:
    return default_scanner().scan_bytes(path.relative_to(REPO).as_posix(), path.read_bytes()).findings


def test_the_fixtures_cover_every_followed_language() -> None:
    assert len(FILES) > 100
    assert {p.suffix for p in FILES} >= {".py", ".js", ".ts", ".java", ".kt", ".swift", ".go", ".cs", ".php", ".rb",
                                         ".dart"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_focused_findings_equal_whole_file_findings(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    focused = _shape(_scan(path))
    monkeypatch.setattr(focus, "MAX_SPANS", -1)  # every file takes the whole-file query
    assert focused == _shape(_scan(path))


def _bundle(tail: str) -> str:
    """A minified-looking module: thousands of unrelated bindings and calls, one entity list naming
    TikTok hosts, and `tail`."""
    filler = ";".join(f"var a{i}=e.get(t{i},n);r.push(a{i}.charCodeAt(0))" for i in range(3000))
    entities = ('var si=[{name:"TikTok",company:"ByteDance Ltd",homepage:"https://www.tiktok.com/en/",'
                'category:"social",domains:["*.tiktok.com","*.ipstatp.com"]},{name:"Tidio",domains:["*.tidio.co"]}];')
    return f"(function(e,t,n,r){{{filler};{entities}\n{tail}\n}})(a,b,c,d);\n"


def test_an_entity_list_in_a_bundle_stays_focused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[focus.Focus] = []
    real = focus.focused_matches

    def spy(*args: object, **kwargs: object) -> object:
        out = real(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(out[1])
        return out

    monkeypatch.setattr("scanner.analyzers.source.extract.focused_matches", spy)
    text = _bundle("function isThirdParty(x){return si.some(function(d){return d.name===x})}")
    findings = default_scanner().scan_bytes("lighthouse-bundle.js", text.encode()).findings
    assert seen and not seen[0].whole and len(seen[0].starts) < 20
    assert {f.level.value for f in findings} == {"note"}  # an entity list is data about TikTok


def test_a_url_assembled_through_names_far_apart_reaches_its_sink() -> None:
    tail = ('var EVENTS_HOST="https://business-api.tiktok.com";\n'
            'var TRACK_PATH="/open_api/"+API_VERSION+"/event/track/";\n'
            'var API_VERSION="v1.3";\n'
            'function send(body){return fetch(EVENTS_HOST+TRACK_PATH,{method:"POST",body:body})}')
    text = _bundle(tail)
    findings = default_scanner().scan_bytes("events-bundle.js", text.encode()).findings
    line = text.count("\n", 0, text.index("return fetch(")) + 1
    at_call = [f for f in findings if f.location.start_line == line and f.context.value == "call"]
    assert at_call and at_call[0].level.value == "error"
    assert "business-api.tiktok.com/open_api/v1.3/event/track/" in at_call[0].evidence
    assert {r.location.start_line for r in at_call[0].related} >= {line - 3}


def test_a_string_built_around_a_hit_reads_the_names_it_is_built_from() -> None:
    tail = ('var REGION_PREFIX="business-api";\n'
            'function pixelUrl(){return report("https://"+REGION_PREFIX+".tiktok.com/open_api/v1.3/pixel/track/")}')
    text = _bundle(tail)
    findings = default_scanner().scan_bytes("pixel-bundle.js", text.encode()).findings
    line = text.count("\n", 0, text.index("return report(")) + 1
    built = [f for f in findings if f.location.start_line == line]
    assert any("https://business-api.tiktok.com/open_api/v1.3/pixel/track/" in f.evidence for f in built), \
        [(f.rule_id, f.evidence) for f in built]
