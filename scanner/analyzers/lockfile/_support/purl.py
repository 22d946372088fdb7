"""Packages named by a git URL (SwiftPM, Carthage) and packages an SBOM names by purl."""

from __future__ import annotations

import re

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile.base import DeclaredPackage
from scanner.ecosystems import SWIFT

_GIT_URL = re.compile(r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:]+)[:/](?P<path>.+?)(?:\.git)?/*$", re.IGNORECASE)


def swift_purl(url: str, version: str | None = None) -> str | None:
    """`pkg:swift/github.com/owner/repo` from a git URL (https, ssh or scp-like); None if not a URL."""
    m = _GIT_URL.match(url.strip())
    if m is None or "/" not in m.group("path"):
        return None
    host = m.group("host").lower()
    namespace, _, name = m.group("path").rpartition("/")
    return SWIFT.purl(name, version, namespace=f"{host}/{namespace}")


def github_repo(url: str) -> tuple[str, str] | None:
    """(owner, repo) for a github.com git URL."""
    m = _GIT_URL.match(url.strip())
    if m is None or m.group("host").lower() != "github.com":
        return None
    parts = m.group("path").split("/")
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


def declared_from_purl(purl: str, offset: int, lines: LineIndex, direct: bool | None, path: tuple[str, ...],
                       scope: str | None = None) -> DeclaredPackage | None:
    """The package a purl string names, at the offset of its opening quote; None when the string is
    not a valid purl (SBOMs in the wild carry broken ones)."""
    from packageurl import PackageURL

    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        return None
    sep = ":" if parsed.type == "maven" else "/"
    name = f"{parsed.namespace}{sep}{parsed.name}" if parsed.namespace else parsed.name
    line, column = lines.position(offset)
    return DeclaredPackage(
        purl=parsed.to_string(), ecosystem=parsed.type, name=name, version=parsed.version,
        line=line, column=column, end_column=column + len(purl) + 2,
        direct=direct, dependency_path=path, scope=scope)
