"""Hosts, URLs and URL schemes that an app's configuration names, as CONFIG facts.

A web view's navigation allowlist (Cordova `<allow-navigation href="https://*.tiktok.com/*">`,
Capacitor `server.allowNavigation`) and its start page configure what the app may reach: a use
of the service, not a mention. text/endpoints reads a wildcard entry as a pattern and a list of
hosts as data (notes at most), and the JS/TS analyzer does the same for a config module. Here the
tokens are found exactly as they find them (same bytes, same prefilter hits, same start), so a fact
of a higher-priority analyzer replaces theirs for the same span instead of adding a second finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.analyzers.interface import FileInput
from scanner.analyzers.text.tokens import find_tokens
from scanner.model import Context, Fact, FactKind

_KINDS = (FactKind.HOST, FactKind.URL, FactKind.SCHEME)


def config_endpoints(file: FileInput, values: Iterable[tuple[int, int, str]], analyzer: str) -> Iterator[Fact]:
    """CONFIG facts for the endpoint tokens inside each value: (start, end) 0-based character offsets
    in `file.text`, and the evidence shown for it (`<access origin="...">`)."""
    spans = [(file.location(start, end), evidence) for start, end, evidence in values if end > start]
    if not spans:
        return
    for token in find_tokens(file.data, file.hits, file.needles):
        if token.kind not in _KINDS or token.email:
            continue
        location = file.byte_location(token.start, token.end)
        at = (location.start_line, location.start_column)
        for span, evidence in spans:
            if (span.start_line, span.start_column) <= at < (span.end_line, span.end_column):
                yield Fact(kind=token.kind, value=token.value, location=location, context=Context.CONFIG,
                           analyzer=analyzer, evidence=evidence)
                break
