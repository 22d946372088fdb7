"""`tiktok-scan inventory` (CycloneDX 1.6) and `rules --export dependency-review` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO, run_cli


def test_inventory_writes_a_valid_cyclonedx_sbom(tmp_path: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    out = tmp_path / "bom.json"
    proc = run_cli("inventory", str(REPO / "examples"), "--format", "cyclonedx", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    top = json.loads(text)["components"]
    purls = {c["purl"] for c in top if "purl" in c} | {n["purl"] for c in top for n in c.get("components", [])}
    assert "pkg:maven/com.tiktok.open.sdk/tiktok-open-sdk-auth@2.3.0" in purls
    assert "pkg:cocoapods/TikTokOpenSDKCore" in purls
    assert not any("tiktoken" in p or "express" in p for p in purls)


def test_dependency_review_deny_list() -> None:
    proc = run_cli("rules", "--export", "dependency-review")
    assert proc.returncode == 0
    assert '- "pkg:npm/tiktok-pixel"' in proc.stdout
    assert "tiktoken" not in proc.stdout
