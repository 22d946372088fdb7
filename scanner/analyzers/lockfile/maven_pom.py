"""lockfile/maven-pom: dependencies of a Maven `pom.xml`, with `${property}` resolution.

Reads `<dependencies>`, `<dependencyManagement>` (BOM imports and version pins) and profiles.
Properties come from `<properties>`, `project.version`/`project.groupId` and the parent's.
A version still holding `${...}` after resolution (defined in a parent POM elsewhere) is left out.
Expansion is bounded (nesting depth, expanded size): a property that refers to itself many times
would otherwise grow exponentially. A value over a bound stays unresolved and the file gets a
`limit` notification; the other dependencies are still reported.
The line reported is the `<artifactId>` line of each dependency.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.xml import XmlNode, load_xml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import MAVEN
from scanner.errors import ParseError
from scanner.model import Fact, SkipReason

_PROP = re.compile(r"\$\{([^}]+)\}")
MAX_DEPTH = 10  # properties referring to properties, levels
MAX_EXPANDED = 64 * 1024  # characters of one expanded value


def _properties(project: XmlNode) -> dict[str, str]:
    props: dict[str, str] = {}
    parent = project.find("parent")
    for prefix, node in (("project.parent.", parent), ("parent.", parent), ("project.", project), ("pom.", project)):
        if node is None:
            continue
        for key in ("groupId", "artifactId", "version"):
            value = node.child_text(key)
            if value:
                props[prefix + key] = value
    if parent is not None:
        for key in ("groupId", "version"):
            value = parent.child_text(key)
            if value:
                props.setdefault("project." + key, value)
    for section in [project.find("properties"), *(p.find("properties") for p in _profiles(project))]:
        if section is not None:
            for child in section.children:
                props.setdefault(child.tag, child.text.strip())
    return props


def _profiles(project: XmlNode) -> list[XmlNode]:
    profiles = project.find("profiles")
    return profiles.findall("profile") if profiles is not None else []


class _TooBig(Exception):
    pass


class _Expander:
    """`${name}` resolution, bounded in depth and size, memoised per value."""

    def __init__(self, props: dict[str, str], notes: list[str]) -> None:
        self.props = props
        self.notes = notes
        self._done: dict[str, str] = {}

    def __call__(self, value: str | None) -> str | None:
        if value is None or "${" not in value:
            return value
        done = self._done.get(value)
        if done is None:
            done = self._done[value] = self._expand(value)
        return done

    def _expand(self, value: str) -> str:
        for _ in range(MAX_DEPTH):
            size = len(value)

            def substitute(m: re.Match[str]) -> str:
                nonlocal size
                out = self.props.get(m.group(1), m.group(0))
                size += len(out)
                if size > MAX_EXPANDED:  # checked while substituting: one round can multiply the size
                    raise _TooBig
                return out

            try:
                new = _PROP.sub(substitute, value)
            except _TooBig:
                self.notes.append(f"a property value expands past {MAX_EXPANDED} characters; left unresolved")
                return value  # still holds `${`: the caller treats it as unresolved
            if new == value:
                return value
            value = new
        if _PROP.search(value):
            self.notes.append(f"properties nested deeper than {MAX_DEPTH} levels; left unresolved")
        return value


def parse(path: str, text: str, notes: list[str] | None = None,
          problems: list[str] | None = None) -> list[DeclaredPackage]:
    """`notes`, when given, receives what was left unresolved at a bound (one line per problem);
    `problems` the dependency entries left out because they are malformed (the others are kept)."""
    project = load_xml(path, text)
    if project.tag != "project":
        raise ParseError(f"{path}: root element is <{project.tag}>, not <project>")
    expand = _Expander(_properties(project), notes if notes is not None else [])
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []
    containers: list[tuple[XmlNode, str | None]] = [(project, None)]
    containers += [(p, None) for p in _profiles(project)]
    for owner, _ in list(containers):
        dm = owner.find("dependencyManagement")
        if dm is not None:
            containers.append((dm, "dependencyManagement"))
    for owner, section in containers:
        deps = owner.find("dependencies")
        if deps is None:
            continue
        for dep in deps.findall("dependency"):
            group = expand(dep.child_text("groupId"))
            artifact = expand(dep.child_text("artifactId"))
            if not group or not artifact:
                if problems is not None:
                    problems.append(f"line {dep.line}: <dependency> without groupId/artifactId; left out")
                continue
            if "${" in group or "${" in artifact:
                continue
            version = expand(dep.child_text("version"))
            if version and "${" in version:
                version = None
            scope = dep.child_text("scope") or section
            qualifiers = {k: v for k, v in (("classifier", dep.child_text("classifier")),
                                            ("type", dep.child_text("type"))) if v and v != "jar"}
            anchor = dep.find("artifactId")
            line = anchor.line if anchor else dep.line
            column, end_column = lines.span(line, artifact)
            out.append(DeclaredPackage(
                purl=MAVEN.purl(artifact, version, namespace=group, qualifiers=qualifiers), ecosystem="maven",
                name=f"{group}:{artifact}", version=version, line=line, column=column, end_column=end_column,
                direct=True if section is None else None, scope=scope))
    return sorted(out, key=lambda p: p.line)


class MavenPomAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/maven-pom"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("pom.xml",)
    patterns: ClassVar[tuple[str, ...]] = ("*.pom",)
    parse = staticmethod(parse)

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        notes: list[str] = []
        problems: list[str] = []
        yield from self.facts(file, parse(file.inner_path, file.text, notes, problems))
        self.notify(file, SkipReason.LIMIT, notes)
        self.notify(file, SkipReason.PARSE_ERROR, problems)
