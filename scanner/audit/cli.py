"""`tiktok-scan audit REPO... --out DIR` and `tiktok-scan audit diff RUN_A RUN_B --db FILE`.

Options only, as in scanner/cli.py: what applies to the audited repositories and the exit code is
decided by scanner.service (`plan_audit`, `audit_result`, `audit_exit_code`), which also says how
audits treat configuration and inline suppressions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner import __version__
from scanner.errors import UsageError
from scanner.model import Level
from scanner.report.output import checked_path, make_directory, write_report
from scanner.service import AUDIT_KEYS

if TYPE_CHECKING:
    from scanner.audit.run import RepoOutcome


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "audit", help="audit many repositories (history, reports, Dask scale-out)",
        description="Scan many repositories into DIR: one SARIF each, Markdown/CSV/HTML/CycloneDX reports and "
                    "SQLite history. `tiktok-scan audit diff RUN_A RUN_B --db FILE` compares two runs.")
    p.add_argument("repos", nargs="*", metavar="REPO", help="checkouts, bare git mirrors or folders of artifacts")
    p.add_argument("--repos-file", metavar="FILE", help="one repository path per line (# comments allowed)")
    p.add_argument("--out", metavar="DIR", help="output directory (created)")
    p.add_argument("--db", metavar="FILE", help="SQLite history (default: DIR/audit.sqlite)")
    p.add_argument("--dask-scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="local worker processes (default: cores)")
    p.add_argument("--title", default="TikTok use audit")
    p.add_argument("--fail-on", choices=("error", "warning", "note", "none"), default=None,
                   help="exit 1 when a finding is at or above this level (default: error)")
    p.add_argument("--pack", dest="packs", action="append", default=[], metavar="NAME")
    p.add_argument("--no-pack", dest="no_packs", action="append", default=[], metavar="NAME")
    p.add_argument("--signatures", action="append", default=[], metavar="DIR", type=Path,
                   help="add a directory of signature packs (validated like the built-in ones)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    p.add_argument("--config", metavar="FILE", type=Path,
                   help="your configuration file; of it the audit applies " + ", ".join(AUDIT_KEYS) + ". "
                        "No audited repository's configuration is read, and inline `tiktok-scan: ignore` "
                        "comments in audited code are not honoured")
    p.add_argument("--no-progress", action="store_true")
    from scanner.config.limits import add_limit_options

    add_limit_options(p)  # --max-file-size 50M, --max-archive-depth, --file-timeout 30s, ...
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.repos[:1] == ["diff"]:
        return _diff(args)
    return _audit(args)


def _diff(args: argparse.Namespace) -> int:
    from scanner.audit.store import AuditStore, diff_runs

    if len(args.repos) != 3 or not args.db:
        raise UsageError("usage: tiktok-scan audit diff RUN_A RUN_B --db FILE")
    try:
        run_a, run_b = int(args.repos[1]), int(args.repos[2])
    except ValueError as exc:
        raise UsageError("audit diff: RUN_A and RUN_B are run numbers (see the audit summary)") from exc
    if not Path(args.db).exists():
        raise UsageError(f"{args.db}: no such audit database")
    store = AuditStore(Path(args.db))
    try:
        diff = diff_runs(store, run_a, run_b)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
    repos = sorted(set(diff.appeared) | set(diff.disappeared))
    if not repos:
        print(f"No change in TikTok use between run {run_a} and run {run_b}.")
        return 0
    for repo in repos:
        print(f"{repo}:")
        for use in diff.appeared.get(repo, []):
            print(f"  + {use.rule_id} {use.component}")
        for use in diff.disappeared.get(repo, []):
            print(f"  - {use.rule_id} {use.component}")
    return 1 if diff.appeared else 0


def _audit(args: argparse.Namespace) -> int:
    from scanner.audit.reports import csv_report, html_report, markdown_report
    from scanner.audit.run import dask_executor, local_executor, run_audit
    from scanner.audit.sources import discover
    from scanner.audit.store import AuditStore
    from scanner.config.limits import option_values
    from scanner.core.run import utc_now as _utc_now
    from scanner.report.sarif import SarifReporter
    from scanner.rules import load_ruleset
    from scanner.service import AuditRequest, audit_exit_code, plan_audit

    if not args.out:
        raise UsageError("audit: --out DIR is required")
    plan = plan_audit(AuditRequest(
        packs=tuple(args.packs), disable_packs=tuple(args.no_packs), signatures=tuple(args.signatures),
        excludes=tuple(args.exclude), limits=option_values(args), config=args.config,
        fail_on=Level(args.fail_on) if args.fail_on else None, jobs=args.jobs))
    if plan.ignored:
        sys.stderr.write(f"tiktok-scan: note: {args.config}: not applied by audits: {', '.join(plan.ignored)}\n")
    options = plan.options
    repos = discover(args.repos, args.repos_file)
    ruleset = load_ruleset(options.signature_dirs, options.enable_packs, options.disable_packs)
    rules = ruleset.by_id()
    out = Path(args.out)
    # the out directory may be created; links inside it (a `sarif` link to elsewhere) are refused
    protect = [str(out), *(r.path for r in repos)]
    make_directory(out / "sarif", protect=protect)
    store = AuditStore(checked_path(Path(args.db) if args.db else out / "audit.sqlite", protect=protect))
    run_id = store.start_run(_utc_now(), __version__, ",".join(p.name for p in ruleset.packs))
    if args.dask_scheduler:
        submit = dask_executor(args.dask_scheduler)
    else:
        import os

        submit = local_executor(plan.jobs or os.cpu_count() or 1)
    tty = sys.stderr.isatty() and not args.no_progress

    def on_repo(outcome: RepoOutcome) -> None:
        store.add_repo(run_id, outcome, rules)
        if outcome.result is not None:
            write_report(out / "sarif" / f"{outcome.repo.name}.sarif",
                         SarifReporter(category=f"tiktok-scan-{outcome.repo.name}", srcroot=outcome.repo.path)
                         .render(outcome.result), protect=protect)

    def progress(name: str, done: int, total: int) -> None:
        if tty:
            width = 30
            filled = int(width * done / max(total, 1))
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:30]:<30}")
            sys.stderr.flush()

    outcomes = run_audit(repos, options, submit, on_repo=on_repo, progress=progress)
    if tty:
        sys.stderr.write("\n")
    store.finish_run(run_id, _utc_now())
    trend = store.trend()
    store.close()
    title = f"{args.title} (run {run_id})"
    write_report(out / "report.md", markdown_report(outcomes, rules, title), protect=protect)
    write_report(out / "report.csv", csv_report(outcomes, rules), protect=protect)
    write_report(out / "report.html", html_report(outcomes, rules, title, trend), protect=protect)
    _write_inventory(outcomes, out, protect)
    failed = [o for o in outcomes if not o.ok]
    print(f"Audit run {run_id}: {len(outcomes)} repositories, {len(failed)} failed. Reports in {out}/")
    for o in outcomes:
        counts = {lvl: 0 for lvl in ("error", "warning", "note")}
        for f in o.result.findings if o.result else []:
            counts[f.level.value] = counts.get(f.level.value, 0) + 1
        state = "ok" if o.ok else f"FAILED (after a retry): {o.error}"
        allowed = f"; {o.allowed} allowed by {args.config}" if o.allowed else ""
        print(f"  {o.repo.name}: {state}; {counts['error']} error, {counts['warning']} warning, {counts['note']} note"
              f"{allowed}")
    return audit_exit_code((o.result for o in outcomes), plan.fail_on)


def _write_inventory(outcomes: list[RepoOutcome], out: Path, protect: Sequence[str]) -> None:
    """One CycloneDX inventory for the fleet: every repository's components, paths prefixed by its name."""
    from dataclasses import replace

    from scanner.model import ScanResult, ScanStats
    from scanner.report.cyclonedx import cyclonedx_inventory

    findings = []
    rules: tuple[object, ...] = ()
    for o in outcomes:
        if o.result is None:
            continue
        rules = rules or o.result.rules
        for f in o.result.findings:
            findings.append(replace(f, location=replace(f.location, path=f"{o.repo.name}/{f.location.path}")))
    merged = ScanResult(roots=tuple(o.repo.path for o in outcomes), findings=findings, notifications=[],
                        stats=ScanStats(), analyzers=(), packs=(), rules=rules)
    write_report(out / "inventory.cdx.json", cyclonedx_inventory(merged), protect=protect)
