"""A zip reader that cross-checks the central directory against the local headers, entry by entry.

The standard library's `zipfile` trusts the central directory as a whole: one entry with a name
flagged UTF-8 that is not UTF-8, or a corrupt zip64 extra field, makes the whole archive
unreadable, and one lying size makes every later member look like it overlaps. An APK could hide
an SDK behind one such entry. Here each entry is judged on its own: its local header must be where
the central directory says, with the same name, and its data must fit before the central
directory; when the central and local sizes disagree the one that fits is used and the
disagreement is reported. A bad entry costs that entry only.

Format: PKWARE APPNOTE.TXT 6.3.10 (sections 4.3.7 local header, 4.3.12 central directory header,
4.3.14-16 zip64 end records, 4.5.3 zip64 extended information extra field).
"""

from __future__ import annotations

import bz2
import lzma
import struct
import zlib
from dataclasses import dataclass

from scanner.errors import ParseError

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record, 22 bytes
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")  # 56 bytes
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # 46 bytes
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # 30 bytes
_MAX_COMMENT = 0xFFFF
_FFFF = 0xFFFF
_FFFFFFFF = 0xFFFFFFFF
_ZIP64_EXTRA = 0x0001

FLAG_ENCRYPTED = 0x1
FLAG_DATA_DESCRIPTOR = 0x8
FLAG_UTF8 = 0x800
STORED, DEFLATED, BZIP2, LZMA = 0, 8, 12, 14


@dataclass
class ZipEntry:
    """One central directory record, with what the cross-check with its local header found."""

    name: str  # UTF-8 (invalid bytes kept as surrogates, as tarfile does) or cp437, per the flag
    flags: int
    method: int
    crc: int
    compress_size: int
    file_size: int
    header_offset: int
    data_offset: int = -1  # where the compressed bytes start, once the local header is checked
    bad: str = ""  # why this entry cannot be read (the entry only)
    notes: tuple[str, ...] = ()  # problems that do not stop the entry from being read

    def is_dir(self) -> bool:
        return self.name.endswith("/")


@dataclass(frozen=True)
class ZipDirectory:
    entries: list[ZipEntry]
    data_end: int  # member data must end before this offset (the start of the central directory)
    truncated: str = ""  # why the central directory could not be read to its end


def _find_eocd(data: bytes) -> int:
    start = max(0, len(data) - _EOCD.size - _MAX_COMMENT)
    at = data.rfind(b"PK\x05\x06", start)
    while at >= 0 and at + _EOCD.size > len(data):
        at = data.rfind(b"PK\x05\x06", start, at)
    if at < 0:
        raise ParseError("no end of central directory record (truncated, or not a zip archive)")
    return at


def _directory_extent(data: bytes, eocd: int) -> tuple[int, int, int]:
    """(entries declared, central directory size, its declared offset), from the zip64 record if any."""
    _sig, _disk, _cd_disk, _n_disk, count, size, offset, _comment = _EOCD.unpack_from(data, eocd)
    locator = eocd - _ZIP64_LOCATOR.size
    if locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
        _s, _d, z64_offset, _t = _ZIP64_LOCATOR.unpack_from(data, locator)
        # the zip64 record sits just before its locator; its stated offset may be shifted by a prefix
        for at in (locator - _ZIP64_EOCD.size, z64_offset):
            if 0 <= at <= len(data) - _ZIP64_EOCD.size and data[at:at + 4] == b"PK\x06\x06":
                fields = _ZIP64_EOCD.unpack_from(data, at)
                count, size, offset = fields[7], fields[8], fields[9]
                return count, size, offset
    return count, size, offset


def read_directory(data: bytes, max_entries: int) -> ZipDirectory:
    """The central directory's entries (at most `max_entries` + 1). Raises ParseError without one."""
    eocd = _find_eocd(data)
    _count, size, offset = _directory_extent(data, eocd)
    z64 = eocd - _ZIP64_LOCATOR.size
    end = z64 - _ZIP64_EOCD.size if z64 >= 0 and data[z64:z64 + 4] == b"PK\x06\x07" else eocd
    start = end - size
    if start < 0 or size > end:
        raise ParseError(f"central directory of {size} bytes does not fit before its end record")
    shift = start - offset  # bytes prepended to the archive (self-extractors): offsets move with them
    entries: list[ZipEntry] = []
    pos = start
    truncated = ""
    while pos < end and len(entries) <= max_entries:
        if pos + _CENTRAL.size > end or data[pos:pos + 4] != b"PK\x01\x02":
            truncated = f"central directory is corrupt at offset {pos}; the entries after it are not read"
            break
        fields = _CENTRAL.unpack_from(data, pos)
        flags, method, crc, csize, usize = fields[5], fields[6], fields[9], fields[10], fields[11]
        name_len, extra_len, comment_len, header_offset = fields[12], fields[13], fields[14], fields[18]
        name_end = pos + _CENTRAL.size + name_len
        record_end = name_end + extra_len + comment_len
        if record_end > end:
            truncated = f"central directory record at offset {pos} runs past the directory's end"
            break
        entry = ZipEntry(_decode_name(data[pos + _CENTRAL.size:name_end], flags), flags, method, crc,
                         csize, usize, header_offset)
        if flags & FLAG_UTF8 and _has_surrogate(entry.name):
            entry.notes += ("name is flagged UTF-8 but is not valid UTF-8; read under its raw bytes",)
        _apply_zip64(entry, data[name_end:name_end + extra_len])
        if not entry.bad:
            entry.header_offset += shift
        entries.append(entry)
        pos = record_end
    return ZipDirectory(entries, start, truncated)


def _has_surrogate(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _decode_name(raw: bytes, flags: int) -> str:
    if flags & FLAG_UTF8:
        return raw.decode("utf-8", "surrogateescape")
    return raw.decode("cp437")


def _zip64_values(extra: bytes) -> bytes | None:
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<2H", extra, pos)
        if tag == _ZIP64_EXTRA:
            return extra[pos + 4:pos + 4 + length]
        pos += 4 + length
    return None


def _apply_zip64(entry: ZipEntry, extra: bytes) -> None:
    """Replace the 0xFFFFFFFF placeholders with the zip64 extra field's values (APPNOTE 4.5.3 order)."""
    wanted = [name for name, value in (("file_size", entry.file_size), ("compress_size", entry.compress_size),
                                       ("header_offset", entry.header_offset)) if value == _FFFFFFFF]
    if not wanted:
        return
    values = _zip64_values(extra)
    if values is None or len(values) < 8 * len(wanted):
        entry.bad = "corrupt zip64 extra field (sizes or offset missing); skipped"
        return
    for i, name in enumerate(wanted):
        setattr(entry, name, struct.unpack_from("<Q", values, 8 * i)[0])


def check_local_header(data: bytes, entry: ZipEntry, data_end: int) -> None:
    """Cross-check one entry with its local header; set `data_offset`, or `bad` when unreadable."""
    at = entry.header_offset
    if entry.bad:
        return
    if at < 0 or at + _LOCAL.size > data_end or data[at:at + 4] != b"PK\x03\x04":
        entry.bad = (f"no local header at offset {at} where the central directory points "
                     f"(central directory and local headers disagree); skipped")
        return
    fields = _LOCAL.unpack_from(data, at)
    flags, crc, csize, usize, name_len, extra_len = fields[3], fields[7], fields[8], fields[9], fields[10], \
        fields[11]
    local_name = data[at + _LOCAL.size:at + _LOCAL.size + name_len]
    if _decode_name(local_name, entry.flags) != entry.name:
        entry.notes += (f"local header names it {_decode_name(local_name, flags)!r}; "
                        f"the central directory's name is used",)
    entry.data_offset = at + _LOCAL.size + name_len + extra_len
    central = (entry.compress_size, entry.file_size, entry.crc)
    candidates = [central]
    if not flags & FLAG_DATA_DESCRIPTOR:  # else the local sizes are zeros and the real ones follow the data
        if _FFFFFFFF in (csize, usize):
            values = _zip64_values(data[at + _LOCAL.size + name_len:entry.data_offset])
            if values is not None and len(values) >= 16:
                usize, csize = struct.unpack_from("<2Q", values)
        local = (csize, usize, crc)
        if local != central:
            candidates.append(local)
    fits = [c for c in candidates if entry.data_offset + c[0] <= data_end]
    if not fits:
        entry.bad = (f"declared compressed size {entry.compress_size} runs past the end of the member data "
                     f"(lying size); skipped")
        return
    # a size too large hides the members after it; one too small costs this member only
    best = min(fits, key=lambda c: c[:2])
    if len(candidates) > 1:
        chosen = "central directory's" if best is central else "local header's"
        entry.notes += (f"central directory and local header disagree on (compressed, uncompressed) sizes or "
                        f"CRC: {central[:2]} vs {candidates[1][:2]}; the {chosen} are used",)
    entry.compress_size, entry.file_size, entry.crc = best


def overlapping(entries: list[ZipEntry]) -> set[int]:
    """ids of checked entries whose local header lies inside an earlier entry's data (quine / "better
    zip bomb" shape), or shares its offset. Entries already found bad do not count: a lying size must
    not make its neighbours look like overlaps."""
    out: set[int] = set()
    end = -1
    for entry in sorted((e for e in entries if not e.bad and not e.is_dir()), key=lambda e: e.header_offset):
        if entry.header_offset < end:
            out.add(id(entry))
            continue
        end = entry.data_offset + entry.compress_size
    return out


def inflate(data: bytes, entry: ZipEntry, cap: int) -> bytes:
    """At most `cap` + 1 decompressed bytes of a checked entry. Raises ParseError when unreadable."""
    if entry.flags & FLAG_ENCRYPTED:
        raise ParseError("member is encrypted; not read")
    raw = memoryview(data)[entry.data_offset:entry.data_offset + entry.compress_size]
    try:
        if entry.method == STORED:
            return bytes(raw[:cap + 1])
        if entry.method == DEFLATED:
            return zlib.decompressobj(-15).decompress(raw, cap + 1)
        if entry.method == BZIP2:
            return bz2.BZ2Decompressor().decompress(raw, cap + 1)
        if entry.method == LZMA:
            return _lzma(raw, cap)
    except (zlib.error, OSError, EOFError, ValueError, lzma.LZMAError) as exc:
        raise ParseError(f"cannot decompress: {exc}") from exc
    raise ParseError(f"compression method {entry.method} is not supported; not read")


def _lzma(raw: memoryview, cap: int) -> bytes:
    # APPNOTE 5.8.8: 2 bytes of LZMA SDK version, 2 bytes of properties size, then the 5-byte properties
    if len(raw) < 9:
        raise ParseError("cannot decompress: LZMA header truncated")
    props_size = struct.unpack_from("<H", raw, 2)[0]
    props = bytes(raw[4:4 + props_size])
    if props_size != 5 or len(props) != 5 or props[0] >= 9 * 5 * 5:
        raise ParseError("cannot decompress: bad LZMA properties")
    lc, rest = props[0] % 9, props[0] // 9
    lp, pb = rest % 5, rest // 5
    # a dictionary larger than the output never helps; a hostile size must not allocate gigabytes
    dict_size = max(4096, min(struct.unpack_from("<L", props, 1)[0], cap + 1))
    filters = [{"id": lzma.FILTER_LZMA1, "dict_size": dict_size, "lc": lc, "lp": lp, "pb": pb}]
    return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters).decompress(raw[4 + props_size:], cap + 1)


def crc_matches(entry: ZipEntry, content: bytes) -> bool:
    return zlib.crc32(content) == entry.crc
