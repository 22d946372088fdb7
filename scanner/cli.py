"""The command line: `tiktok-scan scan|rules ...`. Exit codes: 0 clean, 1 findings, 2 usage/fatal."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from scanner import __version__
from scanner.errors import ScannerError, SignatureError, UsageError
from scanner.model import Level, ScanResult

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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tiktok-scan",
        description="Find where software uses TikTok's code, SDKs or services: source, dependencies, binaries.",
    )
    parser.add_argument("--version", action="version", version=f"tiktok-scan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    scan = sub.add_parser("scan", help="scan files and directories", description="Scan paths and report findings.")
    scan.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    scan.add_argument("--format", "-f", choices=("text", "json", "sarif"), default="text")
    scan.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    scan.add_argument("--fail-on", choices=LEVEL_CHOICES, default="error",
                      help="exit 1 when a finding is at or above this level (default: error; none: never)")
    scan.add_argument("--min-level", choices=LEVEL_CHOICES[:3], default="note",
                      help="lowest level shown in the text report (default: note)")
    scan.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                      help="skip paths matching GLOB (gitignore-style; repeatable)")
    scan.add_argument("--respect-gitignore", action="store_true", help="skip files ignored by .gitignore files")
    scan.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: cores)")
    scan.add_argument("--max-file-size", type=int, metavar="BYTES", help="skip (and report) larger files")
    scan.add_argument("--category", default="tiktok-scan",
                      help="SARIF automationDetails category (one per upload; default: tiktok-scan)")
    scan.add_argument("--srcroot", metavar="DIR", help="report paths relative to DIR (default: the repository root)")
    scan.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    scan.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    scan.add_argument("--debug", action="store_true", help="show tracebacks for fatal errors")
    _add_signature_options(scan)

    rules = sub.add_parser("rules", help="list the rules", description="List or export the signature rules.")
    rules.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    rules.add_argument("--all", action="store_true", help="include packs that are off by default")
    rules.add_argument("--output", "-o", metavar="FILE")
    rules.add_argument("--export", choices=("dependency-review",),
                       help="write the rules for another tool: a purl deny list for GitHub's dependency-review-action")
    _add_signature_options(rules)

    inventory = sub.add_parser("inventory", help="write an SBOM of the TikTok/affiliate components found",
                               description="Scan PATHs and write the TikTok and affiliate components as an SBOM.")
    inventory.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    inventory.add_argument("--format", "-f", choices=("cyclonedx",), default="cyclonedx")
    inventory.add_argument("--output", "-o", metavar="FILE")
    inventory.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    _add_signature_options(inventory)

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
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _cmd_rules(args: argparse.Namespace) -> int:
    from scanner.report.rules_doc import rules_json, rules_markdown, rules_text
    from scanner.rules.model import RuleSet

    ruleset = _ruleset(args, all_packs=args.all)
    assert isinstance(ruleset, RuleSet)
    if args.export == "dependency-review":
        from scanner.deny_list import dependency_review_deny_list

        _write(dependency_review_deny_list(ruleset), args.output)
        return EXIT_CLEAN
    render = {"text": rules_text, "json": rules_json, "markdown": rules_markdown}[args.format]
    _write(render(ruleset.packs), args.output)
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


def _cmd_scan(args: argparse.Namespace) -> int:
    from scanner.config import ScanConfig
    from scanner.engine import run_scan
    from scanner.limits import Limits

    for path in args.paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    limits = Limits() if args.max_file_size is None else Limits(max_file_size=args.max_file_size)
    config = ScanConfig(
        roots=list(args.paths),
        enable_packs=args.packs,
        disable_packs=args.no_packs,
        signature_dirs=list(args.signatures),
        excludes=args.exclude,
        respect_gitignore=args.respect_gitignore,
        limits=limits,
        jobs=args.jobs,
        fail_on=Level(args.fail_on),
        srcroot=args.srcroot,
    )
    progress = _Progress() if (sys.stderr.isatty() and not args.no_progress) else None
    try:
        result = run_scan(config, progress=progress)
    finally:
        if progress:
            progress.close()
    _write(_render(args, result), args.output)
    return exit_code(result, config.fail_on)


def _cmd_inventory(args: argparse.Namespace) -> int:
    from scanner.config import ScanConfig
    from scanner.engine import run_scan
    from scanner.inventory import cyclonedx_inventory

    for path in args.paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    config = ScanConfig(roots=list(args.paths), enable_packs=args.packs, disable_packs=args.no_packs,
                        signature_dirs=list(args.signatures), excludes=args.exclude)
    _write(cyclonedx_inventory(run_scan(config)), args.output)
    return EXIT_CLEAN


def _render(args: argparse.Namespace, result: ScanResult) -> str:
    if args.format == "sarif":
        from scanner.report.sarif import SarifReporter

        return SarifReporter(category=args.category).render(result)
    if args.format == "json":
        from scanner.report.json_report import JsonReporter

        return JsonReporter().render(result)
    from scanner.report.text import TextReporter

    color = args.color == "always" or (args.color == "auto" and not args.output and sys.stdout.isatty()
                                       and "NO_COLOR" not in os.environ)
    return TextReporter(color=color, min_level=Level(args.min_level)).render(result)


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
    try:
        if args.command == "rules":
            return _cmd_rules(args)
        if args.command == "inventory":
            return _cmd_inventory(args)
        if args.command == "audit":
            from scanner.audit.cli import run as run_audit

            return run_audit(args)
        return _cmd_scan(args)
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
