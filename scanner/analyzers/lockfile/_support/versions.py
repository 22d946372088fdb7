"""Version requirements: which ones pin exactly one version, and PEP 508 requirement strings."""

from __future__ import annotations

import re

from scanner.errors import ParseError

EXACT_VERSION = re.compile(r"^v?\d+(?:\.\d+)*(?:[-+.][0-9A-Za-z.+-]+)?$")


def exact_version(spec: str | None) -> str | None:
    """The version if `spec` pins one exactly (`2.3.0`, `=2.3.0`, `[2.3.0]`), else None (ranges)."""
    if not spec:
        return None
    s = spec.strip()
    for prefix in ("==", "="):
        if s.startswith(prefix):
            s = s[len(prefix):].strip()
            break
    if s.startswith("[") and s.endswith("]") and "," not in s:
        s = s[1:-1].strip()
    return s if EXACT_VERSION.match(s) else None


def pinned_version(spec: str) -> str | None:
    """PEP 440 `==1.2.3` / `===1.2.3` (a single exact pin, no wildcard) -> `1.2.3`."""
    spec = spec.strip()
    if "," in spec:
        return None
    for op in ("===", "=="):
        if spec.startswith(op):
            value = spec[len(op):].strip()
            return value if value and "*" not in value else None
    return None


def parse_pep508(path: str, line: int, text: str) -> tuple[str, str | None]:
    """(name, pinned version or None) of a PEP 508 requirement; ParseError when it is not one."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        raise ParseError(f"{path}:{line}: not a valid requirement {text[:120]!r}: {exc}") from exc
    return req.name, pinned_version(str(req.specifier))
