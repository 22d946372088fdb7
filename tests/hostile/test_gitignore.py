"""`--respect-gitignore` on hostile trees: every shape is built at test time in tmp_path.

A scanned `.gitignore` is data: it is read like any other input (never through a link, never from a
FIFO or device, not over its size cap), a bad line costs that line only, matching follows real git
(checked against `git check-ignore` run here, on repositories the tests create), and the work grows
with the number of ancestor `.gitignore` files, never with every file seen.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.core import gitignore
from scanner.core.gitignore import GitignoreRules, GitignoreStack
from scanner.core.walk import Walker, WalkOptions
from scanner.model import Level, SkipReason

# One error-level finding (TT302) at line 1 wherever it is put.
FETCH = 'fetch("https://business-api.tiktok.com/open_api/v1.3/event/track/")\n'
POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs, symbolic links and /dev are POSIX")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def scan(root: Path, timeout: float = 60) -> dict[str, object]:
    """The CLI as a user runs it; a hang fails the test at `timeout` instead of blocking it."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                       os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "scanner", "scan", str(root), "--respect-gitignore",
                           "--format", "json", "--jobs", "1"],
                          cwd=root, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return dict(json.loads(proc.stdout))


def findings(report: dict[str, object]) -> list[tuple[str, int, str]]:
    items = report["findings"]
    assert isinstance(items, list)
    return sorted((f["path"], f["start_line"], f["rule_id"]) for f in items)


def notes(report: dict[str, object]) -> list[tuple[str, str, str]]:
    items = report["notifications"]
    assert isinstance(items, list)
    return sorted((n["path"], n["reason"], n["message"]) for n in items)


def walked(root: Path) -> tuple[list[str], list[tuple[str, SkipReason, str]]]:
    walker = Walker(WalkOptions(respect_gitignore=True))
    paths = sorted(ref.path for ref in walker.walk([root]))
    return paths, sorted((n.path, n.reason, n.message) for n in walker.notifications)


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


# -- reading: lstat first, only regular files are opened ------------------------------------------


@POSIX
def test_a_fifo_gitignore_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / ".gitignore")  # opening it for reading would block until a writer comes
    write(tmp_path, {"app.js": FETCH})
    report = scan(tmp_path, timeout=60)
    assert findings(report) == [("app.js", 1, "TT302")]
    assert notes(report) == [(".gitignore", "special-file", ".gitignore: special file (FIFO, socket or device); "
                              "not read, its ignore rules are not applied")]


@POSIX
@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero", "inside"])
def test_a_symlinked_gitignore_is_never_followed(tmp_path: Path, target: str) -> None:
    write(tmp_path, {"app.js": FETCH, "rules.txt": "app.js\nhidden/\n", "hidden/x.js": FETCH})
    link_to = str(tmp_path / "rules.txt") if target == "inside" else target
    planted = ["app.js", "hidden/x.js"]  # what rules.txt would hide if the link were followed
    if target == "/etc/passwd":
        if not Path(target).is_file():
            pytest.skip("no /etc/passwd")
        # A path its first line would hide if the link were followed (with slashes: anchored).
        first = Path(target).read_text(encoding="utf-8", errors="replace").splitlines()[0].strip().strip("/")
        if not first or first[0] in "#!" or "\\" in first:
            pytest.skip(f"first line of {target} is not a plain pattern")
        write(tmp_path, {first: FETCH})
        planted.append(first)
    (tmp_path / ".gitignore").symlink_to(link_to)
    report = scan(tmp_path)
    assert findings(report) == sorted((path, 1, "TT302") for path in planted)
    assert notes(report) == [(".gitignore", "symlink", f".gitignore: symbolic link to {link_to!r}; not followed, "
                              "its ignore rules are not applied")]


@POSIX
@pytest.mark.parametrize("swap", ["link", "fifo"])
def test_a_gitignore_swapped_after_the_lstat_is_not_followed_or_opened(tmp_path: Path, swap: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"app.js": FETCH, "rules.txt": "app.js\n", ".gitignore": "other.js\n"})
    real_lstat = os.lstat
    swapped = []

    def lstat_then_swap(path: str | os.PathLike[str]) -> os.stat_result:
        result = real_lstat(path)
        if str(path).endswith(".gitignore") and not swapped:
            swapped.append(path)
            os.remove(path)
            if swap == "link":
                os.symlink(tmp_path / "rules.txt", path)
            else:
                os.mkfifo(path)
        return result

    monkeypatch.setattr(gitignore.os, "lstat", lstat_then_swap)
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the walk blocked on a FIFO"))
    signal.alarm(20)
    try:
        paths, problems = walked(tmp_path)
    finally:
        signal.alarm(0)
    assert swapped and paths == ["app.js", "rules.txt"]
    if swap == "link":
        message = f".gitignore: symbolic link to {str(tmp_path / 'rules.txt')!r}; not followed, its ignore rules " \
                  "are not applied"
        assert problems == [(".gitignore", SkipReason.SYMLINK, message)]
    else:
        assert problems == [(".gitignore", SkipReason.SPECIAL_FILE, ".gitignore: special file (FIFO, socket or "
                             "device); not read, its ignore rules are not applied")]


def test_an_unreadable_gitignore_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {".gitignore": "app.js\n", "app.js": FETCH})
    real_open = os.open

    def refuse(path: str, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith(".gitignore"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, mode)

    monkeypatch.setattr(gitignore.os, "open", refuse)
    paths, problems = walked(tmp_path)
    assert paths == [".gitignore", "app.js"]
    assert problems == [(".gitignore", SkipReason.UNREADABLE, ".gitignore: cannot read: Permission denied; its "
                         "ignore rules are not applied")]


def test_a_directory_named_gitignore_is_walked(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore/app.js": FETCH})
    assert walked(tmp_path) == ([".gitignore/app.js"], [])


def test_a_gitignore_over_the_size_cap_is_not_applied(tmp_path: Path) -> None:
    body = b"app.js\n" + b"# padding\n" * (gitignore.MAX_BYTES // 10 + 1)
    write(tmp_path, {"app.js": FETCH, ".gitignore": body, "sub/.gitignore": "b.js\n", "sub/b.js": FETCH})
    report = scan(tmp_path)
    assert findings(report) == [("app.js", 1, "TT302")]  # the big file hides nothing; sub's still applies
    assert notes(report) == [(".gitignore", "limit", f".gitignore: {len(body)} bytes, over the 1048576-byte limit "
                              "for a .gitignore; its ignore rules are not applied")]


def test_undecodable_bytes_match_byte_for_byte_and_show_as_replacement(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.js")  # Latin-1, not UTF-8: how git sees it, byte for byte
    write(tmp_path, {".gitignore": b"\xef\xbb\xbfcaf\xe9.js\r\n[\xff\n", name: FETCH, "app.js": FETCH})
    paths, problems = walked(tmp_path)
    assert paths == [".gitignore", "app.js"]
    assert problems == [(".gitignore", SkipReason.PARSE_ERROR, ".gitignore:2: pattern '[\ufffd' is not applied: "
                         "its bracket expression '[\ufffd' is not closed")]


# -- a bad line costs that line; the rest of the file applies ---------------------------------------


def test_bad_lines_cost_only_themselves(tmp_path: Path) -> None:
    write(tmp_path, {
        ".gitignore": "*.js\n[z-a\n!keep.js\nfoo\\\n[[:nope:]]\n!\n/\nhidden.py\n[!]\n",
        "app.js": FETCH, "keep.js": FETCH, "hidden.py": FETCH, "z.py": FETCH,
    })
    report = scan(tmp_path)
    assert findings(report) == [("keep.js", 1, "TT302"), ("z.py", 1, "TT302")]
    assert notes(report) == [
        (".gitignore", "parse-error", ".gitignore:2: pattern '[z-a' is not applied: its bracket expression "
                                      "'[z-a' is not closed"),
        (".gitignore", "parse-error", ".gitignore:4: pattern 'foo\\\\' is not applied: it ends with a backslash "
                                      "that escapes nothing"),
        (".gitignore", "parse-error", ".gitignore:5: pattern '[[:nope:]]' is not applied: [:nope:] is not a "
                                      "character class"),
        (".gitignore", "parse-error", ".gitignore:9: pattern '[!]' is not applied: its bracket expression '[!]' "
                                      "is not closed"),
    ]


def test_many_bad_lines_are_summarised(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "[\n" * 25 + "app.js\n", "app.js": FETCH, "b.js": FETCH})
    paths, problems = walked(tmp_path)
    assert paths == [".gitignore", "b.js"]
    assert len(problems) == gitignore.MAX_LINE_NOTES + 1
    assert (".gitignore", SkipReason.PARSE_ERROR, ".gitignore: 15 more lines are not applied (first 10 reported)") \
        in problems


def test_a_hostile_pattern_cannot_stall_the_walk(tmp_path: Path) -> None:
    """Backtracking regexes would try every split of the path among the wildcards (n**k)."""
    deep = "/".join(["a" * 60] * 30)
    write(tmp_path, {
        ".gitignore": "*a" * 40 + "*b\n" + "x" + "/**/a" * 20 + "/**/b\n" + "**/" + "*a" * 30 + "*c/**/*a*a*a*q\n",
        "a" * 250 + ".js": FETCH, f"{deep}/{'a' * 200}.js": FETCH,
    })
    report = scan(tmp_path, timeout=60)
    assert findings(report) == sorted([("a" * 250 + ".js", 1, "TT302"), (f"{deep}/{'a' * 200}.js", 1, "TT302")])


# -- work grows with ancestors, not with every .gitignore seen ---------------------------------------


def _count_decisions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    decide = GitignoreRules.decide

    def counted(self: GitignoreRules, path: bytes, start: int, name_start: int) -> bool | None:
        calls[0] += 1
        return decide(self, path, start, name_start)

    monkeypatch.setattr(GitignoreRules, "decide", counted)
    return calls


def _siblings(root: Path, n: int) -> None:
    (root / ".gitignore").write_text("*.log\n")
    for i in range(n):
        d = root / f"d{i:04}"
        d.mkdir()
        (d / ".gitignore").write_text(f"gone{i}.js\n")
        (d / "a.js").write_text("x\n")
        (d / f"gone{i}.js").write_text("x\n")
        (d / "x.log").write_text("x\n")


def test_sibling_gitignores_cost_linear_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_decisions(monkeypatch)
    counts = {}
    for n in (500, 2000):
        root = tmp_path / f"n{n}"
        root.mkdir()
        _siblings(root, n)
        calls[0] = 0
        paths, problems = walked(root)
        assert problems == []
        assert len(paths) == 1 + 2 * n and f"d{n - 1:04}/a.js" in paths and f"d{n - 1:04}/gone{n - 1}.js" not in paths
        counts[n] = calls[0]
    # The root's .gitignore entry and each directory: one decision against the root's rules; each of
    # a directory's 4 entries: its own rules, then the root's unless its own decide (gone*.js).
    assert counts == {500: 8 * 500 + 1, 2000: 8 * 2000 + 1}


def test_nested_gitignores_consult_only_ancestors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_decisions(monkeypatch)
    depth = 300
    d = tmp_path
    for i in range(depth):
        d = d / "d"
        d.mkdir()
        (d / ".gitignore").write_text(f"gone{i}.js\n")
        (d / "a.js").write_text("x\n")
    d.joinpath("gone0.js").write_text(FETCH)  # hidden by the outermost .gitignore, from 300 levels up
    paths, problems = walked(tmp_path)
    assert problems == []
    assert len(paths) == 2 * depth and "/".join(["d"] * depth) + "/gone0.js" not in paths
    # An entry at depth k (1-based, counting its directory) meets the k .gitignore files above it,
    # no other: `.gitignore`, `a.js` and `d` below each level; `gone0.js` stops at the last one.
    entries_at = {k: 3 if k < depth else 2 for k in range(1, depth + 1)}
    expected = sum(count * k for k, count in entries_at.items()) + depth
    assert calls[0] == expected


def test_patterns_in_effect_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gitignore, "MAX_ACTIVE_PATTERNS", 5)
    write(tmp_path, {".gitignore": "a.js\nb.js\nc.js\n", "sub/.gitignore": "d.js\ne.js\nf.js\n",
                     "sub/d.js": FETCH, "sub/a.js": FETCH, "a.js": FETCH})
    paths, problems = walked(tmp_path)
    assert paths == [".gitignore", "sub/.gitignore", "sub/d.js"]
    assert problems == [("sub/.gitignore", SkipReason.LIMIT, "sub/.gitignore: more than 2 patterns, which would "
                         "put more than 5 in effect here; its ignore rules are not applied")]


def test_patterns_compiled_in_one_walk_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gitignore, "MAX_TOTAL_PATTERNS", 4)
    write(tmp_path, {"a/.gitignore": "x.js\ny.js\n", "b/.gitignore": "x.js\ny.js\n", "c/.gitignore": "x.js\n",
                     "a/x.js": FETCH, "b/x.js": FETCH, "c/x.js": FETCH})
    paths, problems = walked(tmp_path)
    assert paths == ["a/.gitignore", "b/.gitignore", "c/.gitignore", "c/x.js"]
    assert problems == [("c/.gitignore", SkipReason.LIMIT, "c/.gitignore: more than 4 .gitignore patterns in this "
                         "scan; its ignore rules are not applied")]


def test_notifications_are_warnings_with_walk_paths(tmp_path: Path) -> None:
    write(tmp_path, {"app/.gitignore": "[\n", "app/x.js": "x\n"})
    stack = GitignoreStack(str(tmp_path / "app"), prefix="app/")
    stack.enter("")
    assert [(n.path, n.level) for n in stack.notifications] == [("app/.gitignore", Level.WARNING)]


# -- matching follows git ---------------------------------------------------------------------------


def _git_ignored(root: Path, paths: list[str]) -> set[str]:
    """What `git check-ignore` says, in a repository of the test's own, without user config."""
    home = root.parent / f"{root.name}-home"
    home.mkdir(exist_ok=True)
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull, GIT_CONFIG_NOSYSTEM="1",
               HOME=str(home), XDG_CONFIG_HOME=str(home / "xdg"))
    subprocess.run(["git", "init", "-q", str(root)], env=env, check=True, capture_output=True)
    proc = subprocess.run(["git", "-c", "core.excludesFile=", "-c", "core.ignoreCase=false", "check-ignore",
                           "--no-index", "--stdin", "-z"],
                          cwd=root, input=b"".join(os.fsencode(p) + b"\0" for p in paths), env=env,
                          capture_output=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return {os.fsdecode(p) for p in proc.stdout.split(b"\0") if p}


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)


def _agree_with_git(root: Path) -> int:
    """Asserts the walk keeps exactly the files git does not ignore; returns how many git ignores."""
    files = _files(root)
    ours = walked(root)[0]
    ignored = _git_ignored(root, files)
    theirs = sorted(set(files) - ignored)
    assert ours == theirs, (sorted(set(ours) - set(theirs)), sorted(set(theirs) - set(ours)))
    return len(ignored)


GIT_CASES: dict[str, dict[str, str | bytes]] = {
    "last line wins": {".gitignore": "*.log\n!keep.log\nre.log\n!re.log\nlate.log\n",
                       "x.log": "", "keep.log": "", "re.log": "", "late.log": "", "a.js": ""},
    "negation then pattern": {".gitignore": "!keep.log\n*.log\n", "keep.log": "", "a.js": ""},
    "deeper overrides shallower": {".gitignore": "*.log\n!top.js\n", "sub/.gitignore": "!keep.log\ntop.js\n",
                                   "keep.log": "", "sub/keep.log": "", "sub/x.log": "", "top.js": "",
                                   "sub/top.js": "", "sub/deeper/keep.log": "", "sub/deeper/top.js": ""},
    "no re-include under an ignored directory": {".gitignore": "build/\n!build/keep.js\n!build/\nout\n!out/k.js\n",
                                                 "build/keep.js": "", "out/k.js": "", "out/x.js": ""},
    "directories only": {".gitignore": "out/\ncache/\n", "out/a.js": "", "x/out": "", "x/cache/b.js": ""},
    "anchoring": {".gitignore": "/top.js\nsub/*.js\ndoc/frotz/\n", "top.js": "", "sub/top.js": "",
                  "sub/a.js": "", "x/sub/a.js": "", "sub/deep/a.js": "", "doc/frotz/a": "", "a/doc/frotz/b": ""},
    "double stars": {".gitignore": "**/gen/*.js\na/**/b\ndocs/**\n**/**/deep\nx/**/y/**/z\n",
                     "gen/a.js": "", "p/q/gen/b.js": "", "gen/c/d.js": "", "a/b": "", "a/x/y/b": "",
                     "a/xb": "", "docs/a/b.md": "", "q/deep": "", "deep": "",
                     "x/y/z": "", "x/1/y/2/z": "", "x/y/1/2": ""},
    "stars in names": {".gitignore": "a**b\n*.min.*\n?.py\nlong*name*x\n",
                       "aXXb": "", "a/b/ab": "", "ab/c": "", "x.min.js": "", "z.py": "", "zz.py": "",
                       "longAnameBx": "", "long/name/x": ""},
    "brackets": {".gitignore": "[z-a]1\n[!a]2\n[[:digit:]]3\n[]]4\n[a-c-e]5\n[[:alpha:]-]6\n[\\]]7\n[[]8\n[^b]9\n",
                 "z1": "", "a1": "", "a2": "", "b2": "", "03": "", "x3": "", "]4": "", "d5": "", "-5": "",
                 "c5": "", "e5": "", "-6": "", "q6": "", "]7": "", "[8": "", "a9": "", "b9": ""},
    "escapes and spaces": {".gitignore": "\\!bang\n\\#hash\nsp\\ \ntrail   \n\\*lit\n# comment\n",
                           "!bang": "", "#hash": "", "sp ": "", "trail": "", "trail ": "", "*lit": "", "xlit": "",
                           "# comment": ""},
    "bytes, not characters": {".gitignore": "caf?.txt\nna?ve.md\n",
                              "café.txt": "", "nai.txt": "", "naïve.md": "", "naXve.md": ""},
    "crlf and bom": {".gitignore": b"\xef\xbb\xbfa.js\r\nb.js \r\n", "a.js": "", "b.js": "", "c.js": ""},
    "bad lines next to good ones": {".gitignore": "[abc\nfoo\\\n[[:nope:]]\nok.js\n!\n/\n",
                                    "ok.js": "", "foo": "", "[abc": "", "x.js": ""},
}


@needs_git
@pytest.mark.parametrize("case", sorted(GIT_CASES))
def test_matching_agrees_with_git(tmp_path: Path, case: str) -> None:
    root = tmp_path / "repo"
    write(root, GIT_CASES[case])
    assert _agree_with_git(root) > 0


@needs_git
def test_the_python_3_10_atomic_groups_match_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gitignore, "_atomic", gitignore._atomic_lookahead)
    for case in ("double stars", "stars in names", "brackets"):
        root = tmp_path / case.replace(" ", "-")
        write(root, GIT_CASES[case])
        assert _agree_with_git(root) > 0
    pattern = gitignore.parse_line(b"x/**/a/**/a/*b*c*d", 1)
    assert pattern is not None and b"(?P<a0>" in pattern.regex()


_SEGMENTS = ["a", "b", "ab", "*", "**", "***", "?", "a*", "*b", "a**", "**b", "[ab]", "[!a]", "[^a]", "x.log", "*.log",
             "[a-b]*", "*a*b", "[]a]", "[[:alpha:]]", "[[:digit:]]*", "\\a", "a\\*", "[a-]", "[z-a]b", "b ", "a\\ ",
             "[!]]", "[\\]]", "[[]", "a\\/b", "a**\\/b", "\\", "\\#a", "\\!a"]
_NAMES = ["a", "b", "ab", "ba", "x.log", "aab", "c", "]a", "-", "a b", "b ", "*", "[", "1", "A"]


def _random_tree(rng: random.Random) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    dirs: set[str] = set()
    while len(files) < 12:
        parts = [rng.choice(_NAMES) for _ in range(rng.randint(1, 4))]
        path = "/".join(parts)
        parents = {"/".join(parts[:i]) for i in range(1, len(parts))}
        if path in dirs or path in files or parents & set(files):
            continue  # a name used as both a file and a directory
        files[path] = ""
        dirs |= parents
    for directory in ["", *sorted(dirs)][:3]:
        lines = []
        for _ in range(rng.randint(1, 5)):
            body = "/".join(rng.choice(_SEGMENTS) for _ in range(rng.randint(1, 3)))
            lines.append(rng.choice(["", "", "!"]) + rng.choice(["", "", "/"]) + body + rng.choice(["", "", "/"]))
        files[f"{directory}/.gitignore" if directory else ".gitignore"] = "\n".join(lines) + "\n"
    return files


@needs_git
def test_random_gitignores_agree_with_git(tmp_path: Path) -> None:
    rng = random.Random(18)
    ignored = 0
    for case in range(100):
        root = tmp_path / f"case{case}"
        write(root, _random_tree(rng))
        ignored += _agree_with_git(root)
    assert ignored > 150  # the comparison really exercised the patterns (222 with this seed)
