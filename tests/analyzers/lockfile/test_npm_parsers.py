"""npm-family parsers: empty, invalid, one, two, variants and the files the real tools wrote."""

from __future__ import annotations

import pytest

from scanner.analyzers.lockfile import bun_lock, npm_package_json, npm_package_lock, pnpm_lock, yarn_lock
from scanner.errors import ParseError
from tests.analyzers.lockfile.conftest import by_name, real

# -- package.json ---------------------------------------------------------------------------------


def test_package_json_empty_and_invalid() -> None:
    assert npm_package_json.parse("package.json", "{}") == []
    with pytest.raises(ParseError, match=r"package\.json: not valid JSON"):
        npm_package_json.parse("package.json", '{"dependencies": {"a": "1"')
    with pytest.raises(ParseError, match="expected an object"):
        npm_package_json.parse("package.json", "[]")
    problems: list[str] = []  # a section of the wrong shape costs that section only (issue 19)
    assert npm_package_json.parse("package.json", '{"dependencies": ["tiktok-pixel"]}', problems) == []
    assert problems == ["dependencies is a list, expected a table/object; left out"]


def test_package_json_one_and_two() -> None:
    one = npm_package_json.parse("package.json",
                                 '{"name": "web",\n "dependencies": {\n  "tiktok-pixel": "2.0.3"\n }}')
    assert [(p.purl, p.line, p.column, p.direct, p.dependency_path) for p in one] == [
        ("pkg:npm/web", 1, 3, None, ("web",)),  # the manifest's own name: the package these files are
        ("pkg:npm/tiktok-pixel@2.0.3", 3, 4, True, ("web", "tiktok-pixel"))]
    assert one[0].scope == "self"
    text = ('{\n "devDependencies": {\n  "@larksuiteoapi/node-sdk": "^1.2.0",\n'
            '  "react-native-tiktok-business-sdk": "~1.7.1"\n }\n}')
    two = npm_package_json.parse("package.json", text)
    assert [(p.purl, p.line, p.scope) for p in two] == [
        ("pkg:npm/%40larksuiteoapi/node-sdk", 3, "dev"),
        ("pkg:npm/react-native-tiktok-business-sdk", 4, "dev"),
    ]
    assert two[0].dependency_path == ("(root)", "@larksuiteoapi/node-sdk")


def test_package_json_alias_and_same_name_in_two_sections() -> None:
    text = '{\n "dependencies": {"px": "npm:tiktok-pixel@2.0.3"},\n "peerDependencies": {\n  "px": "*"\n }\n}'
    pkgs = npm_package_json.parse("package.json", text)
    assert [(p.name, p.version, p.line, p.scope) for p in pkgs] == [
        ("tiktok-pixel", "2.0.3", 2, None), ("px", None, 4, "peer")]


def test_package_json_real_files() -> None:
    pkgs = npm_package_json.parse(*real("npm-v3/package.json"))
    assert (by_name(pkgs, "tiktok-pixel").line, by_name(pkgs, "js-tiktoken").line) == (7, 10)
    ws = npm_package_json.parse(*real("npm-workspaces/packages/web/package.json"))
    assert [(p.purl, p.line, p.dependency_path) for p in ws] == [
        ("pkg:npm/web@1.0.0", 2, ("web",)), ("pkg:npm/tiktok-pixel", 6, ("web", "tiktok-pixel"))]


# -- package-lock.json / npm-shrinkwrap.json -------------------------------------------------------


def test_package_lock_empty_and_invalid() -> None:
    assert npm_package_lock.parse("package-lock.json", '{"lockfileVersion": 3, "packages": {}}') == []
    assert npm_package_lock.parse("package-lock.json", "{}") == []
    with pytest.raises(ParseError, match="not valid JSON"):
        npm_package_lock.parse("package-lock.json", '{"packages": {"node_modules/a": {')
    with pytest.raises(ParseError, match="expected an object"):
        npm_package_lock.parse("package-lock.json", '{"packages": {"node_modules/a": 1}}')


def test_package_lock_v3_one_and_two_nested() -> None:
    text = """{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {"dependencies": {"react-native-tiktok-business-sdk": "^1.7.1"}},
    "node_modules/react-native-tiktok-business-sdk": {
      "version": "1.7.1",
      "dependencies": {"tiktok-pixel": "^1"}
    },
    "node_modules/react-native-tiktok-business-sdk/node_modules/tiktok-pixel": {
      "version": "1.0.0"
    }
  }
}"""
    pkgs = npm_package_lock.parse("package-lock.json", text)
    sdk, pixel = pkgs
    assert (sdk.purl, sdk.line, sdk.column, sdk.direct) == (
        "pkg:npm/react-native-tiktok-business-sdk@1.7.1", 6, 19, True)
    assert (pixel.purl, pixel.line, pixel.direct) == ("pkg:npm/tiktok-pixel@1.0.0", 10, False)
    assert pixel.dependency_path == ("app", "react-native-tiktok-business-sdk", "tiktok-pixel")


def test_package_lock_v1_nested_alias_and_git() -> None:
    text = """{
  "name": "app",
  "lockfileVersion": 1,
  "dependencies": {
    "px": {"version": "npm:tiktok-pixel@2.0.3"},
    "gitdep": {"version": "git+https://github.com/a/b.git#abc", "requires": {"lodash": "^4"},
      "dependencies": {
        "lodash": {"version": "4.17.21"}
      }
    }
  }
}"""
    pkgs = npm_package_lock.parse("package-lock.json", text)
    assert [(p.name, p.version, p.line, p.direct) for p in pkgs] == [
        ("tiktok-pixel", "2.0.3", 5, True), ("gitdep", None, 6, True), ("lodash", "4.17.21", 8, False)]
    assert pkgs[2].dependency_path == ("app", "gitdep", "lodash")


@pytest.mark.parametrize(("rel", "line", "react_line"), [
    ("npm-v3/package-lock.json", 61, 52),
    ("npm-v2/package-lock.json", 61, 52),
    ("npm-shrinkwrap/npm-shrinkwrap.json", 61, 52),
    ("npm-v1/package-lock.json", 27, None),  # npm 6 does not install peers
])
def test_package_lock_real_files(rel: str, line: int, react_line: int | None) -> None:
    pkgs = npm_package_lock.parse(*real(rel))
    pixel = by_name(pkgs, "tiktok-pixel")
    assert (pixel.purl, pixel.line, pixel.direct, pixel.dependency_path) == (
        "pkg:npm/tiktok-pixel@2.0.3", line, True, ("app", "tiktok-pixel"))
    base64 = by_name(pkgs, "base64-js")
    assert (base64.direct, base64.scope, base64.dependency_path) == (False, "dev", ("app", "js-tiktoken", "base64-js"))
    if react_line is not None:
        react = by_name(pkgs, "react")
        assert (react.line, react.direct, react.dependency_path) == (
            react_line, False, ("app", "tiktok-pixel", "react"))


def test_package_lock_real_workspaces() -> None:
    pkgs = npm_package_lock.parse(*real("npm-workspaces/package-lock.json"))
    assert sorted(p.name for p in pkgs) == ["lodash", "react", "tiktok-pixel"]  # not the workspace link
    pixel = by_name(pkgs, "tiktok-pixel")
    assert (pixel.line, pixel.direct, pixel.dependency_path) == (31, True, ("monorepo", "web", "tiktok-pixel"))


# -- yarn.lock ------------------------------------------------------------------------------------

CLASSIC_TWO = """# yarn lockfile v1


"@larksuiteoapi/node-sdk@^1.0.0", "@larksuiteoapi/node-sdk@^1.2.0":
  version "1.2.0"
  dependencies:
    tiktok-pixel "^2.0.0"

tiktok-pixel@^2.0.0:
  version "2.0.3"
  resolved "https://registry.yarnpkg.com/tiktok-pixel/-/tiktok-pixel-2.0.3.tgz#abc"
"""


def test_yarn_empty_and_invalid() -> None:
    assert yarn_lock.parse("yarn.lock", "") == []
    assert yarn_lock.parse("yarn.lock", "# yarn lockfile v1\n\n") == []
    with pytest.raises(ParseError, match=r"yarn.lock:3: expected an entry header"):
        yarn_lock.parse("yarn.lock", "# yarn lockfile v1\n\ntiktok-pixel@^2.0.0\n")
    with pytest.raises(ParseError, match="not valid YAML"):
        yarn_lock.parse("yarn.lock", '__metadata:\n  version: 8\n"a@npm:1": [\n')


def test_yarn_classic_one_and_two() -> None:
    one = yarn_lock.parse("yarn.lock", CLASSIC_TWO.split("tiktok-pixel@^2.0.0:")[0].replace(
        "  dependencies:\n    tiktok-pixel \"^2.0.0\"\n", ""))
    assert [(p.purl, p.line, p.direct) for p in one] == [("pkg:npm/%40larksuiteoapi/node-sdk@1.2.0", 4, True)]
    sdk, pixel = yarn_lock.parse("yarn.lock", CLASSIC_TWO)
    assert (sdk.line, sdk.direct, sdk.dependency_path) == (4, True, ("@larksuiteoapi/node-sdk",))
    assert (pixel.purl, pixel.line, pixel.direct) == ("pkg:npm/tiktok-pixel@2.0.3", 9, False)
    assert pixel.dependency_path == ("@larksuiteoapi/node-sdk", "tiktok-pixel")


def test_yarn_berry_workspace_and_patch() -> None:
    text = """__metadata:
  version: 8

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    react-native-tiktok-business-sdk: "npm:^1.7.1"
  languageName: unknown
  linkType: soft

"react-native-tiktok-business-sdk@npm:^1.7.1":
  version: 1.7.1
  resolution: "react-native-tiktok-business-sdk@npm:1.7.1"
  languageName: node
  linkType: hard
"""
    (sdk,) = yarn_lock.parse("yarn.lock", text)
    assert (sdk.purl, sdk.line, sdk.column, sdk.direct, sdk.dependency_path) == (
        "pkg:npm/react-native-tiktok-business-sdk@1.7.1", 12, 2, True, ("app", "react-native-tiktok-business-sdk"))


@pytest.mark.parametrize(("rel", "line", "path"), [
    ("yarn-classic/yarn.lock", 22, ("tiktok-pixel",)),
    ("yarn-berry/yarn.lock", 41, ("app", "tiktok-pixel")),
])
def test_yarn_real_files(rel: str, line: int, path: tuple[str, ...]) -> None:
    pkgs = yarn_lock.parse(*real(rel))
    pixel = by_name(pkgs, "tiktok-pixel")
    assert (pixel.purl, pixel.line, pixel.direct, pixel.dependency_path) == (
        "pkg:npm/tiktok-pixel@2.0.3", line, True, path)
    base64 = by_name(pkgs, "base64-js")
    assert (base64.direct, base64.dependency_path[-2:]) == (False, ("js-tiktoken", "base64-js"))


# -- pnpm-lock.yaml -------------------------------------------------------------------------------


def test_pnpm_empty_and_invalid() -> None:
    assert pnpm_lock.parse("pnpm-lock.yaml", "") == []
    assert pnpm_lock.parse("pnpm-lock.yaml", "lockfileVersion: '9.0'\n") == []
    with pytest.raises(ParseError, match="not valid YAML"):
        pnpm_lock.parse("pnpm-lock.yaml", "packages:\n  a: [\n")
    with pytest.raises(ParseError, match="expected a mapping"):
        pnpm_lock.parse("pnpm-lock.yaml", "- a\n- b\n")


def test_pnpm_v5_keys() -> None:
    text = """lockfileVersion: 5.4

specifiers:
  '@larksuiteoapi/node-sdk': ^1.2.0

dependencies:
  '@larksuiteoapi/node-sdk': 1.2.0_react@17.0.2

packages:

  /@larksuiteoapi/node-sdk/1.2.0_react@17.0.2:
    resolution: {integrity: sha512-x}
    dependencies:
      tiktok-pixel: 2.0.3
    dev: false

  /tiktok-pixel/2.0.3:
    resolution: {integrity: sha512-y}
    dev: false
"""
    sdk, pixel = pnpm_lock.parse("pnpm-lock.yaml", text)
    assert (sdk.purl, sdk.line, sdk.direct) == ("pkg:npm/%40larksuiteoapi/node-sdk@1.2.0", 11, True)
    assert (pixel.purl, pixel.line, pixel.column, pixel.direct) == ("pkg:npm/tiktok-pixel@2.0.3", 17, 4, False)
    assert pixel.dependency_path == (".", "@larksuiteoapi/node-sdk", "tiktok-pixel")


@pytest.mark.parametrize(("rel", "line", "path"), [
    ("pnpm-v9/pnpm-lock.yaml", 37, (".", "tiktok-pixel")),
    ("pnpm-v6/pnpm-lock.yaml", 41, (".", "tiktok-pixel")),
    ("pnpm-workspaces/pnpm-lock.yaml", 30, (".", "packages/web", "tiktok-pixel")),
])
def test_pnpm_real_files(rel: str, line: int, path: tuple[str, ...]) -> None:
    pkgs = pnpm_lock.parse(*real(rel))
    pixel = by_name(pkgs, "tiktok-pixel")
    assert (pixel.purl, pixel.line, pixel.direct, pixel.dependency_path) == (
        "pkg:npm/tiktok-pixel@2.0.3", line, True, path)
    react = by_name(pkgs, "react")
    assert (react.direct, react.dependency_path) == (False, (*path, "react"))


# -- bun.lock -------------------------------------------------------------------------------------


def test_bun_empty_invalid_one_two() -> None:
    assert bun_lock.parse("bun.lock", '{"lockfileVersion": 1, "workspaces": {}, "packages": {},}') == []
    with pytest.raises(ParseError, match="not valid JSON"):
        bun_lock.parse("bun.lock", '{"packages": {"a": ["a@1",]')
    with pytest.raises(ParseError, match="name@version"):
        bun_lock.parse("bun.lock", '{"packages": {"a": 1}}')
    text = """{
  // comment
  "workspaces": {
    "": {"name": "app", "dependencies": {"tiktok-pixel": "^2"},},
  },
  "packages": {
    "tiktok-pixel": ["tiktok-pixel@2.0.3", "", {"dependencies": {"react": "*"}}, "sha512-x"],
    "tiktok-pixel/react": ["react@18.3.1", "", {}, "sha512-y"],
  },
}"""
    pixel, react = bun_lock.parse("bun.lock", text)
    assert (pixel.purl, pixel.line, pixel.direct) == ("pkg:npm/tiktok-pixel@2.0.3", 7, True)
    assert (react.purl, react.line, react.direct, react.dependency_path) == (
        "pkg:npm/react@18.3.1", 8, False, ("app", "tiktok-pixel", "react"))


def test_bun_real_file() -> None:
    pkgs = bun_lock.parse(*real("bun/bun.lock"))
    pixel = by_name(pkgs, "tiktok-pixel")
    assert (pixel.purl, pixel.line, pixel.column, pixel.direct, pixel.dependency_path) == (
        "pkg:npm/tiktok-pixel@2.0.3", 25, 6, True, ("app", "tiktok-pixel"))
    assert by_name(pkgs, "js-tiktoken").scope == "dev"
