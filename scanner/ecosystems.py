"""What the scanner knows about each package ecosystem: one record per purl type.

A record says how the ecosystem's names become a purl (`purl`), how two names are compared
(`normalize`: PEP 503 for PyPI, the root pod for CocoaPods subspecs, case folding where the
registry ignores case) and which literals a file declaring the package must contain (`literals`,
for the prefilter). Lockfile parsers, the matcher and the prefilter all ask these records, so an
ecosystem rule is written once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from scanner.errors import ParseError

Split = Callable[[str], tuple[str | None, str, str | None]]  # written name -> (namespace, name, subpath)
Literals = Callable[[list[str], str], set[str]]  # purl path segments, name -> prefilter literals


def pep503(name: str) -> str:
    """PEP 503: the name PyPI compares (`TikTokLive` and `tiktok_live` differ; `Tik.Tok_Live` == `tik-tok-live`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# -- how a name as the ecosystem writes it splits into purl parts ---------------------------------


def _plain(name: str) -> tuple[str | None, str, str | None]:
    return None, name, None


def _npm_scope(name: str) -> tuple[str | None, str, str | None]:
    """`@scope/name` -> namespace `@scope`; an unscoped name has none."""
    if not name.startswith("@"):
        return None, name, None
    namespace, _, short = name.rpartition("/")
    return namespace, short, None


def _last_segment(name: str) -> tuple[str | None, str, str | None]:
    """Go modules: the last path element is the name (`github.com/a/b/v3` -> ns `github.com/a/b`, `v3`)."""
    namespace, _, short = name.rpartition("/")
    return namespace, short, None


def _vendor(name: str) -> tuple[str | None, str, str | None]:
    """Composer: `vendor/package`."""
    vendor, _, short = name.partition("/")
    return vendor, short, None


def _subspec(name: str) -> tuple[str | None, str, str | None]:
    """CocoaPods: `Root/Sub/Spec` is the root pod with the subspec as purl subpath."""
    root, _, sub = name.partition("/")
    return None, root, sub


def _pypi(name: str) -> tuple[str | None, str, str | None]:
    return None, pep503(name), None


# -- which literals the prefilter looks for (see core/prefilter.py) --------------------------------


def _name_literal(parts: list[str], name: str) -> set[str]:
    return {name or parts[-1]}


def _pypi_literals(parts: list[str], name: str) -> set[str]:
    """PyPI names are written with `-` or `_` interchangeably (`tiktok-live`, `tiktok_live`)."""
    out = _name_literal(parts, name)
    return out | {o.replace("-", "_") for o in out} | {o.replace("_", "-") for o in out}


def _group_literal(parts: list[str], name: str) -> set[str]:
    """Maven: the group (`com.tiktok.open.sdk`), which Gradle `group:artifact`, poms and locks all write."""
    return {parts[0]}


def _repository_literal(parts: list[str], name: str) -> set[str]:
    """Go, Swift, GitHub: `owner/repo`, never the host (`github.com`) alone."""
    path = parts[1:] if "." in parts[0] and len(parts) > 1 else parts
    return {"/".join(path[:2])} if len(path) >= 2 else {path[0]}


def _scope_literal(parts: list[str], name: str) -> set[str]:
    """npm: `@scope/name` for a scoped package (the name alone may be a common word)."""
    if parts[0].startswith("@"):
        return {"/".join(parts[:2])} if len(parts) >= 2 else {parts[0]}
    return _name_literal(parts, name)


@dataclass(frozen=True)
class Ecosystem:
    """One package ecosystem, keyed by its purl type."""

    purl_type: str
    display: str  # how people name it: "PyPI", "CocoaPods"
    split: Split = _plain  # a name as the ecosystem writes it -> purl namespace, name, subpath
    namespaced: bool = True  # False: the purl name alone identifies a package (PyPI, CocoaPods)
    fold_case: bool = False  # the registry ignores case
    name_key: Callable[[str], str] = str  # the name as the registry compares it
    literals: Literals = _name_literal

    def purl(self, name: str, version: str | None = None, *, namespace: str | None = None,
             subpath: str | None = None, qualifiers: Mapping[str, str] | None = None) -> str:
        """A canonical purl string (packageurl-python escapes it).

        Without `namespace`, `name` is the name as the ecosystem writes it (`@scope/pkg`,
        `github.com/org/mod`, `vendor/pkg`, `Pod/Subspec`) and is split here.
        """
        from packageurl import PackageURL

        if namespace is None:
            namespace, name, split_subpath = self.split(name)
            subpath = subpath or split_subpath
        try:
            return PackageURL(type=self.purl_type, namespace=namespace or None, name=name, version=version or None,
                              qualifiers=dict(qualifiers) if qualifiers else None, subpath=subpath or None).to_string()
        except ValueError as exc:  # a name the file gives that no purl can hold (empty, say)
            raise ParseError(f"package {name!r}: not a valid {self.purl_type} package name ({exc})") from exc

    def normalize(self, namespace: str, name: str) -> tuple[str, str]:
        """(namespace, name) as the ecosystem compares them."""
        if not self.namespaced:
            namespace = ""
        if self.fold_case:
            namespace, name = namespace.lower(), name.lower()
        return namespace, self.name_key(name)


def _root_pod(name: str) -> str:
    return name.split("/", 1)[0]


NPM = Ecosystem("npm", "npm", split=_npm_scope, literals=_scope_literal)  # case-sensitive
PYPI = Ecosystem("pypi", "PyPI", split=_pypi, namespaced=False, name_key=pep503, literals=_pypi_literals)
MAVEN = Ecosystem("maven", "Maven", literals=_group_literal)  # case-sensitive
COCOAPODS = Ecosystem("cocoapods", "CocoaPods", split=_subspec, namespaced=False, name_key=_root_pod)
SWIFT = Ecosystem("swift", "Swift Package Manager", split=_last_segment, fold_case=True,
                  literals=_repository_literal)
PUB = Ecosystem("pub", "pub (Dart/Flutter)", fold_case=True)
GOLANG = Ecosystem("golang", "Go modules", split=_last_segment, fold_case=True, literals=_repository_literal)
CARGO = Ecosystem("cargo", "Cargo (crates.io)", fold_case=True)
GEM = Ecosystem("gem", "RubyGems", fold_case=True)
COMPOSER = Ecosystem("composer", "Composer (Packagist)", split=_vendor, fold_case=True)
NUGET = Ecosystem("nuget", "NuGet", fold_case=True)
GITHUB = Ecosystem("github", "GitHub repository", fold_case=True, literals=_repository_literal)
GENERIC = Ecosystem("generic", "generic download")

ECOSYSTEMS: dict[str, Ecosystem] = {e.purl_type: e for e in (
    NPM, PYPI, MAVEN, COCOAPODS, SWIFT, PUB, GOLANG, CARGO, GEM, COMPOSER, NUGET, GITHUB, GENERIC)}


def for_type(purl_type: str) -> Ecosystem:
    """The record for a purl type; a type the scanner has no rules for (`deb`, from an SBOM) compares as written."""
    found = ECOSYSTEMS.get(purl_type)
    return found if found is not None else Ecosystem(purl_type, purl_type)


def normalize_package(purl_type: str, namespace: str | None, name: str) -> tuple[str, str]:
    """Names as each ecosystem compares them, from purl parts that may still be percent-encoded."""
    return for_type(purl_type).normalize(unquote(namespace or ""), unquote(name))


def package_literals(purl: str) -> set[str]:
    """Literals that any file declaring the package must contain, as distinctive as possible.

    A name that is a common word (`client`, `typings`) is only looked for with what always comes
    with it: the Maven group (Gradle `group:artifact`, pom `<groupId>`, lockfiles), the npm scope
    (`@scope/name`), the Go/Swift path without its host (`owner/repo`, never `github.com` alone).
    """
    kind = purl[4:].split("/", 1)[0] if purl.startswith("pkg:") else ""
    body = purl.split(":", 1)[1].split("/", 1)[1] if "/" in purl else purl
    body = body.rstrip("*").replace("%40", "@").replace("%2F", "/")
    parts = [p for p in body.split("/") if p]
    if not parts:
        return set()
    name = parts[-1] if not body.endswith("/") else ""
    return {o for o in for_type(kind).literals(parts, name) if o}
