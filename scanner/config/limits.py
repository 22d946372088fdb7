"""Resource limits: every one has a default, every one is configurable, hitting one is reported.

The scanner reads untrusted trees and artifacts, so every resource a hostile file could exhaust
has a bound here. A file (or archive member) over a limit becomes a SARIF notification and is
skipped or partly read; the scan goes on. The CLI adds `--max-*` options with
`add_limit_options` and builds a Limits with `limits_from_args`; a config file's `[limits]` table
goes through `limits_from_mapping`, which rejects unknown keys with a hint.
"""

from __future__ import annotations

import argparse
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from scanner.errors import ConfigError

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    max_file_size: int = 256 * MiB  # bytes read from one file on disk
    max_member_size: int = 256 * MiB  # bytes of one decompressed archive member
    max_archive_depth: int = 5  # archives inside archives
    max_archive_total: int = 1 * GiB  # decompressed bytes per top-level archive
    max_archive_members: int = 100_000  # members (and tar headers) per top-level archive
    max_compression_ratio: float = 200.0  # decompressed / compressed, per member (and per compressed tar)
    max_line_length: int = 1 * MiB  # files with a longer line get token matching only, no parsing
    file_timeout: float = 60.0  # seconds one file may take (SIGALRM in-process; workers are killed past it)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
                raise ConfigError(f"limit {f.name!r}: expected a number, got {value!r}")
            if f.name == "file_timeout":
                if value < 0:
                    raise ConfigError(f"limit 'file_timeout': must be 0 (no budget) or positive, got {value!r}")
            elif value <= 0:
                raise ConfigError(f"limit {f.name!r}: must be positive, got {value!r}")
        if self.max_compression_ratio < 1:
            raise ConfigError(f"limit 'max_compression_ratio': must be at least 1, got {self.max_compression_ratio!r}")


# How each limit is written on the command line and in config files, and what it means.
_SIZE, _COUNT, _RATIO, _SECONDS = "size", "count", "ratio", "seconds"
_KINDS: dict[str, str] = {
    "max_file_size": _SIZE,
    "max_member_size": _SIZE,
    "max_archive_depth": _COUNT,
    "max_archive_total": _SIZE,
    "max_archive_members": _COUNT,
    "max_compression_ratio": _RATIO,
    "max_line_length": _SIZE,
    "file_timeout": _SECONDS,
}
_HELP: dict[str, str] = {
    "max_file_size": "skip (and report) files larger than SIZE",
    "max_member_size": "skip (and report) archive members that decompress to more than SIZE",
    "max_archive_depth": "open archives nested at most N levels deep",
    "max_archive_total": "stop reading an archive (with everything nested in it) past SIZE decompressed",
    "max_archive_members": "read at most N members of one archive (nested ones included)",
    "max_compression_ratio": "skip archive members that decompress more than R times their compressed size",
    "max_line_length": "files with a line longer than SIZE get token matching only, no parsers",
    "file_timeout": "stop analyzing one file after SECONDS (0: no budget)",
}
_METAVAR = {_SIZE: "SIZE", _COUNT: "N", _RATIO: "R", _SECONDS: "SECONDS"}
_UNITS = {"": 1, "b": 1, "k": KiB, "kb": KiB, "kib": KiB, "m": MiB, "mb": MiB, "mib": MiB,
          "g": GiB, "gb": GiB, "gib": GiB, "t": 1024 * GiB, "tb": 1024 * GiB, "tib": 1024 * GiB}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_TIME_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$")
_TIME_UNITS = {None: 1.0, "s": 1.0, "ms": 0.001, "m": 60.0, "min": 60.0, "h": 3600.0}


def parse_size(text: str) -> int:
    """`1048576`, `512K`, `256MiB`, `1.5G` -> bytes (binary units: K = 1024)."""
    m = _SIZE_RE.match(text)
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _UNITS:
        raise ValueError(f"{text!r} is not a size (examples: 1048576, 512K, 256MiB, 1.5G)")
    return int(float(m.group(1)) * _UNITS[unit])


def parse_seconds(text: str) -> float:
    """`60`, `90s`, `500ms`, `2m` -> seconds."""
    m = _TIME_RE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a duration (examples: 60, 90s, 500ms, 2m)")
    return float(m.group(1)) * _TIME_UNITS[m.group(2)]


LIMIT_NAMES: tuple[str, ...] = tuple(_KINDS)  # Limits field names, in declaration order


def _convert(name: str, value: object) -> int | float:
    kind = _KINDS[name]
    if isinstance(value, bool):
        raise ValueError(f"expected a {kind}, got {value!r}")
    if kind == _SIZE:
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            return parse_size(value)
    elif kind == _COUNT:
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
    elif kind == _RATIO:
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            return float(value.strip().removesuffix(":1"))
    elif kind == _SECONDS:
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            return parse_seconds(value)
    raise ValueError(f"expected a {kind}, got {value!r}")


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """Add one `--max-...`/`--file-timeout` option per limit; defaults stay in `Limits`.

    An option the parser already has (an older `--max-file-size`) is left as it is: its value is
    still read by `limits_from_args` when it uses the same destination name.
    """
    group = parser.add_argument_group("limits (hostile input)")
    defaults = Limits()
    for name, kind in _KINDS.items():
        default = getattr(defaults, name)
        shown = f"{default:g}" if isinstance(default, float) else str(default)
        try:
            group.add_argument(_option(name), dest=name, default=None, metavar=_METAVAR[kind],
                               help=f"{_HELP[name]} (default: {shown})")
        except argparse.ArgumentError:
            continue


def limits_from_args(args: argparse.Namespace, base: Limits | None = None) -> Limits:
    """Limits from parsed options, on top of `base` (defaults, or a config file's limits)."""
    return limits_from_options(option_values(args), base)


def option_values(args: argparse.Namespace) -> dict[str, object]:
    """The limit options given on the command line, by Limits field name, as typed."""
    return {name: getattr(args, name) for name in _KINDS if getattr(args, name, None) is not None}


def limits_from_options(values: Mapping[str, object], base: Limits | None = None) -> Limits:
    """Limits from command-line values by field name (see `option_values`), on top of `base`; a bad
    value is an error naming its option."""
    base = base or Limits()
    given: dict[str, Any] = {}
    for name in _KINDS:
        value = values.get(name)
        if value is None:
            continue
        try:
            given[name] = _convert(name, value)
        except ValueError as exc:
            raise ConfigError(f"{_option(name)}: {exc}") from exc
    return replace(base, **given) if given else base


def limits_from_mapping(mapping: Mapping[str, object], base: Limits | None = None,
                        source: str = "configuration") -> Limits:
    """Limits from a config file table (`max-file-size = "256MiB"`); unknown keys are errors."""
    base = base or Limits()
    given: dict[str, Any] = {}
    for key, value in mapping.items():
        name = str(key).replace("-", "_")
        if name not in _KINDS:
            close = difflib.get_close_matches(name, list(_KINDS), n=1)
            hint = f"; did you mean {close[0].replace('_', '-')!r}?" if close else ""
            known = ", ".join(n.replace("_", "-") for n in _KINDS)
            raise ConfigError(f"{source}: unknown limit {key!r}{hint} (known limits: {known})")
        try:
            given[name] = _convert(name, value)
        except ValueError as exc:
            raise ConfigError(f"{source}: limit {key!r}: {exc}") from exc
    return replace(base, **given) if given else base
