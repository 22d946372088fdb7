"""Archives are opened by the core, in memory, never extracted to disk.

Zip family (zip, jar, aar, apk, aab, ipa, whl, nupkg...), tar family (tar, tgz, npm tarballs,
crates, gems) and single gzip files. Limits on depth, member size, total decompressed bytes,
member count and compression ratio; a member over a limit, a bomb or a path trick is reported
and skipped, and the rest of the archive is still read.
"""

from __future__ import annotations

import gzip
import io
import lzma
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from scanner.config.limits import Limits
from scanner.core import zipread
from scanner.errors import LimitExceeded, ParseError

ZIP_SUFFIXES = (
    ".zip", ".jar", ".aar", ".apk", ".aab", ".apks", ".xapk", ".ipa", ".whl", ".egg", ".nupkg",
    ".war", ".ear", ".xpi", ".crx", ".vsix", ".appx", ".msix", ".snupkg", ".zipx",
)
TAR_SUFFIXES = (".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".crate", ".gem")
GZIP_SUFFIXES = (".gz",)


def archive_kind(name: str, head: bytes) -> str | None:
    """'zip', 'tar' or 'gzip' when the core should open this file, else None."""
    lower = name.lower()
    if lower.endswith(TAR_SUFFIXES):
        return "tar"
    if lower.endswith(ZIP_SUFFIXES) or head.startswith(b"PK\x03\x04"):
        return "zip"
    if lower.endswith(GZIP_SUFFIXES) or head.startswith(b"\x1f\x8b"):
        return "gzip"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    return None


@dataclass
class ArchiveBudget:
    """Decompressed bytes still allowed for one top-level archive and everything inside it."""

    remaining: int
    members_left: int
    exhausted: bool = False  # a member-count limit was hit: nothing more is opened, nothing more reported
    notes: int = 0  # archive problems reported so far for this top-level file
    notes_dropped: int = 0  # ...and those left out of the report past the cap


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes


@dataclass(frozen=True)
class MemberProblem:
    name: str
    message: str
    is_limit: bool


def iter_members(
    kind: str, name: str, data: bytes, limits: Limits, budget: ArchiveBudget
) -> Iterator[Member | MemberProblem]:
    """Members of an archive held in memory. Raises ParseError when the container is unreadable."""
    if budget.exhausted:
        return
    if kind == "zip":
        yield from _zip_members(data, limits, budget)
    elif kind == "tar":
        yield from _tar_members(data, limits, budget)
    elif kind == "gzip":
        yield from _gzip_member(name, data, limits, budget)


# What tarfile and gzip raise on corrupt or hostile containers besides their own error types
# (a bad LZMA stream, an absurd header field). Zip members are read by `zipread`, which raises ParseError.
_ERRORS = (OSError, EOFError, ValueError, NotImplementedError, RuntimeError, OverflowError, zlib.error,
           lzma.LZMAError, tarfile.TarError)


def _unsafe_name(member: str) -> bool:
    parts = member.replace("\\", "/").split("/")
    return member.startswith(("/", "\\")) or ".." in parts or (len(member) > 1 and member[1] == ":")


def _charge(budget: ArchiveBudget, size: int, limits: Limits) -> str | None:
    if budget.members_left <= 0:
        budget.exhausted = True
        return f"more than {limits.max_archive_members} members; the rest are not read"
    if size > limits.max_member_size:
        return f"member of {size} bytes is over the {limits.max_member_size}-byte limit"
    if size > budget.remaining:
        return f"decompressed size would pass the {limits.max_archive_total}-byte archive limit"
    return None


def _zip_members(data: bytes, limits: Limits, budget: ArchiveBudget) -> Iterator[Member | MemberProblem]:
    """Each entry is cross-checked with its local header (see `zipread`): a bad one costs itself only."""
    directory = zipread.read_directory(data, limits.max_archive_members)
    for entry in directory.entries:
        zipread.check_local_header(data, entry, directory.data_end)
    overlapping = zipread.overlapping(directory.entries)
    for entry in directory.entries:
        if entry.is_dir():
            continue
        member = entry.name
        if entry.bad:
            yield MemberProblem(_shown(member), entry.bad, False)
            continue
        for note in entry.notes:
            yield MemberProblem(_shown(member), note, False)
        if _unsafe_name(member):
            yield MemberProblem(member, "member name escapes the archive (path traversal); read, never extracted",
                                False)
        if id(entry) in overlapping:
            yield MemberProblem(member, "overlapping member entries (zip bomb / quine shape); skipped", True)
            continue
        declared = entry.file_size
        ratio = declared / max(entry.compress_size, 1)
        if ratio > limits.max_compression_ratio and declared > 1024 * 1024:
            yield MemberProblem(member, f"compression ratio {ratio:.0f}:1 is over the limit "
                                        f"{limits.max_compression_ratio:.0f}:1 (zip bomb?); skipped", True)
            continue
        problem = _charge(budget, declared, limits)
        if problem:
            yield MemberProblem(member, problem, True)
            if budget.members_left <= 0:
                return
            continue
        # the ratio cap also bounds a member whose sizes lie
        cap = min(limits.max_member_size, budget.remaining, declared,
                  max(1024 * 1024, int(max(entry.compress_size, 1) * limits.max_compression_ratio)))
        try:
            content = zipread.inflate(data, entry, cap)
        except ParseError as exc:
            yield MemberProblem(member, str(exc), False)
            continue
        if len(content) > cap:
            yield MemberProblem(member, "decompresses to more than its declared size allows (zip bomb?); skipped",
                                True)
            budget.remaining -= cap
            continue
        if not zipread.crc_matches(entry, content):
            yield MemberProblem(member, "CRC-32 does not match (corrupt or altered member); read anyway", False)
        budget.remaining -= len(content)
        budget.members_left -= 1
        yield Member(member, content)
    if directory.truncated:
        yield MemberProblem("", directory.truncated, False)


def _shown(name: str) -> str:
    """A member name safe in a message: bytes that are not UTF-8 shown as \\x escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _tar_members(data: bytes, limits: Limits, budget: ArchiveBudget) -> Iterator[Member | MemberProblem]:
    try:
        # stream mode: one forward pass, transparent gzip/bz2/xz
        tf = tarfile.open(fileobj=io.BytesIO(data), mode="r|*")  # noqa: SIM115 - closed with the stream
    except _ERRORS as exc:
        raise ParseError(f"not a readable tar archive: {exc}") from exc
    compressed = data[:2] == b"\x1f\x8b" or data[:3] == b"BZh" or data[:6] == b"\xfd7zXZ\x00"
    # a compressed tar is a bomb when the whole stream inflates too much (members are small, many)
    inflation_cap = int(max(len(data), 1) * limits.max_compression_ratio) if compressed else None
    inflated = 0
    headers = 0
    try:
        while True:
            info = tf.next()
            if info is None:
                break
            tf.members.clear()  # type: ignore[attr-defined]  # stream mode still keeps every header; a million entries must not pile up
            headers += 1
            inflated += 512 + (info.size if info.isfile() else 0)
            if headers > limits.max_archive_members:
                budget.exhausted = True
                yield MemberProblem("", f"more than {limits.max_archive_members} entries; the rest are not read",
                                    True)
                return
            if inflation_cap is not None and inflated > inflation_cap and inflated > 1024 * 1024:
                yield MemberProblem("", f"decompresses more than {limits.max_compression_ratio:.0f} times its "
                                        f"compressed size (bomb?); the rest is not read", True)
                return
            if not info.isfile():
                continue
            member = info.name
            if _unsafe_name(member):
                yield MemberProblem(member, "member name escapes the archive (path traversal); read, never extracted",
                                    False)
            problem = _charge(budget, info.size, limits)
            if problem:
                yield MemberProblem(member, problem, True)
                if budget.members_left <= 0:
                    return
                continue
            handle = tf.extractfile(info)
            if handle is None:
                continue
            content = handle.read(info.size)
            budget.remaining -= len(content)
            budget.members_left -= 1
            yield Member(member, content)
    except _ERRORS as exc:
        yield MemberProblem("", f"archive is truncated or corrupt: {exc}", False)


def _gzip_member(name: str, data: bytes, limits: Limits, budget: ArchiveBudget) -> Iterator[Member | MemberProblem]:
    inner = name.rsplit("/", 1)[-1]
    inner = inner[:-3] if inner.lower().endswith(".gz") else inner + ".ungz"
    cap = min(limits.max_member_size, budget.remaining, int(max(len(data), 1) * limits.max_compression_ratio))
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            content = handle.read(cap + 1)
    except _ERRORS as exc:
        raise ParseError(f"not a readable gzip file: {exc}") from exc
    if len(content) > cap:
        raise LimitExceeded(f"gzip data decompresses past {cap} bytes (bomb?); not read")
    budget.remaining -= len(content)
    budget.members_left -= 1
    yield Member(inner, content)
