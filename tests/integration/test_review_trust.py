"""Holes found by the trust review of sessions 2-3 (`git diff d548a93`): a scanned tree steering the scan.

Each test builds the hostile shape at test time and states the behaviour the scanner should have;
each failed before its hole was fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.core import run as core_run
from scanner.core.run import run_scan
from scanner.model import Finding, Notification, ScanStats
from tests.integration.helpers import write

PACKAGE_JSON = '"name": "shop", "version": "1.0.0", "private": true, "dependencies": {"react-tiktok-pixel": "^2.0.3"}'
# The markers scanner/core/own_reports.py looks for, placed in files that are still what their names say:
# a package.json npm installs (unknown top-level keys are ignored) and a Python module that imports and runs.
SARIF_HEAD = ('"$schema": "https://json.schemastore.org/sarif-2.1.0.json", '
              '"tool": {"driver": {"name": "tiktok-scan"}}')
DISGUISES = {
    "package-json-as-sarif": ("package.json", "{" + SARIF_HEAD + ", " + PACKAGE_JSON + "}\n", "TT104"),
    "package-json-as-json-report": (
        "package.json",
        '{"tool": {"name": "tiktok-scan", "version": "1"}, "roots": [], ' + PACKAGE_JSON + ', "successful": true}\n',
        "TT104"),
    "python-as-sarif": (
        "app.py",
        '{"$schema": "sarif", "runs": [{"tool": {"driver": {"name": "tiktok-scan"}}}]}\n'
        'EVENTS = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n',
        "TT"),
}


def _scan(root: Path) -> list[Finding]:
    return run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1)).findings


@pytest.mark.parametrize("shape", sorted(DISGUISES))
def test_a_file_dressed_as_an_own_report_is_still_scanned(shape: str, tmp_path: Path) -> None:
    name, text, rule_prefix = DISGUISES[shape]
    plain = tmp_path / "plain"
    write(plain, {name: text.replace("tiktok-scan", "some-linter")})
    assert any(f.rule_id.startswith(rule_prefix) for f in _scan(plain)), "control: the file itself is a finding"
    disguised = tmp_path / "disguised"
    write(disguised, {name: text})
    assert any(f.rule_id.startswith(rule_prefix) for f in _scan(disguised))


def _settings(catalogs: int) -> str:
    lines = ["dependencyResolutionManagement {", "  versionCatalogs {"]
    lines += [f'    create("c{i}") {{ from(files("../outside/c{i}.toml")) }}' for i in range(catalogs)]
    return "\n".join([*lines, "  }", "}"]) + "\n"


def test_build_notes_are_not_repeated_for_every_build_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    catalogs, scripts = 300, 20
    root = tmp_path / "root"
    files = {"settings.gradle.kts": _settings(catalogs)}
    files.update({f"m{j}/build.gradle.kts": 'dependencies { implementation("com.example:x:1") }\n'
                  for j in range(scripts)})
    write(root, files)
    absorbed: list[int] = []
    real = core_run.collector

    def counting(findings: list[Finding], notes: list[Notification], stats: ScanStats
                 ) -> Callable[..., None]:
        absorb = real(findings, notes, stats)

        def spy(outcome: core_run.FileOutcome) -> None:
            absorbed.append(len(outcome.notifications))
            absorb(outcome)

        return spy

    monkeypatch.setattr(core_run, "collector", counting)
    result = run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1))
    distinct = sum("lies outside the scan root" in n.message for n in result.notifications)
    assert distinct == catalogs  # control: one note per catalog outside the root, after deduplication
    assert sum(absorbed) <= 2 * catalogs  # not once per build script (20 x 300 today)


def _build_with_constants(root: Path, junk: int, scripts: int) -> None:
    """buildSrc constants (`junk` that interpolate unknown names) and build scripts naming the TikTok one."""
    constants = "".join(f'    const val a{i} = "g:a:${{m{i}}}"\n' for i in range(junk))
    files = {"settings.gradle.kts": 'rootProject.name = "shop"\n',
             "buildSrc/src/main/kotlin/Deps.kt": "object Deps {\n" + constants
             + '    const val tiktok = "com.tiktok.open.sdk:tiktok-open-sdk-core:2.3.0"\n}\n'}
    files.update({f"app{j}/build.gradle.kts": "dependencies { implementation(Deps.tiktok) }\n" for j in range(scripts)})
    write(root, files)


def test_buildsrc_constants_resolve_within_the_budget_for_every_script(tmp_path: Path) -> None:
    from scanner.config.limits import Limits

    _build_with_constants(tmp_path, junk=10_000, scripts=3)
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1,
                                 limits=Limits(file_timeout=3.0)))
    reported = {f.location.path for f in result.findings if f.rule_id.startswith("TT")}
    assert {f"app{j}/build.gradle.kts" for j in range(3)} <= reported


def test_buildsrc_constants_resolve_control(tmp_path: Path) -> None:
    """Control for the test above: with few constants the same build names the SDK in every script."""
    _build_with_constants(tmp_path, junk=10, scripts=3)
    reported = {f.location.path for f in _scan(tmp_path) if f.rule_id.startswith("TT")}
    assert {f"app{j}/build.gradle.kts" for j in range(3)} <= reported


def test_a_filter_configured_between_two_scans_of_one_process_does_not_run(
        tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    import os

    from tests.integration.helpers import git

    repo, marker, payload = tmp_path / "repo", tmp_path / "payload-ran", tmp_path / "payload.sh"
    payload.write_text(f"#!/bin/sh\ntouch '{marker}'\ncat\n", encoding="utf-8")
    payload.chmod(0o755)
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, {"app/clean.py": "print('hello')\n", ".gitattributes": "* filter=evil\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    write(repo, {"app/staged.py": 'NEW = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'})
    git(repo, "add", "app/staged.py")
    assert run_cli(["scan", "--staged", "--no-progress"], cwd=repo)[0] == 1  # the first scan: no driver yet
    git(repo, "config", "filter.evil.clean", str(payload))
    for path in repo.rglob("*.py"):  # every work-tree file looks modified: git must re-read (and filter) it
        os.utime(path, (2_000_000_000, 2_000_000_000))
    assert run_cli(["scan", "--staged", "--no-progress"], cwd=repo)[0] == 1
    assert not marker.exists(), "the clean filter configured after the first scan ran"
