"""scanner.service: requests resolved against the configuration, the policy on a finished scan, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import service
from scanner.errors import UsageError
from scanner.findings.suppress import AllowEntry
from scanner.model import Context, FactKind, Finding, Level, Location, ScanResult, ScanStats
from scanner.service import AuditRequest, ScanRequest

SDK = "tiktok-business-api-sdk-official==1.1.3\n"  # TT103 (error) at line 1
PIXEL = "fetch('https://analytics.tiktok.com/i18n/pixel/events.js');\n"  # TT303 (error) at line 1


def _finding(rule: str, level: Level, path: str = "a.txt", suppressed: str | None = None) -> Finding:
    return Finding(rule_id=rule, level=level, location=Location(path=path), message=rule, kind=FactKind.HOST,
                   value="v", context=Context.STRING, analyzer="text/endpoints", suppressed=suppressed)


def _result(*findings: Finding) -> ScanResult:
    return ScanResult(roots=(".",), findings=list(findings), notifications=[], stats=ScanStats(), analyzers=(),
                      packs=())


def _places(result: ScanResult) -> list[tuple[str, str, str | None]]:
    return [(f.location.path, f.rule_id, f.suppressed) for f in result.findings]


def test_exit_code_counts_unsuppressed_findings_at_or_above_fail_on() -> None:
    warning, suppressed = _finding("TT601", Level.WARNING), _finding("TT303", Level.ERROR, suppressed="ok")
    assert service.exit_code(_result(warning, suppressed), Level.ERROR) == service.EXIT_CLEAN
    assert service.exit_code(_result(warning, suppressed), Level.WARNING) == service.EXIT_FINDINGS
    assert service.exit_code(_result(warning), Level.NONE) == service.EXIT_CLEAN
    assert service.audit_exit_code([_result(warning), None], Level.NONE) == service.EXIT_ERROR
    assert service.audit_exit_code([_result(), _result(warning)], Level.WARNING) == service.EXIT_FINDINGS
    assert service.audit_exit_code([], Level.ERROR) == service.EXIT_CLEAN


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # the configuration is looked up to here
    (tmp_path / "requirements.txt").write_text(SDK)
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "pixel.js").write_text(PIXEL)
    (tmp_path / ".tiktok-scan.toml").write_text('format = "json"\nfail-on = "warning"\n\n'
                                                '[[allow]]\nrules = ["TT303"]\nreason = "reviewed"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_scan_applies_the_configuration_allowlist_and_baseline(project: Path) -> None:
    outcome = service.scan(ScanRequest(jobs=1))
    assert _places(outcome.result) == [("requirements.txt", "TT103", None), ("web/pixel.js", "TT303", "reviewed")]
    assert (outcome.format, outcome.fail_on, outcome.exit_code) == ("json", Level.WARNING, service.EXIT_FINDINGS)
    assert outcome.blocked is None
    from scanner.findings.baseline import dumps, entries_for

    (project / "baseline.json").write_text(dumps(entries_for(outcome.result.findings)))
    again = service.scan(ScanRequest(jobs=1, baseline=project / "baseline.json", format="sarif"))
    assert [f.suppressed is not None for f in again.result.findings] == [True, True]
    assert (again.format, again.exit_code) == ("sarif", service.EXIT_CLEAN)  # the command line wins


def test_no_config_and_the_command_line_win(project: Path) -> None:
    outcome = service.scan(ScanRequest(jobs=1, no_config=True, min_level=Level.ERROR, fail_on=Level.NONE))
    assert [s for _, _, s in _places(outcome.result)] == [None, None]
    assert (outcome.format, outcome.report.min_level, outcome.exit_code) == ("text", Level.ERROR, 0)


def test_pre_commit_explains_a_blocked_commit(project: Path) -> None:
    outcome = service.scan(ScanRequest(paths=("requirements.txt",), selection="pre-commit", no_config=True))
    assert outcome.exit_code == service.EXIT_FINDINGS
    assert outcome.blocked is not None and "commit blocked: 1 finding(s) at level error" in outcome.blocked
    assert "requirements.txt" in outcome.blocked
    clean = service.scan(ScanRequest(paths=("web/pixel.js",), selection="pre-commit"))  # allowed
    assert clean.exit_code == service.EXIT_CLEAN and clean.blocked is None


def test_record_and_inventory(project: Path) -> None:
    assert _places(service.record(ScanRequest(jobs=1)))[1] == ("web/pixel.js", "TT303", "reviewed")
    inventory = service.inventory(ScanRequest(paths=(".",)))
    assert [s for _, _, s in _places(inventory)] == [None, None]  # no configuration for an inventory
    with pytest.raises(UsageError, match="missing: no such file"):
        service.inventory(ScanRequest(paths=("missing",)))


def test_an_audit_reads_only_the_users_configuration(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    # the current directory's configuration (allow TT303, fail-on warning) is not the audit's
    plan = service.plan_audit(AuditRequest(packs=("wechat-payments",)))
    assert (plan.options.allow, plan.fail_on, plan.jobs, plan.ignored) == ((), Level.ERROR, 0, ())
    assert plan.options.enable_packs == ("wechat-payments",)
    mine = tmp_path_factory.mktemp("user") / "audit.toml"
    mine.write_text('packs = ["wechat-payments"]\nexclude = ["docs/**"]\nfail-on = "note"\njobs = 3\n'
                    'baseline = "b.json"\ninline-suppressions = true\n[limits]\nmax-file-size = "1M"\n'
                    '[[allow]]\nrules = ["TT601"]\n')
    plan = service.plan_audit(AuditRequest(config=mine, excludes=("vendor/**",), limits={"max_file_size": "2M"},
                                           fail_on=Level.WARNING))
    assert plan.options.enable_packs == ("wechat-payments",)
    assert plan.options.excludes == ("docs/**", "vendor/**")
    assert plan.options.limits.max_file_size == 2 * 1024 * 1024  # the option over the file
    assert plan.options.allow == (AllowEntry(rules=("TT601",)),)
    assert (plan.fail_on, plan.jobs, plan.ignored) == (Level.WARNING, 3, ("inline-suppressions", "baseline"))
    with pytest.raises(UsageError, match="--exclude"):
        service.plan_audit(AuditRequest(excludes=("[z-a]",)))


def test_audits_never_honour_inline_comments_and_mark_allowed_findings_accepted() -> None:
    from scanner.audit.run import AuditOptions

    config = service.audit_config("/repo", ["a.py"], AuditOptions(excludes=("x/**",)))
    assert (config.inline_suppressions, config.roots, config.srcroot, config.files) == (False, ["/repo"], "/repo",
                                                                                        ["a.py"])
    kept, allowed = _finding("TT103", Level.ERROR, "requirements.txt"), _finding("TT303", Level.ERROR, "web/a.js")
    original = _result(kept, allowed)
    result, count = service.audit_result(original, (AllowEntry(paths=("web/**",)),))
    assert (_places(result), count) == ([("requirements.txt", "TT103", None),
                                         ("web/a.js", "TT303", "allowed by configuration (web/**)")], 1)
    assert service.exit_code(result, Level.ERROR) == service.EXIT_FINDINGS  # TT103 still fails
    everything = (AllowEntry(rules=("TT103", "TT303")),)
    assert service.exit_code(service.audit_result(original, everything)[0], Level.ERROR) == service.EXIT_CLEAN
    assert len(original.findings) == 2  # the scan's own result is left as it was
    assert service.audit_result(original, ()) == (original, 0)


def test_the_engine_is_imported_in_one_place() -> None:
    source = Path(service.__file__).read_text()
    assert source.count("scanner.core.run") == 1
