"""Running an installed semgrep with the exported rules, and reading its results as our findings.

`run_semgrep(paths, ruleset)` runs semgrep offline (`--metrics=off`, only our rules) and maps every
result back to our rule id, level and message. semgrep is optional: it is looked up at run time
(`TIKTOK_SCAN_SEMGREP`, then PATH, then beside this Python) and never imported.
`validate_semgrep` checks an exported rules file the way `semgrep --validate` does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from scanner.core.match import level_for
from scanner.errors import AnalysisError, UsageError
from scanner.interop.semgrep.export import META_KIND, META_RULE, export_semgrep
from scanner.interop.semgrep.merge import merge_findings
from scanner.model import Context, Fact, FactKind, Finding, Location
from scanner.rules.model import Rule, RuleSet

ENV_EXECUTABLE = "TIKTOK_SCAN_SEMGREP"
ANALYZER = "semgrep"


class SemgrepUnavailable(UsageError):
    """`--engine semgrep` was asked for but no semgrep executable was found."""


class SemgrepFailed(AnalysisError):
    """semgrep ran but did not produce results we can read."""



def find_semgrep() -> str | None:
    """The semgrep executable: $TIKTOK_SCAN_SEMGREP, else PATH, else beside this interpreter."""
    explicit = os.environ.get(ENV_EXECUTABLE)
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    found = shutil.which("semgrep")
    if found:
        return found
    beside = Path(sys.executable).parent / "semgrep"
    return str(beside) if os.access(beside, os.X_OK) else None


def semgrep_available() -> bool:
    return find_semgrep() is not None


def validate_semgrep(rules_yaml: str, executable: str | None = None, *, online: bool = False) -> tuple[bool, str]:
    """Check an exported rules file the way `semgrep --validate` does: (ok, semgrep's messages).

    `semgrep --validate` first downloads a lint pack from the semgrep registry, which an offline
    machine cannot reach; offline (the default) we run the same two checks it runs on the file
    itself, without that pack: the rule schema (`semgrep scan --strict` on an empty folder) and
    the parse of every pattern in every language (`semgrep-core -check_rules`).
    """
    exe = executable or find_semgrep()
    if exe is None:
        raise SemgrepUnavailable("semgrep is not installed; install the 'semgrep' extra or set " + ENV_EXECUTABLE)
    common = ["--metrics=off", "--disable-version-check"]
    with tempfile.TemporaryDirectory(prefix="tiktok-scan-semgrep-") as tmp:
        config = Path(tmp) / "tiktok-scan.semgrep.yaml"
        config.write_text(rules_yaml, encoding="utf-8")
        if online:
            proc = _run([exe, "--validate", *common, "--config", str(config)], tmp)
            return proc.returncode == 0, (proc.stdout + proc.stderr).strip()
        empty = Path(tmp) / "empty"
        empty.mkdir()
        proc = _run([exe, "scan", *common, "--strict", "--quiet", "--json", "--config", str(config), "."], str(empty))
        errors = _errors(proc.stdout) if proc.stdout.strip() else [proc.stderr.strip()]
        if proc.returncode != 0 or errors:
            return False, "\n".join(errors) or proc.stderr.strip()
        engine = _run([exe, "--dump-engine-path"], tmp).stdout.strip()
        if not engine or not os.access(engine, os.X_OK):
            return False, f"cannot find semgrep-core (semgrep --dump-engine-path said {engine!r})"
        no_lints = Path(tmp) / "no-lints.yaml"
        no_lints.write_text("rules: []\n", encoding="utf-8")
        core = _run([engine, "-json", "-check_rules", str(no_lints), str(config)], tmp)
        errors = _errors(core.stdout) if core.stdout.strip() else [core.stderr.strip() or "no output"]
        return core.returncode == 0 and not errors, "\n".join(errors)


def _run(cmd: list[str], cwd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=_env(), timeout=600, check=False)


def _errors(output: str) -> list[str]:
    try:
        report = json.loads(output[output.find("{"):])  # semgrep-core may print progress dots first
    except json.JSONDecodeError:
        return [output.strip()[:2000]]
    return [str(e.get("message") or e.get("long_msg") or e) for e in report.get("errors", ())]


def run_semgrep(paths: Sequence[str | os.PathLike[str]], ruleset: RuleSet, *, executable: str | None = None,
                jobs: int = 1, timeout: float = 1800.0) -> list[Finding]:
    """Run semgrep with the exported rules on each root; findings use paths relative to their root."""
    exe = executable or find_semgrep()
    if exe is None:
        raise SemgrepUnavailable("semgrep is not installed; install the 'semgrep' extra or set " + ENV_EXECUTABLE)
    by_id = ruleset.by_id()
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="tiktok-scan-semgrep-") as tmp:
        config = Path(tmp) / "tiktok-scan.semgrep.yaml"
        config.write_text(export_semgrep(ruleset), encoding="utf-8")
        for root in paths:
            base = Path(root).resolve()
            cwd, target = (base, ".") if base.is_dir() else (base.parent, base.name)
            # the same files as the built-in walk: no .gitignore, no default .semgrepignore (which
            # drops tests/ and vendored folders), no 1 MB size cut
            cmd = [exe, "scan", "--metrics=off", "--disable-version-check", "--no-git-ignore",
                   "--x-ignore-semgrepignore-files", "--max-target-bytes=0", "--json", "--quiet",
                   "--jobs", str(jobs), "--config", str(config), target]
            proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=_env(), timeout=timeout,
                                  check=False)
            if proc.returncode not in (0, 1):  # 1: findings; more: a semgrep error
                raise SemgrepFailed(f"{base}: semgrep exited {proc.returncode}: {proc.stderr.strip()[:500]!r}")
            try:
                report = json.loads(proc.stdout)
            except json.JSONDecodeError as exc:
                raise SemgrepFailed(f"{base}: semgrep exited {proc.returncode} without JSON output: "
                                    f"{proc.stderr.strip()[:500]!r}") from exc
            findings.extend(_findings(report, cwd, by_id))
    return merge_findings((), sorted(findings, key=lambda f: f.sort_key))  # one per rule, path and line


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["SEMGREP_SEND_METRICS"] = "off"
    env.setdefault("SEMGREP_ENABLE_VERSION_CHECK", "0")
    return env


_CONTEXT = {"module": Context.IMPORT, "symbol": Context.CALL, "endpoint": Context.STRING, "marker": Context.STRING,
            "sink": Context.CALL}
_KIND = {"module": FactKind.MODULE, "symbol": FactKind.SYMBOL, "endpoint": FactKind.HOST,
         "marker": FactKind.MARKER, "sink": FactKind.HOST}


def _findings(report: dict[str, Any], cwd: Path, by_id: dict[str, Rule]) -> Iterable[Finding]:
    for result in report.get("results", ()):
        meta = result.get("extra", {}).get("metadata", {})
        rule = by_id.get(meta.get(META_RULE, ""))
        kind = meta.get(META_KIND, "")
        if rule is None or kind not in _KIND:
            continue
        path = Path(result["path"]).as_posix()
        path = path[2:] if path.startswith("./") else path
        start, end = result["start"], result["end"]
        text = _span(cwd / path, start.get("offset"), end.get("offset"))
        fact_kind = _KIND[kind]
        if fact_kind is FactKind.HOST and "/" in text.split("://", 1)[-1]:
            fact_kind = FactKind.URL
        fact = Fact(kind=fact_kind, value=text[:500], context=_CONTEXT[kind], analyzer=ANALYZER, evidence=text[:200],
                    location=Location(path=path, start_line=start["line"], start_column=start["col"],
                                      end_line=end["line"], end_column=end["col"]))
        yield Finding(
            rule_id=rule.id,
            level=level_for(rule, fact),  # the built-in engine's levels: a called endpoint is an error
            location=fact.location,
            message=f"{rule.title}: found by semgrep ({kind}) `{text[:120]}`.",
            kind=fact.kind,
            value=fact.value,
            context=fact.context,
            analyzer=ANALYZER,
            evidence=fact.evidence,
        )


def _span(path: Path, start: object, end: object) -> str:
    if not isinstance(start, int) or not isinstance(end, int) or end <= start:
        return ""
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            lines = handle.read(min(end - start, 4096)).decode("utf-8", "replace").splitlines()
    except OSError:
        return ""
    return lines[0].strip() if lines else ""
