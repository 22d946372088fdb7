"""Audit history in SQLite: one row per run, per repository and per finding. Schema versioned, migrated.

`PRAGMA user_version` holds the schema version; MIGRATIONS[i] upgrades version i to i+1, so an old
database is brought up to date in place and a newer one is refused instead of misread.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.model import Finding
from scanner.report.escape import escape_surrogates
from scanner.rules.model import Rule

if TYPE_CHECKING:
    from scanner.audit.summary import RepoSummary

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_utc TEXT NOT NULL,
        finished_utc TEXT,
        tool_version TEXT NOT NULL,
        packs TEXT NOT NULL
    );
    CREATE TABLE repos (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        files INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        duration_seconds REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, name)
    );
    CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        repo TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        level TEXT NOT NULL,
        category TEXT NOT NULL,
        path TEXT NOT NULL,
        line INTEGER NOT NULL,
        kind TEXT NOT NULL,
        component TEXT NOT NULL,
        version TEXT,
        ecosystem TEXT NOT NULL,
        evidence TEXT NOT NULL,
        message TEXT NOT NULL,
        fingerprint TEXT NOT NULL
    );
    CREATE INDEX findings_run_repo ON findings(run_id, repo);
    """,
    # 1 -> 2: notifications per repository, so the report can say what could not be read
    """
    CREATE TABLE notifications (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        repo TEXT NOT NULL,
        path TEXT NOT NULL,
        reason TEXT NOT NULL,
        message TEXT NOT NULL
    );
    """,
    # 2 -> 3: components (one product in one place), each finding's component, accepted findings
    # (kept, with the allowlist's reason) and whether a component lives in tests, fixtures or examples.
    # Runs stored before (runs.schema NULL) have no component rows: their trend shows findings only.
    """
    CREATE TABLE components (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        repo TEXT NOT NULL,
        id INTEGER NOT NULL,
        product TEXT NOT NULL,
        place_kind TEXT NOT NULL,
        place TEXT NOT NULL,
        package TEXT NOT NULL,
        evidence TEXT NOT NULL,
        level TEXT NOT NULL,
        tests INTEGER NOT NULL,
        declared_unused INTEGER NOT NULL,
        used_undeclared INTEGER NOT NULL,
        findings INTEGER NOT NULL,
        accepted INTEGER NOT NULL,
        PRIMARY KEY (run_id, repo, id)
    );
    ALTER TABLE findings ADD COLUMN component_id INTEGER;
    ALTER TABLE findings ADD COLUMN evidence_kind TEXT;
    ALTER TABLE findings ADD COLUMN accepted TEXT;
    ALTER TABLE runs ADD COLUMN schema INTEGER;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def _row(*values: object) -> tuple[object, ...]:
    return tuple(escape_surrogates(v) if isinstance(v, str) else v for v in values)


@dataclass(frozen=True)
class Use:
    """One TikTok/affiliate use in a repository, the unit `audit diff` compares."""

    repo: str
    rule_id: str
    component: str


def component_of(finding: Finding) -> str:
    """Packages by purl without version (an upgrade is not a new use); everything else by value."""
    if finding.package is not None:
        return finding.package.purl.split("@", 1)[0] if "@" in finding.package.purl.rsplit("/", 1)[-1] \
            else finding.package.purl
    return finding.value


_KIND_GROUP = {
    "url": "web services", "host": "web services",
    "module": "source code", "symbol": "source code",
    "class": "binaries", "library": "binaries", "file-hash": "binaries",
    "marker": "app configuration", "scheme": "app configuration",
}


def ecosystem_of(finding: Finding) -> str:
    """The package ecosystem for dependencies; for other evidence, what kind of place it was found in."""
    if finding.package is not None:
        return finding.package.ecosystem
    return _KIND_GROUP.get(finding.kind.value, finding.kind.value)


@dataclass(frozen=True)
class RunSummary:
    """One audit run as `audit runs` lists it (finished_utc is None while a run is under way or was cut off)."""

    id: int
    started_utc: str
    finished_utc: str | None
    tool_version: str
    packs: tuple[str, ...]
    repositories: int
    failed: int
    findings: int  # unsuppressed
    accepted: int = 0  # accepted by the audit's allowlist
    components: int | None = None  # None: a run stored before components were


class AuditStore:
    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        """`readonly`: the file must exist and is neither created, written nor migrated (every schema
        version this tiktok-scan knows can be read as it is); a newer schema is still refused."""
        self.path = path
        if readonly:
            self.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            self.version = self.check_version()
            if self.version == 0:
                self.db.close()
                raise sqlite3.DatabaseError(f"{path}: not a tiktok-scan audit database")
            return
        self.db = sqlite3.connect(str(path))
        self.db.execute("PRAGMA foreign_keys = ON")
        self.migrate()
        self.version = SCHEMA_VERSION

    @property
    def _found(self) -> str:
        """The SQL condition of an unsuppressed finding (before schema 3, accepted ones were not stored)."""
        return "accepted IS NULL" if self.version >= 3 else "1"

    def close(self) -> None:
        self.db.close()

    def check_version(self) -> int:
        version: int = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"{self.path}: schema version {version} is newer than this tiktok-scan "
                                        f"understands ({SCHEMA_VERSION}); upgrade tiktok-scan")
        return version

    def migrate(self) -> None:
        version = self.check_version()
        for target in range(version, SCHEMA_VERSION):
            with self.db:
                self.db.executescript(MIGRATIONS[target])
                self.db.execute(f"PRAGMA user_version = {target + 1}")

    def start_run(self, started_utc: str, tool_version: str, packs: str) -> int:
        with self.db:
            cur = self.db.execute("INSERT INTO runs (started_utc, tool_version, packs, schema) VALUES (?, ?, ?, ?)",
                                  (started_utc, tool_version, packs, SCHEMA_VERSION))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def finish_run(self, run_id: int, finished_utc: str) -> None:
        with self.db:
            self.db.execute("UPDATE runs SET finished_utc = ? WHERE id = ?", (finished_utc, run_id))

    def add_repo(self, run_id: int, repo: RepoSummary, rules: dict[str, Rule]) -> None:
        """Stored as soon as a repository finishes: an interrupted audit keeps what it scanned.

        Names that were not UTF-8 on disk (lone surrogates) are stored as `\\xNN`: SQLite's
        driver cannot encode them, and a path is data, never a crash."""
        outcome, result = repo.outcome, repo.result
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO repos VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _row(run_id, outcome.repo.name, outcome.repo.path, outcome.repo.kind, "ok" if outcome.ok else "failed",
                 outcome.error, result.stats.files_analyzed if result else 0,
                 result.stats.bytes_read if result else 0, outcome.duration_seconds))
            if result is None:
                return
            self.db.executemany(
                "INSERT INTO components VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_row(run_id, repo.name, number, c.product, c.place_kind, c.place, c.package, ",".join(c.kinds),
                  c.level.value, int(c.tests), int(c.component.declared_unused), int(c.component.used_undeclared),
                  len(c.findings), len(c.accepted)) for number, c in enumerate(repo.components, 1)])
            rows: list[tuple[int | None, str | None, Finding]] = [
                (number, kind, f) for number, c in enumerate(repo.components, 1) for kind, f in c.entries]
            rows += [(None, None, f) for f in repo.loose]
            self.db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_row(run_id, repo.name, f.rule_id, f.level.value,
                  rules[f.rule_id].category if f.rule_id in rules else "", f.location.display_path,
                  f.location.start_line, f.kind.value, component_of(f), f.package.version if f.package else None,
                  ecosystem_of(f), f.evidence, f.message, f.line_hash or "", number, kind, f.suppressed)
                 for number, kind, f in rows])
            self.db.executemany(
                "INSERT INTO notifications VALUES (?, ?, ?, ?, ?)",
                [_row(run_id, repo.name, n.path, n.reason.value, n.message) for n in result.notifications])

    def runs(self) -> list[tuple[int, str, str | None]]:
        return list(self.db.execute("SELECT id, started_utc, finished_utc FROM runs ORDER BY id"))

    def run_summaries(self) -> list[RunSummary]:
        """Every run, oldest first, with its number of repositories (and failed ones) and of findings."""
        newer = self.version >= 3
        rows = self.db.execute(
            "SELECT r.id, r.started_utc, r.finished_utc, r.tool_version, r.packs, "
            "(SELECT COUNT(*) FROM repos WHERE run_id = r.id), "
            "(SELECT COUNT(*) FROM repos WHERE run_id = r.id AND status != 'ok'), "
            f"(SELECT COUNT(*) FROM findings WHERE run_id = r.id AND {self._found}), "
            + ("(SELECT COUNT(*) FROM findings WHERE run_id = r.id AND accepted IS NOT NULL), "
               "(SELECT COUNT(*) FROM components WHERE run_id = r.id), r.schema " if newer else "0, 0, NULL ")
            + "FROM runs r ORDER BY r.id")
        return [RunSummary(run_id, started, finished, version, tuple(p for p in packs.split(",") if p),
                           repos, failed, findings, accepted, None if schema is None else components)
                for run_id, started, finished, version, packs, repos, failed, findings, accepted, components, schema
                in rows]

    def uses(self, run_id: int) -> set[Use]:
        rows = self.db.execute("SELECT DISTINCT repo, rule_id, component FROM findings "
                               f"WHERE run_id = ? AND {self._found}", (run_id,))
        return {Use(*row) for row in rows}

    def repo_names(self, run_id: int) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM repos WHERE run_id = ? ORDER BY name", (run_id,))]

    def trend(self, limit: int = 10) -> list[tuple[int, str, dict[str, tuple[int | None, int]]]]:
        """Per run (oldest first), per repository: (components, findings), counted as the reports count
        them; components is None for a run stored before they were."""
        out = []
        for run_id, started, _ in self.runs()[-limit:]:
            found = dict(self.db.execute("SELECT repo, COUNT(*) FROM findings WHERE run_id = ? AND accepted IS NULL "
                                         "GROUP BY repo", (run_id,)).fetchall())
            comps = dict(self.db.execute("SELECT repo, COUNT(*) FROM components WHERE run_id = ? GROUP BY repo",
                                         (run_id,)).fetchall())
            old = self.db.execute("SELECT schema IS NULL FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
            names = set(found) | set(comps)
            out.append((run_id, started, {n: (None if old else comps.get(n, 0), found.get(n, 0)) for n in names}))
        return out


@dataclass(frozen=True)
class RunDiff:
    appeared: dict[str, list[Use]]
    disappeared: dict[str, list[Use]]


def diff_runs(store: AuditStore, run_a: int, run_b: int) -> RunDiff:
    """What TikTok/affiliate use appeared in run B and disappeared since run A, per repository."""
    known = {r[0] for r in store.runs()}
    for run in (run_a, run_b):
        if run not in known:
            raise ValueError(f"no audit run {run} in {store.path}; runs: {sorted(known)}")
    a, b = store.uses(run_a), store.uses(run_b)
    appeared: dict[str, list[Use]] = {}
    disappeared: dict[str, list[Use]] = {}
    for use in sorted(b - a, key=lambda u: (u.repo, u.rule_id, u.component)):
        appeared.setdefault(use.repo, []).append(use)
    for use in sorted(a - b, key=lambda u: (u.repo, u.rule_id, u.component)):
        disappeared.setdefault(use.repo, []).append(use)
    return RunDiff(appeared, disappeared)
