"""source/templates: the Pixel and SDK calls in Vue, Svelte and Astro components (`<script setup>`,
frontmatter, `@click` handlers, `{...}` expressions) and in the `<script>`s of server templates (ERB,
EJS, JSP, PHP, Blade, Twig, Jinja, Nunjucks, Liquid, Razor, Handlebars), parsed as JavaScript or
TypeScript in place.

Template tags (`{{ }}`, `{% %}`, `<% %>`, `<?php ?>`, `@Model.X`) are replaced by spaces in a copy of
the file first, so the HTML and JavaScript grammars see clean code at the file's own offsets and
lines; `ttq.load('{{ pixel_id }}')` stays a `ttq.load` call. Script `src` attributes and hosts in
the markup stay with text/endpoints (MARKUP context), which reads every text file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.source.base import TreeSitterAnalyzer
from scanner.analyzers.source.html import Script, markup_parts, script_facts
from scanner.analyzers.source.languages import JAVASCRIPT, TEMPLATES, TYPESCRIPT, LanguageSpec
from scanner.model import Fact

_CURLY = rb"\{\{\{.*?\}\}\}|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"  # Jinja, Twig, Liquid, Nunjucks, Handlebars
_ANGLE_PERCENT = rb"<%.*?(?:%>|\Z)"  # ERB, EJS, JSP, ASP.NET
_PHP = rb"<\?(?:php\b|=)?.*?(?:\?>|\Z)"
_BLADE = rb"\{!!.*?!!\}|@php\b.*?@endphp|^[ \t]*@[A-Za-z]+[ \t]*(?:\([^\n]*\))?[ \t]*$"
_RAZOR = rb"@\*.*?\*@|@\{.*?\}|@\((?:[^()\n]|\([^()\n]*\))*\)|@(?!@)[A-Za-z_][\w.]*(?:\((?:[^()\n]|\([^()\n]*\))*\))?"
MAX_EXPRESSION = 4096  # bytes of one `{...}` expression followed before giving up on it


@dataclass(frozen=True)
class Form:
    """One template syntax: what to blank, what the scripts are written in, where else code sits."""

    name: str
    suffixes: tuple[str, ...]
    tags: re.Pattern[bytes] | None  # template tags, blanked before parsing
    script: LanguageSpec = JAVASCRIPT  # the language of a `<script>` without `lang`
    braces: bool = False  # `{expression}` in the markup is JavaScript (Svelte, Astro)
    interpolation: bool = False  # `{{ expression }}` in the markup is JavaScript (Vue)
    frontmatter: bool = False  # a leading `---` block of TypeScript (Astro)


def _tags(*patterns: bytes) -> re.Pattern[bytes]:
    return re.compile(b"|".join(patterns), re.S | re.M)


FORMS: tuple[Form, ...] = (
    Form("vue", (".vue",), None, interpolation=True),
    Form("svelte", (".svelte",), None, braces=True),
    Form("astro", (".astro",), None, TYPESCRIPT, braces=True, frontmatter=True),
    Form("erb", (".erb", ".ejs", ".jsp", ".aspx"), _tags(_ANGLE_PERCENT)),
    Form("php", (".php", ".phtml"), _tags(_PHP)),
    Form("blade", (".blade.php",), _tags(_PHP, rb"\{\{--.*?--\}\}", _CURLY, _BLADE)),
    Form("jinja", (".twig", ".jinja", ".jinja2", ".j2", ".njk", ".liquid", ".hbs", ".handlebars", ".mustache"),
         _tags(_CURLY)),
    Form("razor", (".cshtml", ".razor"), _tags(_RAZOR)),
)
# Liquid (Shopify themes) keeps a section's script in a `{% javascript %}` block.
_LIQUID_JAVASCRIPT = re.compile(rb"\{%-?\s*javascript\s*-?%\}(.*?)\{%-?\s*endjavascript\s*-?%\}", re.S)
_SCRIPT_OR_STYLE = re.compile(rb"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_INTERPOLATION = re.compile(rb"\{\{(.*?)\}\}", re.S)


def form_for(name: str) -> tuple[Form, str] | None:
    """The form of a file name (lower-case; the longest suffix wins) and that suffix."""
    best: tuple[Form, str] | None = None
    for form in FORMS:
        for suffix in form.suffixes:
            if name.endswith(suffix) and (best is None or len(suffix) > len(best[1])):
                best = (form, suffix)
    return best


def blank(data: bytes, tags: re.Pattern[bytes] | None) -> bytes:
    """`data` with every template tag replaced by spaces (newlines kept: same offsets, same lines)."""
    if tags is None:
        return data
    return tags.sub(lambda m: re.sub(rb"[^\n]", b" ", m.group()), data)


def frontmatter(markup: bytes) -> Script | None:
    """Astro's leading `---` fence: its body is TypeScript."""
    if not markup.startswith(b"---"):
        return None
    start = markup.find(b"\n") + 1
    end = markup.find(b"\n---", start - 1)
    if start == 0 or end == -1:
        return None
    return Script(start, end + 1, TYPESCRIPT)


def brace_expressions(markup: bytes, spec: LanguageSpec, skip: list[tuple[int, int]]) -> Iterator[Script]:
    """`{...}` expressions of Svelte and Astro markup outside the `skip` ranges (scripts, styles)."""
    pos = 0
    for lo, hi in [*sorted(skip), (len(markup), len(markup))]:
        yield from _braces_in(markup, pos, lo, spec)
        pos = max(pos, hi)


def _braces_in(markup: bytes, start: int, stop: int, spec: LanguageSpec) -> Iterator[Script]:
    pos = markup.find(b"{", start, stop)
    while pos != -1:
        depth, i, quote = 0, pos, 0
        limit = min(stop, pos + MAX_EXPRESSION)
        while i < limit:
            c = markup[i]
            if quote:
                if c == 0x5C:
                    i += 1
                elif c == quote:
                    quote = 0
            elif c in b"'\"`":
                quote = c
            elif c == 0x7B:
                depth += 1
            elif c == 0x7D:
                depth -= 1
                if depth == 0:
                    break
            i += 1
        if depth != 0 or i >= limit:
            pos = markup.find(b"{", pos + 1, stop)
            continue
        body = pos + 1
        if markup[body : body + 1] in (b"#", b":", b"/", b"@"):  # Svelte blocks: `{#if x}`, `{:else}`, `{@html x}`
            body = min(i, markup.find(b" ", body, i) + 1 or i)
        yield Script(body, i, spec)
        pos = markup.find(b"{", i + 1, stop)


class TemplatesAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/templates"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (TEMPLATES,)

    def extract(self, file: FileInput, spec: LanguageSpec) -> Iterator[Fact]:
        found = form_for(file.name.lower())
        if found is None:
            return
        form, suffix = found
        markup = blank(file.data, form.tags)
        if file.name.lower()[: -len(suffix)].endswith(".js"):  # `app.js.erb`: the whole file is a script
            yield from script_facts(self.name, file, markup, [Script(0, len(markup), JAVASCRIPT)])
            return
        scripts, mentions = markup_parts(self.name, file, markup, form.script)
        yield from mentions
        fence = frontmatter(markup) if form.frontmatter else None
        if fence is not None:
            scripts.append(fence)
        if form.braces or form.interpolation:
            skip = [m.span() for m in _SCRIPT_OR_STYLE.finditer(markup)]
            if fence is not None:
                skip.append((0, fence.end + 4))
            if form.braces:
                scripts.extend(brace_expressions(markup, form.script, skip))
            else:
                scripts.extend(Script(*m.span(1), form.script) for m in _INTERPOLATION.finditer(markup)
                               if not any(lo <= m.start() < hi for lo, hi in skip))
        if form.name == "jinja":
            scripts.extend(Script(*m.span(1), JAVASCRIPT) for m in _LIQUID_JAVASCRIPT.finditer(file.data))
        yield from script_facts(self.name, file, markup, scripts)
