"""Recognise tiktok-scan's own reports, so that a scan never reads what an earlier scan wrote.

A report left in the tree (`-o tiktok.sarif`) quotes every matched value and would come back as
hundreds of findings in the next scan. The check is cheap: a look at the first few KiB for the
markers each writer puts at the top, then a structural confirmation of that same prefix (and of
the JSON report's last bytes); a file is never parsed whole.
"""

from __future__ import annotations

import re

HEAD_BYTES = 4096
TAIL_BYTES = 256

# SARIF: `"$schema"` naming sarif, and a run whose tool.driver.name is "tiktok-scan"
# (scanner/report/sarif.py writes the driver's name first, before its rules).
_SARIF_DRIVER = re.compile(rb'"tool"\s*:\s*\{\s*"driver"\s*:\s*\{\s*"name"\s*:\s*"tiktok-scan"')
_SARIF_SCHEMA = re.compile(rb'\A\s*\{\s*"\$schema"\s*:\s*"[^"]*sarif[^"]*"', re.IGNORECASE)
# Our JSON report (scanner/report/json_report.py): `{"schema_version": "2", "tool": {"name": "tiktok-scan",
# ...}, "roots": ...` (0.1.0's had no schema_version), ending with `"successful": true|false }`.
_JSON_HEAD = re.compile(rb'\A\s*\{\s*(?:"schema_version"\s*:\s*"[0-9]+"\s*,\s*)?'
                        rb'"tool"\s*:\s*\{\s*"name"\s*:\s*"tiktok-scan"\s*,\s*"version"\s*:\s*"[^"]*"'
                        rb'\s*\}\s*,\s*"roots"\s*:')
_JSON_TAIL = re.compile(rb'"successful"\s*:\s*(?:true|false)\s*\}\s*\Z')


def report_kind(data: bytes) -> str | None:
    """"SARIF" or "JSON" when `data` is a report tiktok-scan wrote, else None."""
    if data.find(b'"tiktok-scan"', 0, HEAD_BYTES + 3) < 0:  # every file passes here: no copy until a marker
        return None
    head = data[:HEAD_BYTES]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b'"tiktok-scan"' not in head:
        return None
    if b'"$schema"' in head and _SARIF_SCHEMA.match(head) and _SARIF_DRIVER.search(head):
        return "SARIF"
    if _JSON_HEAD.match(head) and _JSON_TAIL.search(data[-TAIL_BYTES:]):
        return "JSON"
    return None
