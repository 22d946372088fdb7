"""Web forms (issue 16): components (Vue, Svelte, Astro), server templates (ERB, PHP, Blade, Twig,
Jinja, Liquid, Razor, Handlebars), saved pages (`*.js.download`), Google Tag Manager exports and
JavaScript in files whose name does not say so. Each positive fixture is flagged at the exact lines
by the analyzer that owns the form; each negative twin (tiktoken, prose, links) stays below warning."""

from __future__ import annotations

import pytest

from scanner.analyzers.source.base import PARSE_CALLS
from scanner.analyzers.source.sniffed import SniffedAnalyzer, sniff
from scanner.analyzers.source.templates import blank, form_for
from scanner.model import Context, FactKind, Level
from tests.analyzers.source.helpers import default_scanner, scan_text, serious
from tests.conftest import REPO

WEB = REPO / "tests" / "fixtures" / "web"  # not under source/: the semgrep parity test owns that folder
PIXEL_BASE = {"TT204", "TT303"}  # the base code line: `TiktokAnalyticsObject` and the events.js URL

EXPECTED: dict[str, set[tuple[int, str]]] = {
    "vue/positive/ProductPage.vue": {(9, "TT204"), (14, "TT204"), (21, "TT204")},
    "svelte/positive/+layout.svelte": {(8, "TT204"), *((15, r) for r in PIXEL_BASE), (16, "TT204"), (21, "TT204")},
    "astro/positive/TikTokPixel.astro": {(7, "TT302"), *((11, r) for r in PIXEL_BASE), (12, "TT204"),
                                         (13, "TT204"), (16, "TT204")},
    "erb/positive/application.html.erb": {*((12, r) for r in PIXEL_BASE), (13, "TT204"), (14, "TT204"),
                                          (23, "TT204")},
    "php/positive/footer.php": {(18, "TT204"), (19, "TT204"), (21, "TT204")},
    "blade/positive/app.blade.php": {(9, "TT204"), (10, "TT204")},
    "twig/positive/base.html.twig": {(8, "TT303"), (11, "TT204"), (13, "TT204")},
    "jinja/positive/layout.html.jinja": {(8, "TT204"), (9, "TT204")},
    "liquid/positive/tiktok-pixel.liquid": {(6, "TT204"), (7, "TT204"), (13, "TT204")},
    "razor/positive/_Layout.cshtml": {(15, "TT204"), (16, "TT204")},
    "handlebars/positive/main.hbs": {(8, "TT204"), (9, "TT204")},
    "saved-page/positive/Checkout_files/app.4f1c2b.js.download": {(1, "TT204")},
    "sniffed/positive/bin/track-order": {(7, "TT302")},
    "sniffed/positive/analytics": {(6, "TT204")},
    "sniffed/positive/pixel.inc": {*((4, r) for r in PIXEL_BASE), (5, "TT204"), (6, "TT204")},
    "gtm/positive/GTM-K7X2QPLM_v27.json": {(46, "TT204"), (76, "TT204"), *((116, r) for r in PIXEL_BASE)},
}
# The analyzer that reports the calls of each form (the one that owns it).
OWNER = {"vue": "source/templates", "svelte": "source/templates", "astro": "source/templates",
         "erb": "source/templates", "php": "source/templates", "blade": "source/templates",
         "twig": "source/templates", "jinja": "source/templates", "liquid": "source/templates",
         "razor": "source/templates", "handlebars": "source/templates", "saved-page": "source/javascript",
         "sniffed": "source/sniffed", "gtm": "text/gtm-container"}
NEGATIVES = sorted(p.relative_to(WEB).as_posix() for p in WEB.rglob("*")
                   if p.is_file() and "/negative/" in p.relative_to(WEB).as_posix())


def _web(rel: str):  # type: ignore[no-untyped-def]
    return default_scanner().scan_bytes(f"web/{rel}", (WEB / rel).read_bytes()).findings


def test_every_positive_fixture_has_expectations() -> None:
    on_disk = {p.relative_to(WEB).as_posix() for p in WEB.rglob("*")
               if p.is_file() and "/positive/" in p.relative_to(WEB).as_posix()}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_positive_lines_and_rules(rel: str) -> None:
    assert serious(_web(rel)) == EXPECTED[rel]


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_findings_come_from_the_analyzer_that_owns_the_form(rel: str) -> None:
    """Every serious finding but the ones text/endpoints makes in markup and JSON (script `src`,
    `TiktokAnalyticsObject` on the base code line, which the parser sees as a plain identifier)."""
    owners = {f.analyzer for f in _web(rel) if f.level.at_least(Level.WARNING) and f.analyzer != "text/endpoints"}
    assert owners == {OWNER[rel.split("/")[0]]}


@pytest.mark.parametrize("rel", NEGATIVES)
def test_negative_twin_has_nothing_at_warning_or_error(rel: str) -> None:
    assert [f for f in _web(rel) if f.level.at_least(Level.WARNING)] == []


def test_every_form_has_a_negative() -> None:
    forms = {rel.split("/")[0] for rel in EXPECTED}
    negative_forms = {rel.split("/")[0] for rel in NEGATIVES}
    # server templates share one negative folder, one file per syntax
    server = {form_for(rel.rsplit("/", 1)[-1].lower())[0].name  # type: ignore[index]
              for rel in NEGATIVES if rel.startswith("templates/")}
    assert forms - {"blade", "twig", "jinja", "liquid", "razor", "handlebars"} <= negative_forms
    assert {"blade", "jinja", "razor"} <= server  # Twig, Liquid, Handlebars share the jinja syntax
    assert {"footer.html.twig", "social.liquid", "post.hbs"} <= {r.rsplit("/", 1)[-1] for r in NEGATIVES}


def test_template_tags_are_blanked_in_place() -> None:
    data = (WEB / "erb/positive/application.html.erb").read_bytes()
    form, _ = form_for("application.html.erb")  # type: ignore[misc]
    out = blank(data, form)
    assert len(out) == len(data) and out.count(b"\n") == data.count(b"\n")
    assert b"<%" not in out and b"ttq.load('" in out
    f = next(f for f in _web("erb/positive/application.html.erb") if f.location.start_line == 13)
    assert (f.kind, f.value, f.location.start_column, f.location.end_column) == (FactKind.SYMBOL, "ttq.load", 7, 15)


def test_vue_script_setup_lang_ts_is_parsed_as_typescript() -> None:
    before = PARSE_CALLS["typescript"]
    f = next(f for f in _web("vue/positive/ProductPage.vue") if f.location.start_line == 9)
    assert PARSE_CALLS["typescript"] > before
    assert (f.context, f.location.start_column) == (Context.CALL, 3)


def test_vue_handler_attribute_and_svelte_brace_expression() -> None:
    vue = next(f for f in _web("vue/positive/ProductPage.vue") if f.location.start_line == 21)
    assert (vue.value, vue.location.start_column) == ("ttq.track", 33)
    svelte = next(f for f in _web("svelte/positive/+layout.svelte") if f.location.start_line == 21)
    assert (svelte.value, svelte.location.start_column) == ("ttq.track", 25)


def test_astro_frontmatter_is_typescript_and_liquid_javascript_block_is_read() -> None:
    f = next(f for f in _web("astro/positive/TikTokPixel.astro") if f.location.start_line == 7)
    assert (f.rule_id, f.context, f.analyzer) == ("TT302", Context.STRING, "source/templates")
    g = next(f for f in _web("liquid/positive/tiktok-pixel.liquid") if f.location.start_line == 13)
    assert (g.value, g.context) == ("ttq.track", Context.CALL)


def test_prose_and_template_comments_are_notes_at_most() -> None:
    found = _web("templates/negative/footer.html.twig")
    assert sorted((f.location.start_line, f.rule_id, f.level, f.context, f.analyzer) for f in found) == [
        (1, "TT303", Level.NOTE, Context.COMMENT, "source/templates"),
        (4, "TT601", Level.NOTE, Context.MARKUP, "text/endpoints")]


@pytest.mark.parametrize(("name", "comment"), [
    ("a.html.twig", "{# URL #}"), ("a.liquid", "{% comment %}URL{% endcomment %}"),
    ("a.liquid", "{%- comment -%}URL{%- endcomment -%}"), ("a.hbs", "{{!-- URL --}}"), ("a.hbs", "{{! URL }}"),
    ("a.blade.php", "{{-- URL --}}"), ("a.html.erb", "<%# URL %>"), ("a.jsp", "<%-- URL --%>"),
    ("a.cshtml", "@* URL *@"),
])
def test_a_url_in_a_template_comment_is_a_mention(name: str, comment: str) -> None:
    text = "<p>shop</p>\n" + comment.replace("URL", "was: https://analytics.tiktok.com/i18n/pixel/events.js") + "\n"
    found = scan_text(name, text)
    assert [(f.rule_id, f.level, f.context, f.location.start_line) for f in found] == [
        ("TT303", Level.NOTE, Context.COMMENT, 2)]


def test_gtm_pixel_tag_carries_pixel_id_and_template_as_related_location() -> None:
    f = next(f for f in _web("gtm/positive/GTM-K7X2QPLM_v27.json") if f.location.start_line == 76)
    assert (f.kind, f.value, f.context) == (FactKind.SYMBOL, "ttq.track", Context.CONFIG)
    assert "pixel id CD9079RC77U0N3GBV16Y" in f.evidence and "event CompletePayment" in f.evidence
    assert "github.com/tiktok/gtm-template-pixel" in f.related[0].message
    assert [(r.location.start_line, r.location.start_column) for r in f.related] == [(194, 25)]


def test_gtm_custom_html_calls_are_found_inside_the_html_value_only() -> None:
    found = {(f.location.start_line, f.value) for f in _web("gtm/positive/GTM-K7X2QPLM_v27.json")
             if f.analyzer == "text/gtm-container"}
    # the template's own code (templateData, line 196) calls ttq.track too: that is no tag, no use
    assert found == {(46, "ttq.track"), (76, "ttq.track"), (116, "ttq.setAndDefer"), (116, "ttq.load"),
                     (116, "ttq.page")}


def test_json_that_is_no_gtm_export_is_not_read_as_one() -> None:
    text = '{\n  "tag": [{"type": "cvt_1_2", "name": "ttq.track"}],\n  "customTemplate": []\n}\n'
    assert [f for f in scan_text("tags.json", text) if f.analyzer == "text/gtm-container"] == []


@pytest.mark.parametrize(("head", "expected"), [
    (b"#!/usr/bin/env node\nconsole.log(1)\n", "javascript"),
    (b"#!/usr/bin/env -S deno run\nconsole.log(1)\n", "typescript"),
    (b"<!-- header.inc -->\n<script>ttq.page()</script>\n", "html"),
    (b"{include file='header.tpl'}\n<script>var a = function () {};</script>\n", "html"),  # Smarty
    (b"{% extends 'base.html' %}\n<script>const a = () => 1;</script>\n", "html"),
    (b"'use strict';\nconst a = require('x');\n", "javascript"),
    (b"#!/usr/bin/env python3\nimport tiktoken\n", None),
    (b"source 'https://rubygems.org'\ngem 'rails'\n", None),
    (b"const x = 1 # only one mark\n", None),
    (b"def track(x):\n    var = lambda: x\n    return document.title\n", None),
])
def test_sniff(head: bytes, expected: str | None) -> None:
    spec = sniff(head)
    assert (spec.key if spec is not None else None) == expected


@pytest.mark.parametrize(("name", "wanted"), [
    ("track-order", True), ("pixel.inc", True), ("app.js.bak", True), (".eslintrc", True),
    ("app.js", False), ("README.md", False), ("requirements.txt", False),
])
def test_sniffing_only_for_names_that_say_nothing(name: str, wanted: bool) -> None:
    assert SniffedAnalyzer().wants(f"dir/{name}", True) is wanted
    assert SniffedAnalyzer().wants(f"dir/{name}", False) is False


def test_a_backup_of_a_javascript_file_is_javascript_by_its_inner_name() -> None:
    found = scan_text("web/app.js.bak", "ttq.track('Purchase')\n")
    assert {(f.rule_id, f.analyzer) for f in found} == {("TT204", "source/sniffed")}


def test_pair_spans_take_the_first_close_and_stop_a_kind_without_one() -> None:
    from scanner.analyzers.source.templates import CURLY, PHP_TAGS, pair_spans

    data = b"{{{ body }}} {{ a }} {% if %} {{ never closed {% endif %}"
    spans = [data[a:d] for a, _, _, d in pair_spans(data, CURLY)]
    assert spans == [b"{{{ body }}}", b"{{ a }}", b"{% if %}", b"{% endif %}"]
    php = b"<p><?= $a ?></p><?php echo 1;\n"
    assert [php[a:d] for a, _, _, d in pair_spans(php, PHP_TAGS, open_ended=True)] == [
        b"<?= $a ?>", b"<?php echo 1;\n"]


def test_gtm_custom_template_that_loads_the_pixel_and_gallery_template_ids() -> None:
    import json

    export = {"exportFormatVersion": 2, "containerVersion": {
        "containerId": "42",
        "tag": [{"name": "pixel", "type": "cvt_42_3", "parameter": [
                    {"type": "TEMPLATE", "key": "pixelId", "value": "CABC"}]},
                {"name": "gallery", "type": "cvt_KX2P9", "parameter": []},
                {"name": "other", "type": "cvt_42_5", "parameter": []}],
        "customTemplate": [
            {"templateId": "3", "name": "TikTok (own)", "containerId": "42",
             "templateData": "injectScript('https://analytics.tiktok.com/i18n/pixel/events.js', ...)"},
            {"templateId": "4", "name": "TikTok Pixel", "containerId": "42",
             "galleryReference": {"host": "github.com", "owner": "tiktok", "repository": "gtm-template-pixel",
                                  "galleryTemplateId": "KX2P9"}},
            {"templateId": "5", "name": "Other", "containerId": "42", "templateData": "ttk_loader()"}]}}
    text = json.dumps(export, indent=4)
    found = [f for f in scan_text("GTM-TEST.json", text) if f.analyzer == "text/gtm-container"]
    lines = text.split("\n")
    assert sorted((lines[f.location.start_line - 1].strip(), f.rule_id) for f in found) == [
        ('"type": "cvt_42_3",', "TT204"), ('"type": "cvt_KX2P9",', "TT204")]
    assert any("pixel id CABC" in f.evidence for f in found)


@pytest.mark.parametrize(("name", "text", "line", "column"), [
    ("Buy.vue", "<template>\n  <p>{{ ttq.track('ViewContent') && '' }}</p>\n</template>\n", 2, 9),
    ("Buy.vue", "<template>\n  <button v-on:click=\"ttq.track('AddToCart')\">Buy</button>\n</template>\n", 2, 23),
    ("buy.html", "<div x-data>\n  <button x-on:click=\"ttq.track('AddToCart')\">Buy</button>\n</div>\n", 2, 23),
    ("Buy.svelte", "<button onclick={() => ttq.track('AddToCart')}>Buy</button>\n", 1, 24),
    ("app.js.erb", "<% if @paid %>\nttq.track('CompletePayment', { value: <%= @total %> });\n<% end %>\n", 2, 1),
])
def test_expressions_in_component_markup_are_javascript(name: str, text: str, line: int, column: int) -> None:
    found = [f for f in scan_text(name, text) if f.rule_id == "TT204"]
    assert [(f.value, f.context, f.location.start_line, f.location.start_column) for f in found] == [
        ("ttq.track", Context.CALL, line, column)]


@pytest.mark.parametrize("version", [
    '"containerVersion": "x"',
    '"containerVersion": {"tag": {"type": "html"}, "customTemplate": 3}',
    '"containerVersion": {"tag": [{"type": ["cvt_1_2"]}, 7, {"type": "html", "parameter": {"key": "html"}}],'
    ' "customTemplate": [{"templateId": 2, "galleryReference": "tiktok", "templateData": 5}]}',
])
def test_gtm_export_of_unexpected_shape_gives_nothing_and_no_error(version: str) -> None:
    text = '{\n  "exportFormatVersion": 2,\n  ' + version + ',\n  "note": "analytics.tiktok.com"\n}\n'
    outcome = default_scanner().scan_bytes("GTM-ODD.json", text.encode())
    assert [f for f in outcome.findings if f.analyzer == "text/gtm-container"] == []
    assert outcome.notifications == []
