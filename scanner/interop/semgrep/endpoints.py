"""Endpoint regexes for the exported semgrep rules, with the built-in matcher's precedence.

When one token matches endpoints of several rules, the built-in engine reports the most specific
one only (`business-api.tiktok.com` is the Business API rule, not also the `tiktok.com` domain
rule). Each exported regex therefore excludes the endpoints that beat it, so semgrep reports one
rule per endpoint too. Which endpoint beats which is not decided here: it is asked of
`scanner.core.match.MatchIndex`, the one place that scores endpoint candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from scanner.core.match import MatchIndex
from scanner.model import Context, Fact, FactKind, Location
from scanner.rules.model import Matchers, Pack, Rule, RuleSet

# Host boundaries exactly as scanner.analyzers.text.tokens draws them.
BEFORE_HOST = r"(?<![A-Za-z0-9_.@-])"
_SUBDOMAINS = r"(?:[A-Za-z0-9-]+\.)*"
_AFTER_HOST = r"(?![A-Za-z0-9_-]|\.[A-Za-z0-9_])"


@dataclass(frozen=True)
class Endpoint:
    rule: Rule = field(compare=False)  # its id names the winner; equal endpoints match alike
    kind: str  # url | host | domain
    host: str
    path: str  # url path prefix, with its leading "/"

    @property
    def token(self) -> str:
        """The narrowest text this endpoint matches: the domain or host itself, with the URL's path."""
        return self.host + self.path

    def alone(self) -> Rule:
        """Its rule with this one matcher, to ask the matcher about this endpoint only."""
        only = {"domain": Matchers(domains=(self.host,)), "host": Matchers(hosts=(self.host,)),
                "url": Matchers(urls=(self.token,))}[self.kind]
        return replace(self.rule, matchers=only)

    def regex(self) -> str:
        host = f"(?i:{re.escape(self.host)})"
        if self.kind == "domain":
            return _SUBDOMAINS + host + _AFTER_HOST
        if self.kind == "host":
            return host + _AFTER_HOST
        if self.host.startswith("*."):  # an API path family on any host under the domain
            host = _SUBDOMAINS + f"(?i:{re.escape(self.host[2:])})"
        return host + r"(?::[0-9]+)?" + re.escape(self.path)


def _index(*rules: Rule) -> MatchIndex:
    pack = Pack(name="", version="", title="", enabled_by_default=True, description="", prohibition_markdown="",
                rules=rules)
    return MatchIndex.compile(RuleSet(packs=(pack,)))


@dataclass
class _Precedence:
    """The built-in matcher's answers about pairs of endpoints, each question asked once."""

    alone: dict[Endpoint, MatchIndex] = field(default_factory=dict)
    answers: dict[tuple[Endpoint, str], bool] = field(default_factory=dict)

    def matches(self, endpoint: Endpoint, token: str) -> bool:
        key = (endpoint, token)
        if key not in self.answers:
            index = self.alone.get(endpoint)
            if index is None:
                index = self.alone[endpoint] = _index(endpoint.alone())
            self.answers[key] = bool(index.lookup(_fact(token)))
        return self.answers[key]

    def beats(self, other: Endpoint, endpoint: Endpoint) -> bool:
        """Does the matcher report `other` instead of `endpoint` on a token both match?

        Two endpoints that share a token are nested (a host under a domain, a longer URL prefix),
        so the narrower one's own token is such a token, when there is one.
        """
        for token in (endpoint.token, other.token):
            if self.matches(endpoint, token) and self.matches(other, token):
                winners = _index(endpoint.alone(), other.alone()).lookup(_fact(token))
                return [r.id for r in winners] == [other.rule.id]
        return False


def _fact(token: str) -> Fact:
    kind = FactKind.URL if "/" in token else FactKind.HOST
    return Fact(kind, token, Location(path=""), Context.STRING, "semgrep")


@dataclass
class EndpointTable:
    endpoints: list[Endpoint]
    precedence: _Precedence = field(default_factory=_Precedence)

    @classmethod
    def build(cls, rules: Iterable[Rule]) -> EndpointTable:
        out: list[Endpoint] = []
        for rule in rules:
            m = rule.matchers
            out.extend(Endpoint(rule, "domain", d.lower(), "") for d in m.domains)
            out.extend(Endpoint(rule, "host", h.lower(), "") for h in m.hosts)
            for url in m.urls:
                host, _, path = url.partition("/")
                out.append(Endpoint(rule, "url", host.lower(), "/" + path))
        return cls(out)

    def regex_for(self, rule: Rule) -> str | None:
        mine = [e for e in self.endpoints if e.rule.id == rule.id]
        if not mine:
            return None
        alternatives = []
        for ep in sorted(mine, key=lambda e: (e.kind, e.host, e.path)):
            beaten_by = sorted({o.regex() for o in self.endpoints
                                if o.rule.id != rule.id and self.precedence.beats(o, ep)})
            exclude = "".join(f"(?!{other})" for other in beaten_by)
            alternatives.append(exclude + ep.regex())
        return BEFORE_HOST + "(?:" + "|".join(alternatives) + ")"
