"""binary/file-hash: sha256 of whole files, matched against known TikTok SDK files (TT501).

Hashing every file would cost a full read of the tree; a vendored SDK file always carries some
TikTok literal, so only files with a prefilter hit, of a type SDKs ship as, and of a plausible
size are hashed. Archive members are hashed too (a `.js` inside a wheel, a `.jar` inside an AAR).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.model import Context, Fact, FactKind

MAX_HASHED = 64 * 1024 * 1024
MIN_HASHED = 64
SDK_SUFFIXES = (
    ".js", ".mjs", ".cjs", ".ts", ".d.ts", ".py", ".java", ".kt", ".swift", ".m", ".h", ".dart",
    ".jar", ".aar", ".dex", ".so", ".a", ".dylib", ".whl", ".tgz", ".zip", ".xcframework",
    ".framework", ".bundle", ".plist", ".json", ".xml", ".gradle", ".podspec",
)


class FileHashAnalyzer:
    name: ClassVar[str] = "binary/file-hash"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 0
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    def wants(self, path: str, is_text: bool) -> bool:
        name = path.rsplit("/", 1)[-1].lower()
        # framework binaries have no suffix (`TikTokOpenSDK.framework/TikTokOpenSDK`)
        return name.endswith(SDK_SUFFIXES) or (not is_text and "." not in name)

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        size = len(file.data)
        if not MIN_HASHED <= size <= MAX_HASHED:
            return
        digest = hashlib.sha256(file.data).hexdigest()
        yield Fact(kind=FactKind.FILE_HASH, value=digest, location=file.binary_location(0),
                   context=Context.BINARY, analyzer=self.name,
                   evidence=f"sha256 {digest} of {file.name} ({size} bytes)")
