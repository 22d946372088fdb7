"""The safety contract, in-process: no network, no execution, no symlink escape, no member on
disk, no output outside the requested path; plus a static check of the scanner's own source."""

from __future__ import annotations

import ast
import builtins
import os
import socket
import tarfile
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
import suite
from conftest import REPO

from scanner.analyzers.registry import ANALYZERS
from scanner.config import ScanConfig
from scanner.core import safe_formats
from scanner.core import scanner as scanner_mod
from scanner.core.run import run_scan
from scanner.core.scanner import Scanner
from scanner.errors import LimitExceeded, ParseError
from scanner.model import SkipReason

FIXTURES = REPO / "tests" / "fixtures"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class _Tripwire:
    """Records (and refuses) network use and file writes while a scan runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, allow_write: tuple[str, ...] = ()) -> None:
        self.calls: list[str] = []
        self.allow = {os.path.realpath(p) for p in allow_write}

        def refuse(what: str) -> Any:
            def fn(*args: object, **kwargs: object) -> Any:
                self.calls.append(f"{what}{args[1:] if what.startswith('socket.socket') else args}")
                raise OSError(f"network use during a scan: {what}")
            return fn

        for name in ("connect", "connect_ex", "sendto", "bind"):
            monkeypatch.setattr(socket.socket, name, refuse(f"socket.socket.{name}"))
        for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "create_connection"):
            monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
        real_open, real_os_open = builtins.open, os.open

        def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, (str, bytes, os.PathLike)) and any(c in mode for c in "wax+"):
                self._write(os.fsdecode(file))
            return real_open(file, mode, *args, **kwargs)

        def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
            if flags & _WRITE_FLAGS:
                self._write(os.fsdecode(path))
            return real_os_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(os, "open", guarded_os_open)

    def _write(self, path: str) -> None:
        real = os.path.realpath(path)
        beside = os.path.join(os.path.dirname(real), "")  # the report's temporary file, renamed over it
        temp = os.path.basename(real).startswith(".") and real.endswith(".tmp") \
            and any(a.startswith(beside) and os.sep not in a[len(beside):] for a in self.allow)
        if real not in self.allow and not temp:
            self.calls.append(f"write {path!r}")
            raise PermissionError(f"write during a scan: {path}")


def test_no_network_and_no_writes_while_scanning_every_fixture_tree(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    suite._write(hostile / "a.zip", suite.traversal_zip())
    suite._write(hostile / "b.tar.gz", suite.tar_gz_bomb())
    roots = [str(REPO / "examples"), str(hostile)] + ([str(FIXTURES)] if FIXTURES.is_dir() else [])
    wire = _Tripwire(monkeypatch)
    result = run_scan(ScanConfig(roots=roots, srcroot=str(REPO), jobs=1))
    assert wire.calls == []
    found = {(f.location.path, f.location.start_line, f.rule_id) for f in result.findings}
    assert ("examples/shop-web/server/events.py", 8, "TT302") in found  # a real scan happened
    assert ("tests/fixtures/hostile/billion-laughs.xml", 15, "TT301") in found
    assert not [n for n in result.notifications if "network use" in n.message or "write during" in n.message]


def test_the_tripwire_itself_fires(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    wire = _Tripwire(monkeypatch)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(PermissionError):
        open(tmp_path / "x", "w")  # noqa: SIM115
    assert len(wire.calls) == 2


def test_archive_members_are_never_written_to_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, data in (("t.zip", suite.traversal_zip()), ("b.tar.gz", suite.tar_gz_bomb()),
                       ("z.zip", suite.zip_bomb()), ("o.zip", suite.overlapping_zip())):
        suite._write(tmp_path / "in" / name, data)
    before = sorted(p for p in tmp_path.rglob("*"))
    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", lambda *a, **k: pytest.fail("temp file"))
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: pytest.fail("temp dir"))
    monkeypatch.setattr(zipfile.ZipFile, "extract", lambda *a, **k: pytest.fail("zip extract"))
    monkeypatch.setattr(zipfile.ZipFile, "extractall", lambda *a, **k: pytest.fail("zip extractall"))
    monkeypatch.setattr(tarfile.TarFile, "extract", lambda *a, **k: pytest.fail("tar extract"))
    monkeypatch.setattr(tarfile.TarFile, "extractall", lambda *a, **k: pytest.fail("tar extractall"))
    wire = _Tripwire(monkeypatch)
    monkeypatch.chdir(tmp_path / "in")
    result = run_scan(ScanConfig(roots=[str(tmp_path / "in")], srcroot=str(tmp_path / "in"), jobs=1))
    assert wire.calls == []
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not (tmp_path / "etc").exists() and not Path("/etc/evil.py").exists()
    members = {(f.location.path, f.location.members, f.location.start_line, f.rule_id) for f in result.findings}
    assert ("t.zip", ("../../etc/evil.py",), 1, "TT301") in members
    assert ("b.tar.gz", ("pkg/sdk.py",), 1, "TT302") in members


def test_symlinks_out_of_the_root_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(suite.EVENTS + "\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "own.py").write_text(suite.OPEN_API + "\n")
    os.symlink(outside / "secret.py", root / "to-file.py")
    os.symlink(outside, root / "to-dir")
    os.symlink("/etc", root / "etc")
    os.symlink("loop2", root / "loop1")
    os.symlink("loop1", root / "loop2")
    os.symlink("own.py", root / "inside.py")
    result = run_scan(ScanConfig(roots=[str(root)], srcroot=str(root), jobs=1))
    assert [(f.location.path, f.rule_id) for f in result.findings] == [("own.py", "TT301")]
    notes = {(n.path, n.reason) for n in result.notifications}
    assert notes == {("to-file.py", SkipReason.SYMLINK), ("to-dir", SkipReason.SYMLINK), ("etc", SkipReason.SYMLINK),
                     ("loop1", SkipReason.SYMLINK), ("loop2", SkipReason.SYMLINK)}
    assert result.stats.files_analyzed == 1  # inside.py is not read twice


def test_a_fifo_is_reported_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "ok.py").write_text(suite.OPEN_API + "\n")
    results: list[Any] = []
    worker = threading.Thread(target=lambda: results.append(
        run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))), daemon=True)
    worker.start()
    worker.join(120)  # opening a FIFO with no writer would block for ever
    if worker.is_alive():  # unblock the reader so the test process can end, then fail
        with open(tmp_path / "pipe.py", "wb"):
            pass
        pytest.fail("the scan opened the FIFO")
    (result,) = results
    assert [(n.path, n.reason) for n in result.notifications] == [("pipe.py", SkipReason.SPECIAL_FILE)]
    assert [f.location.path for f in result.findings] == ["ok.py"]


def test_permission_denied_is_reported_and_the_scan_goes_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """In-process simulation (tests run as root, and root reads chmod 000 files): the engine's
    file reader is replaced by one that refuses one path with EACCES, exactly what a non-root scan
    gets. The acceptance test does it for real, by dropping CAP_DAC_OVERRIDE."""
    (tmp_path / "locked.py").write_text(suite.EVENTS + "\n")
    (tmp_path / "ok.py").write_text(suite.OPEN_API + "\n")
    real_read = scanner_mod.read_capped

    def deny(path: str, size_hint: int, cap: int) -> bytes:
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path, size_hint, cap)

    monkeypatch.setattr(scanner_mod, "read_capped", deny)
    result = run_scan(ScanConfig(roots=[str(tmp_path)], srcroot=str(tmp_path), jobs=1))
    assert [(n.path, n.reason, n.message) for n in result.notifications] == [
        ("locked.py", SkipReason.UNREADABLE, "locked.py: cannot read: Permission denied")]
    assert [(f.location.path, f.rule_id) for f in result.findings] == [("ok.py", "TT301")]


def test_cli_writes_only_the_requested_output(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from scanner.cli import main

    out = tmp_path / "out" / "report.sarif"
    out.parent.mkdir()
    wire = _Tripwire(monkeypatch, allow_write=(str(out),))
    code = main(["scan", str(REPO / "examples"), "--format", "sarif", "--output", str(out), "--no-progress",
                 "--jobs", "1"])
    assert code == 1 and wire.calls == []
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["out", "report.sarif"]


# -- structured formats ---------------------------------------------------------------------------

def test_plist_billion_laughs_and_external_entities_are_refused() -> None:
    laughs = (FIXTURES / "hostile" / "billion-laughs.plist").read_bytes()
    with pytest.raises(ParseError, match="entity declarations"):
        safe_formats.load_plist(laughs)
    # and CPython's own plistlib refuses it too (a canary: if a Python drops the check, we know)
    import plistlib

    with pytest.raises(plistlib.InvalidFileException):
        plistlib.loads(laughs)
    with pytest.raises(ParseError):
        safe_formats.load_plist((FIXTURES / "hostile" / "binary.plist").read_bytes())
    assert safe_formats.load_plist(b'<?xml version="1.0"?><plist version="1.0"><dict><key>a</key>'
                                   b"<string>b</string></dict></plist>") == {"a": "b"}


@pytest.mark.parametrize("name", ["billion-laughs.xml", "AndroidManifest.xml", "pom.xml"])
def test_xml_entities_are_refused(name: str) -> None:
    with pytest.raises(ParseError, match="XML refused"):
        safe_formats.parse_xml((FIXTURES / "hostile" / name).read_bytes())
    assert safe_formats.parse_xml(b"<a><b>tiktok</b></a>").find("b").text == "tiktok"


def test_yaml_is_plain_data_only(tmp_path: Path) -> None:
    pwned = tmp_path / "pwned"
    with pytest.raises(ParseError, match="invalid YAML"):
        safe_formats.load_yaml(f"!!python/object/apply:os.system ['touch {pwned}']\n")
    assert not pwned.exists()
    laughs = ['a: &a ["lol"]'] + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]"
                                  for i in range(9)]
    with pytest.raises(LimitExceeded, match="alias bomb"):
        safe_formats.load_yaml("\n".join(laughs))
    with pytest.raises(LimitExceeded, match="refers to a node that contains it"):
        safe_formats.load_yaml("a: &a [1, *a]\n")
    # anchors and aliases within the allowance are plain data
    assert safe_formats.load_yaml("a: &a [1, 2]\nb: *a\nc: {<<: {d: 1}}\n") == {"a": [1, 2], "b": [1, 2], "c": {"d": 1}}
    with pytest.raises(ParseError, match=r"nested too deep|invalid YAML"):
        safe_formats.load_yaml("a: " + "[" * 50_000 + "]" * 50_000)
    assert safe_formats.load_yaml("a: [1, 2]\n") == {"a": [1, 2]}


def test_json_depth_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="nested too deep"):
        safe_formats.load_json("[" * 100_000 + "]" * 100_000)


# -- a static check of the scanner's own source --------------------------------------------------

# module or module.attribute -> why it must not appear in scanner/ (the CLI may write its report)
FORBIDDEN = {
    "subprocess": "starts programs", "os.system": "starts programs", "os.popen": "starts programs",
    "os.execv": "starts programs", "os.execve": "starts programs", "os.spawnv": "starts programs",
    "os.posix_spawn": "starts programs", "pty": "starts programs", "runpy": "runs code",
    "pickle": "runs code on load", "marshal": "loads code", "shelve": "pickle underneath", "dill": "runs code",
    "socket": "network", "urllib.request": "network", "http.client": "network", "requests": "network",
    "httpx": "network", "aiohttp": "network", "ftplib": "network", "smtplib": "network",
    "ctypes": "loads native code",
    "xml.etree.ElementTree.parse": "expat with entities: use scanner.core.safe_formats / defusedxml",
    "xml.etree.ElementTree.fromstring": "use scanner.core.safe_formats / defusedxml",
    "xml.etree.ElementTree.iterparse": "use defusedxml", "xml.etree.ElementTree.XML": "use defusedxml",
    "xml.etree.ElementTree.XMLParser": "use defusedxml", "xml.dom.minidom": "use defusedxml",
    "xml.dom.pulldom": "use defusedxml", "xml.sax.parse": "use defusedxml.sax",
    "xml.sax.parseString": "use defusedxml.sax", "xml.sax.make_parser": "use defusedxml.sax",
    "xml.sax.expatreader": "use defusedxml.sax", "xml.parsers.expat": "use defusedxml",
    "lxml": "resolves entities by default: use defusedxml",
    "yaml.load": "only with Loader=SafeLoader/CSafeLoader", "yaml.unsafe_load": "runs code",
    "yaml.full_load": "builds objects", "yaml.Loader": "unsafe loader", "yaml.UnsafeLoader": "unsafe loader",
    "yaml.FullLoader": "builds objects", "tempfile": "writes to disk",
    "zipfile.ZipFile.extract": "writes members to disk", "tarfile.TarFile.extractall": "writes members to disk",
    "shutil": "copies and deletes files",
}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint"}
# Reviewed exceptions: path -> forbidden names it may use, and why.
# Nothing under scanner/audit/ may be listed: an audit target is never given to a program (see
# test_no_module_of_the_audit_command_can_start_a_program).
ALLOWED = {
    # --staged / --since run git on the user's own repository (fsmonitor, hooks, external diff and
    # textconv off; a test proves a configured fsmonitor never runs)
    "scanner/core/gitdiff.py": {"subprocess", "subprocess.run"},
    # semgrep runs only when asked (`--engine semgrep`, validation of `rules --export semgrep`), with our
    # exported rules written to a temporary directory; it never runs scanned code either
    "scanner/interop/semgrep/run.py": {"subprocess", "subprocess.run", "tempfile", "tempfile.TemporaryDirectory",
                                       "shutil", "shutil.which"},
    # the scan worker (forked from the scanner) sends back the FileOutcome objects it built, over a
    # pipe only the two processes hold, as multiprocessing does elsewhere; scanned bytes are never unpickled
    "scanner/core/forked.py": {"pickle", "pickle.dumps", "pickle.loads", "pickle.HIGHEST_PROTOCOL"},
    # the per-user cache writes what it parsed or compiled from the signature packs into the user's own
    # cache folder (temp file + rename), never into the scanned tree; it stores data, never code
    "scanner/core/cache.py": {"tempfile", "tempfile.mkstemp"},
}
# Modules that write files, and only what the user asked for: the report (-o), the audit's --out DIR
# (both through scanner/report/output.py: no link followed, no special file opened), semgrep's temporary rules file.
WRITERS = {"scanner/cli.py", "scanner/audit/cli.py", "scanner/report/output.py", "scanner/interop/semgrep/run.py",
           "scanner/core/cache.py"}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "SafeYamlLoader", "BaseLoader", "CBaseLoader"}


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    aliases: dict[str, str] = {}
    out: list[str] = []
    rel = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else path.name

    def check(dotted: str, node: ast.AST) -> None:
        if dotted in ALLOWED.get(rel, ()):
            return
        for bad, why in FORBIDDEN.items():
            if dotted == bad or dotted.startswith(bad + "."):
                out.append(f"{rel}:{getattr(node, 'lineno', 0)}: {dotted} ({why})")
                return

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[(a.asname or a.name).split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
                check(a.name, node)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                check(f"{node.module}.{a.name}", node)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                out.append(f"{rel}:{node.lineno}: {func.id}() (runs code)")
            dotted = _dotted(func, aliases)
            if dotted in ("yaml.load", "yaml.load_all"):
                loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
                name = _dotted(loader, aliases).rsplit(".", 1)[-1] if loader is not None else ""
                if name not in SAFE_YAML_LOADERS:
                    out.append(f"{rel}:{node.lineno}: {dotted} without a safe Loader")
            elif dotted:
                check(dotted, node)
            receiver = func.value if isinstance(func, ast.Attribute) else None
            if isinstance(func, ast.Attribute) and func.attr in ("extract", "extractall") \
                    and not (isinstance(receiver, ast.Name) and receiver.id in ("self", "cls")):
                out.append(f"{rel}:{node.lineno}: .{func.attr}() (archives are read in memory only)")
            if isinstance(func, ast.Attribute) and func.attr in ("write_text", "write_bytes", "mkdir", "unlink",
                                                                  "rename", "touch") and rel not in WRITERS:
                out.append(f"{rel}:{node.lineno}: .{func.attr}() (only the CLI writes, and only the report)")
            if isinstance(func, ast.Name) and func.id == "open" and rel not in WRITERS:
                mode = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "mode"), None)
                if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str)
                        and not any(c in mode.value for c in "wax+")) and mode is not None:
                    out.append(f"{rel}:{node.lineno}: open() for writing")
    return out


def _dotted(node: ast.AST | None, aliases: dict[str, str]) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(aliases.get(node.id, node.id))
    return ".".join(reversed(parts))


def test_scanner_source_never_runs_code_nor_reaches_the_network() -> None:
    files = sorted((REPO / "scanner").rglob("*.py"))
    # the engine may use multiprocessing (its own workers) and os.kill on them: not in the list
    problems = [v for f in files if f.name != "cli.py" for v in _violations(f)]
    assert problems == []


def test_the_static_check_catches_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "probe.py"
    bad.write_text("import subprocess\nimport yaml\nfrom xml.etree.ElementTree import fromstring\n"
                   "yaml.load(s)\neval('1')\nopen(p, 'w')\nz.extractall()\nxml.sax.parseString(b)\n"
                   "yaml.load(s, Loader=yaml.SafeLoader)\nopen(p, 'rb')\nimport xml.sax.handler\n"
                   "self.extract(f)\n")
    found = _violations(bad)
    assert [line.split(":")[1] for line in found] == ["1", "3", "4", "5", "6", "7", "8"], found


# What starts a program, by dotted-name prefix: the modules and functions of FORBIDDEN that do, and
# their relatives (os.execvp, os.spawnl, asyncio's subprocesses...).
_PROGRAM_STARTERS = ("subprocess", "pty", "os.system", "os.popen", "os.exec", "os.spawn", "os.posix_spawn",
                     "os.startfile", "os.forkpty", "asyncio.create_subprocess", "_posixsubprocess")


def _program_starters(path: Path) -> list[str]:
    """Every mention of something that starts a program, whatever ALLOWED says: as an import, a name,
    an attribute or a string (`importlib.import_module("subprocess")`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else path.name
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Attribute):
            names = [_dotted(node, {})]
        elif isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value]
        else:
            continue
        for name in names:
            if name.startswith(_PROGRAM_STARTERS) and (name in _PROGRAM_STARTERS or "." in name):
                out.append((getattr(node, "lineno", 0), name))
                break
    return [f"{rel}:{line}: {name}" for line, name in sorted(set(out))]


def test_no_module_of_the_audit_command_can_start_a_program() -> None:
    """The static source check forbids subprocess on paths that come from an audit target: nothing
    under scanner/audit/ may start a program, with no reviewed exception. (A bare mirror's own git
    config can make git run any command, so the audit reads mirrors without git.)"""
    modules = sorted((REPO / "scanner" / "audit").rglob("*.py"))
    assert len(modules) >= 5
    assert [p for p in ALLOWED if p.startswith("scanner/audit/")] == []
    assert [v for f in modules for v in _program_starters(f)] == []
    assert [v for f in modules for v in _violations(f)] == []  # cli.py too, which the check above skips


def test_the_audit_check_catches_every_way_to_start_a_program(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import subprocess as sp\nfrom subprocess import run\nimport importlib\n"
                     "importlib.import_module('subprocess')\nos.execvp('git', [])\nos.posix_spawnp('git', [], {})\n"
                     "asyncio.create_subprocess_exec('git')\nimport pty\nx = 'a subprocess, in words'\n"
                     "import multiprocessing\n")
    lines = [v.split(":")[1] for v in _program_starters(probe)]
    assert sorted(set(lines), key=int) == ["1", "2", "4", "5", "6", "7", "8"], lines


def test_every_registered_analyzer_is_under_the_static_check() -> None:
    for cls in ANALYZERS:
        module = Path(REPO / (cls.__module__.replace(".", "/") + ".py"))
        assert module.is_file() and module.is_relative_to(REPO / "scanner"), cls


def test_scan_bytes_of_a_hostile_member_never_raises() -> None:
    scanner = Scanner(ScanConfig())
    for name, data in (("a.zip", suite.overlapping_zip()), ("b.zip", suite.zip_bomb()[:3000]),
                       ("c.tar.gz", suite.tar_gz_bomb()[:2000]), ("d.gz", b"\x1f\x8b" + b"\0" * 30)):
        outcome = scanner.scan_bytes(name, data)
        assert outcome.notifications, name
