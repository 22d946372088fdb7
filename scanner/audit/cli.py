"""`tiktok-scan audit REPO... --out DIR`, `tiktok-scan audit runs` and `tiktok-scan audit diff RUN_A RUN_B`.

`runs` and `diff` are recognised as the first word after `audit` (before argparse reads the audit
options, so their own options and `--help` work in any order) and parsed by parsers of their own.

Options only, as in scanner/cli.py: what applies to the audited repositories and the exit code is
decided by scanner.service (`plan_audit`, `audit_result`, `audit_exit_code`), which also says how
audits treat configuration and inline suppressions.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner import __version__
from scanner.errors import UsageError
from scanner.model import Level
from scanner.report.output import checked_path, make_directory, write_report
from scanner.service import AUDIT_KEYS

if TYPE_CHECKING:
    from scanner.audit.run import RepoOutcome
    from scanner.audit.store import AuditStore
    from scanner.audit.summary import AuditSummary


HISTORY_COMMANDS = ("runs", "diff")

DIFF_JSON_HELP = """\
JSON (--format json):
  {"database": "DIR/audit.sqlite", "run_a": 3, "run_b": 4,
   "repositories": {"NAME": {"appeared":    [{"rule_id": "TT303", "component": "..."}],
                             "disappeared": [{"rule_id": "TT109", "component": "..."}]}}}
  Only repositories with a change are listed (an empty object: no change). A use is a rule id and
  a component (a package by purl without version, so an upgrade is not a new use; otherwise the
  matched value). A repository audited in only one of the runs has all its uses listed.

exit status: 0 nothing appeared, 1 some TikTok use appeared in RUN_B, 2 usage error or no database.
"""

RUNS_JSON_HELP = """\
JSON (--format json): a list, oldest run first, of
  {"id": 3, "started_utc": "...", "finished_utc": "..." or null (cut off or under way),
   "tool_version": "...", "packs": ["tiktok", ...], "repositories": 5, "failed": 0, "findings": 12,
   "accepted": 1, "components": 4}
  findings are unsuppressed; accepted ones were matched by the audit's allowlist; components (one
  TikTok product in one place) is null for a run stored by a tiktok-scan without components.
"""


class _AuditCommands(argparse.ArgumentParser):
    """Sends `audit runs ...` and `audit diff ...` to their own parsers; anything else is an audit."""

    def parse_known_args(  # type: ignore[override]
            self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None,
    ) -> tuple[argparse.Namespace, list[str]]:
        words = list(sys.argv[1:] if args is None else args)
        if words[:1] and words[0] in HISTORY_COMMANDS:
            command = _history_parser(self.prog, words[0])
            parsed = command.parse_args(words[1:], namespace)
            return parsed, []
        return super().parse_known_args(words, namespace)


def _history_parser(audit_prog: str, name: str) -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    if name == "runs":
        p = argparse.ArgumentParser(
            prog=f"{audit_prog} runs", formatter_class=fmt, epilog=RUNS_JSON_HELP,
            description=textwrap.fill("List the runs in an audit history: run id, start and finish (UTC), tool "
                                      "version, signature packs, repositories (and how many failed) and findings."))
        p.set_defaults(handler=_runs)
    else:
        p = argparse.ArgumentParser(
            prog=f"{audit_prog} diff", formatter_class=fmt, epilog=DIFF_JSON_HELP,
            description=textwrap.fill("What TikTok use appeared (+) in RUN_B and disappeared (-) since RUN_A, per "
                                      f"repository. Run ids are listed by `{audit_prog} runs`."))
        p.add_argument("run_a", type=int, metavar="RUN_A", help="the earlier run id")
        p.add_argument("run_b", type=int, metavar="RUN_B", help="the later run id")
        p.set_defaults(handler=_diff)
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="DIR", help="the audit's output directory: reads DIR/audit.sqlite")
    where.add_argument("--db", metavar="FILE", help="the audit's SQLite history (as given to `audit --db`)")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text", help="output format (default: text)")
    return p


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "audit", help="audit many repositories (history, reports, Dask scale-out)",
        description="Scan many repositories into DIR: one SARIF each, Markdown/CSV/HTML/CycloneDX reports and "
                    "SQLite history. `tiktok-scan audit runs --out DIR` lists the runs in the history and "
                    "`tiktok-scan audit diff RUN_A RUN_B --out DIR` compares two (see their --help). "
                    "A repository named runs or diff is given as ./runs or ./diff.")
    # the audit parser keeps its own class (error handling of the main parser) and learns `runs`/`diff`
    p.__class__ = type("AuditParser", (_AuditCommands, type(p)), {})
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
    if args.repos[:1] and args.repos[0] in HISTORY_COMMANDS:
        # the older spelling `audit --db FILE diff A B`: audit options first; --db is the history if given
        where = ["--db", args.db] if args.db else ["--out", args.out] if args.out else []
        history = _history_parser("tiktok-scan audit", args.repos[0]).parse_args([*args.repos[1:], *where])
        handler: Callable[[argparse.Namespace], int] = history.handler
        return handler(history)
    return _audit(args)


def _open_history(args: argparse.Namespace) -> AuditStore:
    """The history named by --db FILE or --out DIR, opened read-only; missing or unreadable: a usage error."""
    import sqlite3

    from scanner.audit.store import AuditStore

    if args.db:
        path = Path(args.db)
    elif args.out:
        path = Path(args.out) / "audit.sqlite"
    else:
        raise UsageError("audit: name the audit history with --out DIR (reads DIR/audit.sqlite) or --db FILE")
    if not path.is_file():
        raise UsageError(f"{path}: no such audit database (written by `tiktok-scan audit REPO... --out DIR`)")
    try:
        return AuditStore(path, readonly=True)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from exc


def _unreadable(path: Path, exc: Exception) -> UsageError:
    detail = str(exc).removeprefix(f"{path}: ")
    return UsageError(f"{path}: cannot read the audit database: {detail}")


def _runs(args: argparse.Namespace) -> int:
    import json
    import sqlite3

    store = _open_history(args)
    try:
        runs = store.run_summaries()
    except sqlite3.DatabaseError as exc:  # damaged, locked, ...
        raise _unreadable(store.path, exc) from exc
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps([{"id": r.id, "started_utc": r.started_utc, "finished_utc": r.finished_utc,
                           "tool_version": r.tool_version, "packs": list(r.packs), "repositories": r.repositories,
                           "failed": r.failed, "findings": r.findings, "accepted": r.accepted,
                           "components": r.components} for r in runs], indent=2))
        return 0
    if not runs:
        print(f"No audit runs in {store.path}.")
        return 0
    rows = [("RUN", "STARTED (UTC)", "FINISHED (UTC)", "VERSION", "REPOSITORIES", "FINDINGS", "PACKS")]
    for r in runs:
        repos = f"{r.repositories} ({r.failed} failed)" if r.failed else str(r.repositories)
        rows.append((str(r.id), r.started_utc, r.finished_utc or "-", r.tool_version, repos, str(r.findings),
                     ",".join(r.packs)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1])
    return 0


def _diff(args: argparse.Namespace) -> int:
    import json
    import sqlite3

    from scanner.audit.store import diff_runs

    run_a, run_b = args.run_a, args.run_b
    store = _open_history(args)
    try:
        diff = diff_runs(store, run_a, run_b)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    except sqlite3.DatabaseError as exc:  # damaged, locked, ...
        raise _unreadable(store.path, exc) from exc
    finally:
        store.close()
    repos = sorted(set(diff.appeared) | set(diff.disappeared))
    code = 1 if diff.appeared else 0
    if args.format == "json":
        print(json.dumps({
            "database": str(store.path), "run_a": run_a, "run_b": run_b,
            "repositories": {repo: {change: [{"rule_id": u.rule_id, "component": u.component}
                                             for u in uses.get(repo, [])]
                                    for change, uses in (("appeared", diff.appeared),
                                                         ("disappeared", diff.disappeared))}
                             for repo in repos}}, indent=2))
        return code
    if not repos:
        print(f"No change in TikTok use between run {run_a} and run {run_b}.")
        return 0
    for repo in repos:
        print(f"{repo}:")
        for use in diff.appeared.get(repo, []):
            print(f"  + {use.rule_id} {use.component}")
        for use in diff.disappeared.get(repo, []):
            print(f"  - {use.rule_id} {use.component}")
    return code


def _audit(args: argparse.Namespace) -> int:
    from scanner.audit.reports import csv_report, html_report, markdown_report
    from scanner.audit.run import dask_executor, local_executor, run_audit
    from scanner.audit.sources import discover
    from scanner.audit.store import AuditStore
    from scanner.audit.summary import AuditSummary, RepoSummary, summarize
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
    started = _utc_now()
    run_id = store.start_run(started, __version__, ",".join(p.name for p in ruleset.packs))
    if args.dask_scheduler:
        submit = dask_executor(args.dask_scheduler)
    else:
        import os

        submit = local_executor(plan.jobs or os.cpu_count() or 1)
    tty = sys.stderr.isatty() and not args.no_progress
    summaries: dict[str, RepoSummary] = {}

    def on_repo(outcome: RepoOutcome) -> None:
        # one summary per repository, from which every output below is written (one count everywhere)
        summary = summaries[outcome.repo.name] = summarize(outcome)
        store.add_repo(run_id, summary, rules)
        if outcome.result is not None:
            # accepted findings are results with `suppressions` (external, the allowlist's reason)
            write_report(out / "sarif" / f"{outcome.repo.name}.sarif",
                         SarifReporter(category=f"tiktok-scan-{outcome.repo.name}", srcroot=outcome.repo.path,
                                       include_suppressed=True).render(outcome.result), protect=protect)

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
    summary = AuditSummary(
        title=f"{args.title} (run {run_id})", run_id=run_id, started_utc=started, tool_version=__version__,
        packs=tuple(f"{p.name} {p.version}" for p in ruleset.packs),
        repos=tuple(summaries[o.repo.name] for o in outcomes))
    write_report(out / "report.md", markdown_report(summary, trend), protect=protect)
    write_report(out / "report.csv", csv_report(summary, rules), protect=protect)
    write_report(out / "report.html", html_report(summary, trend), protect=protect)
    _write_inventory(summary, ruleset.rules, out, protect)
    failed = [o for o in outcomes if not o.ok]
    print(f"Audit run {run_id}: {len(outcomes)} repositories, {len(failed)} failed. {summary.verdict_line()} "
          f"Reports in {out}/")
    for repo in summary.repos:
        levels = repo.levels()
        state = "ok" if repo.outcome.ok else f"FAILED (after a retry): {repo.outcome.error}"
        allowed = f"; {len(repo.accepted)} allowed by {args.config}" if repo.accepted else ""
        print(f"  {repo.name}: {state}; {levels['error']} error, {levels['warning']} warning, {levels['note']} note"
              f"{allowed}; {len(repo.components)} component(s)")
    return audit_exit_code((o.result for o in outcomes), plan.fail_on)


def _write_inventory(summary: AuditSummary, rules: Sequence[object], out: Path, protect: Sequence[str]) -> None:
    """One CycloneDX inventory for the fleet: every repository's components, paths prefixed by its name,
    at the level the other audit outputs give them (that of their findings, not of accepted ones)."""
    from dataclasses import replace

    from scanner.report.cyclonedx import Inventoried, inventory_document

    items = [Inventoried(replace(c.component, level=c.level), c.entries, prefix=f"{repo.name}/",
                         properties=(("tiktok-scan:repository", repo.name),
                                     ("tiktok-scan:tests", "true" if c.tests else "false")))
             for repo in summary.repos for c in repo.components]
    write_report(out / "inventory.cdx.json",
                 inventory_document(items, rules, [r.outcome.repo.path for r in summary.repos]), protect=protect)
