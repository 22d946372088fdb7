"""Route and analyze one file: the error boundary between a file and the scan.

For each file the core reads the bytes once, opens archives itself, runs the prefilter once,
asks every analyzer `wants()`, hands the wanting ones the in-memory file, and matches the facts.
Any failure inside an analyzer becomes a Notification; findings already made are kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from scanner.analyzers.interface import Analyzer, FileInput
from scanner.analyzers.registry import factories
from scanner.config import ScanConfig
from scanner.core.archives import ArchiveBudget, Member, archive_kind, iter_members
from scanner.core.budget import FileTimeout, read_capped, time_budget
from scanner.core.encoding import to_utf8
from scanner.core.match import MatchIndex, finding_for, match_facts
from scanner.core.own_reports import report_kind
from scanner.core.prefilter import Needles, Prefilter
from scanner.core.walk import FileRef
from scanner.errors import AnalysisError, LimitExceeded
from scanner.findings.fingerprint import line_hashes_at
from scanner.findings.redact import redact, snippet_around
from scanner.findings.suppress import MARKER, InlineSuppressions, unknown_rule_ids
from scanner.model import Fact, Finding, Level, Notification, SkipReason
from scanner.rules import RuleSet, load_packs
from scanner.rules.loader import default_signature_dir

SNIFF_BYTES = 8192


def is_text(data: bytes) -> bool:
    """Text vs binary by content: no NUL in the first 8 KiB, or a UTF-16/32 byte-order mark."""
    head = data[:SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    return b"\x00" not in head


@dataclass
class FileOutcome:
    findings: list[Finding] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    bytes_read: int = 0
    members: int = 0
    candidate: bool = False
    files: int = 1  # a worker merges its batch into one outcome: less to pickle per file
    candidates: int = 0  # candidate files in a merged outcome (`candidate` is per file)
    parses: dict[str, int] = field(default_factory=dict)  # native parses a worker made (scanner.core.native)



class Scanner:
    """Compiled signatures + analyzers; scans files. Cheap to build in each worker process."""

    def __init__(self, config: ScanConfig, ruleset: RuleSet | None = None,
                 analyzer_classes: Sequence[Callable[[], Analyzer]] | None = None) -> None:
        self.config = config
        if ruleset is None:
            dirs = [default_signature_dir(), *config.signature_dirs]
            ruleset = load_packs(dirs, enable=config.enable_packs, disable=config.disable_packs)
        self.ruleset = ruleset
        self._known_ids = frozenset(r.id for r in ruleset.rules) | ruleset.disabled_rule_ids
        self.index = MatchIndex.compile(ruleset)
        self.needles = Needles.from_rules(ruleset)
        self.prefilter = Prefilter(self.needles, engine=config.prefilter_engine)
        # analyzer_classes: what the parent process resolved from the registry (classes, or factories
        # of lazily imported ones), so worker processes run the same analyzers (and a test's registry
        # override reaches them)
        self.factories: tuple[Callable[[], Analyzer], ...] = (
            factories() if analyzer_classes is None else tuple(analyzer_classes))
        self.analyzers: tuple[Analyzer, ...] = tuple(make() for make in self.factories)
        self._candidate_free = tuple(a for a in self.analyzers if not a.needs_candidates)
        self.limits = config.limits
        self._outputs = frozenset(p for out in config.skip_outputs for p in (os.path.abspath(out),
                                                                             os.path.realpath(out)))

    # -- one file -------------------------------------------------------------------------------

    def scan_file(self, ref: FileRef) -> FileOutcome:
        outcome = FileOutcome()
        limits = self.limits
        if self._outputs and os.path.abspath(ref.abspath) in self._outputs:
            outcome.notifications.append(Notification(
                ref.path, SkipReason.OWN_REPORT, f"{ref.path}: this run's report file; not read", Level.NOTE))
            return outcome
        if ref.size > limits.max_file_size:
            outcome.notifications.append(Notification(
                ref.path, SkipReason.TOO_LARGE,
                f"{ref.path}: {ref.size} bytes is over the {limits.max_file_size}-byte file size limit; not read"))
            return outcome
        try:
            data = read_capped(ref.abspath, ref.size, limits.max_file_size)
        except OSError as exc:
            outcome.notifications.append(Notification(
                ref.path, SkipReason.UNREADABLE, f"{ref.path}: cannot read: {exc.strerror or exc}"))
            return outcome
        if len(data) > limits.max_file_size:
            outcome.notifications.append(Notification(
                ref.path, SkipReason.TOO_LARGE,
                f"{ref.path}: grew past the {limits.max_file_size}-byte file size limit while read; not read"))
            return outcome
        outcome.bytes_read = len(data)
        self._guarded(ref.path, data, outcome, ref)
        return outcome

    def scan_bytes(self, path: str, data: bytes) -> FileOutcome:
        """Scan content that is not on disk (tests, stdin, fuzzing); same pipeline as scan_file."""
        outcome = FileOutcome(bytes_read=len(data))
        self._guarded(path, data, outcome)
        return outcome

    def _guarded(self, path: str, data: bytes, outcome: FileOutcome, ref: FileRef | None = None) -> None:
        """The per-file error boundary: nothing a file does escapes as an exception.

        Findings already made for the file (earlier archive members, earlier analyzers) stay in
        `outcome`; the stop itself becomes a notification.
        """
        kind = report_kind(data)
        if kind is not None:
            outcome.notifications.append(Notification(
                path, SkipReason.OWN_REPORT, f"{path}: a tiktok-scan {kind} report; skipped", Level.NOTE))
            return
        limits = self.limits
        budget = ArchiveBudget(remaining=limits.max_archive_total, members_left=limits.max_archive_members)
        try:
            with time_budget(limits.file_timeout):
                self._process(path, (), data, 0, budget, outcome, ref)
                if budget.notes_dropped:
                    outcome.notifications.append(Notification(
                        path, SkipReason.LIMIT,
                        f"{path}: {budget.notes_dropped} more archive problems like the ones above are not listed"))
        except FileTimeout as exc:
            if not exc.reported:
                outcome.notifications.append(Notification(
                    path, SkipReason.TIMEOUT,
                    f"{path}: analysis stopped after the {limits.file_timeout:g}-second per-file budget; "
                    f"findings made before the stop are kept"))
        except MemoryError:
            outcome.notifications.append(Notification(
                path, SkipReason.LIMIT, f"{path}: ran out of memory while analyzing; file skipped", Level.ERROR))
        except RecursionError:
            outcome.notifications.append(Notification(
                path, SkipReason.LIMIT, f"{path}: nesting too deep to analyze; file skipped"))
        except Exception as exc:  # a core bug met a hostile file: lose the file, never the scan
            outcome.notifications.append(Notification(
                path, SkipReason.ANALYZER_ERROR,
                f"{path}: internal error while analyzing: {type(exc).__name__}: {exc}", Level.ERROR))

    def _process(self, path: str, members: tuple[str, ...], data: bytes, depth: int,
                 budget: ArchiveBudget, outcome: FileOutcome, ref: FileRef | None = None) -> None:
        inner = members[-1] if members else path
        shown = "!/".join((path, *members))
        kind = archive_kind(inner, data[:512])
        if kind is not None:
            self._open_archive(kind, path, members, data, depth, budget, outcome)
        utf8 = to_utf8(data) if kind is None else None  # core/encoding: UTF-16/32 (mark or NUL pattern)
        if utf8 is not None:
            data = utf8  # the prefilter and the analyzers see UTF-8; lines are unchanged
        text = is_text(data)
        if text and self.config.inline_suppressions and MARKER in data:
            for line, rule in unknown_rule_ids(data, self._known_ids):
                outcome.notifications.append(Notification(
                    shown, SkipReason.UNKNOWN_RULE,
                    f"{shown}:{line}: `tiktok-scan: ignore[...]` names {rule}, which is no rule of the signature "
                    f"packs (see `tiktok-scan rules --all`); it suppresses nothing", Level.NOTE))
        # The prefilter first (one hyperscan pass): without a hit only the few analyzers that need
        # no candidate are even asked, so routing costs nothing for the files that cannot match.
        hits, capped = self.prefilter.capped_hits(data)
        if capped:  # the pass stopped at the cap: the file is analyzed with the hits found so far
            outcome.notifications.append(Notification(
                shown, SkipReason.LIMIT,
                f"{shown}: stopped at {len(hits)} prefilter hits (the per-file cap); the file is analyzed "
                f"with those, a finding further on may be missed", Level.WARNING))
        if hits:
            outcome.candidate = True
        pool = self.analyzers if hits else self._candidate_free
        wanting = [a for a in pool if a.wants(inner, text)]
        if not wanting:
            return
        if text and len(data) > self.limits.max_line_length:
            wanting = self._long_lines(shown, data, wanting, outcome)
        file = FileInput(path=path, members=members, data=data, is_text=text, hits=hits,
                         needles=self.needles, limits=self.limits,
                         origin=ref.abspath if ref is not None and not members else None,
                         scan_root=ref.root if ref is not None else None)
        facts: list[tuple[int, Fact]] = []
        stopped: FileTimeout | None = None
        for analyzer in wanting:
            if analyzer.needs_candidates and not hits:
                continue
            try:
                for fact in analyzer.analyze(file):
                    facts.append((analyzer.priority, fact))
            except FileTimeout:
                # keep what this and earlier analyzers found; the rest of the file is not analyzed
                outcome.notifications.append(Notification(
                    shown, SkipReason.TIMEOUT,
                    f"{shown}: {analyzer.name} stopped after the {self.limits.file_timeout:g}-second per-file "
                    f"budget; findings made before the stop are kept", Level.WARNING, analyzer.name))
                stopped = FileTimeout(reported=True)
                break
            except LimitExceeded as exc:
                outcome.notifications.append(Notification(shown, SkipReason.LIMIT, f"{shown}: {exc}",
                                                          Level.WARNING, analyzer.name))
            except AnalysisError as exc:
                outcome.notifications.append(Notification(shown, SkipReason.PARSE_ERROR, f"{shown}: {exc}",
                                                          Level.WARNING, analyzer.name))
            except RecursionError:
                outcome.notifications.append(Notification(
                    shown, SkipReason.LIMIT, f"{shown}: nesting too deep to analyze", Level.WARNING, analyzer.name))
            except Exception as exc:  # the error boundary: one bad file never stops the scan
                outcome.notifications.append(Notification(
                    shown, SkipReason.ANALYZER_ERROR,
                    f"{shown}: {analyzer.name} failed: {type(exc).__name__}: {exc}", Level.ERROR, analyzer.name))
        outcome.notifications.extend(file.notifications)
        if facts:
            self._findings(file, facts, outcome)
        if stopped is not None:
            raise stopped

    def _long_lines(self, shown: str, data: bytes, wanting: list[Analyzer],
                    outcome: FileOutcome) -> list[Analyzer]:
        """Analyzers that declare `handles_long_lines = False` skip files with a line over the limit.

        A parser whose cost explodes on a 50 MB one-line file says so with that flag; the file then
        goes only to the others (token matching stays linear and still finds hosts and URLs).
        Analyzers that check `file.limits.max_line_length` themselves (the tree-sitter ones fall
        back to token matching) leave the flag unset.
        """
        parsers = [a for a in wanting if not a.handles_long_lines]
        if not parsers:
            return wanting
        limit = self.limits.max_line_length
        longest = _longest_line(data, limit)
        if longest <= limit:
            return wanting
        outcome.notifications.append(Notification(
            shown, SkipReason.LIMIT,
            f"{shown}: a line of {longest} bytes is over the {limit}-byte line length limit; "
            f"{', '.join(a.name for a in parsers)} not run", Level.NOTE))
        return [a for a in wanting if a not in parsers]

    def _open_archive(self, kind: str, path: str, members: tuple[str, ...], data: bytes, depth: int,
                      budget: ArchiveBudget, outcome: FileOutcome) -> None:
        shown = "!/".join((path, *members))
        if depth >= self.limits.max_archive_depth:
            _archive_note(budget, outcome, Notification(
                shown, SkipReason.LIMIT,
                f"{shown}: archive nested {depth} levels deep, over the limit of "
                f"{self.limits.max_archive_depth}; not opened"))
            return
        try:
            for item in iter_members(kind, members[-1] if members else path, data, self.limits, budget):
                if isinstance(item, Member):
                    outcome.members += 1
                    self._process(path, (*members, item.name), item.data, depth + 1, budget, outcome)
                else:
                    where = f"{shown}!/{item.name}" if item.name else shown
                    _archive_note(budget, outcome, Notification(
                        where, SkipReason.LIMIT if item.is_limit else SkipReason.PARSE_ERROR,
                        f"{where}: {item.message}"))
        except AnalysisError as exc:
            reason = SkipReason.LIMIT if isinstance(exc, LimitExceeded) else SkipReason.PARSE_ERROR
            level = Level.WARNING if kind != "gzip" or isinstance(exc, LimitExceeded) else Level.NOTE
            outcome.notifications.append(Notification(shown, reason, f"{shown}: {exc}", level))
        except (FileTimeout, MemoryError, RecursionError):
            raise
        except Exception as exc:  # the archive reader met something the checks did not foresee
            outcome.notifications.append(Notification(
                shown, SkipReason.PARSE_ERROR, f"{shown}: archive could not be read: {type(exc).__name__}: {exc}"))

    def _findings(self, file: FileInput, facts: list[tuple[int, Fact]], outcome: FileOutcome) -> None:
        # Two analyzers may report the same span (generic text vs a language parser): keep the
        # one that knows more about the context.
        best: dict[tuple[object, ...], tuple[int, Fact]] = {}
        for priority, fact in facts:
            loc = fact.location
            key = (fact.kind, fact.value, loc.start_line, loc.start_column, loc.byte_offset, loc.members)
            if key not in best or priority > best[key][0]:
                best[key] = (priority, fact)
        pairs = match_facts(self.index, (f for _, f in best.values()))
        if not pairs:
            return
        hashes: dict[int, str] | None = None
        inline = InlineSuppressions.for_data(file.data, file.line_text) \
            if file.is_text and self.config.inline_suppressions else None
        for rule, fact in pairs:
            finding = finding_for(rule, fact)
            loc = fact.location
            snippet = ""
            # GitHub's own primaryLocationLineHash, or None where GitHub would compute another value
            # (an archive member, a binary, a file too big to hash here): SARIF then leaves it to GitHub
            line_hash: str | None = None
            if file.is_text and loc.has_lines:
                snippet = snippet_around(file.line_text(loc.start_line), loc.start_column)
                if not file.members and len(file.data) <= LINE_HASH_MAX_BYTES:
                    if hashes is None:  # only the lines with findings: hashing every line is slow
                        hashes = line_hashes_at(file.text, (f.location.start_line for _, f in pairs))
                    line_hash = hashes.get(loc.start_line)
            suppressed = inline.lookup(loc.start_line, rule.id) if inline is not None and loc.has_lines else None
            outcome.findings.append(_replace(finding, snippet=snippet, line_hash=line_hash, value=redact(finding.value),
                                             evidence=redact(finding.evidence),
                                             message=redact(finding.message), suppressed=suppressed))


# GitHub-style line hashes cost ~1.5 us per character in Python: past this size a finding gets none
# and SARIF leaves the value to GitHub (which recomputes line hashes for files it can read anyway).
LINE_HASH_MAX_BYTES = 4 * 1024 * 1024
MAX_ARCHIVE_NOTES = 50  # per top-level file: a 42.zip must not turn into a million notifications


def _archive_note(budget: ArchiveBudget, outcome: FileOutcome, note: Notification) -> None:
    if budget.notes < MAX_ARCHIVE_NOTES:
        budget.notes += 1
        outcome.notifications.append(note)
    else:
        budget.notes_dropped += 1


def _longest_line(data: bytes, stop_above: int) -> int:
    """Length of the longest line, or of the first line found longer than `stop_above`."""
    longest = 0
    start = 0
    find = data.find
    while True:
        end = find(b"\n", start)
        length = (len(data) if end == -1 else end) - start
        if length > longest:
            longest = length
            if longest > stop_above:
                return longest
        if end == -1:
            return longest
        start = end + 1


def _replace(finding: Finding, **changes: object) -> Finding:
    from dataclasses import replace

    return replace(finding, **changes)  # type: ignore[arg-type]

