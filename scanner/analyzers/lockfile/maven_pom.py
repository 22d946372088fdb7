"""lockfile/maven-pom: dependencies of a Maven `pom.xml`, with `${property}` resolution.

Reads `<dependencies>`, `<dependencyManagement>` (BOM imports and version pins) and profiles.
Properties come from `<properties>`, `project.version`/`project.groupId` and the parent's.
A version still holding `${...}` after resolution (defined in a parent POM elsewhere) is left out.
The line reported is the `<artifactId>` line of each dependency.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.xml import XmlNode, load_xml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import MAVEN
from scanner.errors import ParseError

_PROP = re.compile(r"\$\{([^}]+)\}")


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


def _expand(value: str | None, props: dict[str, str]) -> str | None:
    if value is None:
        return None
    for _ in range(10):  # properties may refer to properties
        new = _PROP.sub(lambda m: props.get(m.group(1), m.group(0)), value)
        if new == value:
            break
        value = new
    return value


def parse(path: str, text: str) -> list[DeclaredPackage]:
    project = load_xml(path, text)
    if project.tag != "project":
        raise ParseError(f"{path}: root element is <{project.tag}>, not <project>")
    props = _properties(project)
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
            group = _expand(dep.child_text("groupId"), props)
            artifact = _expand(dep.child_text("artifactId"), props)
            if not group or not artifact:
                raise ParseError(f"{path}: line {dep.line}: <dependency> without groupId/artifactId")
            if "${" in group or "${" in artifact:
                continue
            version = _expand(dep.child_text("version"), props)
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
