"""Run an audit: one task per repository (or per shard of a very large one), retried once.

The default executor is a local process pool; `--dask-scheduler` sends the same tasks to a Dask
distributed cluster. Tasks are pure functions of their arguments, so both give identical results.

An audited repository is data, never instructions: its scan configuration (`.tiktok-scan.toml`,
`[tool.tiktok-scan]`) is never loaded, its inline `tiktok-scan: ignore` comments are not honoured,
only the audit's own options apply (scanner.service says which, and how the `--config` allowlist
is applied), and no program is run on it (bare mirrors are read by `sources.bare_blobs`, without git).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from scanner.audit.sources import BareFile, RepoSpec, Unread, bare_blobs, shard_files
from scanner.config import ScanConfig
from scanner.config.limits import Limits
from scanner.findings.suppress import AllowEntry
from scanner.model import Finding, Level, Notification, ScanResult, ScanStats, SkipReason

SHARD_FILES = 20_000  # checkouts with more files are split into shards of this many files


@dataclass(frozen=True)
class AuditOptions:
    """What every repository's scan gets (scanner.service.plan_audit builds it); sent to the workers."""

    enable_packs: tuple[str, ...] = ()
    disable_packs: tuple[str, ...] = ()
    signature_dirs: tuple[Path, ...] = ()
    excludes: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    allow: tuple[AllowEntry, ...] = ()  # applied to each finished repository (scanner.service.audit_result)
    shard_files: int = SHARD_FILES


@dataclass(frozen=True)
class Task:
    repo: RepoSpec
    shard: int = 0
    files: tuple[str, ...] | None = None  # None: the whole repository


@dataclass
class RepoOutcome:
    repo: RepoSpec
    result: ScanResult | None
    error: str | None = None
    attempts: int = 1
    duration_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.result is not None


def _config(task: Task, options: AuditOptions) -> ScanConfig:
    from scanner.service import audit_config

    return audit_config(task.repo.path, task.files, options)


def scan_task(task: Task, options: AuditOptions) -> ScanResult:
    """Scan one repository or shard. Runs in a worker (process pool or Dask)."""
    from scanner.service import run_scan

    if task.repo.kind == "bare":
        return _scan_bare(task, options)
    result = run_scan(_config(task, options))
    if task.repo.note:  # a folder that looks like a bare repository but is not a readable one
        note = Notification("HEAD", SkipReason.UNREADABLE, f"HEAD: {task.repo.note}")
        result = replace(result, notifications=sorted({*result.notifications, note}))
    return result


def _unread_note(entry: BareFile) -> Notification:
    """What the user is told about a file (or directory) of a bare mirror that was not read."""
    path = entry.path
    if entry.unread is Unread.TOO_LARGE:
        why = entry.detail or f"{entry.size} bytes is over the file size limit"
        return Notification(path, SkipReason.TOO_LARGE, f"{path}: {why}; not read")
    if entry.unread is Unread.MISSING:
        return Notification(path, SkipReason.UNREADABLE, f"{path}: object {entry.object_id} missing from the "
                                                         f"repository (partial clone?); not fetched")
    return Notification(path, SkipReason.UNREADABLE,
                        f"{path}: object {entry.object_id} cannot be read ({entry.detail}); skipped")


def _scan_bare(task: Task, options: AuditOptions) -> ScanResult:
    """A bare mirror's blobs, read here (no git) and analyzed in a supervised worker, like files."""
    from scanner.core.parallel import Blob, parallel_scan
    from scanner.core.run import build_result, collector, utc_now
    from scanner.core.scanner import Scanner

    started = time.monotonic()
    start_utc = utc_now()
    config = _config(task, options)
    scanner = Scanner(config)
    findings: list[Finding] = []
    notes: list[Notification] = []
    stats = ScanStats()

    def blobs() -> Iterator[Blob]:
        for entry in bare_blobs(task.repo.path, options.limits.max_file_size):
            stats.files_seen += 1
            if entry.content is None:
                notes.append(_unread_note(entry))
                continue
            yield Blob(entry.path, entry.content)

    parallel_scan(config, scanner, blobs(), 1, collector(findings, notes, stats), None)
    return build_result((task.repo.path,), scanner, findings, notes, stats, start_utc, started,
                        extra={"srcroot": task.repo.path})


def plan(repos: Iterable[RepoSpec], options: AuditOptions) -> list[Task]:
    """One task per repository; very large checkouts are split into file shards."""
    tasks: list[Task] = []
    for repo in repos:
        shards = None
        if repo.kind != "bare":
            try:
                shards = shard_files(repo.path, options.shard_files)
            except OSError:
                shards = None  # the scan itself will report what cannot be read
        if shards is None:
            tasks.append(Task(repo))
        else:
            tasks.extend(Task(repo, i, tuple(files)) for i, files in enumerate(shards))
    return tasks


def merge(repo: RepoSpec, parts: list[ScanResult]) -> ScanResult:
    """Shard results back into one repository result, in the same order a single scan gives."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    stats = ScanStats()
    for p in parts:
        stats.files_seen += p.stats.files_seen
        stats.files_analyzed += p.stats.files_analyzed
        stats.bytes_read += p.stats.bytes_read
        stats.archive_members += p.stats.archive_members
        stats.candidate_files += p.stats.candidate_files
        stats.duration_seconds += p.stats.duration_seconds
    findings = sorted((f for p in parts for f in p.findings), key=lambda f: f.sort_key)
    notes = sorted({n for p in parts for n in p.notifications})
    return ScanResult(roots=(repo.path,), findings=findings, notifications=notes, stats=stats,
                      analyzers=first.analyzers, packs=first.packs, rules=first.rules,
                      start_time_utc=min(p.start_time_utc for p in parts),
                      end_time_utc=max(p.end_time_utc for p in parts), extra=first.extra)


Submit = Callable[[list[Task], AuditOptions], Iterator[tuple[Task, ScanResult | None, str | None]]]


def local_executor(jobs: int) -> Submit:
    """A process pool; a task that raises or whose worker dies is retried once, alone.

    Files are analyzed in each task's own supervised workers (scanner.core.parallel), so a native
    parser that crashes costs that file, reported in the repository's result, never the task. If
    a pool worker dies anyway, the pool fails every task it held, innocent or not: each failed
    task is then retried alone in a pool of its own, so only a task that fails by itself is
    reported failed, and no other repository loses a finding.
    """

    def submit(tasks: list[Task], options: AuditOptions) -> Iterator[tuple[Task, ScanResult | None, str | None]]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        ctx = multiprocessing.get_context("forkserver")
        failed: list[tuple[Task, str]] = []
        try:
            with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx) as pool:
                futures = {pool.submit(scan_task, t, options): t for t in tasks}
                for fut in as_completed(futures):
                    task = futures[fut]
                    try:
                        yield task, fut.result(), None
                    except Exception as exc:  # includes BrokenProcessPool: retried below
                        failed.append((task, f"{type(exc).__name__}: {exc}"))
        except Exception as exc:  # the pool itself broke while shutting down
            done = {t for t, _ in failed}
            failed.extend((t, f"{type(exc).__name__}: {exc}") for t in tasks if t not in done)
        for task, first in failed:
            try:
                with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as alone:
                    result = alone.submit(scan_task, task, options).result()
            except Exception as exc:
                yield task, None, f"{first}; retried alone: {type(exc).__name__}: {exc}"
            else:
                yield task, result, None

    return submit


def dask_executor(address: str) -> Submit:
    """Tasks on a Dask distributed cluster; Dask reschedules the tasks of a worker that dies."""

    def submit(tasks: list[Task], options: AuditOptions) -> Iterator[tuple[Task, ScanResult | None, str | None]]:
        from distributed import Client, as_completed

        with Client(address, timeout="30s") as client:
            futures = {client.submit(scan_task, t, options, retries=1, pure=False): t for t in tasks}
            for fut in as_completed(futures):
                task = futures[fut]
                try:
                    yield task, fut.result(), None
                except Exception as exc:
                    yield task, None, f"{type(exc).__name__}: {exc}"

    return submit


def run_audit(repos: list[RepoSpec], options: AuditOptions, submit: Submit,
              on_repo: Callable[[RepoOutcome], None] | None = None,
              progress: Callable[[str, int, int], None] | None = None) -> list[RepoOutcome]:
    """Scan every repository; `on_repo` sees each finished repository at once (so nothing is lost),
    with the audit's policy applied (scanner.service.audit_result)."""
    from scanner.service import audit_result

    started = {r.name: time.monotonic() for r in repos}
    tasks = plan(repos, options)
    expected = {r.name: sum(1 for t in tasks if t.repo.name == r.name) for r in repos}
    parts: dict[str, list[tuple[int, ScanResult]]] = {r.name: [] for r in repos}
    errors: dict[str, str] = {}
    outcomes: dict[str, RepoOutcome] = {}
    for done, (task, result, error) in enumerate(submit(tasks, options), 1):
        name = task.repo.name
        if progress:
            progress(name, done, len(tasks))
        if result is None:
            errors[name] = error or "unknown error"
            parts[name].append((task.shard, _failed_result(task, errors[name])))
        else:
            parts[name].append((task.shard, result))
        if len(parts[name]) == expected[name]:
            ordered = [r for _, r in sorted(parts[name], key=lambda x: x[0])]
            result = None if name in errors else audit_result(merge(task.repo, ordered), options.allow)[0]
            outcome = RepoOutcome(repo=task.repo, result=result, error=errors.get(name),
                                  attempts=2 if name in errors else 1,
                                  duration_seconds=time.monotonic() - started[name])
            outcomes[name] = outcome
            if on_repo:
                on_repo(outcome)
    return [outcomes[r.name] for r in repos if r.name in outcomes]


def _failed_result(task: Task, error: str) -> ScanResult:
    note = Notification(task.repo.path, SkipReason.UNREADABLE, f"{task.repo.name}: scan failed twice: {error}",
                        Level.ERROR)
    return ScanResult(roots=(task.repo.path,), findings=[], notifications=[note], stats=ScanStats(),
                      analyzers=(), packs=(), successful=False, fatal_error=error)
