"""Hypothesis "never crashes" properties over every analyzer in the registry.

For each analyzer (found through `scanner.analyzers.registry.ANALYZERS`, so analyzers added later
are covered without editing this file) and each kind of file name it wants, random bytes,
truncated and mutated real fixtures and wrongly encoded text go through `Scanner.scan_bytes` with
only that analyzer: nothing may escape the error boundary, and the core itself must never report
an internal error. CI runs the `ci` profile (100 examples per target, no deadline); `make fuzz`
runs the long `fuzz` profile. A failing input is saved under tests/fuzz/regressions/ when
TIKTOK_SCAN_FUZZ_SAVE=1, and every file there is replayed by `test_regressions`.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.analyzers.interface import Analyzer
from scanner.analyzers.registry import ANALYZERS
from scanner.config import ScanConfig
from scanner.config.limits import Limits
from scanner.core.scanner import FileOutcome, Scanner
from scanner.model import SkipReason
from tests.fuzz.grammars import NEEDLES, mutate

REPO = Path(__file__).resolve().parents[2]
REGRESSIONS = Path(__file__).resolve().parent / "regressions"

# TIKTOK_SCAN_FUZZ_EXAMPLES sets the examples per target in either profile (ci: 100, fuzz: 5000 by default)
EXAMPLES = os.environ.get("TIKTOK_SCAN_FUZZ_EXAMPLES")
settings.register_profile("ci", max_examples=int(EXAMPLES or "100"), deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", max_examples=int(EXAMPLES or "5000"),
                          deadline=None, suppress_health_check=list(HealthCheck))
PROFILE = settings.get_profile(os.environ.get("TIKTOK_SCAN_FUZZ_PROFILE", "ci"))

# Names an analyzer may want: one per format family the project reads or will read.
CANDIDATE_NAMES = (
    "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock",
    "poetry.lock", "Pipfile.lock", "requirements.txt", "pyproject.toml", "uv.lock", "setup.cfg",
    "Podfile", "Podfile.lock", "Package.resolved", "Package.swift", "Cartfile.resolved", "pubspec.lock",
    "pubspec.yaml", "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "gradle.lockfile",
    "libs.versions.toml", "go.mod", "go.sum", "Cargo.lock", "Gemfile.lock", "composer.lock",
    "packages.lock.json", "AndroidManifest.xml", "Info.plist", "app.entitlements", "project.pbxproj",
    "main.py", "app.js", "app.mjs", "app.ts", "App.tsx", "App.jsx", "Main.java", "Main.kt", "App.swift",
    "App.m", "App.h", "main.go", "main.dart", "app.rb", "Program.cs", "index.php", "index.html", "App.vue",
    "config.yaml", "config.json", "strings.xml", "README.md", ".env",
    "classes.dex", "libapp.so", "App", "libSDK.dylib", "Main.class", "app.wasm", "resources.arsc", "libSDK.a",
    "app.apk", "sdk.aar", "lib.jar", "App.ipa", "bom.cdx.json", "sbom.spdx.json",
)
SAMPLE_SUFFIXES = re.compile(r"\.(json|lock|ya?ml|toml|xml|plist|gradle|kts|py|js|ts|tsx|jsx|java|kt|swift|m|go|"
                             r"dart|rb|cs|php|html|vue|md|txt|mod|sum|resolved|pbxproj|dex|so|class|a|o|dylib|"
                             r"wasm|arsc|bin|elf|macho|jar|aar|apk|ipa|zip)$")
def _names(cls: type[Analyzer]) -> list[tuple[str, bool]]:
    """(file name, is_text) pairs the analyzer wants; at most three, text first."""
    analyzer = cls()
    names: list[str] = list(getattr(cls, "filenames", ()))
    names += [p.replace("*", "x").replace("?", "x") for p in getattr(cls, "patterns", ())]
    names += list(CANDIDATE_NAMES)
    out: list[tuple[str, bool]] = []
    for is_text in (True, False):
        for name in names:
            if (name, is_text) not in out and analyzer.wants(name, is_text):
                out.append((name, is_text))
                break
    for name in names:
        if len(out) >= 3:
            break
        if (name, True) not in out and analyzer.wants(name, True):
            out.append((name, True))
    return out


TARGETS = [pytest.param(cls, name, is_text, id=f"{cls.name}:{name}")
           for cls in ANALYZERS for name, is_text in _names(cls)]


@cache
def _scanner(cls: type[Analyzer]) -> Scanner:
    # a short budget: a hang is a finding of the fuzzer, and must show as a TIMEOUT notification
    return Scanner(ScanConfig(limits=Limits(file_timeout=20.0)), analyzer_classes=(cls,))


@cache
def _samples() -> tuple[bytes, ...]:
    """Real files: the fixture trees and the examples (small ones), sorted for determinism."""
    found: list[bytes] = []
    for base in (REPO / "tests" / "fixtures", REPO / "examples"):
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.is_symlink() and SAMPLE_SUFFIXES.search(path.name) \
                    and path.stat().st_size <= 64 * 1024:
                found.append(path.read_bytes())
    return tuple(found) or (b'{"dependencies": {"tiktok-business-sdk": "1.0.0"}}\n',)


@st.composite
def hostile_bytes(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 4))
    if choice == 0:  # random bytes with a needle so the prefilter lets parsers run
        raw = draw(st.binary(max_size=2048))
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.sampled_from(NEEDLES)) + raw[at:]
    sample = draw(st.sampled_from(_samples()))
    if choice == 1:  # truncated real file
        return sample[: draw(st.integers(0, len(sample)))]
    if choice == 2:  # mutated real file
        ops = draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 255)),
                            min_size=1, max_size=12))
        return mutate(sample, ops)
    text = sample.decode("utf-8", "replace")
    if choice == 3:  # wrong encodings
        codec = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252",
                                      "utf-8-sig", "shift_jis", "utf-7"]))
        return text.encode(codec, "replace")
    # invalid UTF-8 sprinkled in
    junk = draw(st.lists(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf0\x28\x8c", b"\x00",
                                          b"\r", b"\x1b[2J", b"\xef\xbb\xbf"]), min_size=1, max_size=8))
    out = sample
    for i, piece in enumerate(junk):
        at = (len(out) * (i + 1)) // (len(junk) + 1)
        out = out[:at] + piece + out[at:]
    return out


def _save(cls: type[Analyzer], name: str, data: bytes) -> None:
    if os.environ.get("TIKTOK_SCAN_FUZZ_SAVE") != "1":
        return
    digest = hashlib.sha256(data).hexdigest()[:16]
    REGRESSIONS.mkdir(exist_ok=True)
    (REGRESSIONS / f"{cls.name.replace('/', '-')}__{name}__{digest}").write_bytes(data)


def _check(outcome: FileOutcome) -> None:
    for note in outcome.notifications:
        assert note.message and note.path
        assert "internal error" not in note.message, note.message  # the core's own boundary caught a bug
        assert note.reason is not SkipReason.TIMEOUT, note.message  # a hang on a small input is a bug
    for finding in outcome.findings:
        loc = finding.location
        assert loc.start_line >= 1 and loc.start_column >= 1


@pytest.mark.parametrize(("cls", "name", "is_text"), TARGETS)
def test_analyzer_never_escapes_the_error_boundary(cls: type[Analyzer], name: str, is_text: bool) -> None:
    scanner = _scanner(cls)

    @settings(PROFILE)
    @given(data=hostile_bytes())
    def prop(data: bytes) -> None:
        if not is_text:
            data = b"\x00" + data  # the binary sniff
        try:
            outcome = scanner.scan_bytes(name, data)
            _check(outcome)
        except BaseException:
            _save(cls, name, data)
            raise

    prop()


def test_every_analyzer_is_a_fuzz_target() -> None:
    targeted = {p.values[0] for p in TARGETS}
    assert targeted == set(ANALYZERS), set(ANALYZERS) - targeted


def _regression_files() -> list[Path]:
    return sorted(p for p in REGRESSIONS.glob("*") if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("path", _regression_files(), ids=lambda p: p.name)
def test_regressions(path: Path) -> None:
    """Inputs that once broke an analyzer or the core: `<analyzer>__<file name>__<hash>`."""
    _analyzer, name, _digest = path.name.split("__")
    scanner = Scanner(ScanConfig(limits=Limits(file_timeout=20.0)))
    _check(scanner.scan_bytes(name, path.read_bytes()))


@st.composite
def hostile_archives(draw: st.DrawFn) -> bytes:
    archive = draw(st.sampled_from(_ARCHIVES))
    if draw(st.booleans()):
        return archive[: draw(st.integers(0, len(archive)))]
    ops = draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 255)),
                        min_size=1, max_size=8))
    return mutate(archive, ops)


@settings(PROFILE)
@given(data=st.one_of(hostile_archives(), hostile_bytes()),
       name=st.sampled_from(["a.zip", "a.jar", "a.tar", "a.tgz", "a.tar.xz", "a.gz", "a.apk", "a.bin"]))
def test_archive_reader_never_escapes(data: bytes, name: str) -> None:
    """The core's own archive reader (zip, tar, gzip), on truncated and mutated real archives."""
    _check(_scanner(ANALYZERS[0]).scan_bytes(name, data))


def _archives() -> list[bytes]:
    import io
    import tarfile
    import zipfile

    out = []
    for compression in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression) as zf:
            zf.writestr("a/sdk.js", 'fetch("https://open.tiktokapis.com/v2/")\n')
            zf.writestr("inner.zip", b"PK\x03\x04" + b"\0" * 40)
        out.append(buf.getvalue())
    for mode in ("w", "w:gz", "w:bz2", "w:xz"):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode=mode) as tf:  # type: ignore[call-overload]
            data = b'fetch("https://open.tiktokapis.com/v2/")\n'
            info = tarfile.TarInfo("package/sdk.js")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        out.append(buf.getvalue())
    return out


_ARCHIVES = _archives()
