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
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.config.limits import LIMIT_NAMES, Limits, limits_from_mapping
from scanner.core.safe_open import MiB, inside, read_regular_file
from scanner.errors import ConfigError
from scanner.findings.suppress import AllowEntry
from scanner.report import registry as report_formats

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAME = ".tiktok-scan.toml"
MAX_CONFIG_BYTES = 1 * MiB
PYPROJECT = "pyproject.toml"
SECTION = "tool.tiktok-scan"

LEVELS = ("error", "warning", "note", "none")
FORMATS = report_formats.names(report_formats.SCAN)

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
    source_text: str = ""  # the file as read (the TS101 guard quotes its lines; never read twice)
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


def candidates(start: Path) -> list[Path]:
    """Where a configuration may sit, nearest first: each directory up to the repository root."""
    start = start.resolve()
    out: list[Path] = []
    for directory in (start, *start.parents):
        out += [directory / CONFIG_NAME, directory / PYPROJECT]
        if (directory / ".git").exists():
            break
    return out


def repository_of(path: Path) -> Path:
    """The repository a configuration file belongs to (its paths must stay inside it)."""
    start = path.resolve().parent
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def find_config(start: Path) -> Path | None:
    """The nearest `.tiktok-scan.toml`, or pyproject.toml with a [tool.tiktok-scan] table.

    A candidate that is a link or a special file is an error, not skipped: skipping would be a
    silent way for a scanned tree to change which configuration applies.
    """
    for path in candidates(start):
        if not os.path.lexists(path):
            continue
        data = _read_bytes(path, follow_symlinks=False)
        if path.name == CONFIG_NAME or _table(_parse(data, path), path) is not None:
            return path
    return None


def find_config_in(read: Callable[[Path], bytes | None], paths: list[Path]) -> tuple[Path, FileConfig] | None:
    """The first configuration among `paths` as `read` sees them (a git revision, say), parsed."""
    for path in paths:
        data = read(path)
        if data is None:
            continue
        cfg = parse_config(data, path, bound=repository_of(path))
        if cfg is not None:
            return path, cfg
    return None


def _read_bytes(path: Path, follow_symlinks: bool) -> bytes:
    try:
        return read_regular_file(path, MAX_CONFIG_BYTES, follow_symlinks=follow_symlinks)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _parse(data: bytes, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _table(doc: dict[str, Any], path: Path) -> Any:
    if path.name != PYPROJECT:
        return doc
    tool = doc.get("tool", {})
    return tool.get("tiktok-scan") if isinstance(tool, dict) else None


def parse_config(data: bytes, path: Path, bound: Path | None = None) -> FileConfig | None:
    """One configuration file's settings (None: a pyproject.toml without the table).

    `bound` is set for configuration that comes from the scanned tree: its paths must stay inside
    that repository and its `jobs` is capped at the core count.
    """
    table = _table(_parse(data, path), path)
    if table is None:
        return None
    where = f"{path}: [{SECTION}]" if path.name == PYPROJECT else str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    cfg = parse_table(table, where, path.parent, bound)
    cfg.source = path
    cfg.source_text = data.decode("utf-8")  # _parse has already checked it decodes
    return cfg


def load_config(path: Path, trusted: bool = False) -> FileConfig:
    """Read and validate one configuration file.

    `trusted`: named by the user with --config (links followed, paths anywhere); otherwise it was
    found in the scanned tree and is bounded.
    """
    data = _read_bytes(path, follow_symlinks=trusted)
    cfg = parse_config(data, path, bound=None if trusted else repository_of(path))
    if cfg is None:
        raise ConfigError(f"{path}: has no [{SECTION}] table")
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


def _patterns(patterns: list[str], where: str, key: str) -> list[str]:
    """Globs checked as the walk compiles them: a bad one is named here, not a crash mid-scan."""
    from scanner.core.walk import PatternError, check_patterns

    try:
        return check_patterns(patterns, f"{where}: {key!r}")
    except PatternError as exc:
        raise ConfigError(str(exc)) from exc


def _choice(value: Any, where: str, key: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(f"{where}: {key!r} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _bool(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} must be true or false, not {value!r}")
    return value


def _bounded(path: Path, bound: Path | None, where: str, key: str) -> Path:
    if bound is not None and not inside(path, bound):
        raise ConfigError(f"{where}: {key!r} must stay inside the repository {bound}, not {path}")
    return path


def parse_table(table: dict[str, Any], where: str, base: Path, bound: Path | None = None) -> FileConfig:
    cfg = FileConfig()
    for key, value in table.items():
        if key not in _KEYS:
            raise _unknown(where, key, list(_KEYS))
        if key in ("packs", "disable-packs"):
            setattr(cfg, key.replace("-", "_"), _str_list(value, where, key))
        elif key == "exclude":
            cfg.exclude = _patterns(_str_list(value, where, key), where, key)
        elif key == "signatures":
            cfg.signatures = [_bounded(base / p, bound, where, key) for p in _str_list(value, where, key)]
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
            cfg.jobs = min(value, os.cpu_count() or 1) if bound is not None else value
        elif key == "baseline":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}: 'baseline' must be a path, not {value!r}")
            cfg.baseline = _bounded(base / value, bound, where, key)
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
        paths = tuple(_patterns(_str_list(entry.get("paths", []), here, "paths"), here, "paths"))
        purls = tuple(_str_list(entry.get("purls", []), here, "purls"))
        if not (rules or paths or purls):
            raise ConfigError(f"{here}: needs at least one of 'rules', 'paths', 'purls' (it would allow everything)")
        for purl in purls:
            if not purl.startswith("pkg:"):
                raise ConfigError(f"{here}: {purl!r} is not a purl (pkg:type/namespace/name)")
        out.append(AllowEntry(rules=rules, paths=paths, purls=purls, reason=reason))
    return out
