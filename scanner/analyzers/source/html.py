"""source/html: the Pixel snippet and SDK calls in inline `<script>`s (TypeScript with `lang="ts"`),
`on*=` handlers and Vue/Alpine expression attributes (`@click`, `v-on:`, `x-on:`), parsed in place
(tree-sitter included ranges keep file offsets), and HTML comments as mentions.

Script `src`, embed `<blockquote class="tiktok-embed">` and other attribute values stay with
text/endpoints (MARKUP context), which reads every text file. source/templates reuses this module
for components and server templates, on a copy of the file with the template tags blanked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.source.base import TreeSitterAnalyzer, parse, query
from scanner.analyzers.source.extract import Extractor, HitIndex, tokens_in
from scanner.analyzers.source.languages import HTML, JAVASCRIPT, TSX, TYPESCRIPT, LanguageSpec
from scanner.model import Context, Fact

# `<script type=...>` values containing one of these hold no JavaScript (templates, data); interop/semgrep
# skips the same scripts
NOT_JAVASCRIPT_TYPES = ("template", "html", "x-handlebars", "text/plain")
# Attributes whose value is JavaScript: `on*=` handlers (HTML; `on:click` in Svelte), Vue's `@click`,
# `v-on:`, `:prop` and `v-*` directives, Alpine's `x-on:`, `x-init`, `x-data`.
EXPRESSION_ATTRIBUTES = (b"on", b"@", b"v-", b":", b"x-on:", b"x-init", b"x-data")
# `<script lang="ts">` (Vue, Svelte), `type="text/typescript"`; `tsx` first (a prefix of neither).
_SCRIPT_LANG = re.compile(rb"""\b(?:lang|type)\s*=\s*["']?(?:text/)?(tsx|ts|typescript)\b""", re.I)


@dataclass(frozen=True)
class Script:
    """A byte range of the file to parse as `spec` (0-based, end exclusive)."""

    start: int
    end: int
    spec: LanguageSpec


def script_spec(tag: bytes, default: LanguageSpec) -> LanguageSpec:
    """The language of a `<script ...>` start tag: TypeScript when `lang`/`type` says so."""
    m = _SCRIPT_LANG.search(tag)
    if m is None:
        return default
    return TSX if m.group(1).lower() == b"tsx" else TYPESCRIPT


def markup_parts(analyzer: str, file: FileInput, markup: bytes, default: LanguageSpec
                 ) -> tuple[list[Script], list[Fact]]:
    """Script ranges of `markup` (the file, or a copy of it with template tags blanked: same offsets)
    and the mentions in its HTML comments. Callers ask `too_costly` about the file first."""
    import tree_sitter

    tree = parse(HTML, markup, vetted=markup is file.data)  # a blanked copy is measured again
    hits = HitIndex(file.hits, file.needles)
    scripts: list[Script] = []
    mentions: list[Fact] = []
    for _, caps in tree_sitter.QueryCursor(query(HTML)).matches(tree.root_node):
        if "script" in caps:
            tag = markup[caps["script.tag"][0].start_byte : caps["script.tag"][0].end_byte].lower()
            if b"type=" in tag and any(t.encode() in tag for t in NOT_JAVASCRIPT_TYPES):
                continue
            node = caps["script"][0]
            scripts.append(Script(node.start_byte, node.end_byte, script_spec(tag, default)))
        elif "attr.value" in caps:
            attr = markup[caps["attr.name"][0].start_byte : caps["attr.name"][0].end_byte].lower()
            node = caps["attr.value"][0]
            if attr.startswith(EXPRESSION_ATTRIBUTES):
                scripts.append(Script(node.start_byte, node.end_byte, default))
        elif "comment" in caps:
            node = caps["comment"][0]
            for tok in tokens_in(file, hits, node.start_byte, node.end_byte):
                mentions.append(Fact(tok.kind, tok.value, file.byte_location(tok.start, tok.end), Context.COMMENT,
                                     analyzer, evidence=tok.evidence))
    return scripts, mentions


def script_facts(analyzer: str, file: FileInput, markup: bytes, scripts: list[Script]) -> Iterator[Fact]:
    """Facts of every script range that holds a prefilter candidate, parsed in place."""
    hits = HitIndex(file.hits, file.needles)
    for script in scripts:
        if script.end <= script.start or not hits.within(script.start, script.end):
            continue  # a script without a candidate is never parsed
        tree = parse(script.spec, markup, ranges=[(script.start, script.end)], file=file)
        yield from Extractor(file, script.spec, analyzer).run(tree.root_node)


def markup_facts(analyzer: str, file: FileInput) -> Iterator[Fact]:
    """Comment mentions and script facts of an HTML file (or page fragment), scripts as JavaScript."""
    scripts, mentions = markup_parts(analyzer, file, file.data, JAVASCRIPT)
    yield from mentions
    yield from script_facts(analyzer, file, file.data, scripts)


class HtmlAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/html"
    version: ClassVar[str] = "1.1.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (HTML,)

    def extract(self, file: FileInput, spec: LanguageSpec) -> Iterator[Fact]:
        yield from markup_facts(self.name, file)
