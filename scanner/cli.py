"""The command line: `tiktok-scan scan|rules|baseline ...`. Exit codes: 0 clean, 1 findings, 2 usage/fatal.

A subcommand is an `_add_<name>_parser(sub)` that sets `handler=_cmd_<name>`, plus that function.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

from scanner import __version__
from scanner.errors import ScannerError, SignatureError, UsageError
from scanner.model import Level, ScanResult
from scanner.report import registry as formats
from scanner.report.interface import ReportOptions

if TYPE_CHECKING:  # heavy modules stay out of the start-up path (pre-commit runs this per commit)
    from scanner.config import ScanConfig
    from scanner.config.files import FileConfig
    from scanner.findings.baseline import Baseline

T = TypeVar("T")

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
LEVEL_CHOICES = ("error", "warning", "note", "none")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 too; keep the message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def _add_signature_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pack", dest="packs", action="append", default=[], metavar="NAME",
                   help="enable a signature pack that is off by default (e.g. wechat-payments)")
    p.add_argument("--no-pack", dest="no_packs", action="append", default=[], metavar="NAME",
                   help="disable a pack that is on by default (e.g. bytedance-affiliates)")
    p.add_argument("--signatures", action="append", default=[], metavar="DIR", type=Path,
                   help="add a directory of signature packs (validated like the built-in ones)")


def _add_selection_options(p: argparse.ArgumentParser) -> None:
    """What to scan and how: shared by `scan` and `baseline create`."""
    p.add_argument("paths", nargs="*", default=[], metavar="PATH", help="files or directories (default: .)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="skip paths matching GLOB (gitignore-style; repeatable; added to the config's)")
    p.add_argument("--respect-gitignore", action="store_true", default=None,
                   help="skip files ignored by .gitignore files")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="worker processes (default: cores)")
    from scanner.config.limits import add_limit_options

    add_limit_options(p)  # --max-file-size 50M, --max-archive-depth, --file-timeout 30s, ...
    p.add_argument("--srcroot", metavar="DIR", help="report paths relative to DIR (default: the repository root)")
    p.add_argument("--config", metavar="FILE",
                   help="configuration file (default: .tiktok-scan.toml or pyproject.toml [tool.tiktok-scan], "
                        "looked up from the current directory to the repository root)")
    p.add_argument("--no-config", action="store_true", help="ignore configuration files")
    p.add_argument("--config-ref", metavar="REF",
                   help="read the configuration file (and its baseline) from git revision REF, e.g. the pull "
                        "request's base branch, instead of the working tree: the change cannot alter its own scan")
    p.add_argument("--no-inline-suppressions", dest="inline_suppressions", action="store_false", default=None,
                   help="ignore `tiktok-scan: ignore` comments (audits of code you do not own)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--debug", action="store_true", help="show tracebacks for fatal errors")
    _add_signature_options(p)


def _add_scan_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    scan = sub.add_parser("scan", help="scan files and directories", description="Scan paths and report findings.")
    _add_selection_options(scan)
    scan.add_argument("--format", "-f", choices=formats.names(formats.SCAN), default=None, help="default: text")
    scan.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    scan.add_argument("--fail-on", choices=LEVEL_CHOICES, default=None,
                      help="exit 1 when a finding is at or above this level (default: error; none: never)")
    scan.add_argument("--min-level", choices=LEVEL_CHOICES[:3], default=None,
                      help="lowest level shown in the text report (default: note)")
    scan.add_argument("--category", default=None,
                      help="SARIF automationDetails category (one per upload; default: tiktok-scan)")
    scan.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    scan.add_argument("--baseline", metavar="FILE",
                      help="hide findings recorded in this baseline (see `tiktok-scan baseline create`)")
    scan.add_argument("--include-suppressed", action="store_true", default=None,
                      help="keep suppressed and baselined findings in SARIF, with `suppressions` entries "
                           "(GitHub ignores those and would show them as open alerts)")
    diff = scan.add_mutually_exclusive_group()
    diff.add_argument("--staged", action="store_true",
                      help="scan only the files staged for the next commit (git)")
    diff.add_argument("--since", metavar="REF",
                      help="scan only the files changed since the merge base with REF, e.g. origin/main (git)")
    diff.add_argument("--pre-commit", action="store_true",
                      help="the PATHs are the files pre-commit passes: scan exactly those, no directory walk")
    scan.add_argument("--engine", choices=("builtin", "semgrep"), default="builtin",
                      help="semgrep: also run semgrep (when installed) with the exported rules and merge its findings")
    scan.set_defaults(handler=_cmd_scan)


def _add_rules_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    rules = sub.add_parser("rules", help="list the rules", description="List or export the signature rules.")
    rules.add_argument("--format", "-f", choices=formats.names(formats.RULES), default="text",
                       help="inputs: the table of supported inputs (one row per analyzer)")
    rules.add_argument("--all", action="store_true", help="include packs that are off by default")
    rules.add_argument("--output", "-o", metavar="FILE")
    rules.add_argument("--export", choices=formats.names(formats.EXPORT),
                       help="write the rules for another tool: semgrep rules (source signatures) or a purl deny "
                            "list for GitHub's dependency-review-action")
    _add_signature_options(rules)
    rules.set_defaults(handler=_cmd_rules)


def _add_inventory_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    inventory = sub.add_parser("inventory", help="write an SBOM of the TikTok/affiliate components found",
                               description="Scan PATHs and write the TikTok and affiliate components as an SBOM.")
    inventory.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    inventory.add_argument("--format", "-f", choices=formats.names(formats.INVENTORY), default="cyclonedx")
    inventory.add_argument("--output", "-o", metavar="FILE")
    inventory.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    _add_signature_options(inventory)
    inventory.set_defaults(handler=_cmd_inventory)


def _add_baseline_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    baseline = sub.add_parser("baseline", help="record known findings",
                              description="Record today's findings so that later scans (--baseline) show new ones.")
    actions = baseline.add_subparsers(dest="baseline_command", metavar="ACTION", parser_class=_Parser)
    create = actions.add_parser("create", help="scan and write a baseline file",
                                description="Scan PATHs and write every unsuppressed finding to a baseline file, "
                                            "keyed on rule, path and a content fingerprint (no line numbers), "
                                            "sorted so that it merges cleanly.")
    _add_selection_options(create)
    create.add_argument("--output", "-o", metavar="FILE", help="baseline file to write (default: stdout)")
    create.set_defaults(handler=_cmd_baseline_create)
    baseline.set_defaults(handler=lambda args: _usage(baseline))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_ERROR


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tiktok-scan",
        description="Find where software uses TikTok's code, SDKs or services: source, dependencies, binaries.",
    )
    parser.add_argument("--version", action="version", version=f"tiktok-scan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_scan_parser(sub)
    _add_rules_parser(sub)
    _add_baseline_parser(sub)
    _add_inventory_parser(sub)
    from scanner.audit.cli import register as register_audit

    register_audit(sub)
    return parser


def _ruleset(args: argparse.Namespace, all_packs: bool = False) -> object:
    from scanner.rules import default_signature_dir, load_packs

    dirs = [default_signature_dir(), *args.signatures]
    if all_packs:
        from scanner.rules.loader import load_pack
        from scanner.rules.model import Pack

        packs: list[Pack] = []
        for d in dirs:
            packs.extend(load_pack(p.parent) for p in sorted(Path(d).glob("*/pack.toml")))
        from scanner.rules.model import RuleSet

        return RuleSet(packs=tuple(packs))
    return load_packs(dirs, enable=args.packs, disable=args.no_packs)


def _write(text: str, output: str | None) -> None:
    if output:
        from scanner.report.output import write_report

        # no link inside the current directory (the checkout a CI job scans) is followed, nor one at the
        # report's own name; missing directories are created, and only those
        write_report(output, text)
    else:
        sys.stdout.write(text)


def _cmd_rules(args: argparse.Namespace) -> int:
    from scanner.rules.model import RuleSet

    ruleset = _ruleset(args, all_packs=args.all)
    assert isinstance(ruleset, RuleSet)
    fmt = formats.get(formats.EXPORT, args.export) if args.export else formats.get(formats.RULES, args.format)
    _write(fmt.document()(ruleset), args.output)
    return EXIT_CLEAN


class _Progress:
    """A one-line progress bar on stderr, only on a TTY and only for scans that take a while."""

    def __init__(self) -> None:
        self.shown = False
        import time

        self.start = time.monotonic()
        self._time = time.monotonic

    def __call__(self, done: int, total: int) -> None:
        if self._time() - self.start < 1.0 and not self.shown:
            return
        self.shown = True
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


@dataclass
class _Setup:
    """The scan to run, with command line and configuration file merged (the command line wins)."""

    config: ScanConfig
    file_config: FileConfig
    mode: str  # walk | files | pre-commit | staged | since
    git_root: Path | None = None  # diff scans: the repository
    base: str | None = None  # diff scans: the revision the change is compared with
    base_label: str = ""


def _pick(cli: T | None, configured: T | None, default: T) -> T:
    if cli is not None:
        return cli
    return configured if configured is not None else default


def _file_config(args: argparse.Namespace) -> FileConfig:
    from scanner.config.files import FileConfig, candidates, find_config, find_config_in, load_config

    if args.no_config:
        return FileConfig()
    if getattr(args, "config_ref", None):
        from scanner.core import gitdiff

        root = gitdiff.repo_root(Path.cwd())
        paths = [Path(args.config).resolve()] if args.config else candidates(Path.cwd())
        found = find_config_in(_revision_reader(root, args.config_ref), paths)
        return found[1] if found else FileConfig()
    if args.config:
        return load_config(Path(args.config), trusted=True)
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


def _targets(args: argparse.Namespace) -> tuple[list[str], list[str] | None, str | None, str, Path | None, str | None]:
    """(roots, explicit files relative to the srcroot or None, srcroot, mode, git root, base revision)."""
    from scanner.config import find_srcroot

    if getattr(args, "pre_commit", False):
        # pre-commit runs hooks at the repository root with repository-relative file names.
        srcroot = str(Path(args.srcroot or find_srcroot(".")).resolve())
        files = []
        for name in args.paths:
            rel = os.path.relpath(Path(name).absolute(), srcroot)
            if rel.startswith(".."):
                raise UsageError(f"{name}: outside the repository {srcroot}")
            files.append(Path(rel).as_posix())
        return [srcroot], files, srcroot, "pre-commit", None, None
    paths = list(args.paths) or ["."]
    if getattr(args, "staged", False) or getattr(args, "since", None):
        from scanner.core import gitdiff

        root = gitdiff.repo_root(Path.cwd())
        if args.staged:
            base = "HEAD"
            changed = gitdiff.staged_files(root)
            partly = sorted(set(changed) & set(gitdiff.unstaged_files(root)))
            if partly:
                sys.stderr.write(f"tiktok-scan: note: {len(partly)} staged file(s) also have unstaged changes; "
                                 f"their working-tree copies are scanned: {', '.join(partly[:5])}"
                                 f"{' ...' if len(partly) > 5 else ''}\n")
        else:
            base = gitdiff.merge_base(root, args.since)
            changed = gitdiff.changed_since(root, args.since)
        files = gitdiff.under(changed, root, paths)
        return [str(root)], files, args.srcroot or str(root), "staged" if args.staged else "since", root, base
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    return paths, None, args.srcroot, "walk", None, None


def _check_excludes(patterns: list[str]) -> None:
    """A bad --exclude is a usage error (exit 2) before anything is read."""
    from scanner.core.walk import PatternError, check_patterns

    try:
        check_patterns(patterns, "--exclude")
    except PatternError as exc:
        raise UsageError(str(exc)) from exc


def _setup(args: argparse.Namespace) -> _Setup:
    from scanner.config import ScanConfig
    from scanner.config.limits import Limits, limits_from_args

    fc = _file_config(args)
    _check_excludes(args.exclude)
    roots, files, srcroot, mode, git_root, base = _targets(args)
    limits = limits_from_args(args, base=fc.apply_limits(Limits()))  # flags override the config file
    fail_on = _pick(getattr(args, "fail_on", None), fc.fail_on, "error")
    config = ScanConfig(
        roots=roots,
        enable_packs=[*fc.packs, *args.packs],
        disable_packs=[*fc.disable_packs, *args.no_packs],
        signature_dirs=[*fc.signatures, *args.signatures],
        excludes=[*fc.exclude, *args.exclude],
        respect_gitignore=_pick(args.respect_gitignore, fc.respect_gitignore, False),
        limits=limits,
        jobs=_pick(args.jobs, fc.jobs, 0),
        fail_on=Level(fail_on),
        files=files,
        srcroot=srcroot,
        inline_suppressions=_pick(args.inline_suppressions, fc.inline_suppressions, True),
    )
    label = {"staged": "HEAD", "since": f"the merge base with {getattr(args, 'since', '')}"}.get(mode, "")
    return _Setup(config=config, file_config=fc, mode=mode, git_root=git_root, base=base, base_label=label)


def _run(args: argparse.Namespace, setup: _Setup) -> ScanResult:
    from scanner.core.engine import run_scan

    quiet = args.no_progress or setup.mode == "pre-commit" or not sys.stderr.isatty()
    progress = None if quiet else _Progress()
    try:
        result = run_scan(setup.config, progress=progress)
    finally:
        if progress:
            progress.close()
    if getattr(args, "engine", "builtin") == "semgrep":
        _merge_semgrep(args, setup, result)
    if setup.file_config.allow:
        from scanner.findings.suppress import apply_allowlist

        apply_allowlist(result, setup.file_config.allow)
    return result


def _merge_semgrep(args: argparse.Namespace, setup: _Setup, result: ScanResult) -> None:
    """Add semgrep's findings (same rules, exported) to the built-in ones; built-in findings win."""
    from dataclasses import replace

    from scanner.interop.semgrep import merge_findings, run_semgrep
    from scanner.rules import default_signature_dir, load_packs

    config = setup.config
    ruleset = load_packs([default_signature_dir(), *config.signature_dirs], enable=config.enable_packs,
                         disable=config.disable_packs)
    srcroot = Path(str(result.extra.get("srcroot") or "."))
    extra = []
    for root in config.roots:
        prefix = os.path.relpath(Path(root).resolve(), srcroot.resolve()) if Path(root).is_dir() else "."
        for finding in run_semgrep([root], ruleset, jobs=config.jobs or 1):
            path = finding.location.path if prefix == "." else f"{Path(prefix).as_posix()}/{finding.location.path}"
            extra.append(replace(finding, location=replace(finding.location, path=path)))
    result.findings = sorted(merge_findings(result.findings, extra), key=lambda f: f.sort_key)


def _cmd_inventory(args: argparse.Namespace) -> int:
    from scanner.config import ScanConfig
    from scanner.core.engine import run_scan

    for path in args.paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    _check_excludes(args.exclude)
    config = ScanConfig(roots=list(args.paths), enable_packs=args.packs, disable_packs=args.no_packs,
                        signature_dirs=list(args.signatures), excludes=args.exclude)
    reporter = formats.get(formats.INVENTORY, args.format).reporter().from_options(ReportOptions())
    _write(reporter.render(run_scan(config)), args.output)
    return EXIT_CLEAN


def _cmd_scan(args: argparse.Namespace) -> int:
    setup = _setup(args)
    fc = setup.file_config
    baseline_path = Path(args.baseline) if args.baseline else fc.baseline
    baseline = _load_baseline(args, baseline_path, from_config=not args.baseline)  # a bad file fails fast
    result = _run(args, setup)
    if baseline is not None:
        from scanner.findings.baseline import apply_baseline

        apply_baseline(result, baseline)
    fail_on = setup.config.fail_on
    guarded = setup.base is not None and not args.no_config and not args.config_ref
    if guarded and _guard_configuration(setup, baseline_path, baseline, result) and args.fail_on is None:
        # the weakened configuration may itself raise fail-on: it does not get to decide this exit
        fail_on = fail_on if fail_on.at_least(Level.NOTE) and not fail_on.at_least(Level.ERROR) else Level.ERROR
    args.format = _pick(args.format, fc.format, "text")
    args.min_level = _pick(args.min_level, fc.min_level, "note")
    args.category = _pick(args.category, fc.category, "tiktok-scan")
    args.include_suppressed = _pick(args.include_suppressed, fc.include_suppressed, False)
    _write(_render(args, result), args.output)
    code = exit_code(result, fail_on)
    if setup.mode == "pre-commit" and code == EXIT_FINDINGS:
        sys.stdout.write(_blocked_message(result, fail_on))
    return code


def _load_baseline(args: argparse.Namespace, path: Path | None, from_config: bool) -> Baseline | None:
    """The baseline to apply; with --config-ref a configured baseline comes from that revision too."""
    if path is None:
        return None
    from scanner.findings.baseline import load, loads

    if from_config and getattr(args, "config_ref", None):
        from scanner.core import gitdiff

        data = _revision_reader(gitdiff.repo_root(Path.cwd()), args.config_ref)(path)
        if data is None:
            raise UsageError(f"{path}: the baseline is not in {args.config_ref}")
        return loads(data, f"{args.config_ref}:{path}")
    return load(path)


def _guard_configuration(setup: _Setup, baseline_path: Path | None, baseline: Baseline | None,
                         result: ScanResult) -> bool:
    """Diff scans: a change that weakens the scan's own configuration is a finding (TS101); any found?"""
    from scanner.config import guard as config_guard
    from scanner.config.files import candidates

    assert setup.git_root is not None and setup.base is not None
    fc = setup.file_config
    text = ""
    if fc.source is not None:
        try:
            text = fc.source.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
    paths = [fc.source] if fc.source is not None and fc.source not in candidates(Path.cwd()) else \
        candidates(Path.cwd())
    guard = config_guard.GuardInput(
        root=setup.git_root, base_label=setup.base_label, read_base=_revision_reader(setup.git_root, setup.base),
        config_paths=paths, after=fc, after_text=text, baseline_path=baseline_path, after_baseline=baseline)
    findings = config_guard.check(guard)
    if findings:
        result.findings = sorted([*result.findings, *findings], key=lambda f: f.sort_key)
        result.rules = (*result.rules, config_guard.rule())
    return bool(findings)


def _blocked_message(result: ScanResult, fail_on: Level) -> str:
    failing = [f for f in result.findings if f.suppressed is None and f.level.at_least(fail_on)]
    files = sorted({f.location.path for f in failing})
    shown = ", ".join(files[:10]) + (f" and {len(files) - 10} more" if len(files) > 10 else "")
    return (f"\ntiktok-scan: commit blocked: {len(failing)} finding(s) at level {fail_on.value} or above "
            f"in {shown}.\n"
            f"Remove the TikTok code, SDK or service use. If it is allowed, say so on the line with a comment\n"
            f"`tiktok-scan: ignore[RULE-ID] reason`, or with an allow entry in the configuration.\n")


def _cmd_baseline_create(args: argparse.Namespace) -> int:
    from scanner.findings.baseline import dumps, entries_for

    setup = _setup(args)
    result = _run(args, setup)
    entries = entries_for(result.findings)
    _write(dumps(entries), args.output)
    if args.output:
        sys.stderr.write(f"tiktok-scan: wrote {len(entries)} finding(s) to the baseline {args.output}\n")
    return EXIT_CLEAN


def _render(args: argparse.Namespace, result: ScanResult) -> str:
    color = args.color == "always" or (args.color == "auto" and not args.output and sys.stdout.isatty()
                                       and "NO_COLOR" not in os.environ)
    options = ReportOptions(color=color, min_level=Level(args.min_level), category=args.category,
                            include_suppressed=args.include_suppressed)
    reporter = formats.get(formats.SCAN, args.format).reporter().from_options(options)
    text = reporter.render(result)
    for warning in reporter.warnings:
        sys.stderr.write(f"tiktok-scan: warning: {warning}\n")
    return text


def exit_code(result: ScanResult, fail_on: Level) -> int:
    if fail_on is Level.NONE:
        return EXIT_CLEAN
    failing = any(f.level.at_least(fail_on) for f in result.findings if f.suppressed is None)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    debug = getattr(args, "debug", False)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except SignatureError as exc:
        sys.stderr.write(f"tiktok-scan: invalid signature: {exc}\n")
    except ScannerError as exc:
        sys.stderr.write(f"tiktok-scan: {exc}\n")
    except KeyboardInterrupt:
        sys.stderr.write("tiktok-scan: interrupted\n")
    except OSError as exc:
        sys.stderr.write(f"tiktok-scan: {exc}\n")
    if debug:
        traceback.print_exc()
    return EXIT_ERROR
