"""Audit hook for the safety-contract test: loaded by every Python process of a scan (PYTHONPATH).

Records (and for the network, refuses) what a scan must never do: open a network connection or
resolve a name, start a program, write or delete a file other than the requested report (and its
own cache folder, TIKTOK_SCAN_CACHE_DIR), load
or compile code from the scanned tree. Violations go, one JSON line each, to the file named by
TIKTOK_SCAN_AUDIT_LOG, opened before the hook is installed so its own writes are not audited.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile

_LOG = os.environ.get("TIKTOK_SCAN_AUDIT_LOG")
_ALLOWED_OUTPUT = os.environ.get("TIKTOK_SCAN_AUDIT_OUTPUT", "")
_ROOT = os.environ.get("TIKTOK_SCAN_AUDIT_ROOT", "")
_CACHE = os.environ.get("TIKTOK_SCAN_CACHE_DIR", "")  # the scanner's own per-user cache (core/cache.py)
_TMP = os.path.realpath(tempfile.gettempdir())
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_FILE_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.truncate", "os.symlink", "os.link", "os.chmod",
                "os.chown", "os.utime", "shutil.rmtree", "shutil.copyfile", "shutil.move", "os.mkdir"}
_EXEC_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                "os.forkpty", "os.startfile", "pty.spawn"}
_NET_EVENTS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr",
               "socket.getnameinfo", "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect"}


def _multiprocessing_own(path: str) -> bool:
    """multiprocessing's own files: the forkserver socket (`pymp-*/listener-*` in the temp dir) and
    the shared memory behind the workers' heartbeat array (`/dev/shm/pym-*`)."""
    real = os.path.realpath(path)
    if real.startswith(_TMP + os.sep) and os.path.relpath(real, _TMP).split(os.sep)[0].startswith("pymp-"):
        return True
    if real.startswith("/dev/shm/pym-"):
        return True
    return os.sep not in path and path.startswith("listener-")


def _report_temp(path: str) -> bool:
    """The temporary file the report is written to, then renamed over it (`.NAME.<hex>.tmp` beside it)."""
    if not _ALLOWED_OUTPUT:
        return False
    real, output = os.path.realpath(path), os.path.realpath(_ALLOWED_OUTPUT)
    name = os.path.basename(real)
    return os.path.dirname(real) == os.path.dirname(output) and name.startswith(".") and name.endswith(".tmp")


def _cache_own(path: str) -> bool:
    """The scanner's per-user cache folder and what it writes there (data parsed from the signatures)."""
    if not _CACHE:
        return False
    real, cache = os.path.realpath(path), os.path.realpath(_CACHE)
    return real == cache or real.startswith(cache + os.sep)


def _in_root(path: object) -> bool:
    return bool(_ROOT) and isinstance(path, (str, bytes)) and \
        os.path.realpath(os.fsdecode(path)).startswith(os.path.realpath(_ROOT) + os.sep)


def _hook(event: str, args: tuple[object, ...]) -> None:
    problem = None
    if event in ("socket.connect", "socket.connect_ex", "socket.sendto", "socket.bind"):
        sock = args[0]
        if getattr(sock, "family", None) != socket.AF_UNIX:
            problem = f"{event} {args[1]!r}"
    elif event in _NET_EVENTS:
        problem = f"{event} {args[:2]!r}"
    elif event in _EXEC_EVENTS:
        argv = [os.fsdecode(a) if isinstance(a, (str, bytes)) else repr(a) for a in args[:2]]
        # os.fork: multiprocessing's forkserver forking workers (it execs nothing)
        if event != "os.fork":
            problem = f"{event} {argv!r}"
    elif event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
            (isinstance(flags, int) and flags & _WRITE_FLAGS)
        if writing and isinstance(path, (str, bytes)):
            name = os.fsdecode(path)
            if os.path.realpath(name) != os.path.realpath(_ALLOWED_OUTPUT) and name != os.devnull \
                    and not _multiprocessing_own(name) and not _report_temp(name) and not _cache_own(name):
                problem = f"open for writing {name!r} mode={mode!r} flags={flags!r}"
    elif event in _FILE_EVENTS:
        path = args[0]
        renames_report = event == "os.rename" and isinstance(args[1], (str, bytes)) \
            and os.path.realpath(os.fsdecode(args[1])) == os.path.realpath(_ALLOWED_OUTPUT)
        if isinstance(path, (str, bytes)) and not _multiprocessing_own(os.fsdecode(path)) \
                and not _cache_own(os.fsdecode(path)) \
                and not (_report_temp(os.fsdecode(path)) and (renames_report or event == "os.remove")):
            problem = f"{event} {os.fsdecode(path)!r}"
    elif event in ("compile", "exec", "ctypes.dlopen"):
        filename = args[1] if event == "compile" and len(args) > 1 else args[0]
        if _in_root(filename) or (event == "ctypes.dlopen" and _in_root(args[0])):
            problem = f"{event} of scanned file {filename!r}"
    elif event == "import" and _in_root(args[1]):
        problem = f"import of scanned file {args[1]!r}"
    if problem is None:
        return
    if _FD is not None:
        os.write(_FD, (json.dumps({"pid": os.getpid(), "event": event, "problem": problem}) + "\n").encode())
    if event.startswith(("socket.", "urllib", "http.", "subprocess.", "os.system", "os.exec", "os.posix_spawn")):
        raise PermissionError(f"tiktok-scan safety contract: {problem}")


_FD = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666) if _LOG else None
if _LOG:
    sys.addaudithook(_hook)
