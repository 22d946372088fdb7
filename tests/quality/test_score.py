"""The quality scorer's logic on a tiny synthetic SARIF (no downloads: runs in CI)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.conftest import REPO

BENCH = REPO / "benchmarks" / "quality"


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


score = _load("score")
build = _load("build_corpus")


def _result(rule: str, level: str | None, uri: str, suppressed: bool = False) -> dict:
    res: dict = {"ruleId": rule, "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}]}
    if level is not None:
        res["level"] = level
    if suppressed:
        res["suppressions"] = [{"kind": "inSource"}]
    return res


CASES = [
    build.Case("npm", "tiktok-pixel", "2.0.3", "tiktok", "r"),
    build.Case("pypi", "TikTokApi", "7.3.3", "tiktok", "r"),
    build.Case("npm", "@dqbd/tiktoken", "1.0.22", "clean", "r"),
    build.Case("pypi", "lark", "1.3.1", "clean", "r"),
    build.Case("pypi", "lark-oapi", "1.7.5", "affiliate", "r"),
    build.Case("npm", "@volcengine/openapi", "1.36.2", "affiliate", "r"),
]
SARIF = {"runs": [{
    "tool": {"driver": {"rules": [{"id": "TT306", "defaultConfiguration": {"level": "warning"}}]}},
    "results": [
        _result("TT204", "error", "npm/tiktok-pixel@2.0.3/tiktok-pixel-2.0.3.tgz"),
        _result("TT306", None, "pypi/TikTokApi@7.3.3/tiktokapi-7.3.3-py3-none-any.whl"),  # default: warning
        _result("TT601", "note", "npm/@dqbd+tiktoken@1.0.22/dqbd-tiktoken-1.0.22.tgz"),
        _result("BD102", "warning", "pypi/lark@1.3.1/lark-1.3.1-py3-none-any.whl"),
        _result("TT305", "error", "pypi/lark@1.3.1/lark-1.3.1-py3-none-any.whl", suppressed=True),
        _result("BD102", "warning", "pypi/lark-oapi@1.7.5/lark_oapi-1.7.5-py3-none-any.whl"),
        _result("TT306", "note", "npm/@volcengine+openapi@1.36.2/volcengine-openapi-1.36.2.tgz"),
        _result("TT204", "error", "elsewhere/not-a-case.js"),
    ],
}]}


def test_outcomes_per_case() -> None:
    outcomes = score.collect([SARIF], CASES)
    ok = {key: o.ok for key, o in outcomes.items()}
    assert ok == {
        "npm/tiktok-pixel@2.0.3": True,  # an error from a TT rule
        "pypi/TikTokApi@7.3.3": False,  # a TT warning is not detection
        "npm/@dqbd+tiktoken@1.0.22": True,  # a note does not flag a clean case
        "pypi/lark@1.3.1": False,  # a warning from any pack flags it; the suppressed error does not count
        "pypi/lark-oapi@1.7.5": True,  # BD rules are expected for affiliates
        "npm/@volcengine+openapi@1.36.2": False,  # a TT rule at any level is "reported as TikTok"
    }


def test_totals_and_markdown(tmp_path: Path) -> None:
    outcomes = score.collect([SARIF], CASES)
    for out in outcomes.values():
        out.size = 500_000 if out.case.label == "clean" else 1
    t = score.totals(outcomes)
    assert (t.tiktok, t.detected, t.clean, t.clean_flagged, t.affiliate, t.affiliate_under_tt) == (2, 1, 2, 1, 2, 1)
    assert t.recall == 0.5 and not t.targets_met
    assert (t.clean_findings, t.clean_mb, t.per_mb) == (2, 1.0, 2.0)
    text = score.markdown(outcomes, "9.9")
    assert "| recall on `tiktok` cases (an `error` from a TT rule) | 1/2 = 0.500 | >= 0.98 |" in text
    assert "| pypi:TikTokApi@7.3.3 | tiktok | MISSED | 0 | 1 | 0 | TT306 warning |" in text
    assert "| pypi:lark@1.3.1 | clean | FLAGGED | 0 | 1 | 0 | BD102 warning |" in text
    assert score.REPRODUCE in text


def test_the_committed_corpus_is_valid() -> None:
    cases = build.load_corpus()
    labels = [c.label for c in cases]
    assert len(cases) >= 60
    assert {"tiktok", "clean", "affiliate"} == set(labels)
    assert all(c.reason and "/" in c.reason for c in cases)  # each reason names a file
