"""Property: every lockfile parser returns packages (on a line >= 1, with a purl) or raises ParseError,
whatever the input: truncated, spliced or replaced by random text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.analyzers.lockfile import (
    bun_lock,
    npm_package_json,
    npm_package_lock,
    pdm_lock,
    pipfile,
    pipfile_lock,
    pnpm_lock,
    poetry_lock,
    pylock,
    pyproject,
    python_requirements,
    setup_cfg,
    uv_lock,
    yarn_lock,
)
from scanner.analyzers.lockfile.base import ParserAnalyzer
from scanner.analyzers.lockfile.composer_lock import ComposerLockAnalyzer
from scanner.analyzers.registry import ANALYZERS
from scanner.errors import ParseError
from tests.analyzers.lockfile.conftest import FIXTURES, REAL

# file name -> (parser, a real file of that format to mutate)
SAMPLED = {
    "package.json": (npm_package_json.parse, "npm-v3/package.json"),
    "package-lock.json": (npm_package_lock.parse, "npm-v3/package-lock.json"),
    "package-lock-v1.json": (npm_package_lock.parse, "npm-v1/package-lock.json"),
    "yarn.lock": (yarn_lock.parse, "yarn-classic/yarn.lock"),
    "yarn-berry.lock": (yarn_lock.parse, "yarn-berry/yarn.lock"),
    "pnpm-lock.yaml": (pnpm_lock.parse, "pnpm-v9/pnpm-lock.yaml"),
    "bun.lock": (bun_lock.parse, "bun/bun.lock"),
    "requirements.txt": (python_requirements.parse, "pip-tools/requirements.txt"),
    "pyproject.toml": (pyproject.parse, "uv/pyproject.toml"),
    "setup.cfg": (setup_cfg.parse, None),
    "Pipfile": (pipfile.parse, "pipenv/Pipfile"),
    "Pipfile.lock": (pipfile_lock.parse, "pipenv/Pipfile.lock"),
    "poetry.lock": (poetry_lock.parse, "poetry/poetry.lock"),
    "uv.lock": (uv_lock.parse, "uv/uv.lock"),
    "pdm.lock": (pdm_lock.parse, "pdm/pdm.lock"),
    "pylock.toml": (pylock.parse, "uv/pylock.toml"),
}

PARSER_CLASSES = [cls for cls in ANALYZERS if isinstance(cls, type) and issubclass(cls, ParserAnalyzer)]
NAMES = {cls: (list(cls.filenames) + [p.replace("*", "x") for p in cls.patterns])[0] for cls in PARSER_CLASSES}
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.name != "README.md"]


@pytest.mark.parametrize("name", sorted(SAMPLED))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_parser_never_crashes_on_its_own_format(name: str, data: st.DataObject) -> None:
    parse, sample = SAMPLED[name]
    base = (REAL / sample).read_text(encoding="utf-8") if sample else "[options]\ninstall_requires =\n    a\n"
    cut = data.draw(st.integers(0, len(base)))
    junk = data.draw(st.text(max_size=40))
    mode = data.draw(st.sampled_from(["truncate", "insert", "random"]))
    text = base[:cut] if mode == "truncate" else (base[:cut] + junk + base[cut:] if mode == "insert" else junk)
    try:
        result = parse(name, text)
    except ParseError:
        return
    assert all(p.line >= 1 for p in result)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PARSER_CLASSES), st.sampled_from(SEEDS), st.integers(0, 4000), st.integers(0, 4000),
       st.text(max_size=40))
def test_every_parser_survives_truncated_and_spliced_inputs(cls: type[ParserAnalyzer], seed: str, cut: int, at: int,
                                                            noise: str) -> None:
    text = seed[:cut] + noise + seed[at:cut + at]
    try:
        result = cls.parse(NAMES[cls], text)
    except ParseError:
        return
    assert all(p.line >= 1 and p.purl.startswith("pkg:") for p in result)


def test_an_entry_with_an_empty_name_is_a_parse_error_not_a_crash() -> None:
    """Found by the property above: a spliced SPDX file read as composer.lock had `"name": ""`."""
    text = '{"packages": [{"name": "", "version": "1.0.0"}]}'
    with pytest.raises(ParseError, match="not a valid composer package name"):
        ComposerLockAnalyzer.parse("composer.lock", text)
