"""An audit's policy (scanner.service): every output counts the same findings.

Audits do not honour inline `tiktok-scan: ignore` comments of audited code (even when the user's
`--config` says `inline-suppressions = true`), and apply the `--config` allowlist by marking the
findings it matches accepted (suppressed, external): per-repository SARIF, CSV, Markdown, HTML,
CycloneDX, SQLite and the exit code must all agree on what was found and what was accepted,
finding by finding. (tests/audit/test_counts.py checks the counts of components too.)
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

from tests.audit.conftest import PIXEL_HTML, REQUIREMENTS_SDK, make_bare_mirror, make_checkout
from tests.conftest import REPO, run_cli

Place = tuple[str, str, int, str]  # repository, path, 1-based line, rule id

# `inline`: both findings carry an ignore comment the audit must not honour
INLINE_FILES = {
    "requirements.txt": "tiktok-business-api-sdk-official==1.1.3  # tiktok-scan: ignore[TT103] vendored\n",
    "web/index.html": PIXEL_HTML.replace("<head>\n", "<head>\n<!-- tiktok-scan: ignore -->\n"),  # TT303 at line 3
}
# `allowed` (a bare mirror): the pixel and the vendored SDK are allowed by the --config file
ALLOWED_FILES = {"requirements.txt": REQUIREMENTS_SDK, "vendor/requirements.txt": REQUIREMENTS_SDK,
                 "public/index.html": PIXEL_HTML}
CONFIG = """inline-suppressions = true   # not for audits: ignored, with a note

[[allow]]
rules = ["TT303"]
paths = ["public/**"]
reason = "the shop's pixel is reviewed"

[[allow]]
purls = ["pkg:pypi/tiktok-business-api-sdk-official"]
paths = ["vendor/**"]
"""


def _fleet(base: Path) -> list[Path]:
    inline = make_checkout(base / "inline", INLINE_FILES)
    allowed = make_bare_mirror(base / "allowed.git", make_checkout(base / "_allowed_src", ALLOWED_FILES))
    clean = make_checkout(base / "clean", {"src/tokens.py": "import tiktoken\n"})
    return [inline, allowed, clean]


def _sarif(out: Path, repo: str, accepted: bool = False) -> list[Place]:
    """The results of `repo`'s SARIF, found ones or (`accepted`) those with `suppressions`."""
    run = json.loads((out / "sarif" / f"{repo}.sarif").read_text())["runs"][0]
    return sorted((repo, r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                   r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in run["results"]
                  if bool(r.get("suppressions")) is accepted)


def _csv(out: Path, accepted: bool = False) -> list[Place]:
    with (out / "report.csv").open() as handle:
        return sorted((r["repository"], r["path"], int(r["line"]), r["rule_id"]) for r in csv.DictReader(handle)
                      if bool(r["accepted"]) is accepted)


def _db(out: Path, where: str = "accepted IS NULL") -> list[tuple[str, str, int, str, str]]:
    db = sqlite3.connect(out / "audit.sqlite")
    try:
        return sorted(db.execute(f"SELECT repo, path, line, rule_id, level FROM findings WHERE {where}"))
    finally:
        db.close()


def _summary_rows(text: str, row: str) -> dict[str, tuple[int, int, int, int]]:
    """repository -> (errors, warnings, notes, accepted) from the Markdown or HTML summary table."""
    return {m.group(1): (int(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5)))
            for m in re.finditer(row, text)}


def _inventory(out: Path, accepted: bool = False) -> list[tuple[str, str, int]]:
    bom = json.loads((out / "inventory.cdx.json").read_text())
    return sorted((o["location"].split("/", 1)[0], o["location"].split("/", 1)[1], o["line"])
                  for c in bom.get("components", []) for o in c["evidence"]["occurrences"]
                  if ("(accepted: " in o["additionalContext"]) is accepted)


def _audit(repos: list[Path], out: Path, config: Path) -> tuple[int, str, str]:
    proc = run_cli("audit", *map(str, repos), "--out", str(out), "--config", str(config), "--jobs", "2",
                   "--no-progress")
    return proc.returncode, proc.stdout, proc.stderr


def test_every_audit_output_counts_the_same_findings(tmp_path: Path) -> None:
    repos = _fleet(tmp_path / "fleet")
    config = tmp_path / "audit.toml"
    config.write_text(CONFIG)
    out = tmp_path / "out"
    code, stdout, stderr = _audit(repos, out, config)
    assert f"{config}: not applied by audits: inline-suppressions" in stderr

    stored = _db(out)
    places = sorted((repo, path, line, rule) for repo, path, line, rule, _ in stored)
    accepted = sorted((repo, path, line, rule) for repo, path, line, rule, _ in _db(out, "accepted IS NOT NULL"))
    # inline comments are not honoured; the allowlist accepted the pixel and the vendored SDK
    assert ("inline", "requirements.txt", 1, "TT103") in places
    assert ("inline", "web/index.html", 3, "TT303") in places
    assert [p for p in places if p[0] == "allowed"] == [("allowed", "requirements.txt", 1, "TT103")]
    assert accepted == [("allowed", "public/index.html", 2, "TT303"),
                        ("allowed", "vendor/requirements.txt", 1, "TT103")]
    assert [p for p in places if p[0] == "clean"] == []
    assert "allowed: ok; 1 error, 0 warning, 0 note; 2 allowed by" in stdout

    # SARIF, CSV and SQLite: the same findings and the same accepted ones, place by place
    assert sorted(p for repo in ("inline", "allowed", "clean") for p in _sarif(out, repo)) == places
    assert sorted(p for repo in ("inline", "allowed", "clean") for p in _sarif(out, repo, accepted=True)) == accepted
    assert _csv(out) == places and _csv(out, accepted=True) == accepted
    # Markdown and HTML summaries: the same counts per level, and of accepted findings
    levels: dict[str, Counter[str]] = {repo: Counter() for repo in ("inline", "allowed", "clean")}
    for repo, _, _, _, level in stored:
        levels[repo][level] += 1
    expected = {repo: (c["error"], c["warning"], c["note"], sum(1 for a in accepted if a[0] == repo))
                for repo, c in levels.items()}
    md_row = r"\| \[(\w+)\]\(#repo-\w+\) \| ok \| [^|]+ \|(?: \d+ \|){3} (\d+) \| (\d+) \| (\d+) \| (\d+) \|"
    html_row = (r'<tr data-repo="(\w+)"><td><a href="#repo-\w+">\w+</a></td><td>ok</td><td>[^<]+</td>'
                r"(?:<td>\d+</td>){3}<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>")
    assert _summary_rows((out / "report.md").read_text(), md_row) == expected
    assert _summary_rows((out / "report.html").read_text(), html_row) == expected
    # CycloneDX: every finding is an occurrence of its component; accepted ones say so
    assert _inventory(out) == sorted((repo, path, line) for repo, path, line, _ in places)
    assert _inventory(out, accepted=True) == sorted((repo, path, line) for repo, path, line, _ in accepted)
    # the exit code: findings at or above fail-on (error) remain
    assert code == 1 and levels["inline"]["error"] > 0


def test_the_exit_code_counts_what_the_allowlist_leaves(tmp_path: Path) -> None:
    """The same repository with everything allowed: no output has a finding, all of them list the three
    accepted ones, and the audit passes."""
    allowed = _fleet(tmp_path / "fleet")[1]
    config = tmp_path / "audit.toml"
    config.write_text(CONFIG + '\n[[allow]]\nrules = ["TT103"]\n')
    out = tmp_path / "out"
    code, stdout, _ = _audit([allowed], out, config)
    assert code == 0, stdout
    assert _db(out) == [] and _sarif(out, "allowed") == [] and _csv(out) == [] and _inventory(out) == []
    accepted = [("allowed", "public/index.html", 2, "TT303"), ("allowed", "requirements.txt", 1, "TT103"),
                ("allowed", "vendor/requirements.txt", 1, "TT103")]
    assert _sarif(out, "allowed", accepted=True) == _csv(out, accepted=True) == accepted
    assert _inventory(out, accepted=True) == [p[:3] for p in accepted]
    assert "allowed: ok; 0 error, 0 warning, 0 note; 3 allowed by" in stdout
    assert "0 of 1 repository uses TikTok; 1 only in accepted findings." in stdout


def _team_pack(base: Path) -> Path:
    """A team's pack with one rule: TM303, the pixel endpoint under another id."""
    signatures = REPO / "signatures" / "tiktok"
    team = base / "packs" / "team"
    team.mkdir(parents=True)
    pack = (signatures / "pack.toml").read_text().replace('name = "tiktok"', 'name = "team"')
    (team / "pack.toml").write_text(pack)
    rule = (signatures / "TT303-tiktok-pixel-endpoint.toml").read_text()
    (team / "TM303-team-pixel-endpoint.toml").write_text(
        rule.replace('id = "TT303"', 'id = "TM303"').replace('name = "tiktok-pixel', 'name = "team-pixel'))
    return base / "packs"


def test_an_audit_takes_the_signatures_and_limits_of_scan(tmp_path: Path) -> None:
    repo = make_checkout(tmp_path / "web", {"public/index.html": PIXEL_HTML,
                                            "big.txt": "https://analytics.tiktok.com/\n" + "x" * 4096 + "\n"})
    out = tmp_path / "out"
    proc = run_cli("audit", str(repo), "--out", str(out), "--signatures", str(_team_pack(tmp_path)),
                   "--max-file-size", "1K", "--no-progress")
    assert proc.returncode == 1, proc.stderr
    assert _sarif(out, "web") == [("web", "public/index.html", 2, "TM303"), ("web", "public/index.html", 2, "TT303")]
    run = json.loads((out / "sarif" / "web.sarif").read_text())["runs"][0]
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert len(notes) == 1 and notes[0].startswith("big.txt: ")
    assert run_cli("audit", str(repo), "--out", str(out), "--max-file-size", "lots").returncode == 2
