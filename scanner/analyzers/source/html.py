"""source/html: the Pixel snippet and SDK calls in inline `<script>`s and `on*=` handlers, parsed as
JavaScript in place (tree-sitter included ranges keep file offsets), and HTML comments as mentions.

Script `src`, embed `<blockquote class="tiktok-embed">` and other attribute values stay with
text/endpoints (MARKUP context), which reads every text file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.source.base import TreeSitterAnalyzer, parse, query
from scanner.analyzers.source.extract import Extractor, HitIndex, tokens_in
from scanner.analyzers.source.languages import HTML, JAVASCRIPT, LanguageSpec
from scanner.model import Context, Fact

# `<script type=...>` values containing one of these hold no JavaScript (templates, data); interop/semgrep
# skips the same scripts
NOT_JAVASCRIPT_TYPES = ("template", "html", "x-handlebars", "text/plain")


class HtmlAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/html"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (HTML,)

    def extract(self, file: FileInput, spec: LanguageSpec) -> Iterator[Fact]:
        import tree_sitter

        tree = parse(spec, file.data)
        hits = HitIndex(file.hits, file.needles)
        scripts: list[tuple[int, int]] = []
        for _, caps in tree_sitter.QueryCursor(query(spec)).matches(tree.root_node):
            if "script" in caps:
                tag = file.data[caps["script.tag"][0].start_byte : caps["script.tag"][0].end_byte].lower()
                if b"type=" in tag and any(t.encode() in tag for t in NOT_JAVASCRIPT_TYPES):
                    continue
                node = caps["script"][0]
                scripts.append((node.start_byte, node.end_byte))
            elif "attr.value" in caps:
                attr = file.data[caps["attr.name"][0].start_byte : caps["attr.name"][0].end_byte].lower()
                node = caps["attr.value"][0]
                if attr.startswith(b"on"):
                    scripts.append((node.start_byte, node.end_byte))
            elif "comment" in caps:
                node = caps["comment"][0]
                for tok in tokens_in(file, hits, node.start_byte, node.end_byte):
                    yield Fact(tok.kind, tok.value, file.byte_location(tok.start, tok.end), Context.COMMENT,
                               self.name, evidence=tok.evidence)
        for start, end in scripts:
            if not hits.within(start, end):
                continue  # a script without a candidate is never parsed
            js_tree = parse(JAVASCRIPT, file.data, ranges=[(start, end)], file=file)
            yield from Extractor(file, JAVASCRIPT, self.name).run(js_tree.root_node)
