"""Grammar-aware fuzzing of the real CLI, serial, under a watchdog (issue 19).

Hypothesis picks a language (every source grammar the scanner parses natively, and the manifests
and lockfiles that interpolate or nest), a shape (deep nesting, unclosed delimiters, long chains,
self-nesting prefixes, token soup, a mutated real file) and a size; `tests/fuzz/grammars.py`
writes the file, with a planted TikTok use on its first line, beside a planted finding in another
file. The CLI must exit 0/1 within the per-file budget plus grace, write a valid SARIF, keep the
planted finding and either report the hostile file or name it in a notification.

CI runs `TIKTOK_SCAN_FUZZ_CLI_EXAMPLES` examples (default 16, derandomized; 500 random ones with the
`fuzz` profile, as `make fuzz` runs it).
With TIKTOK_SCAN_FUZZ_SAVE=1 a failing input is written to tests/fuzz/regressions/native/, which
`test_native_regressions.py` replays the same way.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.cli import plant, problems, run_cli
from tests.fuzz.grammars import GRAMMARS, MANIFESTS, SHAPES, Case, Grammar

NATIVE = Path(__file__).resolve().parent / "regressions" / "native"
LONG_RUN = os.environ.get("TIKTOK_SCAN_FUZZ_PROFILE") == "fuzz"
EXAMPLES = int(os.environ.get("TIKTOK_SCAN_FUZZ_CLI_EXAMPLES") or (500 if LONG_RUN else 16))
SIZES = (4, 64, 512, 1300, 4096, 32768)  # depth, chain length or tokens; the larger ones reach the known hangs


@st.composite
def cases(draw: st.DrawFn) -> Case:
    grammar = draw(st.sampled_from(GRAMMARS + MANIFESTS))
    return Case(grammar, draw(st.sampled_from(SHAPES)), draw(st.sampled_from(SIZES)), draw(st.integers(0, 1 << 16)))


def _save(case: Case, data: bytes) -> None:
    """Gzipped: the inputs that reach a parser's limits are large and repetitive."""
    if os.environ.get("TIKTOK_SCAN_FUZZ_SAVE") == "1":
        digest = hashlib.sha256(data).hexdigest()[:16]
        (NATIVE / f"{case.label}__{case.grammar.filename}__{digest}.gz").write_bytes(gzip.compress(data, mtime=0))


# No shrinking: one step can cost the whole watchdog; the failing case is named by its label and saved.
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG_RUN, database=None,
          phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
@given(case=cases())
def test_cli_survives_grammar_aware_inputs(case: Case) -> None:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tiktok-scan-fuzz-") as tmp:
        root = Path(tmp) / "tree"
        hostile = f"hostile/{case.grammar.filename}"
        data = case.render()
        (root / "hostile").mkdir(parents=True)
        (root / hostile).write_bytes(data)
        plant(root)
        found = problems(run_cli(root, Path(tmp) / "report.sarif"), hostile)
        if found:
            _save(case, data)
        assert found == [], f"{case.label}: {found}"


# One tree per language with every shape at a size each parser should take in its stride: every
# grammar and shape runs in every CI run, in one CLI run per language (about a second each).
MATRIX_SIZES = {"nested": 256, "unclosed": 2048, "chain": 512, "prefix-chain": 256, "soup": 1024, "mutated": 7}


@pytest.mark.parametrize("grammar", GRAMMARS + MANIFESTS, ids=lambda g: g.language)
def test_every_shape_of_a_language_in_one_tree(grammar: Grammar, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    hostile = []
    for shape, size in MATRIX_SIZES.items():
        path = f"{shape}/{grammar.filename}"
        (root / shape).mkdir(parents=True)
        (root / path).write_bytes(Case(grammar, shape, size, 0).render())
        hostile.append(path)
    plant(root)
    assert problems(run_cli(root, tmp_path / "report.sarif", files=len(hostile)), *hostile) == []
