"""Bounded token matching for files too costly to parse (minified bundles, source maps).

Work is a constant window around each prefilter hit, so a megabyte-long line costs what its hits
cost, never its length squared. Only module and symbol needles are handled here: hosts, URLs,
schemes and markers come from text/endpoints, which reads every text file anyway.

- `require("pkg")`, `from "pkg"`, `import("pkg")` and `node_modules/pkg/` (source maps, bundle
  comments) become MODULE facts;
- `a.b.c(` whose chain contains the needle becomes a SYMBOL fact (CALL), as the parser would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.analyzers.interface import FileInput
from scanner.analyzers.source.extract import callee_chain
from scanner.analyzers.source.languages import LanguageSpec
from scanner.model import Context, Fact, FactKind

WINDOW = 160  # bytes looked at on each side of a hit
_IDENT = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.")
_NAME = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.-/@")
_IMPORT_BEFORE = re.compile(rb"(?:require\s*\(\s*|\bfrom\s*|import\s*\(\s*|\bimport\s+)$")


def token_facts(file: FileInput, spec: LanguageSpec, analyzer: str) -> Iterator[Fact]:
    needles = file.needles
    skip = needles.domains | needles.schemes | {m.lower() for m in needles.markers}
    seen: set[tuple[FactKind, int, str]] = set()
    for index, end in file.hits:
        literal = needles.literals[index]
        if literal in skip:
            continue
        start = end - len(literal)
        for fact in _module_at(file, spec, analyzer, start, end) or _symbol_at(file, spec, analyzer, start, end):
            key = (fact.kind, fact.location.start_column + 1_000_000 * fact.location.start_line, fact.value)
            if key not in seen:
                seen.add(key)
                yield fact


def _module_at(file: FileInput, spec: LanguageSpec, analyzer: str, start: int, end: int) -> list[Fact]:
    data = file.data
    left = start
    while left > 0 and start - left < WINDOW and data[left - 1] in _NAME:
        left -= 1
    right = end
    while right < len(data) and right - end < WINDOW and data[right] in _NAME:
        right += 1
    quote = data[left - 1 : left] if left else b""
    name = data[left:right]
    value: bytes | None = None
    context = Context.IMPORT
    if (quote in (b'"', b"'", b"`") and data[right : right + 1] == quote
            and _IMPORT_BEFORE.search(data[max(0, left - 1 - 24) : left - 1])):
        value = name
    marker = name.rfind(b"node_modules/")
    if value is None and marker != -1 and marker + 13 < start - left + 1:
        rest = name[marker + 13 :].split(b"/")
        value = b"/".join(rest[:2]) if rest[0].startswith(b"@") and len(rest) > 1 else rest[0]
        left += marker + 13
        context = Context.CODE  # a bundled file path, not an import statement
    if not value:
        return []
    text = value.decode("utf-8", "replace")
    return [Fact(FactKind.MODULE, text, file.byte_location(left, left + len(value)), context, analyzer,
                 evidence=text, language=spec.ecosystem)]


def _symbol_at(file: FileInput, spec: LanguageSpec, analyzer: str, start: int, end: int) -> list[Fact]:
    data = file.data
    left = start
    while left > 0 and start - left < WINDOW and data[left - 1] in _IDENT:
        left -= 1
    if left > 0 and data[left - 1] == 0x5C and left < start:  # `\nfoo.bar(` inside a JSON string
        left += 1
    right = end
    while right < len(data) and right - end < WINDOW and data[right] in _IDENT:
        right += 1
    after = data[right : right + 8].lstrip()
    if not after.startswith(b"("):
        return []
    chain = callee_chain(data[left:right].decode("utf-8", "replace"), keep_double_colon=False)
    if not chain:
        return []
    values = [".".join(chain)]
    if len(chain) >= 2:
        values.append(".".join(chain[-2:]))
    evidence = data[left:right].decode("utf-8", "replace")
    location = file.byte_location(left, right)
    return [Fact(FactKind.SYMBOL, v, location, Context.CALL, analyzer, evidence=evidence, language=spec.ecosystem)
            for v in dict.fromkeys(values)]
