"""source/templates: the Pixel and SDK calls in Vue, Svelte and Astro components (`<script setup>`,
frontmatter, `@click` handlers, `{...}` expressions) and in the `<script>`s of server templates (ERB,
EJS, JSP, PHP, Blade, Twig, Jinja, Nunjucks, Liquid, Razor, Handlebars), parsed as JavaScript or
TypeScript in place; what template comments (`{# #}`, `<%# %>`, `@* *@`) name is a mention.

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
from scanner.analyzers.source.extract import HitIndex, tokens_in
from scanner.analyzers.source.html import Script, markup_parts, script_facts
from scanner.analyzers.source.languages import JAVASCRIPT, TEMPLATES, TYPESCRIPT, LanguageSpec
from scanner.model import Context, Fact

# Template tags as (open, close) pairs: the first close after an open ends the tag.
CURLY = ((b"{{{", b"}}}"), (b"{{", b"}}"), (b"{%", b"%}"), (b"{#", b"#}"))  # Jinja, Twig, Liquid, Handlebars
ANGLE_PERCENT = ((b"<%", b"%>"),)  # ERB, EJS, JSP, ASP.NET
PHP_TAGS = ((b"<?", b"?>"),)  # `<?php`, `<?=`; a file's last PHP block may run to its end
# Tags that are not pairs, bounded so that a line full of `@` costs what its length costs.
_BLADE_DIRECTIVE = rb"^[ \t]*@[A-Za-z]+[ \t]*(?:\([^\n]*\))?[ \t]*$"  # `@if (...)`, `@endif` on their own line
_RAZOR_EXPRESSION = (rb"@\((?:[^()\n]|\([^()\n]{0,200}\)){0,400}\)"  # `@(expr)`, `@Model.X`, `@Html.Raw(...)`
                     rb"|@(?!@)[A-Za-z_][\w.]{0,200}(?:\((?:[^()\n]|\([^()\n]{0,200}\)){0,400}\))?")
MAX_EXPRESSION = 4096  # bytes of one `{...}` expression followed before giving up on it


@dataclass(frozen=True)
class Form:
    """One template syntax: what to blank, what the scripts are written in, where else code sits."""

    name: str
    suffixes: tuple[str, ...]
    pairs: tuple[tuple[bytes, bytes], ...] = ()  # template tags, blanked before parsing
    tags: re.Pattern[bytes] | None = None  # other template tags, blanked too
    script: LanguageSpec = JAVASCRIPT  # the language of a `<script>` without `lang`
    braces: bool = False  # `{expression}` in the markup is JavaScript (Svelte, Astro)
    interpolation: bool = False  # `{{ expression }}` in the markup is JavaScript (Vue)
    frontmatter: bool = False  # a leading `---` block of TypeScript (Astro)
    open_ended: bool = False  # a tag without its close runs to the end of the file (PHP)
    comments: tuple[tuple[bytes, bytes], ...] = ()  # template comments: what they name is a mention


# Template comments, longest open first where one starts another (`{{!--` before `{{!`).
JINJA_COMMENTS = ((b"{#", b"#}"),)
LIQUID_COMMENTS = ((b"{%- comment -%}", b"{%- endcomment -%}"), (b"{% comment %}", b"{% endcomment %}"))
HANDLEBARS_COMMENTS = ((b"{{!--", b"--}}"), (b"{{!", b"}}"))
ERB_COMMENTS = ((b"<%#", b"%>"), (b"<%--", b"--%>"))  # ERB and EJS; JSP and ASP.NET

FORMS: tuple[Form, ...] = (
    Form("vue", (".vue",), interpolation=True),
    Form("svelte", (".svelte",), braces=True),
    Form("astro", (".astro",), script=TYPESCRIPT, braces=True, frontmatter=True),
    Form("erb", (".erb", ".ejs", ".jsp", ".aspx"), ANGLE_PERCENT, comments=ERB_COMMENTS),
    Form("php", (".php", ".phtml"), PHP_TAGS, open_ended=True),
    Form("blade", (".blade.php",), (*PHP_TAGS, (b"{!!", b"!!}"), *CURLY, (b"@php", b"@endphp")),
         re.compile(_BLADE_DIRECTIVE, re.M), comments=((b"{{--", b"--}}"),)),
    Form("jinja", (".twig", ".jinja", ".jinja2", ".j2", ".njk", ".liquid", ".hbs", ".handlebars", ".mustache"),
         CURLY, comments=(*JINJA_COMMENTS, *LIQUID_COMMENTS, *HANDLEBARS_COMMENTS)),
    Form("razor", (".cshtml", ".razor"), ((b"@*", b"*@"),), re.compile(_RAZOR_EXPRESSION), comments=((b"@*", b"*@"),)),
)
# Liquid (Shopify themes) keeps a section's script in a `{% javascript %}` block.
_LIQUID_JAVASCRIPT = re.compile(rb"\{%-?[ \t]*javascript[ \t]*-?%\}")
_LIQUID_END = re.compile(rb"\{%-?[ \t]*endjavascript[ \t]*-?%\}")
SCRIPT_AND_STYLE = ((b"<script", b"</script"), (b"<style", b"</style"))


def pair_spans(data: bytes, pairs: tuple[tuple[bytes, bytes], ...], open_ended: bool = False
               ) -> Iterator[tuple[int, int, int, int]]:
    """(open start, body start, body end, close end) of each `open ... close` pair in one linear pass.

    The first close after an open ends it (as a non-greedy regex would, without its quadratic
    retries): an open whose close never comes ends the search for that kind, or with `open_ended`
    runs to the end of the data.
    """
    closes = dict(pairs)
    live = sorted(closes, key=len, reverse=True)  # `{{{` before `{{`
    opening = re.compile(b"|".join(re.escape(o) for o in live)) if live else None
    pos = 0
    while opening is not None and (m := opening.search(data, pos)) is not None:
        close = closes[m.group()]
        end = data.find(close, m.end())
        if end == -1 and open_ended:
            yield m.start(), m.end(), len(data), len(data)
            return
        if end == -1:  # no close after this open: none after any later one of its kind either
            live.remove(m.group())
            opening = re.compile(b"|".join(re.escape(o) for o in live)) if live else None
            pos = m.start()
            continue
        yield m.start(), m.end(), end, end + len(close)
        pos = end + len(close)


def form_for(name: str) -> tuple[Form, str] | None:
    """The form of a file name (lower-case; the longest suffix wins) and that suffix."""
    best: tuple[Form, str] | None = None
    for form in FORMS:
        for suffix in form.suffixes:
            if name.endswith(suffix) and (best is None or len(suffix) > len(best[1])):
                best = (form, suffix)
    return best


def blank(data: bytes, form: Form) -> bytes:
    """`data` with every template tag replaced by spaces (newlines kept: same offsets, same lines)."""
    if not form.pairs and form.tags is None:
        return data
    out = bytearray(data)
    spans = [(a, d) for a, _, _, d in pair_spans(data, form.pairs, form.open_ended)]
    if form.tags is not None:
        spans.extend(m.span() for m in form.tags.finditer(data))
    for start, end in spans:
        out[start:end] = _NOT_NEWLINE.sub(b" ", data[start:end])
    return bytes(out)


_NOT_NEWLINE = re.compile(rb"[^\n]")


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
        if depth != 0 or i >= limit:  # unbalanced within the window: skip it (a linear scan, always)
            pos = markup.find(b"{", max(i, pos + 1), stop)
            continue
        body = pos + 1
        if markup[body : body + 1] in (b"#", b":", b"/", b"@"):  # Svelte blocks: `{#if x}`, `{:else}`, `{@html x}`
            body = min(i, markup.find(b" ", body, i) + 1 or i)
        yield Script(body, i, spec)
        pos = markup.find(b"{", i + 1, stop)


def liquid_javascript(data: bytes) -> Iterator[Script]:
    """The bodies of Liquid's `{% javascript %}...{% endjavascript %}` blocks."""
    pos = 0
    while (start := _LIQUID_JAVASCRIPT.search(data, pos)) is not None:
        end = _LIQUID_END.search(data, start.end())
        if end is None:
            return
        yield Script(start.end(), end.start(), JAVASCRIPT)
        pos = end.end()


class TemplatesAnalyzer(TreeSitterAnalyzer):
    name: ClassVar[str] = "source/templates"
    version: ClassVar[str] = "1.0.0"
    languages: ClassVar[tuple[LanguageSpec, ...]] = (TEMPLATES,)

    def extract(self, file: FileInput, spec: LanguageSpec) -> Iterator[Fact]:
        found = form_for(file.name.lower())
        if found is None:
            return
        form, suffix = found
        markup = blank(file.data, form)
        yield from self._comments(file, form)
        if file.name.lower()[: -len(suffix)].endswith(".js"):  # `app.js.erb`: the whole file is a script
            yield from script_facts(self.name, file, markup, [Script(0, len(markup), JAVASCRIPT)])
            return
        scripts, mentions = markup_parts(self.name, file, markup, form.script)
        yield from mentions
        fence = frontmatter(markup) if form.frontmatter else None
        if fence is not None:
            scripts.append(fence)
        if form.braces or form.interpolation:
            skip = [(a, d) for a, _, _, d in pair_spans(markup.lower(), SCRIPT_AND_STYLE)]
            if fence is not None:
                skip.append((0, fence.end + 4))
            if form.braces:
                scripts.extend(brace_expressions(markup, form.script, skip))
            else:
                scripts.extend(Script(b, c, form.script) for a, b, c, _ in pair_spans(markup, ((b"{{", b"}}"),))
                               if not any(lo <= a < hi for lo, hi in skip))
        if form.name == "jinja":
            scripts.extend(liquid_javascript(file.data))
        yield from script_facts(self.name, file, markup, scripts)

    def _comments(self, file: FileInput, form: Form) -> Iterator[Fact]:
        """Hosts and markers inside template comments (`{# #}`, `<%# %>`, `@* *@`) are mentions."""
        if not form.comments:
            return
        hits = HitIndex(file.hits, file.needles)
        for _, start, end, _ in pair_spans(file.data, form.comments):
            for tok in tokens_in(file, hits, start, end):
                yield Fact(tok.kind, tok.value, file.byte_location(tok.start, tok.end), Context.COMMENT, self.name,
                           evidence=tok.evidence)
