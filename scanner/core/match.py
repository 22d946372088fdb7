"""Match: turn facts into findings against the compiled signatures.

Signatures are compiled once into lookup tables per kind of fact. For endpoints the most specific
matcher wins (a pixel URL is the pixel rule, not also the generic tiktok.com rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from scanner.ecosystems import normalize_package
from scanner.model import MENTION_CONTEXTS, Context, Fact, FactKind, Finding, Level
from scanner.rules.model import Rule, RuleSet

# Separators after which a module prefix may continue (`com.tiktok` matches `com.tiktok.open`).
_MODULE_SEPARATORS = (".", "/", ":", "\\")
# Rule categories about source code, configuration and declarations. Evidence found inside a
# binary (strings, classes, symbols, load commands) is none of those: it goes to the binary rules
# (TT4xx); hosts and URLs that an endpoint rule matches go to the binary rule that stands in for
# endpoint rules (TT406, `binary-evidence-for`), at the endpoint rule's level (issue 14). Manifests and property lists
# compiled into a package (AXML, binary or embedded Info.plist) are configuration (Context.CONFIG).
_NOT_FOR_BINARY_EVIDENCE = frozenset({"sdk-code", "sdk-dependency"})


@dataclass(frozen=True)
class _PurlKey:
    type: str
    namespace: str
    name: str


def parse_purl(purl: str) -> _PurlKey | None:
    from packageurl import PackageURL

    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        return None
    ns, name = normalize_package(parsed.type, parsed.namespace, parsed.name)
    return _PurlKey(parsed.type, ns, name)


@dataclass
class MatchIndex:
    """Lookup tables compiled from a RuleSet."""

    rules: dict[str, Rule]
    packages_exact: dict[_PurlKey, list[Rule]] = field(default_factory=dict)
    packages_prefix: list[tuple[_PurlKey, Rule]] = field(default_factory=list)
    modules: dict[str, list[tuple[str, Rule]]] = field(default_factory=dict)
    symbols: dict[str, dict[str, list[Rule]]] = field(default_factory=dict)
    symbol_prefixes: dict[str, list[tuple[str, Rule]]] = field(default_factory=dict)
    hosts: dict[str, list[Rule]] = field(default_factory=dict)
    domains: dict[str, list[Rule]] = field(default_factory=dict)
    urls: list[tuple[str, Rule]] = field(default_factory=list)
    # `*.tiktok.com/open_api/`: an API path family on any host under a domain, (domain, path, rule)
    url_families: list[tuple[str, str, Rule]] = field(default_factory=list)
    schemes: dict[str, list[Rule]] = field(default_factory=dict)
    markers: dict[str, list[Rule]] = field(default_factory=dict)
    classes_exact: dict[str, list[Rule]] = field(default_factory=dict)
    classes_prefix: list[tuple[str, Rule]] = field(default_factory=list)
    libraries: dict[str, list[Rule]] = field(default_factory=dict)
    sha256: dict[str, list[Rule]] = field(default_factory=dict)
    # endpoint rule id -> the binary rule that reports its matches inside binaries (with its level)
    in_binary: dict[str, Rule] = field(default_factory=dict)

    @classmethod
    def compile(cls, ruleset: RuleSet) -> MatchIndex:
        index = cls(rules=ruleset.by_id())
        stand_ins = {category: rule for rule in ruleset.rules for category in rule.binary_evidence_for}
        for rule in ruleset.rules:
            if rule.category in stand_ins:
                sub = stand_ins[rule.category]
                index.in_binary[rule.id] = replace(sub, level=rule.level, title=f"{sub.title} ({rule.title})")
        for rule in ruleset.rules:
            m = rule.matchers
            for purl in m.packages:
                wildcard = purl.endswith("*")
                key = parse_purl(purl.rstrip("*") + ("x" if wildcard else ""))
                if key is None:  # validated at load time; defensive
                    continue
                if wildcard:
                    index.packages_prefix.append((_PurlKey(key.type, key.namespace, key.name[:-1]), rule))
                else:
                    index.packages_exact.setdefault(key, []).append(rule)
            for eco, names in m.modules.items():
                for name in names:
                    index.modules.setdefault(eco, []).append((name.rstrip("*"), rule))
            for eco, names in m.symbols.items():
                for name in names:
                    if name.endswith("*"):
                        index.symbol_prefixes.setdefault(eco, []).append((name[:-1], rule))
                    else:
                        index.symbols.setdefault(eco, {}).setdefault(name, []).append(rule)
            for host in m.hosts:
                index.hosts.setdefault(host, []).append(rule)
            for domain in m.domains:
                index.domains.setdefault(domain, []).append(rule)
            for url in m.urls:
                host, _, path = url.partition("/")
                if host.startswith("*."):
                    index.url_families.append((host[2:].lower(), path, rule))
                else:
                    index.urls.append((f"{host.lower()}/{path}", rule))
            for scheme in m.schemes:
                index.schemes.setdefault(scheme.lower(), []).append(rule)
            for marker in m.markers:
                index.markers.setdefault(marker, []).append(rule)
            for cls_name in m.classes:
                if cls_name.endswith((".", "*")):
                    index.classes_prefix.append((cls_name.rstrip("*"), rule))
                else:
                    index.classes_exact.setdefault(cls_name, []).append(rule)
            for lib in m.libraries:
                index.libraries.setdefault(lib, []).append(rule)
            for digest in m.sha256:
                index.sha256.setdefault(digest, []).append(rule)
        index.urls.sort(key=lambda item: -len(item[0]))
        return index

    # -- lookups: each returns (specificity, rule) pairs --------------------------------------

    def lookup(self, fact: Fact) -> list[Rule]:
        candidates = self._candidates(fact)
        if fact.context is Context.BINARY:
            candidates = [(spec, self.in_binary.get(rule.id, rule)) for spec, rule in candidates
                          if rule.category not in _NOT_FOR_BINARY_EVIDENCE]
        if fact.context is Context.CALL and fact.kind in _ENDPOINT_KINDS:
            # a page a client fetches (a video page, a profile) is the web service, not a link
            candidates = [(spec, rule) for spec, rule in candidates if rule.category != "mention"]
        if not candidates:
            return []
        best = max(spec for spec, _ in candidates)
        seen: dict[str, Rule] = {}
        for spec, rule in candidates:
            if spec == best or fact.kind in (FactKind.PACKAGE, FactKind.MARKER):
                seen.setdefault(rule.id, rule)
        return [seen[k] for k in sorted(seen)]

    def _candidates(self, fact: Fact) -> list[tuple[int, Rule]]:
        kind = fact.kind
        if kind is FactKind.PACKAGE:
            return self._package(fact.value)
        if kind is FactKind.MODULE:
            return self._module(fact.language or "any", fact.value)
        if kind is FactKind.SYMBOL:
            return self._symbol(fact.language or "any", fact.value)
        if kind in (FactKind.HOST, FactKind.URL):
            return self._endpoint(fact.value)
        if kind is FactKind.SCHEME:
            return [(1, r) for r in self.schemes.get(fact.value.lower(), [])]
        if kind is FactKind.MARKER:
            return [(1, r) for r in self.markers.get(fact.value, [])]
        if kind is FactKind.CLASS:
            return self._class(fact.value)
        if kind is FactKind.LIBRARY:
            return self._library(fact.value)
        if kind is FactKind.FILE_HASH:
            return [(1, r) for r in self.sha256.get(fact.value.lower(), [])]
        return []

    def _package(self, purl: str) -> list[tuple[int, Rule]]:
        key = parse_purl(purl)
        if key is None:
            return []
        out = [(2, r) for r in self.packages_exact.get(key, [])]
        for prefix, rule in self.packages_prefix:
            if (
                prefix.type == key.type
                and prefix.namespace == key.namespace
                and key.name.startswith(prefix.name)
            ):
                out.append((1, rule))
        return out

    def _module(self, eco: str, value: str) -> list[tuple[int, Rule]]:
        out: list[tuple[int, Rule]] = []
        for table in (self.modules.get(eco, ()), self.modules.get("any", ()) if eco != "any" else ()):
            for prefix, rule in table:
                if value == prefix or (value.startswith(prefix) and value[len(prefix)] in _MODULE_SEPARATORS):
                    out.append((len(prefix), rule))
        return out

    def _symbol(self, eco: str, value: str) -> list[tuple[int, Rule]]:
        out: list[tuple[int, Rule]] = []
        for e in {eco, "any"}:
            out.extend((1000, r) for r in self.symbols.get(e, {}).get(value, []))
            for prefix, rule in self.symbol_prefixes.get(e, ()):
                if value.startswith(prefix):
                    out.append((len(prefix), rule))
        return out

    def _endpoint(self, value: str) -> list[tuple[int, Rule]]:
        host, _, path = value.partition("/")
        host = host.lower().rstrip(".")
        full = f"{host}/{path}"
        out: list[tuple[int, Rule]] = []
        for prefix, rule in self.urls:
            if full.startswith(prefix):
                out.append((10_000 + len(prefix), rule))
        for domain, prefix, rule in self.url_families:
            if (host == domain or host.endswith("." + domain)) and path.startswith(prefix):
                out.append((10_000 + len(domain) + 1 + len(prefix), rule))
        out.extend((5_000 + len(host), r) for r in self.hosts.get(host, []))
        labels = host.split(".")
        for i in range(len(labels) - 1):
            suffix = ".".join(labels[i:])
            out.extend((len(suffix), r) for r in self.domains.get(suffix, []))
        return out

    def _class(self, value: str) -> list[tuple[int, Rule]]:
        out = [(10_000, r) for r in self.classes_exact.get(value, [])]
        for prefix, rule in self.classes_prefix:
            if value.startswith(prefix):
                out.append((len(prefix), rule))
        return out

    def _library(self, value: str) -> list[tuple[int, Rule]]:
        parts = set(value.replace("\\", "/").split("/"))
        base = value.rsplit("/", 1)[-1]
        parts.add(base.split(".so", 1)[0])
        parts.add(base.split(".", 1)[0])
        out: list[tuple[int, Rule]] = []
        for part in parts:
            out.extend((1, r) for r in self.libraries.get(part, []))
        return out


def level_for(rule: Rule, fact: Fact) -> Level:
    """The rule's level, capped at note for mentions (comments, docs, data about TikTok); a service
    endpoint a call actually reaches (an HTTP client, a script src, a WebView, a base URL) is an error."""
    if fact.context in MENTION_CONTEXTS and rule.level.at_least(Level.NOTE):
        return Level.NOTE
    if fact.context is Context.CALL and fact.kind in _ENDPOINT_KINDS and rule.category == "service-endpoint":
        return Level.ERROR
    return rule.level


_ENDPOINT_KINDS = (FactKind.HOST, FactKind.URL)


_KIND_PHRASE = {
    FactKind.PACKAGE: "dependency",
    FactKind.MODULE: "import of",
    FactKind.SYMBOL: "call of",
    FactKind.HOST: "service host",
    FactKind.URL: "service URL",
    FactKind.SCHEME: "URL scheme",
    FactKind.MARKER: "identifier",
    FactKind.CLASS: "class",
    FactKind.LIBRARY: "linked library",
    FactKind.FILE_HASH: "known SDK file (sha256)",
}


def message_for(rule: Rule, fact: Fact) -> str:
    shown = fact.evidence or fact.value
    phrase = _KIND_PHRASE[fact.kind]
    if fact.kind is FactKind.SYMBOL and fact.context is Context.CODE:
        phrase = "reference to"  # `window.ttq`, `interface Window { ttq }`: the global, not a call
    elif fact.kind in (FactKind.HOST, FactKind.URL) and fact.context is Context.CALL:
        phrase = "called endpoint"  # the string reaches an HTTP client, a script src or a WebView
    parts = [f"{rule.title}: {phrase} `{shown}`"]
    if fact.context not in (Context.DEPENDENCY, Context.BINARY, Context.CODE, Context.CALL, Context.IMPORT):
        parts.append(f"in {fact.context.value}")
    if fact.location.members:
        parts.append(f"inside {fact.location.display_path}")
    pkg = fact.package
    if pkg is not None:
        if pkg.direct is not None:
            parts.append("(direct dependency)" if pkg.direct else "(transitive dependency)")
        if len(pkg.dependency_path) > 1:
            parts.append("via " + " > ".join(pkg.dependency_path))
    return " ".join(parts) + "."


def match_facts(index: MatchIndex, facts: Iterable[Fact]) -> list[tuple[Rule, Fact]]:
    """Every (rule, fact) pair, one per rule per location."""
    out: list[tuple[Rule, Fact]] = []
    seen: set[tuple[str, object]] = set()
    for fact in _one_reading(index, list(facts)):
        for rule in index.lookup(fact):
            key = (rule.id, (fact.location.path, fact.location.members, fact.location.start_line,
                             fact.location.start_column, fact.location.byte_offset))
            if key in seen:
                continue
            seen.add(key)
            out.append((rule, fact))
    return out


def _one_reading(index: MatchIndex, facts: list[Fact]) -> list[Fact]:
    """Endpoint facts whose spans overlap read one string (a literal, and the URL it is built into or
    the call it reaches): keep the most specific reading, then a called one, the fuller value, the narrowest span."""
    endpoints = [f for f in facts if f.kind in _ENDPOINT_KINDS and f.location.has_lines]
    if len(endpoints) < 2:
        return facts
    ranked = {id(f): _reading_rank(index, f) for f in endpoints}
    endpoints.sort(key=lambda f: (f.location.path, f.location.members, _start(f), _end(f)))
    dropped: set[int] = set()
    group: list[Fact] = []
    reach: tuple[int, int] = (0, 0)
    for fact in [*endpoints, None]:
        if fact is not None and group and fact.location.members == group[0].location.members and _start(fact) < reach:
            group.append(fact)
            reach = max(reach, _end(fact))
            continue
        if len(group) > 1:
            best = max(ranked[id(f)] for f in group)
            dropped.update(id(f) for f in group if ranked[id(f)] < best)
        if fact is not None:
            group, reach = [fact], _end(fact)
    return [f for f in facts if id(f) not in dropped]


def _start(fact: Fact) -> tuple[int, int]:
    return (fact.location.start_line, fact.location.start_column)


def _end(fact: Fact) -> tuple[int, int]:
    return (fact.location.end_line, fact.location.end_column)


def _reading_rank(index: MatchIndex, fact: Fact) -> tuple[int, bool, int, int]:
    specificity = max((spec for spec, _ in index._candidates(fact)), default=-1)
    loc = fact.location
    width = (loc.end_line - loc.start_line) * 10_000 + loc.end_column - loc.start_column
    # at a tie, the fuller value (the whole URL), then the exact place
    return (specificity, fact.context is Context.CALL, len(fact.value), -width)


def finding_for(rule: Rule, fact: Fact) -> Finding:
    return Finding(
        rule_id=rule.id,
        level=level_for(rule, fact),
        location=fact.location,
        message=message_for(rule, fact),
        kind=fact.kind,
        value=fact.value,
        context=fact.context,
        analyzer=fact.analyzer,
        evidence=fact.evidence,
        package=fact.package,
        related=fact.related,
    )
