"""Human-readable report: the components first (which TikTok products, where, how), then each
finding (path:line:col, rule, what was found, why it matters), then a summary."""

from __future__ import annotations

from collections import Counter

from scanner.findings.components import build_components, describe, rules_of
from scanner.model import Level, PlaceKind, ScanResult
from scanner.report.escape import escape_surrogates
from scanner.report.interface import ReportOptions

_COLORS = {Level.ERROR: "\033[31;1m", Level.WARNING: "\033[33;1m", Level.NOTE: "\033[36m", Level.NONE: ""}
_DIM = "\033[2m"
_BOLD = "\033[1m"
_RESET = "\033[0m"


class TextReporter:
    name = "text"
    warnings: tuple[str, ...] = ()

    def __init__(self, color: bool = False, min_level: Level = Level.NOTE, verbose: bool = False) -> None:
        self.color = color
        self.min_level = min_level
        self.verbose = verbose

    @classmethod
    def from_options(cls, options: ReportOptions) -> TextReporter:
        return cls(color=options.color, min_level=options.min_level)

    def _c(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and code else text

    def render(self, result: ScanResult) -> str:
        rules = rules_of(result)
        lines: list[str] = self.components(result)
        shown = [f for f in result.findings if f.level.at_least(self.min_level) and f.suppressed is None]
        explained: set[str] = set()
        for f in shown:
            loc = f.location
            where = loc.display_path
            if loc.has_lines:
                where += f":{loc.start_line}:{loc.start_column}"
            elif loc.byte_offset is not None:
                where += f"@0x{loc.byte_offset:x}"
            rule = rules.get(f.rule_id)
            title = rule.title if rule else f.rule_id
            lines.append(f"{self._c(_BOLD, where)}: {self._c(_COLORS[f.level], f.level.value)} "
                         f"[{f.rule_id}] {title}")
            if f.snippet:
                lines.append(f"    {self._c(_DIM, f.snippet)}")
            detail = f.message[len(title) + 2 :] if f.message.startswith(title + ": ") else f.message
            lines.append(f"    {detail}")
            if rule and (self.verbose or f.rule_id not in explained):
                lines.append(f"    why: {rule.description}")
                explained.add(f.rule_id)
            lines.append("")
        lines.extend(self.summary(result, len(shown)))
        return escape_surrogates("\n".join(lines) + "\n")  # a name that was not UTF-8 on disk

    def components(self, result: ScanResult) -> list[str]:
        """`2 TikTok components in 3 places:` and one line per component at or above the display level."""
        comps = [c for c in build_components(result) if c.level.at_least(self.min_level)]
        if not comps:
            return []
        products = {c.product for c in comps}
        tiktok = all(not p.startswith(("bytedance-affiliate/", "wechat-pay", "other")) for p in products)
        noun = f"{'TikTok ' if tiktok else ''}component{'s' if len(products) != 1 else ''}"
        head = f"{len(products)} {noun} in {len(comps)} place{'s' if len(comps) != 1 else ''}:"
        out = [self._c(_BOLD, head)]
        for kind, title in ((PlaceKind.FIRST_PARTY, "in first-party code"),
                            (PlaceKind.PACKAGE, "in third-party packages"), (PlaceKind.BINARY, "in binaries")):
            group = [c for c in comps if c.place.kind is kind]
            if group and len(group) != len(comps):
                out.append(f"  {title}:")
            for c in group:
                out.append(f"  - {self._c(_COLORS[c.level], describe(c, result.findings))}")
        out.extend(["", self._c(_BOLD, "Details:"), ""])
        return out

    def summary(self, result: ScanResult, shown: int) -> list[str]:
        counts = Counter(f.level for f in result.findings if f.suppressed is None)
        suppressed = sum(1 for f in result.findings if f.suppressed is not None)
        files_with = len({f.location.path for f in result.findings if f.suppressed is None})
        parts = [f"{counts[lvl]} {lvl.value}" for lvl in (Level.ERROR, Level.WARNING, Level.NOTE) if counts[lvl]]
        total = sum(counts.values())
        head = f"{total} finding{'s' if total != 1 else ''}"
        if parts:
            head += " (" + ", ".join(parts) + ")"
        stats = result.stats
        out = [
            self._c(_BOLD, "Summary: ")
            + f"{head} in {files_with} of {stats.files_analyzed} files "
            f"({stats.bytes_read / 1_048_576:.1f} MiB, {stats.archive_members} archive members) "
            f"in {stats.duration_seconds:.2f}s."
        ]
        if shown < total:
            out.append(f"{total - shown} finding(s) below the display level {self.min_level.value} are not shown.")
        if suppressed:
            out.append(f"{suppressed} finding(s) suppressed.")
        if result.notifications:
            out.append(f"{len(result.notifications)} problem(s) while scanning (files skipped or partly read):")
            for note in result.notifications[:50]:
                out.append(f"  - {note.level.value}: {note.message}")
            if len(result.notifications) > 50:
                out.append(f"  ... and {len(result.notifications) - 50} more (see --format json or sarif)")
        by_rule = Counter(f.rule_id for f in result.findings if f.suppressed is None)
        if by_rule:
            out.append("By rule: " + ", ".join(f"{rid} x{n}" for rid, n in sorted(by_rule.items())))
        return out
