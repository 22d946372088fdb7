"""Secrets never leave the scanner: snippets and evidence are redacted before any report sees them."""

from __future__ import annotations

import re

_KEY_VALUE = re.compile(
    r"""(?ix)
    (?P<key>(?:access[_-]?token|refresh[_-]?token|client[_-]?secret|app[_-]?secret|secret[_-]?key|secret
      |api[_-]?key|password|passwd|authorization|x-tts-access-token|access-token|sign)
      ["']?\s*[:=]\s*(?:bearer\s+)?["']?)
    (?P<value>[^"'\s,;&}<>)]{4,})
    """
)
_TOKEN = re.compile(r"\b(?P<prefix>act\.|clt\.|rft\.)[A-Za-z0-9._!*-]{8,}")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")
_LONG_RANDOM = re.compile(r"(?<![A-Za-z0-9/_.-])(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])"
                          r"[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])")

# What each pattern cannot match without: substring tests are far cheaper than four regex scans,
# and most lines carry none of them (redaction runs on every finding's snippet, value, evidence
# and message).
_KEY_WORDS = ("token", "secret", "key", "passw", "authorization", "sign")
_TOKEN_PREFIXES = ("act.", "clt.", "rft.")
_RUN = re.compile(r"[A-Za-z0-9_-]{32}")

MAX_SNIPPET = 240


def redact(text: str) -> str:
    lower = text.lower()
    if any(word in lower for word in _KEY_WORDS):
        text = _KEY_VALUE.sub(lambda m: m.group("key") + "***", text)
    if any(prefix in text for prefix in _TOKEN_PREFIXES):
        text = _TOKEN.sub(lambda m: m.group("prefix") + "***", text)
    if "bearer" in lower:
        text = _BEARER.sub(lambda m: m.group(1) + "***", text)
    if _RUN.search(text):
        text = _LONG_RANDOM.sub("***", text)
    return text


def snippet_around(line: str, column: int) -> str:
    """The line, trimmed to MAX_SNIPPET characters around a 1-based column, then redacted."""
    line = line.strip("\r\n")
    if len(line) > MAX_SNIPPET:
        start = max(0, min(column - 1 - MAX_SNIPPET // 3, len(line) - MAX_SNIPPET))
        line = ("…" if start else "") + line[start : start + MAX_SNIPPET] + "…"
    return redact(line.strip())
