"""Redaction's cheap pre-checks never change what it hides: same output as the four patterns alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.findings import redact as r

PIECES = ["access_token", "Access-Token", "client_secret", "API_KEY", "apiKey", "password", "Passwd",
          "Authorization", "x-tts-access-token", "sign", "Bearer ", "bearer  ", "act.", "clt.", "rft.",
          "=", ": ", '"', "'", " ", ",", "abcdEFGH1234", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7", "-", "_", "/",
          "tiktok.com", "ttq.track(", "é", "0123456789abcdef"]


def reference(text: str) -> str:
    text = r._KEY_VALUE.sub(lambda m: m.group("key") + "***", text)
    text = r._TOKEN.sub(lambda m: m.group("prefix") + "***", text)
    text = r._BEARER.sub(lambda m: m.group(1) + "***", text)
    return r._LONG_RANDOM.sub("***", text)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_pre_checks_agree_with_the_patterns(text: str) -> None:
    assert r.redact(text) == reference(text)


def test_secrets_are_hidden() -> None:
    line = ('headers = {"Access-Token": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", '
            '"Authorization": "Bearer act.EXAMPLETOKENVALUE123"}')
    out = r.redact(line)
    assert "0f1e2d3c4b5a6978" not in out and "EXAMPLETOKENVALUE" not in out
    assert r.redact("ttq.track('CompletePayment')") == "ttq.track('CompletePayment')"
