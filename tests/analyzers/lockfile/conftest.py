"""The lockfile parsers' fixtures and helpers.

`tests/fixtures/lockfile/real/` holds files written by the package managers themselves (npm,
yarn, pnpm, bun, pip-tools, uv, pdm, poetry, pipenv), `native/` files written by hand in the exact
format of the tools that could not be run here (Gradle, Maven, CocoaPods, SwiftPM, pub, Go,
Cargo, Bundler, Composer, NuGet, Cordova, SBOMs); each folder's README says which tool made what.
"""

from __future__ import annotations

from pathlib import Path

from scanner.analyzers.lockfile.base import DeclaredPackage

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "lockfile"
REAL = FIXTURES / "real"
NATIVE = FIXTURES / "native"


def real(rel: str) -> tuple[str, str]:
    """(path, text) of a file under real/."""
    path = REAL / rel
    return str(path), path.read_text(encoding="utf-8")


def native_text(rel: str) -> str:
    return (NATIVE / rel).read_text(encoding="utf-8")


def by_name(packages: list[DeclaredPackage], name: str) -> DeclaredPackage:
    found = [p for p in packages if p.name == name]
    assert len(found) == 1, f"{name!r}: {[p.name for p in packages]}"
    return found[0]


def by_purl(packages: list[DeclaredPackage]) -> dict[str, DeclaredPackage]:
    return {p.purl: p for p in packages}
