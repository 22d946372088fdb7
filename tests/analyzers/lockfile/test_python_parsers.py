"""Python parsers: empty, invalid, one, two, variants and the files the real tools wrote."""

from __future__ import annotations

import pytest

from scanner.analyzers.lockfile import (
    pdm_lock,
    pipfile,
    pipfile_lock,
    poetry_lock,
    pylock,
    pyproject,
    python_requirements,
    setup_cfg,
    uv_lock,
)
from scanner.errors import ParseError
from tests.analyzers.lockfile.conftest import by_name, real

SDK = "tiktok-business-api-sdk-official"

# -- requirements ---------------------------------------------------------------------------------


def test_requirements_empty_invalid_one_two() -> None:
    assert python_requirements.parse("requirements.txt", "") == []
    assert python_requirements.parse("requirements.txt", "# nothing\n-r base.txt\n--index-url https://x\n") == []
    with pytest.raises(ParseError, match=r"requirements.txt:2: not a valid requirement"):
        python_requirements.parse("requirements.txt", "requests\nTikTokLive===\n")
    (one,) = python_requirements.parse("requirements.txt", "\nTikTokLive==6.0.0\n")
    assert (one.purl, one.line, one.direct, one.dependency_path) == (
        "pkg:pypi/tiktoklive@6.0.0", 2, True, ("requirements.txt", "TikTokLive"))
    two = python_requirements.parse("requirements.txt", "requests>=2\nlark-oapi==1.4.0  # affiliate\n")
    assert [(p.purl, p.line) for p in two] == [("pkg:pypi/requests", 1), ("pkg:pypi/lark-oapi@1.4.0", 2)]


def test_requirements_hashes_markers_urls_vcs() -> None:
    text = """TikTokLive==6.0.0 \\
    --hash=sha256:abc \\
    --hash=sha256:def
requests[socks]>=2 ; python_version >= "3.8"
tiktok_business_api_sdk_official @ https://files.example/x.whl
-e git+https://github.com/tiktok/tiktok-business-api-sdk.git@main#egg=tiktok-business-api-sdk-official
https://files.example/packages/lark_oapi-1.4.0-py3-none-any.whl
git+https://github.com/example/no-egg.git
./local-package
"""
    pkgs = python_requirements.parse("requirements/prod.txt", text)
    assert [(p.purl, p.line) for p in pkgs] == [
        ("pkg:pypi/tiktoklive@6.0.0", 1),
        ("pkg:pypi/requests", 4),
        ("pkg:pypi/tiktok-business-api-sdk-official", 5),
        ("pkg:pypi/tiktok-business-api-sdk-official", 6),
        ("pkg:pypi/lark-oapi@1.4.0", 7),
    ]
    assert pkgs[3].column == text.splitlines()[5].index("egg=") + 5


def test_requirements_real_pip_compile_file() -> None:
    pkgs = python_requirements.parse(*real("pip-tools/requirements.txt"))
    sdk = by_name(pkgs, SDK)
    assert (sdk.purl, sdk.line, sdk.direct, sdk.dependency_path) == (
        f"pkg:pypi/{SDK}@1.1.3", 11, True, ("requirements.txt", SDK))
    tz = by_name(pkgs, "tzdata")
    assert (tz.direct, tz.dependency_path) == (False, ("requirements.txt", SDK, "python-dateutil", "tzdata"))
    assert by_name(pkgs, "lark").direct is True


def test_requirements_wants() -> None:
    analyzer = python_requirements.PythonRequirementsAnalyzer()
    assert analyzer.wants("requirements-dev.txt", True)
    assert analyzer.wants("ci/requirements/base.txt", True)
    assert analyzer.wants("requirements.in", True)
    assert not analyzer.wants("docs/notes.txt", True)


# -- pyproject.toml -------------------------------------------------------------------------------


def test_pyproject_empty_invalid() -> None:
    assert pyproject.parse("pyproject.toml", "") == []
    assert pyproject.parse("pyproject.toml", "[project]\nname = 'x'\n") == []
    with pytest.raises(ParseError, match="not valid TOML"):
        pyproject.parse("pyproject.toml", "[project\n")
    with pytest.raises(ParseError, match="not a valid requirement"):
        pyproject.parse("pyproject.toml", "[project]\ndependencies = ['tiktok live']\n")


def test_pyproject_pep621_one_two_groups() -> None:
    text = """[project]
name = "svc"
dependencies = ["requests>=2", "TikTokLive==6.0.0 ; python_version >= '3.10'",
  # "tiktoken" in a comment is no dependency
  "lark-oapi",
]

[project.optional-dependencies]
ads = [
    "tiktok-business-api-sdk-official==1.1.3",
]

[dependency-groups]
dev = ["tiktoken", {include-group = "lint"}]
"""
    pkgs = pyproject.parse("pyproject.toml", text)
    assert [(p.purl, p.line, p.column, p.scope) for p in pkgs] == [
        ("pkg:pypi/requests", 3, 18, None),
        ("pkg:pypi/tiktoklive@6.0.0", 3, 33, None),
        ("pkg:pypi/lark-oapi", 5, 4, None),
        ("pkg:pypi/tiktok-business-api-sdk-official@1.1.3", 10, 6, "optional"),
        ("pkg:pypi/tiktoken", 14, 9, "dev"),
    ]
    assert pkgs[1].dependency_path == ("svc", "TikTokLive")


def test_pyproject_poetry_tables() -> None:
    text = """[tool.poetry]
name = "svc"

[tool.poetry.dependencies]
python = "^3.11"
"TikTokLive" = "6.0.0"
volcengine = { version = "^1.0", optional = true }

[tool.poetry.group.test.dependencies]
tiktok-business-api-sdk-official = "^1.1"
"""
    pkgs = pyproject.parse("pyproject.toml", text)
    assert [(p.purl, p.line, p.scope) for p in pkgs] == [
        ("pkg:pypi/tiktoklive@6.0.0", 6, None),
        ("pkg:pypi/volcengine", 7, None),
        ("pkg:pypi/tiktok-business-api-sdk-official", 10, "test"),
    ]


@pytest.mark.parametrize(("rel", "line"), [
    ("uv/pyproject.toml", 6), ("pdm/pyproject.toml", 6), ("poetry/pyproject.toml", 10)])
def test_pyproject_real_inputs(rel: str, line: int) -> None:
    sdk = by_name(pyproject.parse(*real(rel)), SDK)
    assert (sdk.purl, sdk.line, sdk.direct, sdk.dependency_path) == (f"pkg:pypi/{SDK}", line, True, ("app", SDK))


# -- setup.cfg ------------------------------------------------------------------------------------


def test_setup_cfg() -> None:
    assert setup_cfg.parse("setup.cfg", "") == []
    with pytest.raises(ParseError, match=r"not a valid setup\.cfg"):
        setup_cfg.parse("setup.cfg", "install_requires = x\n")
    text = """[metadata]
name = svc

[options]
install_requires =
    requests>=2
    TikTokLive==6.0.0  # live comments

[options.extras_require]
ads =
    tiktok-business-api-sdk-official
"""
    pkgs = setup_cfg.parse("setup.cfg", text)
    assert [(p.purl, p.line, p.column, p.scope, p.dependency_path) for p in pkgs] == [
        ("pkg:pypi/requests", 6, 5, None, ("svc", "requests")),
        ("pkg:pypi/tiktoklive@6.0.0", 7, 5, None, ("svc", "TikTokLive")),
        ("pkg:pypi/tiktok-business-api-sdk-official", 11, 5, "optional", ("svc", SDK)),
    ]
    (one,) = setup_cfg.parse("setup.cfg", "[options]\ninstall_requires = lark-oapi\n")
    assert (one.purl, one.line) == ("pkg:pypi/lark-oapi", 2)


# -- Pipfile / Pipfile.lock -----------------------------------------------------------------------


def test_pipfile() -> None:
    assert pipfile.parse("Pipfile", "") == []
    with pytest.raises(ParseError, match="not valid TOML"):
        pipfile.parse("Pipfile", "[packages\n")
    text = '[packages]\nTikTokLive = "==6.0.0"\nlocal = {path = "."}\n\n[dev-packages]\nlark-oapi = {version = "*"}\n'
    pkgs = pipfile.parse("Pipfile", text)
    assert [(p.purl, p.line, p.scope) for p in pkgs] == [
        ("pkg:pypi/tiktoklive@6.0.0", 2, None), ("pkg:pypi/lark-oapi", 6, "dev")]
    sdk = by_name(pipfile.parse(*real("pipenv/Pipfile")), SDK)
    assert (sdk.line, sdk.direct) == (7, True)


def test_pipfile_lock() -> None:
    assert pipfile_lock.parse("Pipfile.lock", '{"_meta": {}, "default": {}, "develop": {}}') == []
    with pytest.raises(ParseError, match="not valid JSON"):
        pipfile_lock.parse("Pipfile.lock", '{"default": {')
    (one,) = pipfile_lock.parse("Pipfile.lock", '{"default": {\n  "TikTokLive": {"version": "==6.0.0"}}}')
    assert (one.purl, one.line, one.direct) == ("pkg:pypi/tiktoklive@6.0.0", 2, None)
    pkgs = pipfile_lock.parse(*real("pipenv/Pipfile.lock"))
    sdk = by_name(pkgs, SDK)
    assert (sdk.purl, sdk.line, sdk.column) == (f"pkg:pypi/{SDK}@1.1.3", 51, 10)
    assert by_name(pkgs, "lark").scope == "dev"


# -- poetry.lock, pdm.lock, uv.lock, pylock.toml --------------------------------------------------

POETRY_TWO = """[[package]]
name = "TikTokLive"
version = "6.0.0"
groups = ["main"]

[package.dependencies]
httpx = ">=0.25"

[[package]]
name = "httpx"
version = "0.28.1"
category = "main"
"""


def test_poetry_lock() -> None:
    assert poetry_lock.parse("poetry.lock", "") == []
    with pytest.raises(ParseError, match="has no name"):
        poetry_lock.parse("poetry.lock", "[[package]]\nversion = '1'\n")
    with pytest.raises(ParseError, match="not valid TOML"):
        poetry_lock.parse("poetry.lock", "[[package]\n")
    live, httpx = poetry_lock.parse("poetry.lock", POETRY_TWO)
    assert (live.purl, live.line, live.direct) == ("pkg:pypi/tiktoklive@6.0.0", 2, True)
    assert (httpx.line, httpx.direct, httpx.dependency_path) == (10, False, ("TikTokLive", "httpx"))
    pkgs = poetry_lock.parse(*real("poetry/poetry.lock"))
    sdk = by_name(pkgs, SDK)
    assert (sdk.purl, sdk.line, sdk.direct) == (f"pkg:pypi/{SDK}@1.1.3", 97, True)
    assert by_name(pkgs, "six").dependency_path == (SDK, "six")
    assert by_name(pkgs, "lark").scope == "dev"


def test_pdm_lock() -> None:
    assert pdm_lock.parse("pdm.lock", "[metadata]\ngroups = ['default']\n") == []
    text = '[[package]]\nname = "tiktoklive"\nversion = "6.0.0"\ndependencies = ["httpx>=0.25"]\n\n' \
           '[[package]]\nname = "httpx"\nversion = "0.28.1"\n'
    live, httpx = pdm_lock.parse("pdm.lock", text)
    assert (live.purl, live.line, live.direct, httpx.line, httpx.direct) == (
        "pkg:pypi/tiktoklive@6.0.0", 2, True, 7, False)
    pkgs = pdm_lock.parse(*real("pdm/pdm.lock"))
    assert (by_name(pkgs, SDK).line, by_name(pkgs, SDK).direct) == (71, True)
    assert by_name(pkgs, "tzdata").dependency_path == (SDK, "python-dateutil", "tzdata")


def test_uv_lock() -> None:
    assert uv_lock.parse("uv.lock", "version = 1\n") == []
    with pytest.raises(ParseError, match="expected an array of tables"):
        uv_lock.parse("uv.lock", "package = 1\n")
    text = """version = 1

[[package]]
name = "svc"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "tiktoklive" }]

[[package]]
name = "tiktoklive"
version = "6.0.0"
source = { registry = "https://pypi.org/simple" }
"""
    (live,) = uv_lock.parse("uv.lock", text)
    assert (live.purl, live.line, live.direct, live.dependency_path) == (
        "pkg:pypi/tiktoklive@6.0.0", 10, True, ("svc", "tiktoklive"))
    pkgs = uv_lock.parse(*real("uv/uv.lock"))
    assert "app" not in [p.name for p in pkgs]
    sdk = by_name(pkgs, SDK)
    assert (sdk.purl, sdk.line, sdk.direct, sdk.dependency_path) == (f"pkg:pypi/{SDK}@1.1.3", 76, True, ("app", SDK))
    assert by_name(pkgs, "six").dependency_path == ("app", SDK, "six")
    assert by_name(pkgs, "lark").scope == "dev"


def test_pylock() -> None:
    assert pylock.parse("pylock.toml", 'lock-version = "1.0"\n') == []
    with pytest.raises(ParseError, match="has no name"):
        pylock.parse("pylock.toml", "[[packages]]\nversion = '1'\n")
    (one,) = pylock.parse("pylock.toml", '[[packages]]\nname = "TikTokLive"\nversion = "6.0.0"\n')
    assert (one.purl, one.line, one.direct) == ("pkg:pypi/tiktoklive@6.0.0", 2, None)
    sdk = by_name(pylock.parse(*real("uv/pylock.toml")), SDK)
    assert (sdk.purl, sdk.line) == (f"pkg:pypi/{SDK}@1.1.3", 42)
    assert pylock.PylockAnalyzer().wants("pylock.dev.toml", True)
