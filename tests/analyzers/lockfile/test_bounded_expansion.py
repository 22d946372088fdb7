"""Property expansion is bounded: a POM whose property refers to itself many times, or a chain
deeper than the bound, leaves that value unresolved with a `limit` note, and the TikTok
dependency declared beside it is still reported. A version catalog's `version.ref` is one hop."""

from __future__ import annotations

from pathlib import Path

from scanner.analyzers.lockfile import gradle_catalog, maven_pom
from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.model import SkipReason

TIKTOK = """    <dependency>
      <groupId>com.tiktok.open.sdk</groupId>
      <artifactId>tiktok-open-sdk-core</artifactId>
      <version>2.2.0</version>
    </dependency>
"""


def _pom(properties: str, version: str) -> str:
    return f"""<project>
  <modelVersion>4.0.0</modelVersion>
  <properties>
{properties}
  </properties>
  <dependencies>
    <dependency>
      <groupId>com.example</groupId>
      <artifactId>other</artifactId>
      <version>{version}</version>
    </dependency>
{TIKTOK}  </dependencies>
</project>
"""


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _versions(pom: str) -> tuple[dict[str, str | None], list[str]]:
    notes: list[str] = []
    pkgs = maven_pom.parse("pom.xml", pom, notes)
    return {p.name: p.version for p in pkgs}, notes


def test_self_reference_sixty_times_is_bounded_and_the_tiktok_dependency_is_reported(tmp_path: Path) -> None:
    pom = _pom(f"    <a>{'${a}' * 60}</a>\n    <b>${{a}}</b>", "${b}")
    versions, notes = _versions(pom)
    assert versions == {"com.example:other": None, "com.tiktok.open.sdk:tiktok-open-sdk-core": "2.2.0"}
    assert notes == [f"a property value expands past {maven_pom.MAX_EXPANDED} characters; left unresolved"]

    (tmp_path / "pom.xml").write_text(pom)
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path)))
    assert [(f.rule_id, f.location.path, f.location.start_line) for f in result.findings] == [
        ("TT101", "pom.xml", _line_of(pom, "tiktok-open-sdk-core"))]
    assert [(n.path, n.reason, n.analyzer) for n in result.notifications] == [
        ("pom.xml", SkipReason.LIMIT, "lockfile/maven-pom")]


def test_one_round_over_the_size_bound_stops_while_substituting() -> None:
    versions, notes = _versions(_pom(f"    <a>{'x' * 1000}</a>\n    <b>{'${a}' * 100}</b>", "${b}"))
    assert versions["com.example:other"] is None and len(notes) == 1


def test_a_chain_deeper_than_the_bound_stays_unresolved() -> None:
    chain = "\n".join(f"    <p{i}>${{p{i + 1}}}</p{i}>" for i in range(60)) + "\n    <p60>1.0</p60>"
    versions, notes = _versions(_pom(chain, "${p0}"))
    assert versions == {"com.example:other": None, "com.tiktok.open.sdk:tiktok-open-sdk-core": "2.2.0"}
    assert notes == [f"properties nested deeper than {maven_pom.MAX_DEPTH} levels; left unresolved"]


def test_a_chain_within_the_bound_resolves_without_notes() -> None:
    chain = "    <p0>${p1}</p0>\n    <p1>${p2}.${p3}</p1>\n    <p2>1</p2>\n    <p3>${p4}</p3>\n    <p4>7</p4>"
    versions, notes = _versions(_pom(chain, "${p0}"))
    assert versions["com.example:other"] == "1.7" and notes == []


def test_a_self_referencing_catalog_version_is_one_hop() -> None:
    text = """[versions]
a = { ref = "a" }
b = "3.1"

[libraries]
loop = { module = "com.example:loop", version.ref = "a" }
ok = { module = "com.example:ok", version.ref = "b" }
tiktok = { module = "com.tiktok.open.sdk:tiktok-open-sdk-core", version = "2.2.0" }
"""
    pkgs = gradle_catalog.parse("libs.versions.toml", text)
    assert [(p.name, p.version, p.line) for p in pkgs] == [
        ("com.example:loop", None, 6), ("com.example:ok", "3.1", 7),
        ("com.tiktok.open.sdk:tiktok-open-sdk-core", "2.2.0", 8)]
