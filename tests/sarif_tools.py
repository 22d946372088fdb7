"""Validation of SARIF documents: the official JSON schema and Microsoft's SARIF Multitool."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "sarif" / "sarif-schema-2.1.0.json"
GITHUB_RULES = REPO / "sarif" / "multitool-github-rules.xml"
MULTITOOL_VERSION = "5.7.0"


def schema_errors(doc: dict[str, Any]) -> list[str]:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]


def multitool() -> Path:
    """The Multitool binary: $SARIF_MULTITOOL, else installed once into .tools/ with npm (CI has npm)."""
    env = os.environ.get("SARIF_MULTITOOL")
    if env:
        return Path(env)
    prefix = REPO / ".tools" / "multitool"
    binary = prefix / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install @microsoft/sarif-multitool-linux")
        subprocess.run([npm, "install", "--prefix", str(prefix), "--ignore-scripts", "--no-audit", "--no-fund",
                        f"@microsoft/sarif-multitool-linux@{MULTITOOL_VERSION}"], check=True, capture_output=True)
    binary.chmod(binary.stat().st_mode | 0o100)
    return binary


def multitool_problems(sarif_path: Path, workdir: Path) -> list[tuple[str, str, str]]:
    """(rule id, level, message) of every problem the Multitool reports with GitHub's ingestion rules on."""
    out = workdir / "validation.sarif"
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
    subprocess.run([str(multitool()), "validate", str(sarif_path), "--config", str(GITHUB_RULES),
                    "--rule-kind", "Sarif;Ghas", "--level", "Error;Warning;Note", "--output", str(out),
                    "--log", "ForceOverwrite"], check=False, capture_output=True, env=env, cwd=workdir, timeout=300)
    doc = json.loads(out.read_text(encoding="utf-8-sig"))
    problems = []
    for run in doc.get("runs", []):
        for res in run.get("results", []):
            msg = res.get("message", {})
            problems.append((res.get("ruleId", "?"), res.get("level", "warning"),
                             msg.get("text") or " ".join(msg.get("arguments", []))))
    return problems
