"""lockfile/cargo-toml: dependency tables of a Rust `Cargo.toml`.

`[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, their `[target.'cfg'.*]` forms,
`[workspace.dependencies]` and `[dependencies.name]` tables; `package = "real"` renames are followed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from scanner.analyzers.lockfile._support.toml import load_toml
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import CARGO
from scanner.errors import ParseError

_KINDS = {"dependencies": None, "dev-dependencies": "dev", "build-dependencies": "build"}


def _tables(data: dict[str, Any]) -> list[tuple[tuple[str, ...], str | None, Any]]:
    Table = tuple[tuple[str, ...], str | None, Any]
    found: list[Table] = [((kind,), scope, data.get(kind)) for kind, scope in _KINDS.items()]
    workspace = data.get("workspace")
    if isinstance(workspace, dict):
        found.append((("workspace", "dependencies"), "workspace", workspace.get("dependencies")))
    targets = data.get("target")
    if isinstance(targets, dict):
        for cfg, table in targets.items():
            if isinstance(table, dict):
                found += [(("target", cfg, kind), scope, table.get(kind)) for kind, scope in _KINDS.items()]
    return [(key, scope, deps) for key, scope, deps in found if deps is not None]


def parse(path: str, text: str) -> list[DeclaredPackage]:
    doc = load_toml(path, text)
    out: list[DeclaredPackage] = []
    for table, scope, deps in _tables(doc.data):
        if not isinstance(deps, dict):
            raise ParseError(f"{path}: [{'.'.join(table)}] must be a table")
        for key, spec in deps.items():
            name, requirement = key, None
            if isinstance(spec, str):
                requirement = spec
            elif isinstance(spec, dict):
                name = str(spec.get("package", key))
                requirement = spec.get("version") if isinstance(spec.get("version"), str) else None
                if "path" in spec and "version" not in spec and "git" not in spec:
                    continue  # a crate of the same workspace
            else:
                raise ParseError(f"{path}: dependency {key!r} must be a string or a table")
            version = exact_version(requirement) if requirement and requirement.startswith("=") else None
            line = doc.declared_line(*table, key) or doc.tables.get(table, 1)
            col = max(doc.lines.line_text(line).find(key), 0) + 1
            out.append(DeclaredPackage(
                purl=CARGO.purl(name, version), ecosystem="cargo", name=name, version=version,
                line=line, column=col, end_column=col + len(key), direct=True, scope=scope))
    return sorted(out, key=lambda p: p.line)


class CargoTomlAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/cargo-toml"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("Cargo.toml",)
    parse = staticmethod(parse)
