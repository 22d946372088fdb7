"""The thin analyzer around a manifest/lockfile parser.

A parser is a plain function `parse(path, text) -> list[DeclaredPackage]` that records the line
declaring each package (anchore/syft's `parse_*` style). The analyzer class only routes files to
it and turns its packages into PACKAGE facts; matching decides which are TikTok's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.routing import NameRouted
from scanner.model import Context, Fact, FactKind, Level, Location, Notification, PackageRef, Related, SkipReason


@dataclass(frozen=True)
class DeclaredPackage:
    """A package as a manifest or lockfile declares it. `line`/`column` are 1-based."""

    purl: str
    ecosystem: str
    name: str
    version: str | None
    line: int
    column: int = 1
    end_column: int | None = None
    direct: bool | None = None
    dependency_path: tuple[str, ...] = ()
    scope: str | None = None
    related: tuple[Related, ...] = ()  # where the coordinates came from (a version catalog line)


Parser = Callable[[str, str], list[DeclaredPackage]]


def declared_at(lines: LineIndex, offset: int, length: int, purl: str, ecosystem: str, name: str,
                version: str | None, *, direct: bool | None, scope: str | None) -> DeclaredPackage:
    """A package named by the `length` characters at 0-based `offset` of the text `lines` indexes."""
    line, column = lines.position(offset)
    return DeclaredPackage(purl=purl, ecosystem=ecosystem, name=name, version=version, line=line, column=column,
                           end_column=column + length, direct=direct, scope=scope)


class ParserAnalyzer(NameRouted):
    """Subclasses set `name`, `version`, `filenames` (exact basenames) or `patterns` (globs), `parse`."""

    name: ClassVar[str]
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 5
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    @staticmethod
    def parse(path: str, text: str) -> list[DeclaredPackage]:
        raise TypeError("a ParserAnalyzer subclass must define parse()")

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        yield from self.facts(file, type(self).parse(file.inner_path, file.text))

    def notify(self, file: FileInput, reason: SkipReason, messages: list[str]) -> None:
        """One warning per distinct message: what a parser left out (an entry, a value past a bound)."""
        for message in dict.fromkeys(messages):
            file.notifications.append(Notification(file.display_path, reason, f"{file.display_path}: {message}",
                                                   Level.WARNING, self.name))

    def facts(self, file: FileInput, packages: list[DeclaredPackage]) -> Iterator[Fact]:
        """PACKAGE facts for `packages` found in `file`."""
        for pkg in packages:
            end_col = pkg.end_column or pkg.column + 1
            yield Fact(
                kind=FactKind.PACKAGE,
                value=pkg.purl,
                location=Location(path=file.path, members=file.members, start_line=pkg.line,
                                  start_column=pkg.column, end_line=pkg.line, end_column=end_col),
                context=Context.DEPENDENCY,
                analyzer=self.name,
                evidence=pkg.name + (f"@{pkg.version}" if pkg.version else ""),
                package=PackageRef(purl=pkg.purl, ecosystem=pkg.ecosystem, name=pkg.name, version=pkg.version,
                                   direct=pkg.direct, dependency_path=pkg.dependency_path, scope=pkg.scope),
                related=pkg.related,
            )
