"""What a scan is asked to do, and what happens to its findings: one place for `scan`,
`baseline create`, `inventory` and `audit`.

The command line maps its options to a request (None: "not given"); this module resolves the
request against the configuration file (the command line wins), runs the scan, applies the policy
to the finished result and picks the exit code. Reporters then render the result.

Policy on a finished scan, in this order:
1. `--engine semgrep`: semgrep's findings (the same rules, exported; the packs loaded once for
   both engines) merged into the built-in ones, built-in ones first;
2. the configuration's allowlist (`[[allow]]`): matching findings are suppressed, kept and marked;
3. the baseline (--baseline, else the configured one, else DEFAULT_BASELINE at the repository root
   when present and the configuration is read; --no-baseline: none): recorded findings are suppressed;
4. `--new-only` (with `--since`): findings already present at the merge base (same baseline-style
   fingerprint in the same file, read there with `git cat-file` and scanned in memory) are
   suppressed like baselined ones, so only what the change adds is reported and fails;
5. diff scans (`--staged`, `--since`) steered by a configuration the change itself brings: each
   weakening is a TS101 finding (config/guard), and a weakened configuration does not get to
   raise fail-on for this exit code;
6. the exit code: EXIT_FINDINGS when an unsuppressed finding is at or above fail-on, else
   EXIT_CLEAN (EXIT_ERROR is for errors, which are raised); under `--pre-commit` a blocked commit
   is explained.

Audits (`tiktok-scan audit`) read code the auditor does not own; an audited repository is data,
never instructions:
- no configuration is read from an audited repository, nor looked up from the current directory:
  only the `--config FILE` the user names, and of it only what selects and bounds the scan
  (packs, disable-packs, signatures, exclude, limits, jobs), the allowlist and fail-on
  (`AUDIT_KEYS`); its other keys are ignored, with a note;
- inline `tiktok-scan: ignore` comments in audited code are NOT honoured (`audit_config`): they
  are the audited repository telling the audit what not to report;
- a finding the `--config` allowlist matches stays in its repository's result, marked suppressed
  (external, with the entry's reason) by `audit_result`: every output of an audit (per-repository
  SARIF, CSV, Markdown, HTML, CycloneDX, SQLite history) shows it as accepted, apart from the
  findings, and the exit code does not count it;
- no baseline, no configuration guard, no semgrep.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from scanner.errors import UsageError
from scanner.model import Level, Notification, ScanResult, SkipReason
from scanner.report.interface import ReportOptions

if TYPE_CHECKING:
    from scanner.audit.run import AuditOptions
    from scanner.config import ScanConfig
    from scanner.config.files import FileConfig
    from scanner.findings.baseline import Baseline
    from scanner.findings.suppress import AllowEntry
    from scanner.rules.model import RuleSet

T = TypeVar("T")

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DEFAULT_BASELINE = ".tiktok-scan-baseline.json"  # at the repository root: used when present (--no-baseline: not)
ENGINES = ("builtin", "semgrep")
SELECTIONS = ("walk", "pre-commit", "staged", "since")  # which files: the paths, or the change's
# --strict: the notification reasons that mean an input was not (fully) read, so a finding may be
# missing. Not counted: parse-error (a malformed file, read and reported), symlink (links are never
# followed, by design), own-report (tiktok-scan's own reports, skipped on purpose).
STRICT_REASONS = frozenset({SkipReason.UNREADABLE, SkipReason.TOO_LARGE, SkipReason.UNDECODABLE, SkipReason.LIMIT,
                            SkipReason.TIMEOUT, SkipReason.ANALYZER_ERROR, SkipReason.SPECIAL_FILE})
# The configuration keys an audit applies (the rest are about one repository's scan or report).
AUDIT_KEYS = ("packs", "disable-packs", "signatures", "exclude", "limits", "jobs", "allow", "fail-on")


class Progress(Protocol):
    """Shown while files are scanned; closed when the scan of the files ends."""

    def __call__(self, done: int, total: int) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ScanRequest:
    """What to scan and the policy, as the command line gives them (None: not given there)."""

    paths: tuple[str, ...] = ()  # nothing: the current directory
    selection: str = "walk"  # SELECTIONS: walk the paths, the files pre-commit passes, or a change's files
    since: str | None = None  # selection "since": the revision whose merge base the change starts from
    new_only: bool = False  # with "since": only findings absent at the merge base are reported and fail
    excludes: tuple[str, ...] = ()
    respect_gitignore: bool | None = None
    jobs: int | None = None
    limits: Mapping[str, object] = field(default_factory=dict)  # limit options as typed (config/limits)
    srcroot: str | None = None
    config: Path | None = None  # the user's configuration file (else looked up from the current directory)
    no_config: bool = False
    config_ref: str | None = None  # read the configuration (and its baseline) at this git revision
    inline_suppressions: bool | None = None
    packs: tuple[str, ...] = ()
    disable_packs: tuple[str, ...] = ()
    signatures: tuple[Path, ...] = ()
    baseline: Path | None = None
    no_baseline: bool = False  # neither --baseline, the configured one, nor DEFAULT_BASELINE
    fail_on: Level | None = None
    engine: str = "builtin"  # ENGINES
    # how the report looks, when the command line says (the configuration may say it too)
    format: str | None = None
    min_level: Level | None = None
    category: str | None = None
    include_suppressed: bool | None = None
    all_locations: bool | None = None  # SARIF: one result per location in packages and binaries too
    outputs: tuple[str, ...] = ()  # the report files this run writes: never scanned
    strict: bool = False  # an input not (fully) read (STRICT_REASONS) makes the exit code EXIT_ERROR


@dataclass
class ScanOutcome:
    result: ScanResult  # policy applied: suppressed findings kept and marked, TS101 findings added
    exit_code: int
    fail_on: Level  # the level that decided the exit code
    format: str  # the report asked for, command line over configuration
    report: ReportOptions  # its options (color is the terminal's business)
    blocked: str | None = None  # --pre-commit: why the commit is refused, when it is
    unread: tuple[Notification, ...] = ()  # --strict: the notifications that made the exit code EXIT_ERROR


@dataclass
class _Plan:
    """A request resolved against the configuration file: the scan to run and what comes after it."""

    request: ScanRequest
    config: ScanConfig
    file_config: FileConfig
    git_root: Path | None = None  # diff scans: the repository
    base: str | None = None  # diff scans: the revision the change is compared with
    base_label: str = ""


def _pick(cli: T | None, configured: T | None, default: T) -> T:
    if cli is not None:
        return cli
    return configured if configured is not None else default


# -- scan -----------------------------------------------------------------------------------------


def run_scan(config: ScanConfig, ruleset: RuleSet | None = None, progress: Progress | None = None) -> ScanResult:
    """Walk, route, analyze, match: the engine's scan, no policy. The one place the engine is
    imported, on first use (the command line's start-up, `--help` and `rules` need none of it)."""
    from scanner.core.run import run_scan as engine_scan

    return engine_scan(config, ruleset, progress=progress)


def scan(request: ScanRequest, progress: Progress | None = None) -> ScanOutcome:
    """`tiktok-scan scan`: the scan, the whole policy, the exit code."""
    if request.new_only and request.selection != "since":
        raise UsageError("--new-only needs --since REF (the findings at the merge base are the known ones)")
    plan = _plan(request)
    fc = plan.file_config
    default = False
    baseline_path = None if request.no_baseline else request.baseline or fc.baseline
    if baseline_path is None and not request.no_baseline:
        baseline_path = _default_baseline(plan)
        default = baseline_path is not None
    baseline = _load_baseline(request, baseline_path, from_config=request.baseline is None,
                              untrusted=default)  # fails fast
    result = _run(plan, progress)
    if baseline is not None:
        from scanner.findings.baseline import apply_baseline

        apply_baseline(result, baseline)
    if request.new_only:
        _known_at_base(plan, result)
    fail_on = plan.config.fail_on
    guarded = plan.base is not None and not request.no_config and not request.config_ref
    if guarded and _guard(plan, baseline_path, baseline, result) and request.fail_on is None:
        # the weakened configuration may itself raise fail-on: it does not get to decide this exit
        fail_on = fail_on if fail_on.at_least(Level.NOTE) and not fail_on.at_least(Level.ERROR) else Level.ERROR
    report = ReportOptions(min_level=_pick(request.min_level, _level(fc.min_level), Level.NOTE),
                           category=_pick(request.category, fc.category, "tiktok-scan"),
                           include_suppressed=_pick(request.include_suppressed, fc.include_suppressed, False),
                           all_locations=_pick(request.all_locations, None, False))
    code = exit_code(result, fail_on)
    blocked = blocked_message(result, fail_on) if request.selection == "pre-commit" and code == EXIT_FINDINGS else None
    unread = tuple(n for n in result.notifications if n.reason in STRICT_REASONS) if request.strict else ()
    if unread:
        code = EXIT_ERROR
    return ScanOutcome(result=result, exit_code=code, fail_on=fail_on, format=_pick(request.format, fc.format, "text"),
                       report=report, blocked=blocked, unread=unread)


def record(request: ScanRequest, progress: Progress | None = None) -> ScanResult:
    """`tiktok-scan baseline create`: the scan with the configuration's allowlist, no baseline."""
    return _run(_plan(request), progress)


def inventory(request: ScanRequest) -> ScanResult:
    """`tiktok-scan inventory`: the paths as given, no configuration."""
    _check_paths(request.paths)
    return _run(_plan(replace(request, no_config=True)), None)


def exit_code(result: ScanResult, fail_on: Level) -> int:
    """EXIT_FINDINGS when an unsuppressed finding is at or above `fail_on` (never for NONE)."""
    if fail_on is Level.NONE:
        return EXIT_CLEAN
    failing = any(f.level.at_least(fail_on) for f in result.findings if f.suppressed is None)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def blocked_message(result: ScanResult, fail_on: Level) -> str:
    failing = [f for f in result.findings if f.suppressed is None and f.level.at_least(fail_on)]
    files = sorted({f.location.path for f in failing})
    shown = ", ".join(files[:10]) + (f" and {len(files) - 10} more" if len(files) > 10 else "")
    return (f"\ntiktok-scan: commit blocked: {len(failing)} finding(s) at level {fail_on.value} or above "
            f"in {shown}.\n"
            f"Remove the TikTok code, SDK or service use. If it is allowed, say so on the line with a comment\n"
            f"`tiktok-scan: ignore[RULE-ID] reason`, or with an allow entry in the configuration.\n")


def check_excludes(patterns: Sequence[str]) -> None:
    """A bad --exclude is a usage error (exit 2) before anything is read."""
    from scanner.core.walk import PatternError, check_patterns

    try:
        check_patterns(patterns, "--exclude")
    except PatternError as exc:
        raise UsageError(str(exc)) from exc


def _check_paths(paths: Iterable[str]) -> None:
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")


def _level(value: str | None) -> Level | None:
    return Level(value) if value is not None else None


def _file_config(request: ScanRequest) -> FileConfig:
    from scanner.config.files import FileConfig, candidates, find_config, find_config_in, load_config

    if request.no_config:
        return FileConfig()
    if request.config_ref:
        from scanner.core import gitdiff

        root = gitdiff.repo_root(Path.cwd())
        paths = [request.config.resolve()] if request.config else candidates(Path.cwd())
        found = find_config_in(_revision_reader(root, request.config_ref), paths)
        return found[1] if found else FileConfig()
    if request.config:
        return load_config(request.config, trusted=True)
    path = find_config(Path.cwd())
    return load_config(path) if path is not None else FileConfig()


def _revision_reader(root: Path, revision: str) -> Callable[[Path], bytes | None]:
    """A file's bytes at `revision` ('' for the index), by its path in the work tree."""
    from scanner.core import gitdiff

    def read(path: Path) -> bytes | None:
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return None
        return gitdiff.show(root, revision, rel)

    return read


@dataclass(frozen=True)
class _Targets:
    roots: list[str]
    files: list[str] | None = None  # explicit files, relative to the srcroot
    srcroot: str | None = None
    git_root: Path | None = None
    base: str | None = None


def _targets(request: ScanRequest) -> _Targets:
    from scanner.config import find_srcroot

    if request.selection == "pre-commit":
        # pre-commit runs hooks at the repository root with repository-relative file names.
        srcroot = str(Path(request.srcroot or find_srcroot(".")).resolve())
        files = []
        for name in request.paths:
            rel = os.path.relpath(Path(name).absolute(), srcroot)
            if rel.startswith(".."):
                raise UsageError(f"{name}: outside the repository {srcroot}")
            files.append(Path(rel).as_posix())
        return _Targets([srcroot], files, srcroot)
    paths = list(request.paths) or ["."]
    if request.selection in ("staged", "since"):
        from scanner.core import gitdiff

        root = gitdiff.repo_root(Path.cwd())
        if request.selection == "staged":
            base = "HEAD"
            changed = gitdiff.staged_files(root)
            partly = sorted(set(changed) & set(gitdiff.unstaged_files(root)))
            if partly:
                sys.stderr.write(f"tiktok-scan: note: {len(partly)} staged file(s) also have unstaged changes; "
                                 f"their working-tree copies are scanned: {', '.join(partly[:5])}"
                                 f"{' ...' if len(partly) > 5 else ''}\n")
        else:
            assert request.since is not None
            base = gitdiff.merge_base(root, request.since)
            changed = gitdiff.changed_since(root, request.since)
        files = gitdiff.under(changed, root, paths)
        return _Targets([str(root)], files, request.srcroot or str(root), root, base)
    _check_paths(paths)
    return _Targets(paths, None, request.srcroot)


def _plan(request: ScanRequest) -> _Plan:
    from scanner.config import ScanConfig
    from scanner.config.limits import Limits, limits_from_options

    fc = _file_config(request)
    check_excludes(request.excludes)
    targets = _targets(request)
    limits = limits_from_options(request.limits, base=fc.apply_limits(Limits()))  # options override the file
    config = ScanConfig(
        roots=targets.roots,
        enable_packs=[*fc.packs, *request.packs],
        disable_packs=[*fc.disable_packs, *request.disable_packs],
        signature_dirs=[*fc.signatures, *request.signatures],
        excludes=[*fc.exclude, *request.excludes],
        respect_gitignore=_pick(request.respect_gitignore, fc.respect_gitignore, False),
        limits=limits,
        jobs=_pick(request.jobs, fc.jobs, 0),
        fail_on=_pick(request.fail_on, _level(fc.fail_on), Level.ERROR),
        files=targets.files,
        srcroot=targets.srcroot,
        inline_suppressions=_pick(request.inline_suppressions, fc.inline_suppressions, True),
        skip_outputs=list(request.outputs),
    )
    label = {"staged": "HEAD", "since": f"the merge base with {request.since}"}.get(request.selection, "")
    return _Plan(request=request, config=config, file_config=fc, git_root=targets.git_root, base=targets.base,
                 base_label=label)


def _run(plan: _Plan, progress: Progress | None) -> ScanResult:
    """The scan, semgrep's findings merged (--engine semgrep), the configuration's allowlist applied."""
    config = plan.config
    ruleset: RuleSet | None = None  # the engine loads its own, unless semgrep needs the same packs
    if plan.request.engine == "semgrep":
        from scanner.rules import load_ruleset

        ruleset = load_ruleset(config.signature_dirs, config.enable_packs, config.disable_packs)
    try:
        result = run_scan(config, ruleset, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    if ruleset is not None:
        from scanner.interop.semgrep.merge import add_semgrep_findings

        add_semgrep_findings(result, config.roots, ruleset, jobs=config.jobs or 1)
    if plan.file_config.allow:
        from scanner.findings.suppress import apply_allowlist

        apply_allowlist(result, plan.file_config.allow)
    return result


def _default_baseline(plan: _Plan) -> Path | None:
    """DEFAULT_BASELINE at the root of the scanned repository, when it is there (at --config-ref's
    revision with --config-ref); never with --no-config, which also turns the TS101 guard off."""
    request = plan.request
    if request.no_config:
        return None
    from scanner.config import find_srcroot

    config = plan.config
    root = plan.git_root or Path(config.srcroot or find_srcroot(config.roots[0] if config.roots else "."))
    path = root.resolve() / DEFAULT_BASELINE
    if request.config_ref:
        from scanner.core import gitdiff

        present = _revision_reader(gitdiff.repo_root(Path.cwd()), request.config_ref)(path) is not None
        return path if present else None
    return path if os.path.lexists(path) else None


def _load_baseline(request: ScanRequest, path: Path | None, from_config: bool, untrusted: bool = False
                   ) -> Baseline | None:
    """The baseline to apply; with --config-ref a configured (or default) baseline comes from that
    revision too. `untrusted`: the default one, which the scanned tree supplies (no link followed)."""
    if path is None:
        return None
    from scanner.findings.baseline import load, loads

    if from_config and request.config_ref:
        from scanner.core import gitdiff

        data = _revision_reader(gitdiff.repo_root(Path.cwd()), request.config_ref)(path)
        if data is None:
            raise UsageError(f"{path}: the baseline is not in {request.config_ref}")
        return loads(data, f"{request.config_ref}:{path}")
    return load(path, follow_symlinks=not untrusted)


def _known_at_base(plan: _Plan, result: ScanResult) -> int:
    """`--new-only`: suppress (external) every finding already present at the merge base, as a
    baseline recorded there would: each changed file that has an unsuppressed finding and existed at
    the base is read there (`git cat-file`, no filter) and scanned in memory under the same path;
    findings match on the baseline's fingerprint (rule, path, value, normalised line, occurrence),
    never on line numbers. Returns how many were suppressed."""
    from scanner.core import gitdiff
    from scanner.core.parallel import Blob, parallel_scan
    from scanner.core.scanner import FileOutcome, Scanner
    from scanner.findings.baseline import Baseline, apply_baseline, entries_for

    assert plan.git_root is not None and plan.base is not None
    paths = sorted({f.location.path for f in result.findings if f.suppressed is None})
    if not paths:
        return 0
    keys: set[tuple[str, str, str]] = set()
    blobs = []
    for path in paths:
        data = gitdiff.show(plan.git_root, plan.base, path)
        if data is None:  # new in the change: every finding in it is new
            continue
        if len(data) > plan.config.limits.max_file_size:
            continue  # not read at the base either: its findings stay reported
        blobs.append(Blob(path, data))

    def absorb(outcome: FileOutcome) -> None:
        keys.update(e.key for e in entries_for(outcome.findings))

    if blobs:  # in a supervised worker, as every scan: a parser that crashes on a base version costs that file
        parallel_scan(plan.config, Scanner(plan.config), blobs, 1, absorb, None)
    if not keys:
        return 0
    known = Baseline(source=f"{plan.request.since}@{plan.base}", keys=frozenset(keys))
    return apply_baseline(result, known, reason=f"present at the merge base with {plan.request.since}")


def _guard(plan: _Plan, baseline_path: Path | None, baseline: Baseline | None, result: ScanResult) -> bool:
    """Diff scans: a change that weakens the scan's own configuration is a finding (TS101); any found?"""
    from scanner.config import guard as config_guard
    from scanner.config.files import candidates

    assert plan.git_root is not None and plan.base is not None
    fc = plan.file_config
    text = fc.source_text
    paths = [fc.source] if fc.source is not None and fc.source not in candidates(Path.cwd()) else \
        candidates(Path.cwd())
    guard = config_guard.GuardInput(
        root=plan.git_root, base_label=plan.base_label, read_base=_revision_reader(plan.git_root, plan.base),
        config_paths=paths, after=fc, after_text=text, baseline_path=baseline_path, after_baseline=baseline)
    findings = config_guard.check(guard)
    if findings:
        result.findings = sorted([*result.findings, *findings], key=lambda f: f.sort_key)
        result.rules = (*result.rules, config_guard.rule())
    return bool(findings)


# -- audit ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRequest:
    """The audit's options as the command line gives them (None: not given there)."""

    packs: tuple[str, ...] = ()
    disable_packs: tuple[str, ...] = ()
    signatures: tuple[Path, ...] = ()
    excludes: tuple[str, ...] = ()
    limits: Mapping[str, object] = field(default_factory=dict)  # limit options as typed
    config: Path | None = None  # the user's own configuration file; nothing else is read
    fail_on: Level | None = None
    jobs: int | None = None


@dataclass(frozen=True)
class AuditPlan:
    options: AuditOptions  # what the scan of every repository gets (sent to the workers)
    fail_on: Level
    jobs: int  # 0: one worker per core
    ignored: tuple[str, ...] = ()  # keys of the --config file that audits do not apply


def plan_audit(request: AuditRequest) -> AuditPlan:
    from scanner.audit.run import AuditOptions
    from scanner.config.files import FileConfig, load_config
    from scanner.config.limits import Limits, limits_from_options

    fc = load_config(request.config, trusted=True) if request.config else FileConfig()
    check_excludes(request.excludes)
    options = AuditOptions(
        enable_packs=(*fc.packs, *request.packs), disable_packs=(*fc.disable_packs, *request.disable_packs),
        signature_dirs=(*fc.signatures, *request.signatures), excludes=(*fc.exclude, *request.excludes),
        limits=limits_from_options(request.limits, base=fc.apply_limits(Limits())), allow=tuple(fc.allow))
    return AuditPlan(options=options, fail_on=_pick(request.fail_on, _level(fc.fail_on), Level.ERROR),
                     jobs=_pick(request.jobs, fc.jobs, 0), ignored=_not_for_audits(fc))


def _not_for_audits(fc: FileConfig) -> tuple[str, ...]:
    """The keys `fc` sets that an audit does not apply."""
    from dataclasses import fields

    from scanner.config.files import FileConfig

    unset = FileConfig()
    return tuple(f.name.replace("_", "-") for f in fields(fc) if f.name not in ("source", "source_text")
                 and f.name.replace("_", "-") not in AUDIT_KEYS and getattr(fc, f.name) != getattr(unset, f.name))


def audit_config(root: str, files: Sequence[str] | None, options: AuditOptions) -> ScanConfig:
    """The scan of one audited repository (or shard of it): the audit's options only, and inline
    `tiktok-scan: ignore` comments not honoured (see the module docstring)."""
    from scanner.config import ScanConfig

    return ScanConfig(
        roots=[root], srcroot=root, enable_packs=list(options.enable_packs), disable_packs=list(options.disable_packs),
        signature_dirs=list(options.signature_dirs), excludes=list(options.excludes), limits=options.limits, jobs=1,
        files=list(files) if files is not None else None, inline_suppressions=False,
    )


def audit_result(result: ScanResult, allow: Sequence[AllowEntry]) -> tuple[ScanResult, int]:
    """One repository's result as every audit output counts it (what `allow` matches is marked
    suppressed, not dropped), and how many findings `allow` accepted."""
    from scanner.findings.suppress import apply_allowlist

    if not allow:
        return result, 0
    result = replace(result, findings=list(result.findings))
    return result, apply_allowlist(result, allow)


def audit_exit_code(results: Iterable[ScanResult | None], fail_on: Level) -> int:
    """EXIT_ERROR when a repository could not be scanned (None), else the worst repository's exit code."""
    results = list(results)
    if any(r is None for r in results):
        return EXIT_ERROR
    return max((exit_code(r, fail_on) for r in results if r is not None), default=EXIT_CLEAN)
