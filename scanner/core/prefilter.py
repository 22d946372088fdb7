"""One multi-literal pass over raw bytes decides whether a file can match at all.

Every literal of every signature (hosts, package and module names, class names, markers) becomes
a case-insensitive needle. Files without a hit are never decoded or parsed. Hyperscan does the
pass at several GB/s; a plain `re` alternation is the reference path (tests compare the two).
Hyperscan is only installed where it has a wheel (see the environment marker in pyproject.toml):
elsewhere `engine="auto"` takes the `re` path, with the same hits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scanner.core import cache
from scanner.ecosystems import package_literals
from scanner.rules.model import RuleSet

MIN_NEEDLE = 3
MAX_HITS_PER_FILE = 200_000  # a pathological file cannot make the hit list unbounded


@dataclass(frozen=True)
class Needles:
    """The literals analyzers look for, derived from the signatures (never hand-listed)."""

    literals: tuple[str, ...]  # lower-case, sorted, for the prefilter
    domains: frozenset[str]  # registrable domains and exact hosts (lower-case)
    markers: frozenset[str]  # exact tokens, case-sensitive
    schemes: frozenset[str]  # URL schemes, lower-case
    classes: tuple[str, ...]  # dotted class names / prefixes
    markers_by_lower: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    js_globals: frozenset[str] = frozenset()  # the literals of js_global_literals, as in `literals`

    @classmethod
    def from_rules(cls, ruleset: RuleSet) -> Needles:
        literals: set[str] = set()
        domains: set[str] = set()
        markers: set[str] = set()
        schemes: set[str] = set()
        classes: set[str] = set()
        js_globals: set[str] = set()
        for rule in ruleset.rules:
            m = rule.matchers
            domains.update(m.hosts)
            domains.update(m.domains)
            for url in m.urls:
                domains.add(url.split("/", 1)[0].removeprefix("*."))
            markers.update(m.markers)
            schemes.update(s.lower() for s in m.schemes)
            classes.update(c.rstrip("*") for c in m.classes)
            for names in (*m.modules.values(), *m.symbols.values()):
                for name in names:
                    literals.update(_module_literals(name.rstrip("*")))
            for name in m.symbols.get("js", ()):
                js_globals.update(js_global_literals(name))
            for purl in m.packages:
                literals.update(package_literals(purl))
            literals.update(m.libraries)
        literals.update(js_globals)
        literals.update(domains)
        literals.update(markers)
        literals.update(schemes)
        for name in classes:
            literals.update(_module_literals(name))
        cleaned = {lit.lower().strip(".") for lit in literals}
        by_lower: dict[str, list[str]] = {}
        for marker in sorted(markers):
            by_lower.setdefault(marker.lower(), []).append(marker)
        return cls(
            literals=tuple(sorted(lit for lit in cleaned if len(lit) >= MIN_NEEDLE)),
            domains=frozenset(domains),
            markers=frozenset(markers),
            schemes=frozenset(schemes),
            classes=tuple(sorted(classes)),
            markers_by_lower={k: tuple(v) for k, v in by_lower.items()},
            js_globals=frozenset(lit.lower().strip(".") for lit in js_globals),
        )


# Objects through which a script reaches a global: `window.ttq`, `globalThis.ttq`, `self.ttq`.
JS_GLOBAL_OBJECTS = ("window", "globalThis", "self", "global")
_JS_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*\Z")


def js_global_literals(symbol: str) -> set[str]:
    """Needles for every way a script reaches the global a JS symbol names (`ttq` of `ttq.track`).

    `window.ttq?.track`, `(window as any).ttq`, `window['ttq']`, `ttq?.track`, `ttq!.page`,
    `const { ttq: px } = window` and `interface Window { ttq?: ... }` do not contain `ttq.track`;
    without these a file holding only such a form would never be parsed.
    """
    if symbol.endswith("*"):
        return set()  # `module.*`: a module's API reached through an import, not a global
    parts = symbol.split(".")
    if parts[0] in JS_GLOBAL_OBJECTS and len(parts) > 1:
        parts = parts[1:]
    name = parts[0]
    if symbol == name or not _JS_IDENTIFIER.match(name) or len(name) < MIN_NEEDLE:
        return set()
    # never the bare name: `ttq` alone is three letters that base64 and minified code are full of
    owners = {f"{owner}.{name}" for owner in JS_GLOBAL_OBJECTS} | {f").{name}"}
    return owners | {f"{name}?.", f"{name}!.", f"'{name}'", f'"{name}"', f"{name}:", f"{name}?:"}


def _module_literals(name: str) -> set[str]:
    """A dotted name also appears slash-separated in binaries (`Lcom/tiktok/open;`)."""
    name = name.strip(".")
    out = {name}
    if "." in name:
        out.add(name.replace(".", "/"))
    return out


class Prefilter:
    """Finds needle hits in bytes. `hits()` returns (needle index, end offset) pairs."""

    def __init__(self, needles: Needles, engine: str = "auto") -> None:
        self.needles = needles
        self.engine = engine
        self._db: Any = None
        self._regex: re.Pattern[bytes] | None = None
        if engine in ("auto", "hyperscan"):
            try:
                self._db = _compile_hyperscan(needles.literals)
                import hyperscan

                self._terminated: type[Exception] = hyperscan.ScanTerminated
                self.engine = "hyperscan"
            except ImportError:  # no hyperscan wheel for this platform: the pure-Python path
                if engine == "hyperscan":
                    raise
        if self._db is None:
            self.engine = "re"
            pattern = b"|".join(re.escape(lit.encode()) for lit in sorted(needles.literals, key=len, reverse=True))
            self._regex = re.compile(pattern or b"(?!x)x", re.IGNORECASE)
            self._index = {lit.encode(): i for i, lit in enumerate(needles.literals)}

    def __getstate__(self) -> dict[str, Any]:  # hyperscan databases do not pickle; rebuild in workers
        return {"needles": self.needles, "engine": self.engine}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["needles"], state["engine"])  # type: ignore[misc]

    def has_candidate(self, data: bytes) -> bool:
        return bool(self.hits(data, limit=1))

    def hits(self, data: bytes, limit: int = MAX_HITS_PER_FILE) -> list[tuple[int, int]]:
        return self.capped_hits(data, limit)[0]

    def capped_hits(self, data: bytes, limit: int = MAX_HITS_PER_FILE) -> tuple[list[tuple[int, int]], bool]:
        """The hits, at most `limit` of them, and whether the cap stopped the pass (then hits after the
        last one kept are not reported)."""
        if not data or not self.needles.literals:
            return [], False
        out: list[tuple[int, int]] = []
        if self._db is not None:

            def on_match(ident: int, start: int, end: int, flags: int, ctx: object) -> bool:
                out.append((ident, end))
                return len(out) >= limit  # True stops the scan

            try:
                self._db.scan(data, match_event_handler=on_match)
            except self._terminated:  # HS_SCAN_TERMINATED: the callback above asked to stop
                return out, True
            return out, False
        assert self._regex is not None
        # the reference path reports overlapping needles too, like hyperscan does
        lowered = data.lower()
        for i, lit in enumerate(self.needles.literals):
            needle = lit.encode()
            start = lowered.find(needle)
            while start != -1:
                out.append((i, start + len(needle)))
                if len(out) >= limit:
                    return sorted(out, key=lambda h: (h[1], h[0])), True
                start = lowered.find(needle, start + 1)
        return sorted(out, key=lambda h: (h[1], h[0])), False


def _compile_hyperscan(literals: tuple[str, ...]) -> Any:
    import hyperscan

    if not literals:
        return None
    expressions = [re.escape(lit).encode() for lit in literals]
    # the compiled database is kept in core/cache under its expressions (10 ms of a pre-commit run)
    version = str(getattr(hyperscan, "__version__", "")).encode()
    name = f"prefilter-{cache.key(version, *expressions)}.hsdb"
    stored = cache.read(name)
    if stored is not None:
        try:
            db = hyperscan.loadb(stored, hyperscan.HS_MODE_BLOCK)
            db.scratch = hyperscan.Scratch(db)
            return db
        except hyperscan.error:  # a corrupt or foreign entry: compiled again below
            pass
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(
        expressions=expressions,
        ids=list(range(len(literals))),
        elements=len(literals),
        flags=[hyperscan.HS_FLAG_CASELESS] * len(literals),
    )
    cache.write(name, hyperscan.dumpb(db))
    return db
