"""source/sniffed: JavaScript, TypeScript and HTML in files whose name does not say so (no extension,
`.inc`, `.tpl`, backups such as `app.js.bak`), recognised by their content: a `node`/`deno`/`bun`
shebang, a doctype or a leading element, or several marks of JavaScript (`import ... from`,
`require(`, `=>`, `function`).

Only prefilter candidates are sniffed (`needs_candidates`), and only their first 4 KiB: the cost is
nil for the files that cannot match. Files another analyzer reads by name (`Gemfile`, `Podfile`)
are not JavaScript by content, so they never pass the sniff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.source.base import TreeSitterAnalyzer, parse
from scanner.analyzers.source.extract import Extractor
from scanner.analyzers.source.html import markup_facts
from scanner.analyzers.source.languages import ALL, HTML, JAVASCRIPT, TYPESCRIPT, LanguageSpec, spec_for
from scanner.model import Fact

SNIFF_BYTES = 4096
# Extensions that say nothing about the language (backups, includes, templates of unknown syntax).
NEUTRAL_SUFFIXES = (".inc", ".tpl", ".tmpl", ".bak", ".orig", ".old", ".dist", ".sample", ".example", ".backup")
_SHEBANG = re.compile(rb"#![^\n]*\b(node|nodejs|deno|bun|ts-node|tsx)\b")
# Markup: a doctype, or a page fragment (an include) that opens with an element, comments first, or
# a template that opens with a tag of its engine (Smarty `{include}`, `{*...*}`, Jinja `{%`, `{{`).
_MARKUP = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|script|div|meta|link)\b"
                     rb"|\s*\{(?:[*%{#]|(?:include|extends|block|literal|if|assign|capture)\b)", re.I | re.S)
# Marks of JavaScript; a file needs MIN_MARKS different ones (one `=>` or `function(` is no proof).
JS_MARKS = tuple(re.compile(p, re.M) for p in (
    rb"""^\s*import\s+(?:[\w$*{][^;\n]*\bfrom\s*)?['"]""",
    rb"""\brequire\(\s*['"]""",
    rb"\bmodule\.exports\b|\bexports\.[\w$]+\s*=",
    rb"^\s*export\s+(?:default|const|let|function|class|async)\b",
    rb"\b(?:const|let|var)\s+[\w$]+\s*=",
    rb"\bfunction\s*[\w$]*\s*\(",
    rb"\)\s*=>",
    rb"\b(?:window|document)\.[\w$]+",
    rb"""^\s*['"]use strict['"]""",
))
MIN_MARKS = 2
# Marks of the languages whose text can look like JavaScript: Python, Ruby, shell, PHP, Perl.
OTHER_MARKS = re.compile(
    rb"^\s*(?:def\s+\w+.*:\s*$|from\s+[\w.]+\s+import\b|end\s*$|fi\s*$|done\s*$|esac\s*$|sub\s+\w+\s*\{)|<\?php|^#![^\n]*\b(?:python|ruby|sh|bash|zsh|perl|php)\b",
    re.M)


def neutral_name(name: str) -> bool:
    """True when the (lower-case) name says nothing about the language: no extension, or a neutral one."""
    base = name.lstrip(".")
    return "." not in base or base.endswith(NEUTRAL_SUFFIXES)


def sniff(head: bytes) -> LanguageSpec | None:
    """HTML, JavaScript or TypeScript by content (the first bytes of a file), else None."""
    shebang = _SHEBANG.match(head)
    if shebang is not None:
        return TYPESCRIPT if shebang.group(1) in (b"deno", b"ts-node", b"tsx") else JAVASCRIPT
    if _MARKUP.match(head):
        return HTML
    if OTHER_MARKS.search(head):
        return None
    marks = sum(1 for mark in JS_MARKS if mark.search(head))
    return JAVASCRIPT if marks >= MIN_MARKS else None


class SniffedAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/sniffed"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (JAVASCRIPT, TYPESCRIPT, HTML)

    def wants(self, path: str, is_text: bool) -> bool:
        return is_text and neutral_name(path.rsplit("/", 1)[-1].lower())

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        name = file.name.lower()
        # `app.js.bak` is JavaScript by its inner name; `app.rb.bak` and `pixel` by their content
        spec = spec_for(name.rsplit(".", 1)[0], ALL) if name.endswith(NEUTRAL_SUFFIXES) else None
        if spec not in self.languages:
            spec = sniff(file.data[:SNIFF_BYTES])
        if spec is not None:
            yield from self.parse_or_match(file, spec)

    def extract(self, file: FileInput, spec: LanguageSpec) -> Iterator[Fact]:
        if spec is HTML:
            yield from markup_facts(self.name, file)
        else:
            yield from Extractor(file, spec, self.name).run(parse(spec, file.data, vetted=True).root_node)
