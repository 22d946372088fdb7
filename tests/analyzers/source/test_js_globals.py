"""Every JS/TS form that reaches the Pixel's global is reported, and the prefilter admits each one:
the fast path (hyperscan) and the reference path (`re`) agree file by file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.core.prefilter import Needles, Prefilter
from scanner.core.run import run_scan
from scanner.model import Context, FactKind, Finding
from scanner.rules.loader import load_ruleset
from tests.core.test_fast_path import _reference

# (file name, the statement that uses the global, the SYMBOL value reported on its line)
FORMS = [
    ("optional.ts", "window.ttq?.track('CompletePayment', { value: order.total, currency: 'USD' });", "ttq.track"),
    ("member.js", "window.ttq.track('CompletePayment', { value: order.total, currency: 'USD' });", "ttq.track"),
    ("bare_optional.js", "ttq?.track('CompletePayment', { value: order.total });", "ttq.track"),
    ("non_null.ts", "ttq!.page();", "ttq.page"),
    ("subscript.js", "window['ttq'].track('AddToCart', { content_id: order.id });", "ttq.track"),
    ("subscript_dq.ts", 'window["ttq"]?.page();', "ttq.page"),
    ("global_this.js", "globalThis.ttq.identify({ email: order.email });", "ttq.identify"),
    ("self.js", "self.ttq.track('Subscribe');", "ttq.track"),
    ("as_any.ts", "(window as any).ttq?.track('PlaceAnOrder', { value: order.total });", "ttq.track"),
    ("destructure.js", "const { ttq } = window; ttq.track('Search', { query: order.query });", "ttq.track"),
    ("destructure_optional.ts", "const { ttq } = window; ttq?.track('Search');", "ttq.track"),
    ("destructure_alias.js", "const { ttq: pixel } = window; pixel.track('Lead');", "ttq.track"),
    ("alias.ts", "const pixel = window.ttq; pixel.page();", "ttq.page"),
    ("guard.js", "if (window.ttq) { console.debug('pixel ready'); }", "window.ttq"),
]

TEMPLATE = """import {{ formatPrice }} from './format';

export function reportPurchase(order) {{
  console.debug('purchase', formatPrice(order.total));
  {statement}
  return order.id;
}}
"""
LINE = 5

DECLARATION = """import type { AppProps } from 'next/app';

declare global {
  interface Window {
    ttq?: {
      track: (event: string, data?: Record<string, unknown>) => void;
      page: () => void;
    };
  }
}

export {};
"""


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("globals")
    for name, statement, _ in FORMS:
        (root / name).write_text(TEMPLATE.format(statement=statement), encoding="utf-8")
    (root / "global.d.ts").write_text(DECLARATION, encoding="utf-8")
    return root


def _by_file(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.location.path, []).append(f)
    return out


def test_prefilter_engines_admit_every_form(tree: Path) -> None:
    needles = Needles.from_rules(load_ruleset())
    engines = ["re"] + (["hyperscan"] if importlib.util.find_spec("hyperscan") else [])
    for engine in engines:
        prefilter = Prefilter(needles, engine)
        for path in sorted(tree.iterdir()):
            assert prefilter.has_candidate(path.read_bytes()), (engine, path.name)


def test_fast_and_reference_paths_agree_on_every_form(tree: Path) -> None:
    fast = run_scan(ScanConfig(roots=[str(tree)], jobs=1, srcroot=str(tree)))
    reference, _ = _reference(tree)
    assert fast.findings == reference
    files = _by_file(fast.findings)
    for name, _, value in FORMS:
        on_line = {(f.rule_id, f.value, f.level.value) for f in files.get(name, []) if f.location.start_line == LINE}
        assert ("TT204", value, "error") in on_line, (name, on_line)
        assert all(f.location.start_line == LINE for f in files[name]), name


def test_declare_global_window_is_a_reference_at_its_property(tree: Path) -> None:
    fast = run_scan(ScanConfig(roots=[str(tree)], jobs=1, srcroot=str(tree)))
    [decl] = _by_file(fast.findings)["global.d.ts"]
    assert (decl.rule_id, decl.kind, decl.context, decl.value) == ("TT204", FactKind.SYMBOL, Context.CODE, "window.ttq")
    assert (decl.location.start_line, decl.location.start_column) == (5, 5)
    assert decl.message.startswith("TikTok Pixel in web code: reference to `interface Window { ttq }`")


def test_other_globals_of_the_same_shape_stay_silent(tmp_path: Path) -> None:
    (tmp_path / "analytics.ts").write_text(TEMPLATE.format(
        statement="window.gtag?.('event', 'purchase'); (window as any).fbq('track', 'Purchase'); window['ttqx'];"),
        encoding="utf-8")
    assert run_scan(ScanConfig(roots=[str(tmp_path)], jobs=1, srcroot=str(tmp_path))).findings == []
