"""What the SBOM parsers share: a purl string found in an SBOM becomes a DeclaredPackage."""

from __future__ import annotations

from packageurl import PackageURL

from scanner.analyzers.lockfile.base import DeclaredPackage
from scanner.analyzers.lockfile.common import LineIndex, PosStr


def declared_from_purl(purl: PosStr | str, lines: LineIndex, direct: bool | None,
                       path: tuple[str, ...], scope: str | None = None) -> DeclaredPackage | None:
    """None when the string is not a valid purl (SBOMs in the wild carry broken ones)."""
    try:
        parsed = PackageURL.from_string(str(purl))
    except ValueError:
        return None
    sep = ":" if parsed.type == "maven" else "/"
    name = f"{parsed.namespace}{sep}{parsed.name}" if parsed.namespace else parsed.name
    offset = purl.offset if isinstance(purl, PosStr) else 0
    return DeclaredPackage(
        purl=parsed.to_string(), ecosystem=parsed.type, name=name, version=parsed.version,
        line=lines.line(offset), column=lines.column(offset), end_column=lines.column(offset) + len(purl) + 2,
        direct=direct, dependency_path=path, scope=scope)
