"""Builds the hostile tree at test time (big and odd files are never committed).

`build(root)` writes every hostile input under `root`, with real TikTok findings planted among
them, and returns what a scan must report: the planted findings (path, archive members, line,
rule) and the problems (path, reason) that must appear as notifications. The small hand-made
inputs live in tests/fixtures/hostile/ and are copied in.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from scanner.analyzers.lockfile.base import ParserAnalyzer
from scanner.analyzers.registry import ANALYZERS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
MiB = 1024 * 1024

# Planted lines: each gives one error-level finding wherever it is put (code or config context).
EVENTS = 'EVENTS_URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/"'  # TT302
OPEN_API = 'USER_INFO = "https://open.tiktokapis.com/v2/user/info/"'  # TT301

# Lockfile and manifest names of the formats the project parses (or will, after the dependency
# analyzers land); every ParserAnalyzer in the registry adds its own names to this list.
KNOWN_MANIFESTS = (
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "package.json",
    "poetry.lock", "Pipfile.lock", "requirements.txt", "pyproject.toml", "uv.lock", "pdm.lock", "setup.cfg",
    "Podfile.lock", "Podfile", "Package.resolved", "Cartfile.resolved", "pubspec.lock", "pubspec.yaml",
    "pom.xml", "build.gradle", "build.gradle.kts", "gradle.lockfile", "libs.versions.toml",
    "go.mod", "go.sum", "Cargo.lock", "Cargo.toml", "Gemfile.lock", "composer.lock", "composer.json",
    "packages.lock.json", "project.assets.json", "packages.config", "mix.lock", "deno.lock",
)


@dataclass
class Expected:
    findings: set[tuple[str, tuple[str, ...], int, str]] = field(default_factory=set)
    problems: set[tuple[str, str]] = field(default_factory=set)  # (path, SkipReason value)
    problem_prefixes: set[tuple[str, str]] = field(default_factory=set)  # path starts with, reason


def manifest_names() -> list[str]:
    names = set(KNOWN_MANIFESTS)
    for cls in ANALYZERS:
        if isinstance(cls, type) and issubclass(cls, ParserAnalyzer):
            names.update(cls.filenames)
            names.update(p.replace("*", "x").replace("?", "x") for p in cls.patterns)
    return sorted(names)


def malformed_variants() -> dict[str, bytes]:
    """Broken takes on one manifest format; each mentions TikTok packages so parsers really run."""
    needle = (b"tiktok-business-sdk com.tiktok.open.sdk:tiktok-open-sdk-core TikTokOpenSDK "
              b"github.com/tiktok/tiktok-go @tiktok/pixel")
    return {
        "truncated": b'{"name": "app", "lockfileVersion": 3, "packages": {"node_modules/tiktok-business-sdk": {"ver',
        "garbage": b"\x00\xff\xfe" + os.urandom(64) + needle,
        "wrong-shape": b'[1, 2, {"dependencies": "tiktok-business-sdk"}, null]\n' + needle,
        "deep": b"[" * 5000 + needle + b"]" * 10,
        "xml-bomb": (b'<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY a "tiktok-open-sdk-core">'
                     b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
                     b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>\n'
                     b"<project><dependencies><dependency><groupId>&e;</groupId></dependency></dependencies>"
                     b"</project>\n"),
        "yaml-tags": b"!!python/object/apply:os.system ['touch /tmp/tiktok-scan-pwned']\n"
                     b"tiktok-business-sdk: !!python/name:os.system\n",
        "bad-utf8": b"tiktok-business-sdk \xc3\x28 \xa0\xa1 == 1.0\n[[package]]\nname = \"tiktok\xff\"\nversion = \n",
        "long-line": b"tiktok-business-sdk==" + b"9" * (2 * MiB) + b"\n",
    }


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _zeros_member(zf: zipfile.ZipFile, name: str, size: int) -> None:
    """A member of `size` zero bytes, streamed so the builder itself stays small in memory."""
    chunk = b"\0" * MiB
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=size >= 2**31) as out:
        for _ in range(size // MiB):
            out.write(chunk)


def zip_bomb() -> bytes:
    """One 100 MiB member of zeros (~1000:1) beside a small planted file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("sdk.js", "// analytics\n" + OPEN_API + "\n")
        zf.writestr("readme.txt", "just a readme\n")
    data = buf.getvalue()
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        _zeros_member(zf, "big.bin", 100 * MiB)
    return buf.getvalue()


def nested_42(levels: int = 5, fanout: int = 16) -> bytes:
    """42.zip's shape, scaled: `levels` of zips of `fanout` zips; leaves of 1 MiB zeros."""
    leaf = _zip({f"{i}.dll": b"\0" * MiB for i in range(fanout)})
    data = leaf
    for _ in range(levels):
        data = _zip({f"{i}.zip": data for i in range(fanout)})
    return _zip({"level1/sdk.py": "\n" + EVENTS + "\n", "lib.zip": data})


def traversal_zip() -> bytes:
    return _zip({"../../etc/evil.py": OPEN_API + "\n", "/abs/path.py": "x = 1\n", "C:\\win\\evil.py": "y = 2\n"})


def _local_header(name: bytes, data: bytes) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data),
                       len(name), 0) + name + data


def _central(name: bytes, data: bytes, offset: int) -> bytes:
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, zlib.crc32(data), len(data),
                       len(data), len(name), 0, 0, 0, 0, 0, offset) + name


def overlapping_zip() -> bytes:
    """The quine / "better zip bomb" shape: entries whose local headers lie inside other entries' data."""
    inner_name, inner_data = b"b.py", (OPEN_API + "\n").encode()
    inner = _local_header(inner_name, inner_data)
    outer_name = b"a.txt"
    body = _local_header(outer_name, inner)
    entries = [(outer_name, inner, 0), (inner_name, inner_data, 30 + len(outer_name)), (b"c.txt", inner, 0)]
    cd = b"".join(_central(n, d, off) for n, d, off in entries)
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cd), len(body), 0)
    return body + cd + eocd


def tar_gz_bomb() -> bytes:
    """A planted file first, then 100 members of 1 MiB zeros: small compressed, ~1000:1 inflated."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        planted = (EVENTS + "\n").encode()
        info = tarfile.TarInfo("pkg/sdk.py")
        info.size = len(planted)
        tf.addfile(info, io.BytesIO(planted))
        zeros = b"\0" * MiB
        for i in range(100):
            info = tarfile.TarInfo(f"pkg/zeros{i}.bin")
            info.size = len(zeros)
            tf.addfile(info, io.BytesIO(zeros))
        evil = tarfile.TarInfo("../../outside.py")
        evil.size = len(planted)
        tf.addfile(evil, io.BytesIO(planted))
    return buf.getvalue()


def gzip_bomb() -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb") as gz:
        chunk = b"\0" * MiB
        for _ in range(100):
            gz.write(chunk)
    return out.getvalue()


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


def build(root: Path, filler: int = 0, unreadable: bool = True) -> Expected:
    """Write the hostile tree under `root`; `filler` small planted files make the CLI use workers."""
    exp = Expected()
    f, p = exp.findings, exp.problems

    _write(root / "planted/events.py", '"""Server-side conversions."""\n\n' + EVENTS + "\n")
    f.add(("planted/events.py", (), 3, "TT302"))

    # archives
    _write(root / "bombs/zbomb.zip", zip_bomb())
    f.add(("bombs/zbomb.zip", ("sdk.js",), 2, "TT301"))
    p.add(("bombs/zbomb.zip!/big.bin", "limit"))
    _write(root / "bombs/nested-42.zip", nested_42())
    f.add(("bombs/nested-42.zip", ("level1/sdk.py",), 2, "TT302"))
    exp.problem_prefixes.add(("bombs/nested-42.zip!/lib.zip!/", "limit"))
    _write(root / "bombs/traversal.zip", traversal_zip())
    f.add(("bombs/traversal.zip", ("../../etc/evil.py",), 1, "TT301"))
    p.add(("bombs/traversal.zip!/../../etc/evil.py", "parse-error"))
    p.add(("bombs/traversal.zip!//abs/path.py", "parse-error"))
    _write(root / "bombs/overlap.zip", overlapping_zip())
    p.add(("bombs/overlap.zip!/b.py", "limit"))
    p.add(("bombs/overlap.zip!/c.txt", "limit"))
    _write(root / "bombs/bomb.tar.gz", tar_gz_bomb())
    f.add(("bombs/bomb.tar.gz", ("pkg/sdk.py",), 1, "TT302"))
    p.add(("bombs/bomb.tar.gz", "limit"))
    _write(root / "bombs/data.txt.gz", gzip_bomb())
    p.add(("bombs/data.txt.gz", "limit"))
    _write(root / "bombs/truncated.zip", zip_bomb()[:5000])
    p.add(("bombs/truncated.zip", "parse-error"))

    # committed small inputs: entity bombs, truncated binary headers, encodings
    for src in sorted(FIXTURES.rglob("*")):
        if src.is_file() and src.name != "README.md":
            _write(root / "small" / src.relative_to(FIXTURES), src.read_bytes())
    f.add(("small/billion-laughs.xml", (), 15, "TT301"))
    f.add(("small/billion-laughs.plist", (), 19, "TT301"))

    # deep nesting
    _write(root / "deep/nested.json", "[" * 100_000 + "\n" + '"https://open.tiktokapis.com/v2/user/info/"\n'
           + "]" * 100_000 + "\n")
    f.add(("deep/nested.json", (), 2, "TT301"))
    _write(root / "deep/nested.yaml", "a: " + "[" * 100_000 + "\n" + "]" * 100_000 + "\n"
           + "url: https://open.tiktokapis.com/v2/user/info/\n")
    f.add(("deep/nested.yaml", (), 3, "TT301"))
    laughs = ['a: &a ["tiktok-business-sdk", "open.tiktokapis.com"]']
    laughs += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(9)]
    _write(root / "deep/alias-bomb.yaml", "\n".join(laughs) + "\n")

    # size and line limits
    with open(root / "big-sparse.bin", "wb") as fh:
        fh.truncate(2 * 1024 * MiB)
    p.add(("big-sparse.bin", "too-large"))
    with open(root / "oneline.js", "wb") as fh:
        fh.write(b"var a='" + b"a" * (25 * MiB))
        fh.write(b"https://open.tiktokapis.com/v2/user/info/")
        fh.write(b"a" * (25 * MiB) + b"';\n" + (EVENTS + "\n").encode())
    f.add(("oneline.js", (), 1, "TT301"))
    f.add(("oneline.js", (), 2, "TT302"))

    # links and special files
    (root / "links").mkdir()
    os.symlink("/etc", root / "links/etc")
    os.symlink("/etc/passwd", root / "links/passwd")
    os.symlink("loop-b", root / "links/loop-a")
    os.symlink("loop-a", root / "links/loop-b")
    os.symlink("../planted/events.py", root / "links/inside.py")  # inside the root: scanned in place only
    p.update({("links/etc", "symlink"), ("links/passwd", "symlink"), ("links/loop-a", "symlink"),
              ("links/loop-b", "symlink")})
    (root / "special").mkdir()
    os.mkfifo(root / "special/fifo")
    p.add(("special/fifo", "special-file"))

    # encodings and names
    _write(root / "enc/invalid-utf8.py", b"# \xc3\x28 \xa0\xa1 \xf0\x28\x8c\xbc \xff\n" + EVENTS.encode() + b"\n")
    f.add(("enc/invalid-utf8.py", (), 2, "TT302"))
    _write(root / "enc/utf16-bom.js", ("// events\n" + EVENTS + "\n").encode("utf-16"))
    f.add(("enc/utf16-bom.js", (), 2, "TT302"))
    _write(root / "enc/utf16-nobom.js", ("// events\n" + EVENTS + "\n").encode("utf-16-le"))
    _write(root / "enc/lone-surrogates.py", b"x = '\xed\xa0\x80\xed\xbf\xbf'\n" + EVENTS.encode() + b"\n")
    f.add(("enc/lone-surrogates.py", (), 2, "TT302"))
    for name in ("new\nline.py", "ctrl\x01\x1b[31mred.py", "tab\tand space.py", "-dash.py", "#hash%25.py"):
        _write(root / "names" / name, EVENTS + "\n")
        f.add((f"names/{name}", (), 1, "TT302"))
    with open(os.path.join(os.fsencode(root / "names"), b"latin1-\xff.py"), "wb") as fh:
        fh.write((EVENTS + "\n").encode())
    f.add(("names/latin1-\ufffd.py", (), 1, "TT302"))

    # malformed manifests and lockfiles, one directory per variant
    for variant, content in malformed_variants().items():
        for name in manifest_names():
            _write(root / "lockfiles" / variant / name, content)

    # unreadable: chmod 000 stops every user but root (the test runs the scan as `nobody` when root)
    if unreadable:
        _write(root / "perm/secret.py", EVENTS + "\n")
        os.chmod(root / "perm/secret.py", 0)
        (root / "perm/closed").mkdir()
        _write(root / "perm/closed/inside.py", EVENTS + "\n")
        os.chmod(root / "perm/closed", 0)
        p.update({("perm/secret.py", "unreadable"), ("perm/closed", "unreadable")})

    for i in range(filler):
        _write(root / f"filler/f{i:03d}.py", "import os\n" * (i % 7) + OPEN_API + "\n")
        f.add((f"filler/f{i:03d}.py", (), i % 7 + 1, "TT301"))
    return exp


def remove(root: Path) -> None:
    """rmtree that first restores permissions taken away by `build`."""
    for d in (root / "perm/closed",):
        if d.exists():
            os.chmod(d, 0o755)
    shutil.rmtree(root, ignore_errors=True)
