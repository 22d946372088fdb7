"""Group findings into components: one product used in one place (docs/design/components.md).

A finding stays one rule at one location; a component answers "which TikTok product does this
software use, where, and how": the product comes from the rule (signature data), the place from the
path alone (one table of package-instance markers), the kind of evidence from the rule's category
and the finding's context. Pure: reads no file, so every report builds the same components.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from scanner.model import (
    MENTION_CONTEXTS,
    Component,
    Context,
    Evidence,
    EvidenceKind,
    FactKind,
    Finding,
    Level,
    Location,
    PackageRef,
    Place,
    PlaceKind,
    ScanResult,
)
from scanner.rules.model import NOT_COMPONENTS, PRODUCTS, Rule

# -- places ---------------------------------------------------------------------------------------

# A directory segment that starts a third-party package instance, how many segments after it name
# the instance, and the purl type of what it holds (None: not one ecosystem).
_DIR_MARKERS: dict[str, tuple[int, str | None]] = {
    "node_modules": (1, "npm"),  # `@scope/name` takes one more (below)
    "bower_components": (1, "npm"),
    "site-packages": (1, "pypi"),
    "dist-packages": (1, "pypi"),
    "Pods": (1, "cocoapods"),
    "vendor": (1, None),  # Go's `vendor/example.com/owner/repo` takes two more (below)
    "third_party": (1, None),
    "third-party": (1, None),
    "external": (1, None),
}
# a two-segment marker: `Carthage/Checkouts/X`, SwiftPM's `.build/checkouts/X`, Xcode's `SourcePackages/checkouts/X`
_PAIR_MARKERS: dict[tuple[str, str], str | None] = {
    ("Carthage", "Checkouts"): None,
    (".build", "checkouts"): "swift",
    ("SourcePackages", "checkouts"): "swift",
}
# CocoaPods' own folders under Pods/, which hold files of many pods: the pod is the next segment
_PODS_SHARED = {"Target Support Files": 1, "Headers": 2, "Local Podspecs": 0, "Pods.xcodeproj": 0}
# bundles that are an instance by themselves (a vendored framework)
_BUNDLE_SUFFIXES = (".xcframework", ".framework")
# archives whose members are one third-party package; any other archive (an app) is a binary place
_PACKAGE_ARCHIVES = (".tgz", ".tar.gz", ".whl", ".egg", ".jar", ".aar", ".gem", ".nupkg", ".crate", ".zip")
_WHEEL = re.compile(r"^(?P<name>[A-Za-z0-9_.]+)-(?P<version>[0-9][^-]*)-")
_NAME_VERSION = re.compile(r"^(?P<name>.+?)-(?P<version>[0-9][0-9A-Za-z.+_-]*)$")
_DIST_INFO = re.compile(r"^(?P<name>.+?)-(?P<version>[0-9][^-]*)\.(?:dist|egg)-info$")


@dataclass(frozen=True)
class _Instance:
    kind: PlaceKind
    root: str
    ecosystem: str | None = None
    name: str | None = None
    version: str | None = None
    vendored: bool = False  # copied into the tree by hand (vendor/, third_party/, a framework), not installed


def instance_of(location: Location, binary: bool = False) -> _Instance | None:
    """The package instance or binary a location is inside, or None for first-party code.

    `binary`: the finding was made in compiled content (a binary place when no instance holds it).
    """
    found = _dir_instance(location.path)
    if location.members:
        chain = (location.path, *location.members[:-1])  # the archives holding the file, outermost first
        inner = _dir_instance(location.members[-1])
        if inner is not None:  # node_modules/x, a framework... inside an archive
            return _Instance(inner.kind, "!/".join((*chain, inner.root)), inner.ecosystem, inner.name, inner.version,
                             inner.vendored)
        # the outermost package archive is the package (an AAR and its classes.jar are one); an app
        # (APK, IPA) is a binary, and a package archive inside it (a JAR in an APK) a package
        for depth, archive in enumerate(chain):
            if archive.lower().endswith(_PACKAGE_ARCHIVES):
                eco, name, version = _archive_identity(archive.rsplit("/", 1)[-1])
                return _Instance(PlaceKind.PACKAGE, "!/".join(chain[: depth + 1]), eco, name, version)
        if found is not None:
            return found  # an app archive inside an installed package: the package is the place
        return _Instance(PlaceKind.BINARY, location.path)
    if found is not None:
        return found
    if binary:
        return _Instance(PlaceKind.BINARY, location.path)
    return None


def _dir_instance(path: str) -> _Instance | None:
    """The innermost package instance named by the directories of `path` (a framework inside an
    xcframework stays the xcframework)."""
    parts = path.split("/")
    best: _Instance | None = None
    i = 0
    while i < len(parts) - 1:
        seg = parts[i]
        nxt = parts[i + 1]
        if (seg, nxt) in _PAIR_MARKERS and i + 2 < len(parts) - 1:
            best = _Instance(PlaceKind.PACKAGE, "/".join(parts[: i + 3]), _PAIR_MARKERS[(seg, nxt)], parts[i + 2],
                             vendored=seg == "Carthage")
            i += 3
            continue
        marker = _DIR_MARKERS.get(seg)
        if marker is not None and i + 1 < len(parts) - 1:
            take, eco = marker
            if seg == "node_modules" and nxt.startswith("@") and i + 2 < len(parts) - 1:
                take = 2
            elif seg == "vendor" and "." in nxt and i + 3 < len(parts) - 1:
                take = 3  # Go: vendor/example.com/owner/repo
            elif seg == "Pods" and nxt in _PODS_SHARED:
                skip = _PODS_SHARED[nxt]
                if skip == 0 or i + 1 + skip >= len(parts) - 1:
                    i += 1
                    continue
                name = parts[i + 1 + skip]
                best = _Instance(PlaceKind.PACKAGE, "/".join((*parts[:i], "Pods", name)), eco, name)
                i += 2 + skip
                continue
            root_parts = parts[: i + 1 + take]
            name = "/".join(parts[i + 1 : i + 1 + take])
            version = None
            if eco == "pypi":
                m = _DIST_INFO.match(name)
                if m:  # the installed distribution's metadata: the same instance as its import package
                    name, version = m["name"], m["version"]
                    root_parts = [*parts[: i + 1], name]
            best = _Instance(PlaceKind.PACKAGE, "/".join(root_parts), eco, name, version, vendored=eco is None)
            i += 1 + take
            continue
        if seg.endswith(_BUNDLE_SUFFIXES) and not (best is not None and best.root.endswith(".xcframework")
                                                  and path.startswith(best.root + "/")):
            best = _Instance(PlaceKind.PACKAGE, "/".join(parts[: i + 1]), None, seg.rsplit(".", 1)[0], vendored=True)
        i += 1
    return best


def _archive_identity(name: str) -> tuple[str | None, str | None, str | None]:
    lower = name.lower()
    if lower.endswith(".whl"):
        m = _WHEEL.match(name)
        return ("pypi", m["name"], m["version"]) if m else ("pypi", None, None)
    for suffix, eco in ((".tgz", "npm"), (".tar.gz", "pypi"), (".gem", "gem"), (".nupkg", "nuget"),
                        (".crate", "cargo"), (".jar", "maven"), (".aar", "maven")):
        if lower.endswith(suffix):
            m = _NAME_VERSION.match(name[: -len(suffix)])
            return (eco, m["name"], m["version"]) if m else (eco, name[: -len(suffix)], None)
    return (None, None, None)


# -- evidence -------------------------------------------------------------------------------------

_RESOLVING = ("-lock", "-lockfile", "-resolved", "go-sum", "sbom-", "python-metadata")


def evidence_kind(finding: Finding, rule: Rule | None) -> EvidenceKind:
    """How a finding shows its product: from the rule's category and the finding's context."""
    category = rule.category if rule is not None else ""
    ctx = finding.context
    if ctx in MENTION_CONTEXTS or category == "mention":
        return EvidenceKind.MENTIONED
    if category == "vendored-code" or finding.kind is FactKind.FILE_HASH:
        return EvidenceKind.VENDORED
    if category == "binary-sdk" or ctx is Context.BINARY or finding.kind in (FactKind.CLASS, FactKind.LIBRARY):
        return EvidenceKind.SHIPPED
    if category == "sdk-dependency" or ctx is Context.DEPENDENCY or finding.kind is FactKind.PACKAGE:
        resolving = finding.analyzer.startswith("lockfile/") and any(t in finding.analyzer for t in _RESOLVING)
        return EvidenceKind.RESOLVED if resolving else EvidenceKind.DECLARED
    if ctx is Context.IMPORT or finding.kind is FactKind.MODULE:
        return EvidenceKind.IMPORTED
    if finding.kind in (FactKind.HOST, FactKind.URL) and ctx is Context.CALL:
        # a URL that reaches an HTTP client (issue 15's sinks) calls the service, not an SDK: no
        # package declares it, so it must not read as "used without a declaration"
        return EvidenceKind.ENDPOINT
    if ctx is Context.CALL:
        return EvidenceKind.CALLED
    if ctx is Context.CONFIG or (finding.kind in (FactKind.MARKER, FactKind.SCHEME) and ctx is Context.STRING):
        return EvidenceKind.CONFIGURED
    if finding.kind in (FactKind.HOST, FactKind.URL):
        return EvidenceKind.ENDPOINT
    return EvidenceKind.CALLED  # a symbol or identifier in code, markup that loads the SDK


_ORDER = {k: i for i, k in enumerate(EvidenceKind)}
_DECLARING = frozenset({EvidenceKind.DECLARED, EvidenceKind.RESOLVED})
# what makes a component "used" for declared-vs-used: code that needs the SDK (an endpoint needs none,
# configuration alone is set-up left behind)
_CODE_USE = frozenset({EvidenceKind.CALLED, EvidenceKind.IMPORTED})
_SDK_USE = _CODE_USE | {EvidenceKind.VENDORED}


# -- components -----------------------------------------------------------------------------------


def rules_of(result: ScanResult) -> dict[str, Rule]:
    return {r.id: r for r in result.rules if isinstance(r, Rule)}


def build_components(result: ScanResult, include_suppressed: bool = False) -> list[Component]:
    """The components of a scan, from its (unsuppressed) findings; sorted by place, then product."""
    return components_of(result.findings, rules_of(result),
                         lambda f: include_suppressed or f.suppressed is None)


def components_of(findings: Sequence[Finding], rules: Mapping[str, Rule],
                  keep: Callable[[Finding], bool] = lambda f: True) -> list[Component]:
    """Components over `findings` (indexes in the result are positions in `findings`)."""
    return components_at(findings, rules, places_of(findings, rules, keep))


def components_at(findings: Sequence[Finding], rules: Mapping[str, Rule],
                  places: Mapping[int, tuple[str, Place]]) -> list[Component]:
    """Components of the findings `places` names, at the (product, place) it gives each (from
    `places_of`; a reporter may pass a part of it to describe some of a component's findings)."""
    groups: dict[tuple[str, Place], dict[EvidenceKind, list[int]]] = defaultdict(lambda: defaultdict(list))
    levels: dict[tuple[str, Place], Level] = {}
    for i, (product, place) in places.items():
        key = (product, place)
        groups[key][evidence_kind(findings[i], rules.get(findings[i].rule_id))].append(i)
        level = findings[i].level
        levels[key] = level if key not in levels or level.rank > levels[key].rank else levels[key]
    declared_fp: dict[str, list[str]] = defaultdict(list)  # product -> first-party roots that declare it
    used_fp: dict[str, list[str]] = defaultdict(list)  # product -> first-party roots that use it in code
    for (product, place), kinds in groups.items():
        if place.kind is PlaceKind.FIRST_PARTY:
            if _DECLARING & kinds.keys():
                declared_fp[product].append(place.root)
            if _CODE_USE & kinds.keys():
                used_fp[product].append(place.root)
    out = []
    for (product, place), kinds in groups.items():
        kind_set = set(kinds)
        declared_unused = (place.kind is PlaceKind.FIRST_PARTY and bool(_DECLARING & kind_set)
                           and not any(_under(root, place.root) for root in used_fp[product]))
        if place.vendored:  # a hand copy: whatever the manifests say, nothing declares this copy
            used_undeclared = bool((_SDK_USE | {EvidenceKind.SHIPPED}) & kind_set)
        else:
            used_undeclared = (place.kind is PlaceKind.FIRST_PARTY and bool(_SDK_USE & kind_set)
                               and not _DECLARING & kind_set
                               and not any(_under(place.root, root) for root in declared_fp[product]))
        evidence = tuple(Evidence(k, tuple(sorted(v))) for k, v in sorted(kinds.items(), key=lambda kv: _ORDER[kv[0]]))
        out.append(Component(product=product, place=place, evidence=evidence, level=levels[(product, place)],
                             declared_unused=declared_unused, used_undeclared=used_undeclared))
    return sorted(out, key=lambda c: (c.place.kind is not PlaceKind.FIRST_PARTY, c.place.root, c.place.kind.value,
                                      c.product))


def _under(path: str, root: str) -> bool:
    """`path` is `root` or inside it ("" is the repository: everything is under it)."""
    return not root or path == root or path.startswith(root + "/")


def places_of(findings: Sequence[Finding], rules: Mapping[str, Rule],
              keep: Callable[[Finding], bool] = lambda f: True) -> dict[int, tuple[str, Place]]:
    """(product, place) of every kept finding whose rule names a component product, by index.

    The instance of a path and the package reference of an instance are worked out once each: a
    package's findings (thousands of calls in node_modules) share them."""
    instances: dict[int, _Instance | None] = {}
    by_path: dict[tuple[str, tuple[str, ...], bool], _Instance | None] = {}
    for i, f in enumerate(findings):
        rule = rules.get(f.rule_id)
        if rule is None or rule.product in NOT_COMPONENTS or not keep(f):
            continue
        binary = f.context is Context.BINARY or not f.location.has_lines or rule.category == "binary-sdk"
        seen_at = (f.location.path, f.location.members, binary)
        if seen_at not in by_path:
            by_path[seen_at] = instance_of(f.location, binary=binary)
        instances[i] = by_path[seen_at]
    # first-party project roots: the directories of first-party manifests that declare something
    project_roots = sorted({_project_dir(findings[i].location.path) for i, inst in instances.items()
                            if inst is None and findings[i].context is Context.DEPENDENCY}, key=len, reverse=True)
    versions = _known_versions(findings, instances)
    placed: dict[_Instance, Place] = {}
    out: dict[int, tuple[str, Place]] = {}
    for i, inst in instances.items():
        product = rules[findings[i].rule_id].product
        if inst is None:
            path = findings[i].location.path
            root = next((r for r in project_roots if _under(path, r)), "")
            out[i] = (product, Place(PlaceKind.FIRST_PARTY, root))
        else:
            if inst not in placed:
                placed[inst] = Place(inst.kind, inst.root, _package_ref(inst, versions), inst.vendored)
            out[i] = (product, placed[inst])
    return out


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


# Manifests kept in a folder of their own, whose project is the folder above: Unity's `Packages/`.
_MANIFEST_FOLDERS = {"Packages": ("manifest.json", "packages-lock.json")}


def _project_dir(path: str) -> str:
    """The project directory of a manifest: its folder, or the one above for a Unity `Packages/` manifest."""
    folder = _parent(path)
    if path.rsplit("/", 1)[-1] in _MANIFEST_FOLDERS.get(folder.rsplit("/", 1)[-1], ()):
        return _parent(folder)
    return folder


def _known_versions(findings: Sequence[Finding], instances: Mapping[int, _Instance | None]
                    ) -> dict[tuple[str, str], str]:
    """(ecosystem, name) -> version, from the packages the scan parsed (a lockfile entry for the
    instance), when they agree on one version."""
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for i in instances:
        pkg = findings[i].package
        if pkg is not None and pkg.version:
            seen[(pkg.ecosystem, _norm(pkg.ecosystem, pkg.name))].add(pkg.version)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def _norm(ecosystem: str, name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower() if ecosystem == "pypi" else name


def _package_ref(inst: _Instance, versions: Mapping[tuple[str, str], str]) -> PackageRef | None:
    if inst.ecosystem is None or not inst.name:
        return None
    version = inst.version or versions.get((inst.ecosystem, _norm(inst.ecosystem, inst.name)))
    from packageurl import PackageURL

    namespace, _, name = inst.name.rpartition("/") if inst.ecosystem == "npm" else ("", "", inst.name)
    purl = PackageURL(type=inst.ecosystem, namespace=namespace or None, name=name, version=version).to_string()
    return PackageRef(purl=purl, ecosystem=inst.ecosystem, name=inst.name, version=version)


def component_index(components: Iterable[Component]) -> dict[int, Component]:
    """Finding index -> its component."""
    return {i: c for c in components for e in c.evidence for i in e.findings}


def product_title(product: str) -> str:
    return PRODUCTS.get(product, product)


def where(location: Location) -> str:
    """`path:line` (`archive!/member` for members, no line for binaries)."""
    text = location.display_path
    return f"{text}:{location.start_line}" if location.has_lines and not location.members else text


def describe(component: Component, findings: Sequence[Finding]) -> str:
    """`TikTok Open SDK in app/ (declared in app/build.gradle.kts:45, called in 3 files)`."""
    parts = []
    for ev in component.evidence:
        locs = [findings[i].location for i in ev.findings]
        files = sorted({loc.display_path for loc in locs})
        if len(locs) == 1:
            parts.append(f"{ev.kind.value} in {where(locs[0])}")
        elif len(files) == 1 and all(loc.has_lines and not loc.members for loc in locs):
            lines = sorted({loc.start_line for loc in locs})
            shown = ",".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more lines" if len(lines) > 5 else "")
            parts.append(f"{ev.kind.value} in {files[0]}:{shown}")
        elif len(files) == 1:
            parts.append(f"{ev.kind.value} {len(locs)} times in {files[0]}")
        else:
            parts.append(f"{ev.kind.value} in {len(files)} files")
    place = component.place
    label = place.label
    if place.package is not None:
        label += f" ({place.package.name}{'@' + place.package.version if place.package.version else ''})"
    flags = [text for flag, text in ((component.declared_unused, "declared, never used: remove it from the manifest"),
                                     (component.used_undeclared, "used without a declaration")) if flag]
    tail = f"; {'; '.join(flags)}" if flags else ""
    return f"{product_title(component.product)} in {label} ({', '.join(parts)}){tail}"
