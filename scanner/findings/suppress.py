"""Suppressions: inline `tiktok-scan: ignore[...]` comments and config allowlists.

Inline form, in any comment syntax, on the finding's line or alone on the line above it:

    url = "https://open.tiktokapis.com/v2/"  # tiktok-scan: ignore[TT301] migration test fixture
    // tiktok-scan: ignore[TT203,TT302] kept for the 2024 audit trail
    <!-- tiktok-scan: ignore -->            (bare `ignore`: every rule on that line)

The engine reads the directives from the text of files that have findings (it already holds
the text); allowlists from the configuration are applied to the finished ScanResult. Either way
the finding stays in the result with `suppressed` set to the justification, so reports can count
it and SARIF can include it on request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from scanner.model import Finding, ScanResult

MARKER = b"tiktok-scan:"
NO_REASON = "suppressed inline (no reason given)"

# A comment opener, then the directive. Openers: `#` (Python, YAML, Ruby, shell, Podfile, TOML),
# `//` and `/*` (C family, JS/TS, Java, Kotlin, Swift, ObjC, Gradle, Go, C#), `*` (inside a block
# comment), `<!--` (XML, plist, HTML), `--` (SQL, Lua), `;` (INI, Lisp).
_OPENER = r"(?:#|//+|/\*+|\*|<!--|--|;)"
_DIRECTIVE = re.compile(
    _OPENER + r"[ \t]*tiktok-scan:[ \t]*ignore(?![\w-])(?:\[(?P<rules>[^\]\n]*)\])?(?P<reason>[^\n]*)"
)
_RULE_ID = re.compile(r"^[A-Za-z]{2,5}[0-9]{3}$")
_CLOSERS = ("*/", "-->")


@dataclass(frozen=True)
class Directive:
    """One `tiktok-scan: ignore` comment. `rules` None means every rule."""

    rules: frozenset[str] | None
    reason: str

    def covers(self, rule_id: str) -> bool:
        return self.rules is None or rule_id in self.rules

    @property
    def justification(self) -> str:
        return self.reason or NO_REASON


def parse_directive(line: str, alone: bool = False) -> Directive | None:
    """The directive in one line of text; with `alone`, only when the line is nothing but the comment."""
    if "tiktok-scan:" not in line:
        return None
    match = _DIRECTIVE.match(line.lstrip()) if alone else _DIRECTIVE.search(line)
    if match is None:
        return None
    rules: frozenset[str] | None = None
    if match.group("rules") is not None:
        ids = [r.strip().upper() for r in match.group("rules").split(",")]
        rules = frozenset(r for r in ids if _RULE_ID.match(r))
        if not rules:
            return None  # `ignore[]` or garbage: suppress nothing rather than everything
    reason = match.group("reason").strip()
    for closer in _CLOSERS:
        if reason.endswith(closer):
            reason = reason[: -len(closer)].rstrip()
    reason = reason.lstrip(":-–— \t").strip()
    return Directive(rules=rules, reason=reason)


MAX_UNKNOWN_IDS = 20  # per file: a generated file must not turn into thousands of notes


def unknown_rule_ids(data: bytes, known: Container[str]) -> list[tuple[int, str]]:
    """(1-based line, rule id) for every id an inline directive in `data` names that is not in `known`.

    Only the lines holding the marker are decoded; the first MAX_UNKNOWN_IDS are returned.
    """
    found: list[tuple[int, str]] = []
    line, counted = 1, 0
    pos = data.find(MARKER)
    while pos != -1 and len(found) < MAX_UNKNOWN_IDS:
        start = data.rfind(b"\n", 0, pos) + 1
        end = data.find(b"\n", pos)
        end = len(data) if end == -1 else end
        line += data.count(b"\n", counted, start)
        counted = start
        directive = parse_directive(data[start:end].decode("utf-8", "replace"))
        if directive is not None and directive.rules is not None:
            found.extend((line, rule) for rule in sorted(directive.rules) if rule not in known)
        pos = data.find(MARKER, end)
    return found[:MAX_UNKNOWN_IDS]


class InlineSuppressions:
    """Looks up directives for one file's findings; built only for files that contain the marker."""

    def __init__(self, line_text: Callable[[int], str]) -> None:
        self._line_text = line_text
        self._cache: dict[tuple[int, bool], Directive | None] = {}

    @classmethod
    def for_data(cls, data: bytes, line_text: Callable[[int], str]) -> InlineSuppressions | None:
        return cls(line_text) if MARKER in data else None

    def _directive(self, line: int, alone: bool) -> Directive | None:
        key = (line, alone)
        if key not in self._cache:
            self._cache[key] = parse_directive(self._line_text(line), alone) if line >= 1 else None
        return self._cache[key]

    def lookup(self, line: int, rule_id: str) -> str | None:
        """The justification when the finding at 1-based `line` is suppressed, else None."""
        for candidate, alone in ((line, False), (line - 1, True)):
            directive = self._directive(candidate, alone)
            if directive is not None and directive.covers(rule_id):
                return directive.justification
        return None


# -- allowlists from the configuration ------------------------------------------------------------


@dataclass(frozen=True)
class AllowEntry:
    """Findings matching every given criterion are suppressed (`[[tool.tiktok-scan.allow]]`)."""

    rules: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()  # gitignore-style globs on the repository-relative path
    purls: tuple[str, ...] = ()  # purls without version match every version; `*` globs allowed
    reason: str = ""

    def matches(self, finding: Finding) -> bool:
        if self.rules and finding.rule_id not in self.rules:
            return False
        if self.paths:
            from scanner.core.walk import is_excluded

            loc = finding.location
            if not (is_excluded(loc.path, self.paths) or is_excluded(loc.display_path, self.paths)):
                return False
        if self.purls:
            if finding.package is None:
                return False
            have = canonical_purl(finding.package.purl)
            if not any(_purl_matches(have, canonical_purl(p)) for p in self.purls):
                return False
        return True

    @property
    def justification(self) -> str:
        if self.reason:
            return self.reason
        what = [*self.rules, *self.paths, *self.purls]
        return "allowed by configuration (" + ", ".join(what) + ")"


def canonical_purl(purl: str) -> tuple[str, str | None]:
    """(`pkg:type/namespace/name` with the ecosystem's name rules, version or None)."""
    from packageurl import PackageURL

    from scanner.core.match import normalize_package

    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        base, _, version = purl.partition("@") if not purl.startswith("pkg:npm/@") else (purl, "", "")
        return base, version or None
    ns, name = normalize_package(parsed.type, parsed.namespace, parsed.name)
    return f"pkg:{parsed.type}/{ns + '/' if ns else ''}{name}", parsed.version


def _purl_matches(have: tuple[str, str | None], want: tuple[str, str | None]) -> bool:
    if not fnmatchcase(have[0], want[0]):
        return False
    return want[1] is None or have[1] == want[1]


def apply_allowlist(result: ScanResult, entries: Sequence[AllowEntry]) -> int:
    """Mark findings matched by an allowlist entry as suppressed (external); returns how many."""
    if not entries:
        return 0
    count = 0
    out: list[Finding] = []
    for finding in result.findings:
        if finding.suppressed is None:
            entry = next((e for e in entries if e.matches(finding)), None)
            if entry is not None:
                finding = replace(finding, suppressed=entry.justification, suppression_kind="external")
                count += 1
        out.append(finding)
    result.findings = out
    return count


def unsuppressed(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.suppressed is None]
