"""One bad manifest entry costs only that entry (issue 19).

Each manifest is written in its real format (npm `package.json`, Maven `pom.xml`, PEP 621
`pyproject.toml`, Dart `pubspec.yaml`) with one hostile entry beside a TikTok dependency: a number
of 4,301 digits (one over CPython's `int_max_str_digits`, which made `int()` raise and the file
unreadable), a `<!DOCTYPE ... SYSTEM "...">` (refused by defusedxml as an external reference), a
dependency or section of the wrong shape. The TikTok dependency must still be reported on its line.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.core.run import run_scan
from scanner.model import ScanResult, SkipReason

HUGE = "9" * 4301


def _scan(root: Path) -> ScanResult:
    return run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _findings(result: ScanResult) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.location.path, f.location.start_line) for f in result.findings}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise OSError("network refused by the test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return calls


PACKAGE_JSON = """{
  "name": "demo-app",
  "version": "1.0.0",
  "config": {"seed": %s},
  "dependencies": {
    "tiktok-business-api-sdk-official": "^1.1.3"
  }
}
"""


def test_package_json_with_a_4301_digit_number(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text(PACKAGE_JSON % HUGE)
    result = _scan(tmp_path)
    assert ("TT103", "package.json", _line_of(path, "tiktok-business-api-sdk-official")) in _findings(result)
    assert result.notifications == [], result.notifications


def test_package_json_with_a_negative_huge_number_in_an_array(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text((PACKAGE_JSON % f"[1, -{HUGE}]").replace('"1.0.0"', f'"1.0.0", "n": {HUGE}'))
    assert ("TT103", "package.json", 6) in _findings(_scan(tmp_path))


def test_package_json_section_of_the_wrong_shape_costs_that_section(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text(PACKAGE_JSON.replace('"config": {"seed": %s},', '"devDependencies": ["jest"],'))
    result = _scan(tmp_path)
    assert ("TT103", "package.json", _line_of(path, "tiktok-business-api-sdk-official")) in _findings(result)
    assert [(n.path, n.reason, n.analyzer) for n in result.notifications] == [
        ("package.json", SkipReason.PARSE_ERROR, "lockfile/npm-package-json")]
    assert "devDependencies is a list" in result.notifications[0].message


POM = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE project SYSTEM "%s">
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>demo</artifactId>
  <version>1.0</version>
  <dependencies>
    <dependency>
      <groupId>com.tiktok.open.sdk</groupId>
      <artifactId>tiktok-open-sdk-auth</artifactId>
      <version>2.3.1</version>
    </dependency>
  </dependencies>
</project>
"""


def test_pom_with_a_doctype_system_url_is_read_without_fetching(tmp_path: Path, no_network: list[object]) -> None:
    path = tmp_path / "pom.xml"
    path.write_text(POM % "http://maven.example.com/dtd/project-4.0.0.dtd")
    result = _scan(tmp_path)
    assert _findings(result) == {("TT101", "pom.xml", _line_of(path, "tiktok-open-sdk-auth"))}
    assert result.notifications == [] and no_network == []


def test_pom_doctype_system_file_is_never_read(tmp_path: Path) -> None:
    """The DTD on disk declares an entity (refused if read) and is malformed: reading it would fail the file."""
    dtd = tmp_path / "dtd" / "project.dtd"
    dtd.parent.mkdir()
    dtd.write_text('<!ENTITY x "y">\n<!ELEMENT broken')
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pom.xml").write_text(POM % dtd.as_uri())
    result = _scan(root)
    assert [f.rule_id for f in result.findings] == ["TT101"] and result.notifications == []


def test_pom_dependency_without_group_costs_that_dependency(tmp_path: Path) -> None:
    path = tmp_path / "pom.xml"
    broken = "    <dependency>\n      <artifactId>no-group</artifactId>\n    </dependency>\n"
    path.write_text((POM % "project.dtd").replace("  <dependencies>\n", "  <dependencies>\n" + broken))
    result = _scan(tmp_path)
    assert _findings(result) == {("TT101", "pom.xml", _line_of(path, "tiktok-open-sdk-auth"))}
    assert [(n.reason, n.message) for n in result.notifications] == [
        (SkipReason.PARSE_ERROR, "pom.xml: line 9: <dependency> without groupId/artifactId; left out")]


def test_pyproject_with_a_4301_digit_integer(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(f'[project]\nname = "demo"\nversion = "1.0"\ndependencies = [\n'
                    f'  "tiktok-business-api-sdk-official>=1.1",\n]\n\n[tool.demo]\nseed = {HUGE}\n'
                    f'seeds = [1, -{HUGE[:-1]}_9]\n')
    result = _scan(tmp_path)
    assert ("TT103", "pyproject.toml", 5) in _findings(result)
    assert result.notifications == [], result.notifications


def test_pubspec_with_a_4301_digit_integer(tmp_path: Path) -> None:
    path = tmp_path / "pubspec.yaml"
    path.write_text(f"name: demo\nversion: 1.0.0\nseed: {HUGE}\nenvironment:\n  sdk: '>=3.0.0 <4.0.0'\n"
                    f"dependencies:\n  tiktok_sdk_v2: ^1.0.0\n")
    result = _scan(tmp_path)
    assert ("TT101", "pubspec.yaml", 7) in _findings(result)
    assert result.notifications == [], result.notifications


YARN_LOCK = """# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"left-pad@^1.3.0":
  version "1.3.0"
  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz#5b8a3a7765dfe001261dde915589e782f8c94d1e"
  dependencies:
    this line is not a dependency

tiktok-business-api-sdk-official@^1.1.3:
  version "1.1.3"
  resolved "https://registry.yarnpkg.com/tiktok-business-api-sdk-official/-/tiktok-business-api-sdk-official-1.1.3.tgz"
"""


def test_yarn_lock_malformed_entry_costs_that_entry(tmp_path: Path) -> None:
    path = tmp_path / "yarn.lock"
    path.write_text(YARN_LOCK)
    result = _scan(tmp_path)
    assert ("TT103", "yarn.lock", _line_of(path, "tiktok-business-api-sdk-official@")) in _findings(result)
    assert [(n.reason, n.analyzer) for n in result.notifications] == [(SkipReason.PARSE_ERROR, "lockfile/yarn-lock")]
    assert "cannot read dependency 'this line is not a dependency'" in result.notifications[0].message


def test_yaml_mapping_keys_nested_in_keys_cost_nothing(tmp_path: Path) -> None:
    """`{{{...'s'}}}`: each level's key is the level inside; its str() doubled at every level (found by
    tests/fuzz/grammars.py, 256 levels in 561 bytes ran for minutes). Both the YAML loader and the
    position walk now name such keys by a placeholder."""
    path = tmp_path / "pubspec.yaml"
    nested = "{" * 256 + "'s'" + "}" * 256
    path.write_text(f"name: demo\ndependencies:\n  tiktok_sdk_v2: ^1.0.0\nextra: {nested}\n")
    result = _scan(tmp_path)
    assert _findings(result) == {("TT101", "pubspec.yaml", 3)} and result.notifications == []
