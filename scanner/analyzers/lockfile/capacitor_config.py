"""lockfile/capacitor-config: a Capacitor app's `capacitor.config.json` / `.ts` / `.js`.

`server.allowNavigation` lists the hosts the app's web view may navigate to, and `server.url` loads
the whole app from a remote page: configuration of what the app reaches, so their TikTok hosts and
URLs are CONFIG facts (config_endpoints). text/endpoints reads the JSON list as data about TikTok
and the JS/TS analyzer reads the module's array the same way; this analyzer's facts replace theirs
for the same span (a higher priority), so each entry is reported once. In the JS/TS forms only the
literal `server: {...}` object is read (the module is never run). The `plugins` object is not read:
its keys are plugins' JavaScript names (`SplashScreen`), not packages; the packages themselves
are in `package.json`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.lockfile._support.config_endpoints import config_endpoints
from scanner.analyzers.lockfile._support.json import JsonDoc, load_json
from scanner.analyzers.lockfile._support.script_literals import (
    array_entries,
    literal_after,
    literal_end,
    string_property,
)
from scanner.analyzers.lockfile._support.source import blank_comments
from scanner.analyzers.routing import NameRouted
from scanner.model import Fact


def server_values(path: str, text: str) -> list[tuple[int, int, str]]:
    """(start, end, evidence) of `server.url` and each `server.allowNavigation` entry: 0-based offsets
    of the string's characters in `text`."""
    if not text.strip():
        return []
    if path.endswith(".json"):
        return _json_values(load_json(path, text))
    code = blank_comments(path, text, slash=True)
    server = literal_after(code, "server", "{")
    if server is None:
        return []
    out: list[tuple[int, int, str]] = []
    url = string_property(code, server, "url")
    if url is not None:
        out.append((url[1], url[1] + len(url[0]), f"server.url {url[0]!r}"))
    start = literal_after(code[server : literal_end(code, server)], "allowNavigation", "[")
    if start is not None:
        out += [(offset, offset + len(value), f"server.allowNavigation {value!r}")
                for value, offset in array_entries(code, server + start)]
    return out


def _json_values(doc: JsonDoc) -> list[tuple[int, int, str]]:
    server: Any = doc.data.get("server") if isinstance(doc.data, dict) else None
    if not isinstance(server, dict):
        return []
    wanted: list[tuple[tuple[str | int, ...], Any, str]] = [(("server", "url"), server.get("url"), "server.url")]
    hosts = server.get("allowNavigation")
    wanted += [(("server", "allowNavigation", i), value, "server.allowNavigation")
               for i, value in enumerate(hosts if isinstance(hosts, list) else [])]
    out: list[tuple[int, int, str]] = []
    for key, value, label in wanted:
        offset = doc.string(*key)
        if isinstance(value, str) and offset is not None:
            end = doc.text.find('"', offset + 1)  # hosts and URLs hold no escaped quote
            out.append((offset + 1, end if end != -1 else offset + 1, f"{label} {value!r}"))
    return out


class CapacitorConfigAnalyzer(NameRouted):
    name: ClassVar[str] = "lockfile/capacitor-config"
    version: ClassVar[str] = "1.0.0"
    # over the JS/TS analyzer (10) and text/endpoints (0): an allowlist entry is configuration
    priority: ClassVar[int] = 15
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True
    filenames: ClassVar[tuple[str, ...]] = ("capacitor.config.json", "capacitor.config.ts", "capacitor.config.js")

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        yield from config_endpoints(file, server_values(file.inner_path, file.text), self.name)
