"""lockfile/npm-package-json: dependencies declared in package.json (each workspace member on its own).

A manifest records ranges, not versions, so the purl carries a version only when the range is an
exact version. `npm:` aliases are reported under the real package name.

The manifest's own `name` is reported too (scope `self`, at its version): it says which package
these files ARE. A `node_modules/<pkg>/package.json`, a vendored copy or a published tarball
(`package/package.json`) of a TikTok SDK is that SDK even when nothing else in the tree names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.analyzers.interface import FileInput
from scanner.analyzers.lockfile._support.json import JsonDoc, load_json
from scanner.analyzers.lockfile._support.shapes import display_name, require_mapping
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import NPM
from scanner.errors import ParseError
from scanner.model import Fact, SkipReason

SECTIONS = (
    ("dependencies", None),
    ("devDependencies", "dev"),
    ("optionalDependencies", "optional"),
    ("peerDependencies", "peer"),
)
_EXACT = re.compile(r"^=?v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?)$")


def split_alias(name: str, spec: str) -> tuple[str, str]:
    """`"foo": "npm:@scope/bar@^1"` installs `@scope/bar`; returns (real name, range)."""
    if spec.startswith("npm:"):
        target = spec[4:]
        at = target.find("@", 1)
        if at == -1:
            return target, ""
        return target[:at], target[at + 1:]
    return name, spec


def exact_version(spec: str) -> str | None:
    m = _EXACT.match(spec.strip())
    return m.group(1) if m else None


def parse(path: str, text: str, problems: list[str] | None = None) -> list[DeclaredPackage]:
    """`problems`, when given, receives the sections left out because they are not objects."""
    doc = load_json(path, text)
    data = doc.data
    if not isinstance(data, dict):
        raise ParseError(f"{path}: package.json is a {type(data).__name__}, expected an object")
    root = display_name(data.get("name"), "(root)")
    out: list[DeclaredPackage] = []
    identity = _identity(data, doc)
    if identity is not None:
        out.append(identity)
    for section, scope in SECTIONS:
        try:
            deps = require_mapping(path, data.get(section), section)
        except ParseError as exc:  # one malformed section costs that section only
            if problems is not None:
                problems.append(f"{exc}".removeprefix(f"{path}: ") + "; left out")
            continue
        for key, spec in deps.items():
            spec = spec if isinstance(spec, str) else ""
            name, rng = split_alias(key, spec)
            if not name:
                continue
            pos = doc.key_position(section, key)
            if pos is None:  # pragma: no cover - every parsed key has a position
                raise ParseError(f"{path}: cannot locate {section}.{key!r}")
            version = exact_version(rng)
            out.append(DeclaredPackage(
                purl=NPM.purl(name, version), ecosystem="npm", name=name, version=version,
                line=pos[0], column=pos[1], end_column=pos[1] + len(key),
                direct=True, dependency_path=(root, name), scope=scope,
            ))
    return out


def _identity(data: dict[str, object], doc: JsonDoc) -> DeclaredPackage | None:
    """The package the manifest describes, from its `name` and `version` fields."""
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or any(c.isspace() for c in name):
        return None
    pos = doc.key_position("name")
    if pos is None:  # pragma: no cover - a parsed key always has a position
        return None
    raw = data.get("version")
    version = exact_version(raw) if isinstance(raw, str) else None
    return DeclaredPackage(
        purl=NPM.purl(name, version), ecosystem="npm", name=name, version=version,
        line=pos[0], column=pos[1], end_column=pos[1] + len("name"),
        direct=None, dependency_path=(name,), scope="self",
    )


class NpmPackageJsonAnalyzer(ParserAnalyzer):
    name = "lockfile/npm-package-json"
    filenames = ("package.json",)
    parse = staticmethod(parse)

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        problems: list[str] = []
        yield from self.facts(file, parse(file.inner_path, file.text, problems))
        self.notify(file, SkipReason.PARSE_ERROR, problems)
