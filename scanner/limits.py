"""Resource limits: every one has a default, every one is configurable, hitting one is reported."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_size: int = 256 * MiB  # bytes read from one file on disk
    max_member_size: int = 256 * MiB  # bytes of one decompressed archive member
    max_archive_depth: int = 5  # archives inside archives
    max_archive_total: int = 1024 * MiB  # decompressed bytes per top-level archive
    max_archive_members: int = 100_000
    max_compression_ratio: float = 200.0  # decompressed / compressed, per member
    max_line_length: int = 1 * MiB  # longer lines get token matching instead of parsing
    file_timeout: float = 60.0  # seconds one file may take in an analyzer (enforced by workers)
