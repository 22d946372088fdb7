"""The command line: `tiktok-scan scan|rules|baseline|inventory|audit ...`. Exit codes: 0 clean,
1 findings, 2 usage/fatal.

Options only: each command maps its options to a request, `scanner.service` runs the scan and
decides (configuration, baseline, allowlist, guard, exit code), a reporter from
`scanner.report.registry` renders the result. A subcommand is an `_add_<name>_parser(sub)` that
sets `handler=_cmd_<name>`, plus that function.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from scanner import __version__
from scanner.errors import ScannerError, SignatureError, UsageError
from scanner.model import Level
from scanner.report import registry as formats
from scanner.report.interface import ReportOptions
from scanner.service import ENGINES, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, ScanRequest

__all__ = ["EXIT_CLEAN", "EXIT_ERROR", "EXIT_FINDINGS", "build_parser", "main"]

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
    for name in formats.names(formats.SCAN):  # semgrep's names: --sarif-output, --json-output, --text-output
        scan.add_argument(f"--{name}-output", dest=f"{name}_output", metavar="FILE",
                          help=f"also write a {name} report to FILE (with --format/-o and the other --*-output)")
    scan.add_argument("--strict", action="store_true",
                      help="exit 2 when an input was not (fully) read: unreadable, too-large, undecodable, limit, "
                           "timeout, analyzer-error or special-file notes (not parse-error, symlink or own-report)")
    scan.add_argument("--quiet", "-q", action="store_true",
                      help="no progress bar, and no summary line on stderr when a report goes to a file")
    scan.add_argument("--fail-on", choices=LEVEL_CHOICES, default=None,
                      help="exit 1 when a finding is at or above this level (default: error; none: never)")
    scan.add_argument("--min-level", choices=LEVEL_CHOICES[:3], default=None,
                      help="lowest level shown in the text report (default: note)")
    scan.add_argument("--category", default=None,
                      help="SARIF automationDetails category (one per upload; default: tiktok-scan)")
    scan.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                      help="colours in the text report (auto: on a terminal, unless NO_COLOR is set)")
    baselines = scan.add_mutually_exclusive_group()
    baselines.add_argument("--baseline", metavar="FILE",
                           help="hide findings recorded in this baseline (see `tiktok-scan baseline create`; "
                                "default: the configured one, else .tiktok-scan-baseline.json at the repository "
                                "root when present)")
    baselines.add_argument("--no-baseline", action="store_true",
                           help="apply no baseline (neither the configured nor the default one)")
    scan.add_argument("--include-suppressed", action="store_true", default=None,
                      help="keep suppressed and baselined findings in SARIF, with `suppressions` entries "
                           "(GitHub ignores those and would show them as open alerts)")
    scan.add_argument("--all-locations", action="store_true", default=None,
                      help="SARIF: one result per location inside third-party packages and binaries too (default: "
                           "one result per component there, the other places as related locations)")
    diff = scan.add_mutually_exclusive_group()
    diff.add_argument("--staged", action="store_true",
                      help="scan only the files staged for the next commit (git)")
    diff.add_argument("--since", metavar="REF",
                      help="scan only the files changed since the merge base with REF, e.g. origin/main (git)")
    diff.add_argument("--pre-commit", action="store_true",
                      help="the PATHs are the files pre-commit passes: scan exactly those, no directory walk")
    scan.add_argument("--new-only", action="store_true",
                      help="with --since: report and fail only on findings absent at the merge base (moved "
                           "code stays known, as with a baseline)")
    scan.add_argument("--engine", choices=ENGINES, default="builtin",
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


def _add_plan_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    plan = sub.add_parser("plan", help="list every file and line to change to remove each TikTok component",
                          description="Scan PATHs (with the configuration, allowlist and baseline, as `scan` does) "
                                      "and write a removal plan: for each component, the manifests, lockfiles, "
                                      "imports, calls, configuration keys and vendored files to change.")
    _add_selection_options(plan)
    plan.add_argument("--format", "-f", choices=formats.names(formats.PLAN), default="text")
    plan.add_argument("--output", "-o", metavar="FILE", help="write the plan to FILE instead of stdout")
    plan.add_argument("--baseline", metavar="FILE", help="leave out findings recorded in this baseline")
    plan.add_argument("--no-baseline", action="store_true", help="apply no baseline")
    plan.set_defaults(handler=_cmd_plan)


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
    _add_plan_parser(sub)
    from scanner.audit.cli import register as register_audit

    register_audit(sub)
    return parser


def _write(text: str, output: str | None) -> None:
    if output:
        from scanner.report.output import write_report

        # no link inside the current directory (the checkout a CI job scans) is followed, nor one at the
        # report's own name; missing directories are created, and only those
        write_report(output, text)
    else:
        sys.stdout.write(text)


def _cmd_rules(args: argparse.Namespace) -> int:
    from scanner.rules import load_ruleset

    ruleset = load_ruleset(args.signatures, args.packs, args.no_packs, every_pack=args.all)
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


def _request(args: argparse.Namespace) -> ScanRequest:
    """The options of `scan` and `baseline create` as a service request (None: not given)."""
    from scanner.config.limits import option_values

    selection = ("pre-commit" if getattr(args, "pre_commit", False) else "staged" if getattr(args, "staged", False)
                 else "since" if getattr(args, "since", None) else "walk")
    fail_on, min_level = getattr(args, "fail_on", None), getattr(args, "min_level", None)
    return ScanRequest(
        paths=tuple(args.paths), selection=selection, since=getattr(args, "since", None),
        new_only=getattr(args, "new_only", False),
        excludes=tuple(args.exclude), respect_gitignore=args.respect_gitignore, jobs=args.jobs,
        limits=option_values(args), srcroot=args.srcroot, config=Path(args.config) if args.config else None,
        no_config=args.no_config, config_ref=args.config_ref, inline_suppressions=args.inline_suppressions,
        packs=tuple(args.packs), disable_packs=tuple(args.no_packs), signatures=tuple(args.signatures),
        baseline=Path(args.baseline) if getattr(args, "baseline", None) else None,
        no_baseline=getattr(args, "no_baseline", False),
        fail_on=Level(fail_on) if fail_on else None, engine=getattr(args, "engine", "builtin"),
        format=getattr(args, "format", None), min_level=Level(min_level) if min_level else None,
        category=getattr(args, "category", None), include_suppressed=getattr(args, "include_suppressed", None),
        all_locations=getattr(args, "all_locations", None),
        outputs=tuple(path for _, path in _outputs(args) if path),
        strict=getattr(args, "strict", False),
    )


def _outputs(args: argparse.Namespace, fmt: str | None = None) -> list[tuple[str, str | None]]:
    """(format, file) for every report of `scan`: the --format one (None: stdout), then each --*-output."""
    main = [(fmt or getattr(args, "format", None) or "text", getattr(args, "output", None))]
    return main + [(name, getattr(args, f"{name}_output", None)) for name in formats.names(formats.SCAN)
                   if getattr(args, f"{name}_output", None)]


def _check_outputs(args: argparse.Namespace) -> None:
    paths = [os.path.abspath(path) for _, path in _outputs(args) if path]
    for path in paths:
        if paths.count(path) > 1:
            raise UsageError(f"{path}: named by two report options")


def _progress(args: argparse.Namespace) -> _Progress | None:
    quiet = (args.no_progress or getattr(args, "quiet", False) or getattr(args, "pre_commit", False)
             or not sys.stderr.isatty())
    return None if quiet else _Progress()


def _cmd_inventory(args: argparse.Namespace) -> int:
    from scanner.service import inventory

    result = inventory(ScanRequest(paths=tuple(args.paths), excludes=tuple(args.exclude), packs=tuple(args.packs),
                                   disable_packs=tuple(args.no_packs), signatures=tuple(args.signatures)))
    reporter = formats.get(formats.INVENTORY, args.format).reporter().from_options(ReportOptions())
    _write(reporter.render(result), args.output)
    return EXIT_CLEAN


def _cmd_scan(args: argparse.Namespace) -> int:
    from scanner.service import scan

    _check_outputs(args)
    outcome = scan(_request(args), _progress(args))
    written: list[tuple[str, str]] = []
    for fmt, path in _outputs(args, outcome.format):
        color = args.color == "always" or (args.color == "auto" and not path and sys.stdout.isatty()
                                           and "NO_COLOR" not in os.environ)
        reporter = formats.get(formats.SCAN, fmt).reporter().from_options(replace(outcome.report, color=color))
        text = reporter.render(outcome.result)
        for warning in reporter.warnings:
            sys.stderr.write(f"tiktok-scan: warning: {warning}\n")
        _write(text, path)
        if path:
            written.append((fmt, path))
    if written and not args.quiet:
        from scanner.report.summary import summary_line

        sys.stderr.write(summary_line(outcome.result, written))
    if outcome.unread:
        reasons = Counter(n.reason.value for n in outcome.unread)
        sys.stderr.write(f"tiktok-scan: --strict: {len(outcome.unread)} input(s) not fully read ("
                         + ", ".join(f"{r}: {n}" for r, n in sorted(reasons.items()))
                         + f"), e.g. {outcome.unread[0].message}\n")
    if outcome.blocked:
        sys.stdout.write(outcome.blocked)
    return outcome.exit_code


def _cmd_plan(args: argparse.Namespace) -> int:
    """`tiktok-scan plan`: the scan's policy as `scan` applies it, rendered as a removal plan; exit 0."""
    from scanner.service import scan

    outcome = scan(_request(args), _progress(args))
    reporter = formats.get(formats.PLAN, args.format).reporter().from_options(ReportOptions())
    _write(reporter.render(outcome.result), args.output)
    return EXIT_CLEAN


def _cmd_baseline_create(args: argparse.Namespace) -> int:
    from scanner.findings.baseline import dumps, entries_for
    from scanner.service import record

    result = record(_request(args), _progress(args))
    entries = entries_for(result.findings)
    _write(dumps(entries), args.output)
    if args.output:
        sys.stderr.write(f"tiktok-scan: wrote {len(entries)} finding(s) to the baseline {args.output}\n")
    return EXIT_CLEAN


def run() -> int:
    """The process entry (`tiktok-scan`, `python -m scanner`): `main`, then the heap frozen, so that the
    interpreter's last garbage collection at exit does not walk every object of the scan (17 ms of a
    ~200 ms pre-commit run). In-process callers use `main` and keep a collectable heap."""
    code = main()
    gc.freeze()
    return code


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
        failure: BaseException = exc
        message = f"invalid signature: {exc}"
    except ScannerError as exc:
        failure, message = exc, str(exc)
    except KeyboardInterrupt as exc:
        failure, message = exc, "interrupted"
    except OSError as exc:
        failure, message = exc, str(exc)
    sys.stderr.write(f"tiktok-scan: {message}\n")
    if debug:
        traceback.print_exception(failure)
    if args.handler is _cmd_scan:
        _write_failed(args, message)
    return EXIT_ERROR


def _write_failed(args: argparse.Namespace, message: str) -> None:
    """A failed scan replaces every requested report file with the failure, never leaving old results."""
    from scanner.report.failure import failure_report
    from scanner.report.output import OutputError, write_report

    done: set[str] = set()
    for fmt, path in _outputs(args):
        if not path or os.path.abspath(path) in done:  # a file named twice gets the first option's format
            continue
        done.add(os.path.abspath(path))
        try:  # the output path itself may be the problem (a link refused): then nothing is written
            write_report(path, failure_report(fmt, message, category=getattr(args, "category", None)))
        except (OutputError, OSError) as exc:
            if str(exc) != message:  # the error just shown
                sys.stderr.write(f"tiktok-scan: {exc}\n")
