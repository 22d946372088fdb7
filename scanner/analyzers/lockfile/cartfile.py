"""lockfile/cartfile: Carthage's Cartfile (the grammar Cartfile.resolved shares).

One dependency per line: `github "owner/repo" ~> 1.0`, `git "url" "branch"`, `binary "url" ~> 1.0`;
the resolved file pins exact versions/commits. GitHub repos become `pkg:github/owner/repo`.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.purl import github_repo
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import GENERIC, GITHUB
from scanner.errors import ParseError

_LINE = re.compile(r'^(?P<kind>github|git|binary)\s+"(?P<src>[^"]+)"(?:\s+(?P<req>.+?))?\s*$')


def parse_cartfile(path: str, text: str, resolved: bool) -> list[DeclaredPackage]:
    out: list[DeclaredPackage] = []
    for lineno, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()  # URLs in Cartfiles carry no fragments
        if not line:
            continue
        m = _LINE.match(line)
        if m is None:
            raise ParseError(f"{path}: line {lineno}: not a Carthage dependency: {line!r}")
        kind, src, req = m.group("kind"), m.group("src"), (m.group("req") or "").strip().strip('"')
        version = req if resolved and req else exact_version(req.lstrip("=").strip() if req.startswith("==") else None)
        if kind == "binary":
            stem = src.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
            purl = GENERIC.purl(stem, version, qualifiers={"download_url": src})
            name = stem
        else:
            repo = (tuple(src.split("/", 1)) if kind == "github" and "://" not in src else github_repo(src))
            if repo is not None and len(repo) == 2:
                owner, name_ = repo[0], repo[1].removesuffix(".git")
                purl = GITHUB.purl(name_, version, namespace=owner)
                name = f"{owner}/{name_}"
            else:
                stem = src.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
                purl = GENERIC.purl(stem, version, qualifiers={"vcs_url": f"git+{src}"})
                name = stem
        col = raw.index('"') + 1
        out.append(DeclaredPackage(
            purl=purl, ecosystem="github" if purl.startswith("pkg:github/") else "generic", name=name,
            version=version, line=lineno, column=col, end_column=col + len(src) + 2,
            direct=None if resolved else True))
    return out


def parse(path: str, text: str) -> list[DeclaredPackage]:
    return parse_cartfile(path, text, resolved=False)


class CartfileAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/cartfile"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Cartfile", "Cartfile.private")
    parse = staticmethod(parse)
