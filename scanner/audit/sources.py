"""What an audit scans: local checkouts, bare git mirrors, or directories of release artifacts.

Bare mirrors are read without the git binary. git obeys the repository's own config, and an
audited folder's config can make git run a program: a partial clone whose promisor remote is
`ext::sh -c ...`, with `protocol.ext.allow = always` in that same config (it beats
`-c protocol.allow=never` on the command line), runs the command as soon as git reads an object
the clone lacks. So HEAD and refs are read here, pack files with dulwich's pure-Python pack reader
and loose objects with zlib. The mirror's config, hooks, `objects/info/alternates`, commit-graph
and multi-pack-index are never read; nothing is fetched (an object the mirror lacks is reported);
and every file under the mirror is opened without following a symbolic link and only if it is a
regular file, so a mirror cannot make the audit read outside it, block on a FIFO or run anything.
"""

from __future__ import annotations

import enum
import errno
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from dulwich.object_format import SHA1, SHA256, ObjectFormat
from dulwich.objects import ObjectID, parse_tree
from dulwich.pack import DELTA_TYPES, OFS_DELTA, Pack, PackData, load_pack_index_file
from dulwich.refs import Ref, check_ref_format

from scanner.errors import ScannerError, UsageError

_MIB = 1024 * 1024
_COMMIT, _TREE, _BLOB = 1, 2, 3  # git's object type numbers, in pack headers too
_TYPES = {b"commit": 1, b"tree": 2, b"blob": 3, b"tag": 4}
_TYPE_NAMES = {v: k.decode() for k, v in _TYPES.items()}
_HEX_ID = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256
_MAX_REF_FILE = 4096  # HEAD and a loose ref are one line
_MAX_SYMREFS = 5  # symbolic refs followed from HEAD, as git and dulwich do
_MAX_COMMIT = 16 * _MIB  # only its first line (the root tree) is used
_MAX_TREE = 64 * _MIB  # a directory listing; real ones are far smaller
_MAX_TREE_DEPTH = 4096  # deeper than any real repository; bounds a hostile one
_MAX_DELTA_CHAIN = 10_000  # git writes chains of at most 4095 (pack.depth)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class RepoSpec:
    name: str  # unique, file-name safe: used for the per-repository SARIF file
    path: str  # absolute
    kind: str  # "checkout" | "bare" | "artifacts"
    note: str = ""  # why a folder that looks like a bare repository is scanned as plain files


class MirrorError(ScannerError):
    """A bare mirror cannot be read at all: HEAD does not resolve to a readable commit."""


class Unread(str, enum.Enum):
    """Why a file at HEAD of a bare mirror was not read."""

    TOO_LARGE = "too-large"  # over the size limit, or rebuilt from a delta base over it
    MISSING = "missing"  # not in the mirror: a partial clone, or deleted; never fetched
    CORRUPT = "corrupt"  # in the mirror but cannot be decoded (or not what its tree says)


@dataclass(frozen=True)
class BareFile:
    """A regular file at HEAD of a bare mirror with its content, or a file or directory not read."""

    path: str  # POSIX, relative to the repository root; "." for the root directory
    size: int  # bytes, from the object's header; -1 when the object is missing or undecodable
    content: bytes | None = None  # None exactly when `unread` is set
    unread: Unread | None = None
    object_id: str = ""  # hex id of the object that is missing or cannot be decoded
    detail: str = ""  # why, in words (a corrupt object; a too-large delta base)


def _looks_bare(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir() \
        and not (path / ".git").exists()


def _classify(path: Path) -> tuple[str, str]:
    """(kind, note): a bare mirror only if HEAD resolves to a commit this module can read."""
    if _looks_bare(path):
        try:
            with _Mirror(str(path)) as mirror:
                mirror.head_tree()
        except (MirrorError, OSError) as exc:
            why = str(exc).removeprefix(f"{path}: ")
            return "artifacts", (f"looks like a bare git repository but is not a readable one ({why}); "
                                 f"scanned as plain files")
        return "bare", ""
    if (path / ".git").exists():
        return "checkout", ""
    return "artifacts", ""


def classify(path: Path) -> str:
    return _classify(path)[0]


def _safe_name(path: Path, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", path.name.removesuffix(".git")) or "repo"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def discover(paths: list[str], repos_file: str | None = None) -> list[RepoSpec]:
    """Repository specs in a stable order; a missing path is a usage error before anything runs."""
    items = list(paths)
    if repos_file:
        for line in Path(repos_file).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                items.append(line)
    if not items:
        raise UsageError("audit: no repositories given (REPO... or --repos-file FILE)")
    specs: list[RepoSpec] = []
    taken: set[str] = set()
    for item in items:
        path = Path(item).expanduser().resolve()
        if not path.is_dir():
            raise UsageError(f"{item}: not a directory (a checkout, a bare mirror or a folder of artifacts)")
        kind, note = _classify(path)
        specs.append(RepoSpec(name=_safe_name(path, taken), path=str(path), kind=kind, note=note))
    return specs


def bare_blobs(mirror: str, max_size: int) -> Iterator[BareFile]:
    """Every regular file at HEAD of a bare mirror, in `git ls-tree -r` order, read or not.

    Symbolic links (mode 120000) and submodules (gitlinks) are skipped, as a scan never follows a
    link. A missing or broken object becomes an unread entry and the walk goes on; only a HEAD that
    does not resolve to a readable commit raises MirrorError. Objects are read one at a time and a
    blob only when its header says it fits in `max_size` (a delta chain's bases too), so memory is
    bounded by that, the current delta chain and the trees on the current path.
    """
    with _Mirror(mirror) as repo:
        yield from _walk(repo, repo.head_tree(), max_size)


def shard_files(root: str, shard_size: int) -> list[list[str]] | None:
    """File lists of `shard_size` for very large checkouts/artifact folders, or None when one shard does."""
    from scanner.core.walk import Walker

    refs = [ref.path for ref in Walker().walk([root])]
    if len(refs) <= shard_size:
        return None
    return [refs[i : i + shard_size] for i in range(0, len(refs), shard_size)]


# -- reading a bare mirror ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Found:
    type_num: int
    size: int  # bytes of the object
    peak: int  # the largest object (itself or a delta base) that reading it inflates
    pack: Pack | None  # None: a loose object


def _open_in(dir_fd: int, rel: str, *, directory: bool = False) -> int:
    """A read-only descriptor for `rel` below `dir_fd`, if no component of it is a symbolic link
    and it is a regular file (or a directory): a link could lead out of the mirror, a FIFO would
    block the audit and a device would never end."""
    parts = rel.split("/")
    fd = dir_fd
    try:
        for part in parts[:-1]:
            nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            if fd != dir_fd:
                os.close(fd)
            fd = nxt
        mode = os.stat(parts[-1], dir_fd=fd, follow_symlinks=False).st_mode
        if not (stat.S_ISDIR(mode) if directory else stat.S_ISREG(mode)):
            kind = "directory" if directory else "regular file"
            raise OSError(errno.EINVAL, f"not a {kind} (a link, FIFO or device is never opened)", rel)
        flags = os.O_DIRECTORY if directory else os.O_NONBLOCK
        out = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | flags, dir_fd=fd)
    finally:
        if fd != dir_fd:
            os.close(fd)
    if stat.S_IFMT(os.fstat(out).st_mode) != stat.S_IFMT(mode):  # replaced since the check
        os.close(out)
        raise OSError(errno.EINVAL, "changed while being opened", rel)
    return out


def _inflate(read: Callable[[], bytes], limit: int, *, prefix: bool = False) -> bytes:
    """A zlib stream, fed by `read`, inflated to at most `limit` bytes: past it, the first `limit`
    bytes when `prefix`, else an error. Never holds more than `limit` bytes plus one chunk."""
    d = zlib.decompressobj()
    out: list[bytes] = []
    n = 0
    pending = b""
    while not d.eof:
        if not pending:
            pending = read()
            if not pending:
                raise zlib.error("truncated zlib stream")
        piece = d.decompress(pending, limit + 1 - n)
        pending = d.unconsumed_tail
        out.append(piece)
        n += len(piece)
        if n > limit:
            if prefix:
                return b"".join(out)[:limit]
            raise zlib.error(f"inflates to more than the {limit} bytes its header says")
    return b"".join(out)


def _reader(fd: int, offset: int | None = None, chunk: int = _CHUNK) -> Callable[[], bytes]:
    """Successive chunks of `fd`: from its position, or from `offset` without moving it (pread)."""
    if offset is None:
        return lambda: os.read(fd, chunk)
    at = [offset]

    def read() -> bytes:
        data = os.pread(fd, chunk, at[0])
        at[0] += len(data)
        return data

    return read


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """A delta header size (7 bits a byte, little-endian): (value, position after it)."""
    value = shift = 0
    while True:
        c = data[pos]  # IndexError on truncated data: reported as a corrupt object
        pos += 1
        value |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80 or shift > 70:
            return value, pos


class _Mirror:
    """HEAD and objects of a bare repository: read-only, confined to its folder, config never read."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._root = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        self._format: ObjectFormat = SHA1
        self._packs: list[tuple[Pack, int]] | None = None  # (pack, descriptor of its .pack file)
        self._files: list[BinaryIO] = []

    def __enter__(self) -> _Mirror:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        for pack, _ in self._packs or []:
            pack.close()
        for f in self._files:
            f.close()
        os.close(self._root)

    @property
    def oid_length(self) -> int:
        return int(self._format.oid_length)

    # refs: HEAD, loose refs, packed-refs; never the config, reflogs or reftable
    def _read_small(self, rel: str) -> bytes:
        fd = _open_in(self._root, rel)
        try:
            data = os.read(fd, _MAX_REF_FILE + 1)
        finally:
            os.close(fd)
        if len(data) > _MAX_REF_FILE:
            raise MirrorError(f"{self.path}: {rel}: over {_MAX_REF_FILE} bytes, not a ref")
        return data

    def _packed_ref(self, name: bytes) -> bytes | None:
        try:
            fd = _open_in(self._root, "packed-refs")
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as f:
            while line := f.readline(_MAX_REF_FILE):
                if not line.startswith((b"#", b"^")):
                    oid, _, ref = line.rstrip(b"\r\n").partition(b" ")
                    if ref == name:
                        return oid
        return None

    def head(self) -> str:
        """The object id HEAD resolves to: a symbolic ref (loose or packed) or a detached id."""
        name = "HEAD"
        for _ in range(_MAX_SYMREFS + 1):
            value: bytes | None
            try:
                try:
                    value = self._read_small(name).split(b"\n", 1)[0].strip()
                except (FileNotFoundError, NotADirectoryError):  # not loose: packed, if anywhere
                    value = None if name == "HEAD" else self._packed_ref(os.fsencode(name))
            except OSError as exc:
                raise MirrorError(f"{self.path}: {exc.filename or name}: {exc.strerror}") from exc
            if value is None:
                raise MirrorError(f"{self.path}: HEAD: {name} does not exist (no commit yet?)")
            if value.startswith(b"ref:"):
                target = value[4:].strip()
                if not target.startswith(b"refs/") or not check_ref_format(Ref(target)):
                    raise MirrorError(f"{self.path}: HEAD: {name} points to an invalid ref name {target[:80]!r}")
                name = os.fsdecode(target)
                continue
            if not _HEX_ID.fullmatch(value):
                raise MirrorError(f"{self.path}: HEAD: {name} is not an object id: {value[:80]!r}")
            self._format = SHA256 if len(value) == SHA256.hex_length else SHA1
            return value.decode("ascii")
        raise MirrorError(f"{self.path}: HEAD: symbolic refs nested deeper than {_MAX_SYMREFS}")

    def head_tree(self) -> str:
        """The id of the root tree of the commit at HEAD."""
        oid = self.head()
        try:
            found = self.find(oid)
            if found is None:
                raise MirrorError(f"{self.path}: HEAD commit {oid} is missing from the repository")
            if found.type_num != _COMMIT:
                raise MirrorError(f"{self.path}: HEAD {oid} is a {_TYPE_NAMES.get(found.type_num, '?')}, "
                                  f"not a commit")
            if found.peak > _MAX_COMMIT:
                raise MirrorError(f"{self.path}: HEAD commit {oid}: over {_MAX_COMMIT} bytes")
            first = self.read(oid, found).split(b"\n", 1)[0]
        except MirrorError:
            raise
        except Exception as exc:  # whatever a corrupt object makes the readers raise
            raise MirrorError(f"{self.path}: HEAD commit {oid} cannot be read: {type(exc).__name__}: {exc}") from exc
        tree = first.removeprefix(b"tree ")
        if not first.startswith(b"tree ") or not _HEX_ID.fullmatch(tree):
            raise MirrorError(f"{self.path}: HEAD commit {oid} does not start with its tree")
        return tree.decode("ascii")

    # objects: packs through dulwich's pack reader, loose objects with zlib; no alternates
    def _load_packs(self) -> list[tuple[Pack, int]]:
        """Every pack with its index, opened once through confined descriptors (dulwich would
        open them by path, following links)."""
        if self._packs is not None:
            return self._packs
        self._packs = []
        try:
            pack_dir = _open_in(self._root, "objects/pack", directory=True)
        except FileNotFoundError:
            return self._packs
        try:
            names = set(os.listdir(pack_dir))
            for name in sorted(names):
                base = name.removesuffix(".pack")
                if base == name or base + ".idx" not in names:
                    continue  # as git: a pack counts once its index is written
                where = f"objects/pack/{name}"
                try:
                    data_file = os.fdopen(_open_in(pack_dir, name), "rb")
                    self._files.append(data_file)
                    idx_file = os.fdopen(_open_in(pack_dir, base + ".idx"), "rb")
                    self._files.append(idx_file)
                    pack = Pack.from_objects(
                        PackData(where, object_format=self._format, file=data_file),
                        load_pack_index_file(where.removesuffix(".pack") + ".idx", idx_file, self._format))
                except Exception as exc:  # a broken pack hides objects: the mirror is not read at all
                    raise MirrorError(f"{self.path}: {where}: cannot be read: {type(exc).__name__}: {exc}") from exc
                self._packs.append((pack, data_file.fileno()))
        finally:
            os.close(pack_dir)
        return self._packs

    def find(self, oid: str) -> _Found | None:
        """An object's type and size from its header alone, or None when the mirror lacks it."""
        key = ObjectID(oid.encode("ascii"))
        for pack, fd in self._load_packs():
            try:
                offset = pack.index.object_offset(key)
            except KeyError:
                continue
            type_num, size, peak = self._packed(pack, fd, offset)
            return _Found(type_num, size, peak, pack)
        try:
            fd = _open_in(self._root, f"objects/{oid[:2]}/{oid[2:]}")
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            header = _inflate(_reader(fd), 64, prefix=True)
        finally:
            os.close(fd)
        kind, space, rest = header.partition(b" ")
        size_text, nul, _ = rest.partition(b"\0")
        if kind not in _TYPES or not space or not nul or not size_text.isdigit():
            raise ValueError(f"loose object {oid}: bad header {header[:32]!r}")
        return _Found(_TYPES[kind], int(size_text), int(size_text), None)

    def _packed(self, pack: Pack, fd: int, offset: int) -> tuple[int, int, int]:
        """(type, size, peak) of the pack entry at `offset`, following its delta chain through the
        entry headers and the first bytes of each delta (the sizes of its base and of its result)."""
        size = peak = -1
        for _ in range(_MAX_DELTA_CHAIN):
            head = os.pread(fd, 32 + self._format.oid_length, offset)
            c = head[0]
            type_num, entry_size, shift, pos = (c >> 4) & 7, c & 0x0F, 4, 1
            while c & 0x80:
                c = head[pos]
                pos += 1
                entry_size |= (c & 0x7F) << shift
                shift += 7
            if type_num not in DELTA_TYPES:
                return type_num, entry_size if size < 0 else size, max(peak, entry_size)
            if type_num == OFS_DELTA:
                c = head[pos]
                pos += 1
                back = c & 0x7F
                while c & 0x80:
                    c = head[pos]
                    pos += 1
                    back = ((back + 1) << 7) | (c & 0x7F)
                base_offset = offset - back
                if back <= 0 or base_offset < 12:
                    raise ValueError(f"delta at pack offset {offset}: base offset out of the pack")
            else:
                base_id = head[pos : pos + self._format.oid_length].hex()
                pos += self._format.oid_length
                try:
                    base_offset = pack.index.object_offset(ObjectID(base_id.encode("ascii")))
                except KeyError:  # git keeps packs self-contained; dulwich here resolves in-pack only
                    raise ValueError(f"delta base {base_id} is not in the same pack") from None
            delta = _inflate(_reader(fd, offset + pos, 256), 20, prefix=True)  # two sizes, <= 10 bytes each
            base_size, at = _varint(delta, 0)
            result_size, _ = _varint(delta, at)
            if size < 0:
                size = result_size
            peak = max(peak, base_size, result_size)
            offset = base_offset
        raise ValueError(f"delta chain longer than {_MAX_DELTA_CHAIN}")

    def read(self, oid: str, found: _Found) -> bytes:
        """The content of an object `find` located, checked against the size its header gave."""
        if found.pack is not None:
            type_num, data = found.pack.get_raw(ObjectID(oid.encode("ascii")))
        else:
            fd = _open_in(self._root, f"objects/{oid[:2]}/{oid[2:]}")
            try:
                raw = _inflate(_reader(fd), found.size + 64)
            finally:
                os.close(fd)
            header, _, data = raw.partition(b"\0")
            type_num = _TYPES.get(header.partition(b" ")[0], 0)
        if type_num != found.type_num or len(data) != found.size:
            raise ValueError(f"object {oid}: content does not match its header")
        return data


def _tree(repo: _Mirror, path: str, oid: str) -> list[tuple[bytes, int, bytes]] | BareFile:
    """The entries of a tree, or why the directory at `path` is not read."""
    try:
        found = repo.find(oid)
        if found is None:
            return BareFile(path, -1, unread=Unread.MISSING, object_id=oid)
        if found.type_num != _TREE:
            raise ValueError(f"a {_TYPE_NAMES.get(found.type_num, '?')}, not a tree")
        if found.peak > _MAX_TREE:
            return BareFile(path, found.size, unread=Unread.TOO_LARGE, object_id=oid,
                            detail=f"its directory listing needs {found.peak} bytes, over {_MAX_TREE}")
        return list(parse_tree(repo.read(oid, found), repo.oid_length))
    except Exception as exc:  # per-object error boundary: the rest of the tree is still read
        return BareFile(path, -1, unread=Unread.CORRUPT, object_id=oid, detail=f"{type(exc).__name__}: {exc}")


def _blob(repo: _Mirror, path: str, oid: str, max_size: int) -> BareFile:
    try:
        found = repo.find(oid)
        if found is None:
            return BareFile(path, -1, unread=Unread.MISSING, object_id=oid)
        if found.type_num != _BLOB:
            raise ValueError(f"a {_TYPE_NAMES.get(found.type_num, '?')}, not a blob")
        if found.size > max_size:
            return BareFile(path, found.size, unread=Unread.TOO_LARGE, object_id=oid)
        if found.peak > max_size:
            return BareFile(path, found.size, unread=Unread.TOO_LARGE, object_id=oid,
                            detail=f"rebuilding it needs a delta base of {found.peak} bytes, over the file size limit")
        return BareFile(path, found.size, content=repo.read(oid, found))
    except Exception as exc:  # per-object error boundary: every other file is still read
        return BareFile(path, -1, unread=Unread.CORRUPT, object_id=oid, detail=f"{type(exc).__name__}: {exc}")


def _walk(repo: _Mirror, root: str, max_size: int) -> Iterator[BareFile]:
    """Depth first, entries in tree order: the order of `git ls-tree -r`."""
    entries = _tree(repo, ".", root)
    if isinstance(entries, BareFile):
        yield entries
        return
    stack = [("", root, iter(entries))]
    on_path = {root}  # trees being walked: a tree that contains itself is corrupt, not infinite
    while stack:
        prefix, oid, todo = stack[-1]
        entry = next(todo, None)
        if entry is None:
            stack.pop()
            on_path.discard(oid)
            continue
        name, mode, child_id = entry
        path = prefix + name.decode("utf-8", "replace")
        child = child_id.decode("ascii")
        if name in (b"", b".", b"..") or b"/" in name:  # git refuses such trees (fsck): never a path
            yield BareFile(prefix.rstrip("/") or ".", -1, unread=Unread.CORRUPT, object_id=oid,
                           detail=f"the tree has an entry named {name!r}")
            continue
        if stat.S_ISDIR(mode):
            if child in on_path or len(stack) >= _MAX_TREE_DEPTH:
                yield BareFile(path, -1, unread=Unread.CORRUPT, object_id=child,
                               detail="the tree contains itself" if child in on_path
                               else f"directories nested deeper than {_MAX_TREE_DEPTH}")
                continue
            sub = _tree(repo, path, child)
            if isinstance(sub, BareFile):
                yield sub
                continue
            stack.append((path + "/", child, iter(sub)))
            on_path.add(child)
        elif stat.S_ISREG(mode):
            yield _blob(repo, path, child, max_size)
        # mode 120000 (symbolic link) and 160000 (submodule) are never followed
