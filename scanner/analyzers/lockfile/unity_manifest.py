"""lockfile/unity-manifest: a Unity project's `Packages/manifest.json` (Unity Package Manager).

`"dependencies": {"com.google.ads.mobile.mediation.pangle": "5.9.1", ...}` names the packages the
project pulls in (a version, or a git URL / `file:` path instead of one), each reported where it is
named. UPM has no purl type of its own (none is registered in the purl spec), so its packages are
`pkg:generic/upm/<name>@<version>`: `generic` is the spec's type for what no other type covers, and
the `upm` namespace keeps these reverse-DNS names apart from other generic packages. The names are
global across registries (a `scopedRegistries` entry only says where a name prefix is fetched
from), so the namespace is not the registry. `scopedRegistries` itself names no package and is not
read. `manifest.json` is a common name (web app manifests, browser extensions): only the one in a
`Packages/` folder is read.
"""

from __future__ import annotations

from typing import ClassVar

from scanner.analyzers.lockfile._support.json import load_json
from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer, declared_at
from scanner.ecosystems import GENERIC
from scanner.errors import ParseError

UPM_NAMESPACE = "upm"


def upm_package(lines: LineIndex, offset: int, name: str, version: str | None, *, direct: bool | None,
                scope: str | None = None) -> DeclaredPackage:
    """The UPM package `name` whose name starts at 0-based `offset` (the character after its quote)."""
    return declared_at(lines, offset, len(name), GENERIC.purl(name, version, namespace=UPM_NAMESPACE), "generic",
                       name, version, direct=direct, scope=scope)


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    doc = load_json(path, text)
    deps = doc.data.get("dependencies") if isinstance(doc.data, dict) else None
    if deps is None:
        return []
    if not isinstance(deps, dict):
        raise ParseError(f"{path}: `dependencies` is not an object")
    lines = LineIndex(doc.text)
    out: list[DeclaredPackage] = []
    for name, spec in deps.items():
        offset = doc.key("dependencies", name)
        if not name or offset is None:
            continue
        version = exact_version(spec) if isinstance(spec, str) else None
        out.append(upm_package(lines, offset + 1, name, version, direct=True))
    return out


class UnityManifestAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/unity-manifest"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Packages/manifest.json",)  # a path: `manifest.json` alone is common
    _suffixes: ClassVar[tuple[str, ...]] = tuple("/" + f for f in filenames)  # built once: wants() sees every file
    parse = staticmethod(parse)

    def wants(self, path: str, is_text: bool) -> bool:
        return is_text and (path in self.filenames or path.endswith(self._suffixes))
