"""Opt-in `.gitignore` support, parsed by pathspec (never by running git in an untrusted repo)."""

from __future__ import annotations

import os

import pathspec


class GitignoreStack:
    """The .gitignore files met on the way down, each applied relative to its own directory."""

    def __init__(self, absroot: str) -> None:
        self.absroot = absroot
        self.specs: dict[str, pathspec.PathSpec] = {}

    def enter(self, rel_dir: str) -> None:
        path = os.path.join(self.absroot, rel_dir, ".gitignore")
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = handle.read(1_000_000).splitlines()
        except OSError:
            return
        self.specs[rel_dir] = pathspec.PathSpec.from_lines("gitignore", lines)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        for base, spec in self.specs.items():
            if base and not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1 :] if base else rel
            if spec.match_file(sub + ("/" if is_dir else "")):
                return True
        return False
