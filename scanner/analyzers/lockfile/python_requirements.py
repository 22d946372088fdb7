"""lockfile/python-requirements: pip requirements files (requirements*.txt, requirements*.in, requirements/*.txt).

Handles line continuations, comments, per-requirement options (`--hash`), environment markers,
`name @ URL`, editable/VCS URLs with `#egg=`, wheel/sdist URLs and pip-compile's `# via` notes
(which record the graph). `-r`/`-c` includes are files of their own: the walker reaches them and
this parser never opens another file.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from scanner.analyzers.lockfile._support.graph import shortest_paths
from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.versions import parse_pep508
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import PYPI, pep503
from scanner.errors import ParseError

_COMMENT = re.compile(r"(^|\s)#.*$")
_OPTION_TAIL = re.compile(r"\s+--?[A-Za-z][\w-]*(?:[= ]\S+)?")
_SKIP_OPTIONS = ("-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
                 "-f", "--find-links", "--trusted-host", "--no-binary", "--only-binary", "--prefer-binary",
                 "--require-hashes", "--pre", "--use-feature", "--no-index", "--config-settings")
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git\+|hg\+|svn\+|bzr\+|file:)", re.I)


def _logical_lines(text: str) -> list[tuple[int, str, list[str]]]:
    """(first line number, requirement text, `# via` names) for each logical line."""
    out: list[tuple[int, str, list[str]]] = []
    pending = ""
    start = 0
    via_open = False
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not pending and stripped.startswith("#"):
            note = stripped.lstrip("#").strip()
            if out and note.startswith("via"):
                rest = note[3:].strip()
                via_open = not rest
                if rest:
                    out[-1][2].append(rest)
            elif out and via_open and note and raw.lstrip().startswith("#   "):
                out[-1][2].append(note)
            else:
                via_open = False
            continue
        via_open = False
        if not pending:
            start = number
        body = raw[:-1] if raw.rstrip().endswith("\\") else raw
        if raw.rstrip().endswith("\\"):
            pending += body.rstrip()[:-1] if body.rstrip().endswith("\\") else body
            pending += " "
            continue
        line = _COMMENT.sub("", pending + raw).strip()
        pending = ""
        if line:
            out.append((start, line, []))
    if pending.strip():
        out.append((start, _COMMENT.sub("", pending).strip(), []))
    return out


def _name_from_url(url: str) -> tuple[str | None, str | None]:
    """An egg fragment, or a wheel/sdist file name, in a URL; (None, None) when neither."""
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    parts = urlsplit(url)
    for piece in parts.fragment.split("&"):
        if piece.startswith("egg="):
            return piece[4:].split("[", 1)[0] or None, None
    base = unquote(parts.path.rsplit("/", 1)[-1])
    try:
        if base.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(base)
            return str(name), str(version)
        if base.endswith((".tar.gz", ".zip")):
            sname, sversion = parse_sdist_filename(base)
            return str(sname), str(sversion)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None, None
    return None, None


def parse(path: str, text: str) -> list[DeclaredPackage]:
    found: list[tuple[int, str, str | None, list[str], int]] = []  # line, name, version, via, column
    line_map = LineIndex(text)
    for number, line, via in _logical_lines(text):
        editable = False
        if line.startswith("-"):
            option, _, value = line.partition(" ")
            option, _, attached = option.partition("=")
            if option in ("-e", "--editable"):
                line = (attached or value).strip()
                editable = True
            elif option in _SKIP_OPTIONS or option.startswith("--"):
                continue
            else:
                raise ParseError(f"{path}:{number}: unknown option {option!r}")
        line = _OPTION_TAIL.sub("", line).strip()
        if not line:
            continue
        if _URL.match(line) or editable or line.startswith((".", "/")):
            name, version = _name_from_url(line) if _URL.match(line) else (None, None)
            if name is None:
                continue  # a local path or a URL that names no package: nothing to report
        else:
            name, version = parse_pep508(path, number, line)
        column = line_map.column_of(number, name)
        found.append((number, name, version, via, column))
    annotated = any(via for *_, via, _ in found)
    source = path.rsplit("/", 1)[-1]
    edges: dict[str, list[str]] = {}
    roots: set[str] = set()
    for _, name, _, via, _ in found:
        key = pep503(name)
        for parent in via:
            if parent.startswith(("-r ", "-c ")):
                if parent.startswith("-r "):
                    roots.add(key)
            else:
                edges.setdefault(pep503(parent.split(" ", 1)[0]), []).append(key)
    if not annotated:
        roots = {pep503(name) for _, name, *_ in found}
    edges[""] = sorted(roots)
    paths = shortest_paths(edges, [""])
    display = {pep503(name): name for _, name, *_ in found}
    out: list[DeclaredPackage] = []
    for number, name, version, _, column in found:
        key = pep503(name)
        chain = paths.get(key)
        labels = (source, *(display.get(step, step) for step in chain[1:])) if chain else (name,)
        out.append(DeclaredPackage(
            purl=PYPI.purl(name, version), ecosystem="pypi", name=name, version=version,
            line=number, column=column, end_column=column + len(name),
            direct=key in roots, dependency_path=labels,
        ))
    return out


class PythonRequirementsAnalyzer(ParserAnalyzer):
    name = "lockfile/python-requirements"
    patterns = ("requirements*.txt", "*requirements.txt", "*-requirements*.txt", "requirements*.in")

    parse = staticmethod(parse)

    def wants(self, path: str, is_text: bool) -> bool:
        if super().wants(path, is_text):
            return True
        parent, _, base = path.rpartition("/")
        return is_text and parent.rsplit("/", 1)[-1] == "requirements" and base.endswith((".txt", ".in"))
