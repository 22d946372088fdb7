"""A rule is one record of signature data; a pack groups rules that are switched on together."""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.model import Level

CATEGORIES = (
    "sdk-dependency",
    "sdk-code",
    "service-endpoint",
    "vendored-code",
    "binary-sdk",
    "affiliate",
    "mention",
    "payment-sdk",
    "scan-integrity",  # about the scan itself (its configuration weakened in a change), no matcher
)
EVIDENCE_LEVELS = ("declared", "present", "called", "endpoint")
# The product each rule belongs to (its `product` key): a component is one product in one place
# (docs/design/components.md). Titles are what reports show.
PRODUCTS: dict[str, str] = {
    "tiktok-open-sdk": "TikTok Open SDK (Login Kit / Share Kit)",
    "tiktok-business-sdk": "TikTok Business SDK (app events)",
    "tiktok-sdk": "TikTok SDK (Open SDK or Business SDK, not told apart)",
    "tiktok-pixel": "TikTok Pixel",
    "tiktok-events-api": "TikTok API for Business (Events / Marketing API)",
    "tiktok-open-api": "TikTok Open API",
    "tiktok-shop-api": "TikTok Shop API",
    "pangle": "Pangle ads",
    "tiktok-minis": "TikTok Minis",
    "tiktok-sparkling": "TikTok Sparkling",
    "tiktok-embed": "TikTok embeds",
    "tiktok-live": "TikTok LIVE",
    "tiktok-unofficial-client": "Unofficial TikTok client or scraper",
    "tiktok-web": "TikTok web services",
    "bytedance-affiliate/douyin": "Douyin (ByteDance)",
    "bytedance-affiliate/lark": "Lark / Feishu (ByteDance)",
    "bytedance-affiliate/volcano-engine": "Volcano Engine (ByteDance)",
    "bytedance-affiliate/byteplus": "BytePlus (ByteDance)",
    "bytedance-affiliate/coze": "Coze / Doubao (ByteDance)",
    "bytedance-affiliate/internal-package": "ByteDance internal package name",
    "bytedance-affiliate/open-source": "ByteDance open-source library",
    "bytedance-affiliate/china-services": "ByteDance China services",
    "bytedance-affiliate/capcut": "CapCut (ByteDance)",
    "wechat-pay": "WeChat Pay",
    "other": "Other (a team pack's own subject)",
    # about the scan itself (TS101): never a component
    "scan-integrity": "tiktok-scan's own configuration",
}
NOT_COMPONENTS = frozenset({"scan-integrity"})
PRECISIONS = ("very-high", "high", "medium", "low")

# Matcher keys allowed under [match]; `modules` and `symbols` are tables keyed by ecosystem.
MATCHER_KEYS = (
    "packages",
    "modules",
    "symbols",
    "hosts",
    "domains",
    "urls",
    "schemes",
    "markers",
    "classes",
    "libraries",
    "sha256",
)
ECOSYSTEMS = ("jvm", "apple", "js", "python", "go", "dart", "dotnet", "ruby", "php", "any")


@dataclass(frozen=True)
class Matchers:
    """The literal values a rule fires on, per kind of fact."""

    packages: tuple[str, ...] = ()  # purls; the name may end in `*`
    modules: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ecosystem -> dotted prefixes
    symbols: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ecosystem -> `Receiver.method`
    hosts: tuple[str, ...] = ()  # exact hostnames
    domains: tuple[str, ...] = ()  # registrable domains: the domain and every subdomain
    urls: tuple[str, ...] = ()  # `host/path` prefixes
    schemes: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()  # exact tokens
    classes: tuple[str, ...] = ()  # dotted class names or prefixes ending in `.` or `*`
    libraries: tuple[str, ...] = ()  # linked library names (framework or soname)
    sha256: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    pack: str
    title: str
    category: str
    evidence: str
    level: Level
    security_severity: float
    precision: str
    description: str
    help_markdown: str
    references: tuple[str, ...]
    tags: tuple[str, ...]
    matchers: Matchers
    source_file: str  # signature file it came from, for messages
    product: str = "other"  # PRODUCTS key; required in a rule file, defaulted for rules built in code
    # categories whose matches inside a binary are reported under this rule instead (TT406)
    binary_evidence_for: tuple[str, ...] = ()

    @property
    def help_text(self) -> str:
        return self.description


@dataclass(frozen=True)
class Pack:
    name: str
    version: str
    title: str
    enabled_by_default: bool
    description: str
    prohibition_markdown: str  # appended to every rule's help
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class RuleSet:
    """The packs in force for one scan, rules in a stable order."""

    packs: tuple[Pack, ...]
    # the rule ids of the packs that were found but are not in force (off by default, --no-pack):
    # real ids, so an inline `ignore[...]` naming one is not an unknown id
    disabled_rule_ids: frozenset[str] = frozenset()

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(sorted((r for p in self.packs for r in p.rules), key=lambda r: r.id))

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}
