"""`[tool.tiktok-scan]` / `.tiktok-scan.toml`: found, validated, merged under the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.config.files import find_config, load_config
from scanner.errors import ConfigError
from scanner.findings.suppress import AllowEntry
from scanner.model import Context, FactKind, Finding, Level, Location, PackageRef
from tests.integration.helpers import write

Cli = Callable[..., tuple[int, str, str]]

EVENTS_PY = 'EVENTS = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'  # TT302, error
LINK_HTML = '<a href="https://www.tiktok.com/@brand">us</a>\n'  # TT601, note
DOCS_MD = "Our old integration called https://open.tiktokapis.com/v2/user/info/ directly.\n"


def project(root: Path, config: str, name: str = "pyproject.toml") -> Path:
    (root / ".git").mkdir(parents=True)
    write(root, {name: config, "server/events.py": EVENTS_PY, "web/footer.html": LINK_HTML, "docs/history.md": DOCS_MD})
    return root


def test_pyproject_section_sets_fail_on_and_allowlist(tmp_path: Path, run_cli: Cli) -> None:
    root = project(tmp_path / "p", """
[project]
name = "shop"

[tool.tiktok-scan]
fail-on = "note"

[[tool.tiktok-scan.allow]]
rules = ["TT302"]
paths = ["server/**"]
reason = "events relay approved by counsel (SEC-12)"
""")
    code, out, _ = run_cli(["scan", "--no-progress"], cwd=root)
    assert code == 1  # the TT601 note fails at fail-on = note
    assert "web/footer.html:1:10: note [TT601]" in out
    assert "server/events.py" not in out
    assert "1 finding(s) suppressed." in out


def test_command_line_wins(tmp_path: Path, run_cli: Cli) -> None:
    root = project(tmp_path / "p", '[tool.tiktok-scan]\nfail-on = "note"\nexclude = ["server/**"]\n')
    code, out, _ = run_cli(["scan", "--fail-on", "error"], cwd=root)
    assert code == 0  # only notes are left after the config's exclude, and the flag raised the bar
    assert "server/events.py" not in out
    code, out, _ = run_cli(["scan", "--no-config"], cwd=root)
    assert code == 1
    assert "server/events.py:1:11: error [TT302]" in out


def test_dot_file_wins_over_pyproject(tmp_path: Path, run_cli: Cli) -> None:
    root = project(tmp_path / "p", '[tool.tiktok-scan]\nfail-on = "none"\n')
    write(root, {".tiktok-scan.toml": 'fail-on = "error"\n'})
    assert find_config(root) == root / ".tiktok-scan.toml"
    code, _, _ = run_cli(["scan"], cwd=root)
    assert code == 1


def test_found_from_a_subdirectory_but_not_above_the_repository(tmp_path: Path) -> None:
    write(tmp_path, {".tiktok-scan.toml": 'fail-on = "none"\n'})
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "src" / "deep").mkdir(parents=True)
    assert find_config(repo / "src" / "deep") is None  # the search stops at the repository root
    write(repo, {".tiktok-scan.toml": 'fail-on = "warning"\n'})
    assert find_config(repo / "src" / "deep") == repo / ".tiktok-scan.toml"


def test_an_audited_tree_cannot_configure_itself(tmp_path: Path, run_cli: Cli) -> None:
    audited = project(tmp_path / "vendor-sdk", '[tool.tiktok-scan]\nexclude = ["**"]\nfail-on = "none"\n')
    elsewhere = tmp_path / "auditor"
    elsewhere.mkdir()
    code, out, _ = run_cli(["scan", str(audited)], cwd=elsewhere)
    assert code == 1
    assert "server/events.py:1:11: error [TT302]" in out


@pytest.mark.parametrize(("config", "message"), [
    ('[tool.tiktok-scan]\nfail_on = "warning"\n', "unknown key 'fail_on'; did you mean 'fail-on'?"),
    ('[tool.tiktok-scan]\nexcludes = ["x"]\n', "unknown key 'excludes'; did you mean 'exclude'?"),
    ('[tool.tiktok-scan.limits]\nmax-filesize = 10\n', "unknown key 'max-filesize'; did you mean 'max-file-size'?"),
    ('[[tool.tiktok-scan.allow]]\nrule = ["TT601"]\n', "allow entry 1: unknown key 'rule'; did you mean 'rules'?"),
    ('[[tool.tiktok-scan.allow]]\nreason = "everything"\n', "needs at least one of 'rules', 'paths', 'purls'"),
    ('[tool.tiktok-scan]\nfail-on = "fatal"\n', "'fail-on' must be one of error, warning, note, none, not 'fatal'"),
    ('[tool.tiktok-scan]\nwibble = 1\n', "unknown key 'wibble'; known keys: allow, baseline,"),
    ('[tool.tiktok-scan\n', "not valid TOML"),
])
def test_bad_configuration_is_a_usage_error(tmp_path: Path, run_cli: Cli, config: str, message: str) -> None:
    root = project(tmp_path / "p", config)
    code, out, err = run_cli(["scan"], cwd=root)
    assert code == 2
    assert out == ""
    assert message in err
    assert str(root / "pyproject.toml") in err


def test_limits_from_configuration(tmp_path: Path, run_cli: Cli) -> None:
    root = project(tmp_path / "p", "[limits]\nmax-file-size = 16\n", name=".tiktok-scan.toml")
    code, out, _ = run_cli(["scan"], cwd=root)
    assert code == 0
    assert "server/events.py: 70 bytes is over the 16-byte file size limit; not read" in out


TEAM_PACK = '''format = 1
name = "acme-policy"
version = "1.0.0"
title = "ACME internal policy"
enabled = true
description = "Hosts our policy team tracks."
prohibition = "Internal policy ACME-7."
'''
TEAM_RULE = '''id = "ACME001"
product = "other"
name = "acme-tracker-endpoint"
title = "ACME tracker endpoint"
category = "service-endpoint"
evidence = "endpoint"
level = "error"
security-severity = 5.0
precision = "high"
description = "The tracker host our policy team bans."
help = "## ACME tracker\\n\\nRemove it."
references = ["https://example.org/policy"]

[match]
hosts = ["tracker.acme-analytics.example"]
'''


def test_team_signatures_from_configuration(tmp_path: Path, run_cli: Cli) -> None:
    root = project(tmp_path / "p", '[tool.tiktok-scan]\nsignatures = ["policy/packs"]\n')
    pack = "policy/packs/acme-policy"
    write(root, {f"{pack}/pack.toml": TEAM_PACK, f"{pack}/ACME001-tracker.toml": TEAM_RULE,
                 "web/track.js": 'fetch("https://tracker.acme-analytics.example/collect");\n'})
    code, out, _ = run_cli(["scan"], cwd=root)
    assert code == 1
    assert "web/track.js:1:8: error [ACME001] ACME tracker endpoint" in out
    write(root, {f"{pack}/ACME001-tracker.toml": TEAM_RULE.replace('level = "error"', 'level = "loud"')})
    code, out, err = run_cli(["scan"], cwd=root)
    assert code == 2
    assert "ACME001-tracker.toml" in err and "'level'" in err


def _finding(path: str, rule: str, purl: str | None = None) -> Finding:
    package = PackageRef(purl=purl, ecosystem=purl.split(":")[1].split("/")[0], name="x") if purl else None
    return Finding(rule_id=rule, level=Level.ERROR, location=Location(path=path, start_line=3), message="m",
                   kind=FactKind.PACKAGE if purl else FactKind.HOST, value="v", context=Context.DEPENDENCY,
                   analyzer="a", package=package)


def test_allow_entries_combine_criteria() -> None:
    by_purl = AllowEntry(purls=("pkg:npm/tiktok-pixel-helper",), reason="vendored, being removed")
    sdk = _finding("web/package-lock.json", "TT104", "pkg:npm/tiktok-pixel-helper@1.2.3")
    assert by_purl.matches(sdk)
    assert not by_purl.matches(_finding("web/package-lock.json", "TT104", "pkg:npm/tiktok-pixel@1.2.3"))
    assert not by_purl.matches(_finding("web/x.js", "TT104"))
    pinned = AllowEntry(purls=("pkg:npm/tiktok-pixel-helper@1.2.4",))
    assert not pinned.matches(sdk)
    scoped = AllowEntry(purls=("pkg:npm/%40tiktok/*",))
    assert scoped.matches(_finding("p.json", "TT102", "pkg:npm/%40tiktok/business-sdk@0.1.0"))
    pypi = AllowEntry(purls=("pkg:pypi/TikTok_Business_API_SDK",))
    assert pypi.matches(_finding("req.txt", "TT102", "pkg:pypi/tiktok-business-api-sdk@1.0"))
    both = AllowEntry(rules=("TT601",), paths=("docs/**",))
    assert both.matches(_finding("docs/a/b.md", "TT601"))
    assert not both.matches(_finding("docs/a/b.md", "TT301"))
    assert not both.matches(_finding("src/b.md", "TT601"))


def test_allow_purls_must_be_purls(tmp_path: Path) -> None:
    path = tmp_path / ".tiktok-scan.toml"
    path.write_text('[[allow]]\npurls = ["tiktok-pixel"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="'tiktok-pixel' is not a purl"):
        load_config(path)


def test_output_settings_from_configuration(tmp_path: Path, run_cli: Cli) -> None:
    root = project(tmp_path / "p", '[tool.tiktok-scan]\nformat = "sarif"\ncategory = "policy"\n'
                                   'include-suppressed = true\n'
                                   '[[tool.tiktok-scan.allow]]\npaths = ["web/*.html"]\n')
    code, out, _ = run_cli(["scan"], cwd=root)
    assert code == 1
    run = json.loads(out)["runs"][0]
    assert run["automationDetails"]["id"] == "policy/"
    footer = [r for r in run["results"] if r["ruleId"] == "TT601"]
    assert footer[0]["suppressions"] == [{"kind": "external", "justification": "allowed by configuration (web/*.html)"}]
    code, out, _ = run_cli(["scan", "--format", "text"], cwd=root)
    assert out.startswith("2 TikTok components in 2 places:\n")  # the component summary, then the details
    assert "\nDetails:\n\ndocs/history.md:1:28: note [TT301]" in out
