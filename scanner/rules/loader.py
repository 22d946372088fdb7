"""Read and validate signature packs before the first file is read.

Layout: `signatures/<pack>/pack.toml` describes the pack; every other `*.toml` beside it holds
exactly one rule. A bad record raises SignatureError naming the file and the field.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scanner.core import cache
from scanner.core.safe_open import MiB, read_regular_file
from scanner.errors import SignatureError
from scanner.model import Level
from scanner.rules.model import (
    CATEGORIES,
    ECOSYSTEMS,
    EVIDENCE_LEVELS,
    MATCHER_KEYS,
    PRECISIONS,
    PRODUCTS,
    Matchers,
    Pack,
    Rule,
    RuleSet,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FORMAT_VERSION = 1
MAX_SIGNATURE_FILE_BYTES = 1 * MiB
RULE_ID = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")
RULE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")

_RULE_FIELDS = {
    "id": str,
    "product": str,
    "name": str,
    "title": str,
    "category": str,
    "evidence": str,
    "level": str,
    "security-severity": (int, float),
    "precision": str,
    "description": str,
    "help": str,
    "references": list,
    "tags": list,
    "match": dict,
    "binary-evidence-for": list,
}
_OPTIONAL_RULE_FIELDS = {"tags", "references", "binary-evidence-for"}
_PACK_FIELDS = {
    "format": int,
    "name": str,
    "version": str,
    "title": str,
    "enabled": bool,
    "description": str,
    "prohibition": str,
}
_OPTIONAL_PACK_FIELDS = {"prohibition"}  # default: the built-in tiktok pack's (default_prohibition)


def default_signature_dir() -> Path:
    """Signatures ship in the wheel under scanner/_data; a source checkout has them at the top."""
    here = Path(__file__).resolve().parent.parent
    bundled = here / "_data" / "signatures"
    if bundled.is_dir():
        return bundled
    return here.parent / "signatures"


@functools.cache
def default_prohibition() -> str:
    """The `prohibition` of the built-in tiktok pack: the text a pack that gives none appends to its rules' help."""
    text = _read_toml(default_signature_dir() / "tiktok" / "pack.toml").get("prohibition", "")
    return text if isinstance(text, str) else ""


def load_packs(
    directories: Iterable[Path] | None = None,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
) -> RuleSet:
    """Load every pack found in `directories`; keep those enabled by default or named in `enable`."""
    dirs = list(directories) if directories is not None else [default_signature_dir()]
    packs: list[Pack] = []
    for directory in dirs:
        for pack_file in pack_files(directory):
            packs.append(load_pack(pack_file.parent))
    enable_set, disable_set = set(enable), set(disable)
    known = {p.name for p in packs}
    for name in sorted((enable_set | disable_set) - known):
        raise SignatureError(name, "pack", f"no pack named {name!r}; known packs: {sorted(known)}")
    chosen = tuple(
        p
        for p in packs
        if (p.enabled_by_default or p.name in enable_set) and p.name not in disable_set
    )
    _check_unique(packs)
    _PARSED.save()
    names = {p.name for p in chosen}
    return RuleSet(packs=chosen,
                   disabled_rule_ids=frozenset(r.id for p in packs if p.name not in names for r in p.rules))


def pack_files(directory: Path) -> list[Path]:
    """`directory/*/pack.toml`, sorted; a directory that holds none is an error naming what was expected
    (a `--signatures DIR` that loads nothing would silently scan with the built-in packs only)."""
    if not directory.is_dir():
        raise SignatureError(str(directory), "<directory>", "signature directory does not exist")
    found = sorted(directory.glob("*/pack.toml"))
    if not found:
        hint = (f"; {directory} is itself a pack: pass the folder that contains it, {directory.resolve().parent}"
                if (directory / "pack.toml").is_file() else "")
        raise SignatureError(str(directory), "<directory>",
                             f"no signature pack found: expected {directory}/<pack>/pack.toml{hint}")
    return found


def load_ruleset(signatures: Iterable[Path] = (), enable: Iterable[str] = (), disable: Iterable[str] = (),
                 every_pack: bool = False) -> RuleSet:
    """The built-in packs and those under `signatures`: the enabled ones, or with `every_pack` all of
    them as found (`rules --all`)."""
    dirs = [default_signature_dir(), *signatures]
    if every_pack:
        return RuleSet(packs=tuple(load_pack(p.parent) for d in dirs for p in pack_files(Path(d))))
    return load_packs(dirs, enable=enable, disable=disable)


def _check_unique(packs: list[Pack]) -> None:
    seen: dict[str, str] = {}
    names: dict[str, str] = {}
    pack_names: set[str] = set()
    for pack in packs:
        if pack.name in pack_names:
            raise SignatureError(pack.name, "name", "two packs share this name")
        pack_names.add(pack.name)
        for rule in pack.rules:
            if rule.id in seen:
                raise SignatureError(rule.source_file, "id", f"{rule.id!r} is also used by {seen[rule.id]}")
            if rule.name in names:
                raise SignatureError(rule.source_file, "name", f"{rule.name!r} is also used by {names[rule.name]}")
            seen[rule.id] = rule.source_file
            names[rule.name] = rule.source_file


class _ParsedCache:
    """Parsed signature files by the SHA-256 of their bytes, kept across runs in core/cache (tomllib
    takes about 20 ms for the built-in packs; a pre-commit hook pays it on every commit)."""

    NAME = "signature-toml.json"

    def __init__(self) -> None:
        self.entries: dict[str, Any] | None = None
        self.used: dict[str, Any] = {}
        self.added = False

    def parse(self, raw: bytes) -> dict[str, Any]:
        if self.entries is None:
            stored = cache.read_json(self.NAME)
            self.entries = stored if isinstance(stored, dict) else {}
        digest = cache.key(raw)
        parsed = self.entries.get(digest)
        if not isinstance(parsed, dict):
            parsed = tomllib.loads(raw.decode("utf-8"))
            self.entries[digest] = parsed
            self.added = True
        self.used[digest] = parsed
        return parsed  # read only: the loader builds new objects from it

    def save(self) -> None:
        """Keep the entries this process used (a pack edited or removed drops out)."""
        if self.added:
            cache.write_json(self.NAME, self.used)
            self.added = False


_PARSED = _ParsedCache()


def _read_toml(path: Path) -> dict[str, Any]:
    """A signature file: a regular file of at most 1 MiB (team packs may sit in a scanned tree)."""
    try:
        return _PARSED.parse(read_regular_file(path, MAX_SIGNATURE_FILE_BYTES, follow_symlinks=True))
    except UnicodeDecodeError as exc:
        raise SignatureError(str(path), "<toml>", f"not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SignatureError(str(path), "<toml>", f"not valid TOML: {exc}") from exc
    except OSError as exc:
        raise SignatureError(str(path), "<file>", f"cannot read: {exc.strerror}") from exc


def _check_fields(path: str, data: Mapping[str, Any], spec: Mapping[str, Any], optional: set[str]) -> None:
    for key in data:
        if key not in spec:
            raise SignatureError(path, key, f"unknown field; expected one of {sorted(spec)}")
    for key, typ in spec.items():
        if key not in data:
            if key in optional:
                continue
            raise SignatureError(path, key, "missing required field")
        value = data[key]
        if isinstance(value, bool) and typ is not bool:
            raise SignatureError(path, key, f"expected {_type_name(typ)}, got a boolean")
        if not isinstance(value, typ):
            raise SignatureError(path, key, f"expected {_type_name(typ)}, got {type(value).__name__}")


def _type_name(typ: object) -> str:
    if isinstance(typ, tuple):
        return " or ".join(t.__name__ for t in typ)
    return getattr(typ, "__name__", str(typ))


def load_pack(directory: Path) -> Pack:
    pack_file = directory / "pack.toml"
    meta = _read_toml(pack_file)
    where = str(pack_file)
    _check_fields(where, meta, _PACK_FIELDS, _OPTIONAL_PACK_FIELDS)
    if meta["format"] != FORMAT_VERSION:
        raise SignatureError(where, "format", f"unsupported format {meta['format']!r}; expected {FORMAT_VERSION}")
    if meta["name"] != directory.name:
        raise SignatureError(where, "name", f"{meta['name']!r} must equal the directory name {directory.name!r}")
    rules = tuple(
        load_rule(rule_file, pack=meta["name"])
        for rule_file in sorted(directory.glob("*.toml"))
        if rule_file.name != "pack.toml"
    )
    if not rules:
        raise SignatureError(where, "<rules>", "pack has no rule files")
    return Pack(
        name=meta["name"],
        version=meta["version"],
        title=meta["title"],
        enabled_by_default=meta["enabled"],
        description=meta["description"].strip(),
        prohibition_markdown=(meta["prohibition"] if "prohibition" in meta else default_prohibition()).strip(),
        rules=rules,
    )


def load_rule(path: Path, pack: str) -> Rule:
    data = _read_toml(path)
    where = str(path)
    _check_fields(where, data, _RULE_FIELDS, _OPTIONAL_RULE_FIELDS)
    rule_id = data["id"]
    if not RULE_ID.match(rule_id):
        raise SignatureError(where, "id", f"{rule_id!r} does not look like AB123 (2-5 capitals, 3 digits)")
    if not path.stem.startswith(rule_id):
        raise SignatureError(where, "id", f"file name must start with the rule id {rule_id!r}")
    if not RULE_NAME.match(data["name"]):
        raise SignatureError(where, "name", f"{data['name']!r} must be lower-case words joined by '-'")
    _one_of(where, "product", data["product"], tuple(PRODUCTS))
    _one_of(where, "category", data["category"], CATEGORIES)
    _one_of(where, "evidence", data["evidence"], EVIDENCE_LEVELS)
    _one_of(where, "precision", data["precision"], PRECISIONS)
    _one_of(where, "level", data["level"], tuple(level.value for level in Level if level is not Level.NONE))
    severity = float(data["security-severity"])
    if not 0.0 <= severity <= 10.0:
        raise SignatureError(where, "security-severity", f"{severity} is outside 0.0-10.0")
    for key in ("title", "description", "help"):
        if not data[key].strip():
            raise SignatureError(where, key, "must not be empty")
    stands_in = _strings(where, "binary-evidence-for", data.get("binary-evidence-for", []))
    for category in stands_in:
        _one_of(where, "binary-evidence-for", category, CATEGORIES)
    if stands_in and data["category"] != "binary-sdk":
        raise SignatureError(where, "binary-evidence-for", "only a binary-sdk rule stands in for other rules")
    references = _strings(where, "references", data.get("references", []))
    for ref in references:
        if not ref.startswith("https://"):
            raise SignatureError(where, "references", f"{ref!r} is not an https:// URL")
    return Rule(
        id=rule_id,
        name=data["name"],
        pack=pack,
        title=data["title"].strip(),
        category=data["category"],
        evidence=data["evidence"],
        level=Level(data["level"]),
        security_severity=severity,
        precision=data["precision"],
        description=data["description"].strip(),
        help_markdown=data["help"].strip(),
        references=references,
        tags=_strings(where, "tags", data.get("tags", [])),
        matchers=_matchers(where, data["match"], allow_empty=data["category"] == "scan-integrity" or bool(stands_in)),
        source_file=where,
        product=data["product"],
        binary_evidence_for=stands_in,
    )


def _one_of(where: str, key: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SignatureError(where, key, f"{value!r} is not one of {list(allowed)}")


def _strings(where: str, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SignatureError(where, key, "expected a list of non-empty strings")
    if len(set(value)) != len(value):
        dup = sorted({v for v in value if value.count(v) > 1})
        raise SignatureError(where, key, f"duplicate values {dup}")
    return tuple(value)


def _per_ecosystem(where: str, key: str, value: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise SignatureError(where, f"match.{key}", "expected a table keyed by ecosystem")
    out: dict[str, tuple[str, ...]] = {}
    for eco, items in value.items():
        if eco not in ECOSYSTEMS:
            raise SignatureError(where, f"match.{key}.{eco}", f"unknown ecosystem; expected one of {list(ECOSYSTEMS)}")
        out[eco] = _strings(where, f"match.{key}.{eco}", items)
    return out


def _matchers(where: str, match: Mapping[str, Any], allow_empty: bool = False) -> Matchers:
    for key in match:
        if key not in MATCHER_KEYS:
            raise SignatureError(where, f"match.{key}", f"unknown matcher; expected one of {list(MATCHER_KEYS)}")
    if not match and not allow_empty:  # scan-integrity rules are raised by the scan, not by a fact
        raise SignatureError(where, "match", "a rule needs at least one matcher")
    values: dict[str, Any] = {}
    for key, value in match.items():
        if key in ("modules", "symbols"):
            values[key] = _per_ecosystem(where, key, value)
        else:
            values[key] = _strings(where, f"match.{key}", value)
    for purl in values.get("packages", ()):
        _check_purl(where, purl)
    for host in (*values.get("hosts", ()), *values.get("domains", ())):
        if host != host.lower() or "/" in host or host.startswith(".") or "." not in host:
            raise SignatureError(where, "match.hosts", f"{host!r} must be a lower-case hostname")
    for url in values.get("urls", ()):
        if "://" in url or "/" not in url or url.split("/", 1)[0] != url.split("/", 1)[0].lower():
            raise SignatureError(where, "match.urls", f"{url!r} must be 'host/path' without a scheme")
    for digest in values.get("sha256", ()):
        if not SHA256.match(digest):
            raise SignatureError(where, "match.sha256", f"{digest!r} is not a lower-case sha256 hex digest")
    return Matchers(**values)


def _check_purl(where: str, purl: str) -> None:
    from packageurl import PackageURL

    try:
        parsed = PackageURL.from_string(purl.replace("*", "WILDCARD"))
    except ValueError as exc:
        raise SignatureError(where, "match.packages", f"{purl!r} is not a valid purl: {exc}") from exc
    if parsed.version:
        raise SignatureError(where, "match.packages", f"{purl!r} must not pin a version")
