"""`unknown_rule_ids`: the ids inline directives name that no pack defines, with their lines."""

from __future__ import annotations

from scanner.findings.suppress import MAX_UNKNOWN_IDS, unknown_rule_ids


def test_lines_and_ids() -> None:
    data = (b"a = 1\r\n"
            b"b = 2  # tiktok-scan: ignore[TT301, tt999] reason\r\n"
            b"\r\n"
            b"// tiktok-scan: ignore[XY100,TT301]\n"
            b"/* tiktok-scan: ignore */\n"
            b"x = 'tiktok-scan: not a directive'\n"
            b"# tiktok-scan: ignore[not-an-id]")
    assert unknown_rule_ids(data, {"TT301"}) == [(2, "TT999"), (4, "XY100")]


def test_capped_per_file() -> None:
    data = b"".join(b"# tiktok-scan: ignore[ZZ%03d]\n" % i for i in range(MAX_UNKNOWN_IDS * 3))
    found = unknown_rule_ids(data, set())
    assert len(found) == MAX_UNKNOWN_IDS and found[0] == (1, "ZZ000") and found[-1][0] == MAX_UNKNOWN_IDS
