"""The data model shared by every stage: facts in, findings out.

Positions: lines and columns are 1-based; `end_column` is exclusive (SARIF's convention);
byte offsets are 0-based. Paths are POSIX, relative to the scan root.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Level(str, enum.Enum):
    """SARIF result levels, ordered by `rank` (none < note < warning < error)."""

    NONE = "none"
    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]

    def at_least(self, other: Level) -> bool:
        return self.rank >= other.rank


_LEVEL_RANK = {Level.NONE: 0, Level.NOTE: 1, Level.WARNING: 2, Level.ERROR: 3}


class FactKind(str, enum.Enum):
    """What an analyzer saw; each kind is matched by one kind of signature matcher."""

    PACKAGE = "package"  # a dependency, as a purl (lockfiles, manifests, SBOMs)
    MODULE = "module"  # an import / using / require of a module or namespace (source)
    SYMBOL = "symbol"  # a call or reference to a named API (`ttq.track`, `TikTokBusinessSdk.initializeSdk`)
    HOST = "host"  # a bare hostname (`open.tiktokapis.com`)
    URL = "url"  # host + path (`analytics.tiktok.com/i18n/pixel/events.js`)
    SCHEME = "scheme"  # a URL scheme (`snssdk1233://`, plist query schemes)
    MARKER = "marker"  # an exact identifier token (config keys, intent extras, SDK name strings)
    CLASS = "class"  # a class name inside a binary (DEX, Mach-O ObjC metadata, .class files)
    LIBRARY = "library"  # a linked library / framework (Mach-O load command, ELF DT_NEEDED)
    FILE_HASH = "file-hash"  # sha256 of a whole file, for known SDK files


class Context(str, enum.Enum):
    """Where a fact sits; decides how strongly it counts."""

    IMPORT = "import"
    CALL = "call"
    CODE = "code"  # an identifier or expression that is not clearly an import or a call
    STRING = "string"  # a string literal in code
    COMMENT = "comment"
    DOCUMENTATION = "documentation"  # prose: Markdown, reStructuredText, plain text, docstrings
    CONFIG = "config"  # configuration: YAML, plist, XML manifests, .env
    MARKUP = "markup"  # HTML and templates
    DEPENDENCY = "dependency"  # manifest or lockfile declaration
    BINARY = "binary"  # compiled code or packed resources
    DATA = "data"  # data about TikTok, not a use: a list of domains, a regex, a bundle id, a file name


# Contexts whose facts are mentions, not use: reported as notes at most.
MENTION_CONTEXTS = frozenset({Context.COMMENT, Context.DOCUMENTATION, Context.DATA})


@dataclass(frozen=True, order=True)
class Location:
    """Where a fact was seen. `members` is the chain of archive members inside `path`."""

    path: str
    start_line: int = 1
    start_column: int = 1
    end_line: int = 1
    end_column: int = 1
    members: tuple[str, ...] = ()
    byte_offset: int | None = None  # 0-based, for binary content without lines

    @property
    def display_path(self) -> str:
        """`app.apk!/classes2.dex` style: the archive chain readers expect."""
        return "!/".join((self.path, *self.members))

    @property
    def has_lines(self) -> bool:
        return self.byte_offset is None


@dataclass(frozen=True, order=True)
class Related:
    """Another place that explains a fact: where a string was defined, the catalog line behind an
    alias, the other locations of a rolled-up component. Rendered as SARIF `relatedLocations`."""

    location: Location
    message: str


@dataclass(frozen=True)
class PackageRef:
    """A dependency as the ecosystem names it, with where it came from in the graph."""

    purl: str  # full purl, with version when known
    ecosystem: str  # purl type: npm, pypi, maven, cocoapods, swift, pub, golang, cargo, gem, composer, nuget
    name: str  # display name (`@scope/name`, `group:artifact`)
    version: str | None = None
    direct: bool | None = None  # None: the format does not say
    dependency_path: tuple[str, ...] = ()  # root first, this package last
    scope: str | None = None  # dev, optional, test...


@dataclass(frozen=True)
class Fact:
    """One observation made by an analyzer; matching decides whether it is a finding."""

    kind: FactKind
    value: str  # the matchable value (purl, dotted module, host, class name...)
    location: Location
    context: Context
    analyzer: str
    evidence: str = ""  # the text as found, short; shown to users
    language: str | None = None  # ecosystem of MODULE/SYMBOL facts: jvm, apple, js, python, go, dart...
    package: PackageRef | None = None
    precision_penalty: bool = False  # evidence is indirect (obfuscated binary, heuristic)
    related: tuple[Related, ...] = ()  # where the value came from (definition, catalog entry)


@dataclass(frozen=True)
class Finding:
    """A fact that matched a rule."""

    rule_id: str
    level: Level
    location: Location
    message: str
    kind: FactKind
    value: str
    context: Context
    analyzer: str
    evidence: str = ""
    snippet: str = ""  # the (redacted) source line, for text files
    line_hash: str | None = None  # GitHub-compatible primaryLocationLineHash
    package: PackageRef | None = None
    suppressed: str | None = None  # justification when suppressed
    suppression_kind: str = "inSource"  # SARIF suppression kind: inSource (a comment) or external (config, baseline)
    related: tuple[Related, ...] = ()  # other places that explain this one (SARIF relatedLocations)

    @property
    def sort_key(self) -> tuple[str, tuple[str, ...], int, int, str, str]:
        loc = self.location
        return (loc.path, loc.members, loc.start_line, loc.start_column, self.rule_id, self.value)


class PlaceKind(str, enum.Enum):
    """Where a component sits: code the project owns, a third-party package instance, a binary."""

    FIRST_PARTY = "first-party"
    PACKAGE = "package"
    BINARY = "binary"


@dataclass(frozen=True, order=True)
class Place:
    """One place a component is used in, decided from paths alone (scanner/findings/components.py).

    `root`: first-party, the project directory (the nearest directory with a manifest that declares
    TikTok, "" = the repository); package, the instance (`node_modules/x`, `Pods/X`, `vendor/x`,
    `X.framework`, `lib.tgz!/package`...); binary, the file with its archive chain (`app.apk`).
    """

    kind: PlaceKind
    root: str
    package: PackageRef | None = field(default=None, compare=False)
    vendored: bool = field(default=False, compare=False)  # a package copied in by hand, no package manager

    @property
    def label(self) -> str:
        if self.kind is PlaceKind.FIRST_PARTY:
            return f"{self.root}/" if self.root else "the repository"
        return self.root


class EvidenceKind(str, enum.Enum):
    """How a component shows, strongest use first (the order reports list them in)."""

    CALLED = "called"  # an API call or a use in code
    IMPORTED = "imported"  # an import / require / using
    CONFIGURED = "configured"  # configuration: Info.plist, AndroidManifest, SDK keys
    ENDPOINT = "endpoint"  # a service host or URL in code
    SHIPPED = "shipped"  # inside a compiled binary
    VENDORED = "vendored"  # a copy of SDK files
    DECLARED = "declared"  # a manifest names it
    RESOLVED = "resolved"  # a lockfile resolves it (with the dependency path)
    MENTIONED = "mentioned"  # comments, documentation, data about TikTok: not a use

    @property
    def is_use(self) -> bool:
        return self in _USES


_USES = frozenset({EvidenceKind.CALLED, EvidenceKind.IMPORTED, EvidenceKind.CONFIGURED, EvidenceKind.ENDPOINT})


@dataclass(frozen=True)
class Evidence:
    """The findings of one kind in a component, as indexes into `ScanResult.findings`."""

    kind: EvidenceKind
    findings: tuple[int, ...]


@dataclass(frozen=True)
class Component:
    """One product used in one place, with its evidence: what reports group findings into."""

    product: str  # scanner.rules.model.PRODUCTS key
    place: Place
    evidence: tuple[Evidence, ...]  # in EvidenceKind order, each kind once
    level: Level  # the highest level of its findings
    declared_unused: bool = False  # declared in a manifest, never imported or called in first-party code
    used_undeclared: bool = False  # imported or called (or a vendored copy), declared nowhere

    @property
    def findings(self) -> tuple[int, ...]:
        return tuple(sorted(i for e in self.evidence for i in e.findings))

    @property
    def kinds(self) -> tuple[EvidenceKind, ...]:
        return tuple(e.kind for e in self.evidence)


class SkipReason(str, enum.Enum):
    """Why a file, or part of one, was not (fully) analyzed."""

    UNREADABLE = "unreadable"
    TOO_LARGE = "too-large"
    UNDECODABLE = "undecodable"
    PARSE_ERROR = "parse-error"
    LIMIT = "limit"
    TIMEOUT = "timeout"
    SYMLINK = "symlink"
    SPECIAL_FILE = "special-file"
    ANALYZER_ERROR = "analyzer-error"
    OWN_REPORT = "own-report"  # a report tiktok-scan wrote (this run's -o, an earlier run's output)
    UNKNOWN_RULE = "unknown-rule"  # an inline `tiktok-scan: ignore[...]` names no rule of any pack


@dataclass(frozen=True, order=True)
class Notification:
    """Something the user must know about the scan itself; SARIF toolExecutionNotification."""

    path: str  # display path (with archive chain)
    reason: SkipReason
    message: str
    level: Level = Level.WARNING
    analyzer: str = ""


@dataclass
class ScanStats:
    files_seen: int = 0
    files_analyzed: int = 0
    bytes_read: int = 0
    archive_members: int = 0
    candidate_files: int = 0  # files in which the prefilter found a candidate
    duration_seconds: float = 0.0


@dataclass
class ScanResult:
    """Everything reporters need; they never read files or decide what matches."""

    roots: tuple[str, ...]
    findings: list[Finding]
    notifications: list[Notification]
    stats: ScanStats
    analyzers: tuple[tuple[str, str], ...]  # (name, version)
    packs: tuple[tuple[str, str], ...]  # (pack name, version)
    rules: tuple[object, ...] = ()  # scanner.rules.model.Rule; typed loosely to keep this module a leaf
    start_time_utc: str = ""
    end_time_utc: str = ""
    successful: bool = True
    fatal_error: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
