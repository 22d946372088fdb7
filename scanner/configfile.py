"""Project configuration: `.tiktok-scan.toml`, or `[tool.tiktok-scan]` in pyproject.toml.

Found from the current directory upward, stopping at the repository root (the directory with
`.git`), so the project you run in configures the scan; a tree you only audit (scanned from
elsewhere) cannot switch rules off for itself. `.tiktok-scan.toml` wins over pyproject.toml in
the same directory. Keys are kebab-case; an unknown key is an error with a close-match hint.

    [tool.tiktok-scan]
    packs = ["wechat-payments"]          # enable packs that are off by default
    disable-packs = ["bytedance-affiliates"]
    fail-on = "warning"
    exclude = ["tests/fixtures/**"]
    signatures = ["security/tiktok-scan-packs"]   # relative to the config file
    baseline = ".tiktok-scan-baseline.json"

    [tool.tiktok-scan.limits]
    max-file-size = 67108864

    [[tool.tiktok-scan.allow]]
    rules = ["TT601"]
    paths = ["docs/**"]
    reason = "links to our brand profile in the docs"
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.errors import ConfigError
from scanner.limits import LIMIT_NAMES, Limits, limits_from_mapping
from scanner.suppress import AllowEntry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAME = ".tiktok-scan.toml"
PYPROJECT = "pyproject.toml"
SECTION = "tool.tiktok-scan"

LEVELS = ("error", "warning", "note", "none")
FORMATS = ("text", "json", "sarif")

# key -> what it must be (for error messages)
_STR_LIST = "a list of strings"
_KEYS: dict[str, str] = {
    "packs": _STR_LIST,
    "disable-packs": _STR_LIST,
    "signatures": _STR_LIST,
    "exclude": _STR_LIST,
    "fail-on": "one of " + ", ".join(LEVELS),
    "min-level": "one of error, warning, note",
    "format": "one of " + ", ".join(FORMATS),
    "category": "a string",
    "respect-gitignore": "true or false",
    "inline-suppressions": "true or false",
    "include-suppressed": "true or false",
    "jobs": "an integer",
    "baseline": "a path",
    "limits": "a table",
    "allow": "an array of tables ([[tool.tiktok-scan.allow]])",
}
_ALLOW_KEYS = ("rules", "paths", "purls", "reason")


@dataclass
class FileConfig:
    """Settings read from one configuration file; None means "not set there"."""

    source: Path | None = None
    packs: list[str] = field(default_factory=list)
    disable_packs: list[str] = field(default_factory=list)
    signatures: list[Path] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    fail_on: str | None = None
    min_level: str | None = None
    format: str | None = None
    category: str | None = None
    respect_gitignore: bool | None = None
    inline_suppressions: bool | None = None
    include_suppressed: bool | None = None
    jobs: int | None = None
    baseline: Path | None = None
    limits: Limits | None = None  # from the [limits] table, defaults filled in
    allow: list[AllowEntry] = field(default_factory=list)

    def apply_limits(self, base: Limits) -> Limits:
        return self.limits if self.limits is not None else base


def find_config(start: Path) -> Path | None:
    """The nearest `.tiktok-scan.toml`, or pyproject.toml with a [tool.tiktok-scan] table."""
    start = start.resolve()
    for directory in (start, *start.parents):
        own = directory / CONFIG_NAME
        if own.is_file():
            return own
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_section(pyproject):
            return pyproject
        if (directory / ".git").exists():
            break
    return None


def _has_section(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "tiktok-scan" in text and isinstance(_read(pyproject).get("tool", {}).get("tiktok-scan"), dict)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def load_config(path: Path) -> FileConfig:
    """Read and validate one configuration file."""
    doc = _read(path)
    if path.name == PYPROJECT:
        table = doc.get("tool", {}).get("tiktok-scan", {})
        where = f"{path}: [{SECTION}]"
    else:
        table = doc
        where = str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    cfg = parse_table(table, where, path.parent)
    cfg.source = path
    return cfg


def _unknown(where: str, key: str, known: list[str] | tuple[str, ...]) -> ConfigError:
    close = difflib.get_close_matches(key.replace("_", "-").lower(), known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(sorted(known))}"
    return ConfigError(f"{where}: unknown key {key!r}{hint}")


def _str_list(value: Any, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key!r} must be {_STR_LIST}, not {value!r}")
    return list(value)


def _choice(value: Any, where: str, key: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(f"{where}: {key!r} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _bool(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} must be true or false, not {value!r}")
    return value


def parse_table(table: dict[str, Any], where: str, base: Path) -> FileConfig:
    cfg = FileConfig()
    for key, value in table.items():
        if key not in _KEYS:
            raise _unknown(where, key, list(_KEYS))
        if key in ("packs", "disable-packs", "exclude"):
            setattr(cfg, key.replace("-", "_"), _str_list(value, where, key))
        elif key == "signatures":
            cfg.signatures = [(base / p) for p in _str_list(value, where, key)]
        elif key == "fail-on":
            cfg.fail_on = _choice(value, where, key, LEVELS)
        elif key == "min-level":
            cfg.min_level = _choice(value, where, key, LEVELS[:3])
        elif key == "format":
            cfg.format = _choice(value, where, key, FORMATS)
        elif key == "category":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}: 'category' must be a non-empty string, not {value!r}")
            cfg.category = value
        elif key in ("respect-gitignore", "inline-suppressions", "include-suppressed"):
            setattr(cfg, key.replace("-", "_"), _bool(value, where, key))
        elif key == "jobs":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{where}: 'jobs' must be an integer >= 0, not {value!r}")
            cfg.jobs = value
        elif key == "baseline":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}: 'baseline' must be a path, not {value!r}")
            cfg.baseline = base / value
        elif key == "limits":
            cfg.limits = _limits(value, f"{where} limits")
        elif key == "allow":
            cfg.allow = _allow(value, where)
    return cfg


def _limits(value: Any, where: str) -> Limits:
    """The [limits] table, read by the same code as the command-line options (sizes take K/M/G)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a table")
    known = [name.replace("_", "-") for name in LIMIT_NAMES]
    for key in value:
        if key not in known:
            raise _unknown(where, key, known)
    return limits_from_mapping(value, source=where)


def _allow(value: Any, where: str) -> list[AllowEntry]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where}: 'allow' must be {_KEYS['allow']}")
    out: list[AllowEntry] = []
    for n, entry in enumerate(value, 1):
        here = f"{where}: allow entry {n}"
        for key in entry:
            if key not in _ALLOW_KEYS:
                raise _unknown(here, key, _ALLOW_KEYS)
        reason = entry.get("reason", "")
        if not isinstance(reason, str):
            raise ConfigError(f"{here}: 'reason' must be a string, not {reason!r}")
        rules = tuple(r.upper() for r in _str_list(entry.get("rules", []), here, "rules"))
        paths = tuple(_str_list(entry.get("paths", []), here, "paths"))
        purls = tuple(_str_list(entry.get("purls", []), here, "purls"))
        if not (rules or paths or purls):
            raise ConfigError(f"{here}: needs at least one of 'rules', 'paths', 'purls' (it would allow everything)")
        for purl in purls:
            if not purl.startswith("pkg:"):
                raise ConfigError(f"{here}: {purl!r} is not a purl (pkg:type/namespace/name)")
        out.append(AllowEntry(rules=rules, paths=paths, purls=purls, reason=reason))
    return out
