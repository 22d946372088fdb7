"""The Gradle build a build script belongs to: its version catalogs and buildSrc constants.

`implementation(libs.tiktok.open.sdk.core)` names coordinates that live in another file, so a build
script alone says nothing. The build root is the nearest directory above the script (never above
the scan root) holding `settings.gradle(.kts)` (else `gradle/libs.versions.toml`); its settings
script names the catalogs (`versionCatalogs { create("deps") { from(files(..)) } }`,
`defaultLibrariesExtensionName`), Gradle's default `gradle/libs.versions.toml` is `libs`, and
`buildSrc/` plus the builds the settings include (`includeBuild("build-logic")`) hold Kotlin, Java
or Groovy constants (`const val x = "g:a:${Versions.y}"`). Everything is read once per build root
(the analyzer caches a GradleBuild), through the walker's rules (scanner.core.safe_open: no
symbolic links, no FIFOs, size caps) and with bounds on files, bytes and interpolation depth; what
could not be read is kept as a note for the build scripts that need it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from scanner.analyzers.interface import decode_text
from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.source import blank_comments
from scanner.analyzers.lockfile.gradle_catalog import Catalog, Library, normalize_alias, read_catalog
from scanner.core.safe_open import inside, read_regular_file
from scanner.errors import ParseError
from scanner.model import SkipReason

MAX_FILE_BYTES = 2 * 1024 * 1024  # one catalog, settings script or constants source
MAX_SOURCE_FILES = 2_000  # buildSrc / included-build sources read per build root
MAX_SOURCE_BYTES = 32 * 1024 * 1024  # ... and their total size
MAX_DEPTH = 16  # directory depth walked under buildSrc / an included build
MAX_EXPANSION = 8  # `${Versions.x}` substitutions followed in one constant
MAX_VALUE = 1_000  # characters a constant may grow to while substituted
MAX_NOTES = 1_000  # reading problems kept per build root; the rest are counted

SETTINGS = ("settings.gradle.kts", "settings.gradle")
DEFAULT_CATALOG = "gradle/libs.versions.toml"
_SOURCE_SUFFIXES = (".kt", ".java", ".groovy")

_DEFAULT_NAME = re.compile(r"""\bdefaultLibrariesExtensionName\s*(?:=|\.set\s*\()\s*["'](\w+)["']""")
_FROM_FILES = re.compile(r"""\bfrom\s*\(?\s*files\s*\(\s*["']([^"'\n]+)["']""")
# The catalog a `from(files(..))` belongs to: `create("deps") {` (Kotlin) or `deps {` (Groovy).
_CATALOG_OPEN = re.compile(r"""(?:\b(?:create|register)\s*\(\s*["'](\w+)["']\s*\)|\b(\w+))\s*\{""")
_INCLUDE_BUILD = re.compile(r"""\bincludeBuild\s*\(?\s*["']([^"'\n]+)["']""")
_BLOCK = re.compile(r"\b(?:object|class|interface|enum\s+class|enum)\s+([A-Za-z_]\w*)[^{};=]*\{")
_CONSTANT = re.compile(
    r"""\b(?:const\s+val|val|var|def|(?:(?:public|private|internal|protected|static|final)\s+)+String|String)"""
    r"""\s+([A-Za-z_]\w*)\s*(?::\s*String\s*)?=\s*"([^"\n]*)\"""")
_BRACE = re.compile(r"[{}]")
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][\w.]*)\}|\$([A-Za-z_]\w*)")
# The settings-script catalog builder: `library("alias", "g", "a").version("v")`.
CATALOG_BUILDER = re.compile(
    r"""\blibrary\(\s*(["'])(?P<alias>[^"']*)\1\s*,\s*(["'])(?P<g>[^"'\s]+)\3\s*,\s*(["'])(?P<a>[^"'\s]+)\5\s*\)"""
    r"""(?:\s*\.\s*version\(\s*(["'])(?P<v>[^"'\s]+)\7\s*\))?"""
)
COORDINATES = re.compile(r"^([A-Za-z0-9_][\w.\-]*):([A-Za-z0-9_][\w.\-]*)(?::([^:@\s]*))?$")


@dataclass(frozen=True)
class Source:
    """A place in another file of the build: `path` relative to the scan root's base (as reports show it)."""

    path: str
    line: int
    column: int
    end_column: int


@dataclass(frozen=True)
class Constant:
    """A string constant of buildSrc or a convention-plugin build, by its qualified name (`Deps.TikTok.core`)."""

    qualified: str
    value: str  # interpolation resolved where it could be
    source: Source


@dataclass
class GradleBuild:
    """What a build's scripts can name: catalogs by accessor name, constants, and reading problems."""

    root: str  # absolute build root directory
    catalogs: dict[str, tuple[Catalog, str]] = field(default_factory=dict)  # name -> (catalog, display path)
    constants: dict[str, list[Constant]] = field(default_factory=dict)  # last name part -> constants
    declared: set[str] = field(default_factory=set)  # catalog names the settings declare (read or not)
    notes: list[tuple[str, SkipReason, str]] = field(default_factory=list)  # (path shown, reason, message)
    notes_dropped: int = 0  # past MAX_NOTES (a settings script can name thousands of unreadable catalogs)

    def note(self, shown: str, reason: SkipReason, message: str) -> None:
        if len(self.notes) < MAX_NOTES:
            self.notes.append((shown, reason, message))
        else:
            self.notes_dropped += 1


def build_root(origin: str, scan_root: str) -> str | None:
    """The directory of the Gradle build `origin` belongs to, searched upwards but not above `scan_root`."""
    top = scan_root if os.path.isdir(scan_root) else os.path.dirname(scan_root)
    here = os.path.dirname(origin)
    fallback: str | None = None
    while inside(Path(here), Path(top)):
        if any(os.path.isfile(os.path.join(here, name)) for name in SETTINGS):
            return here
        if fallback is None and os.path.isfile(os.path.join(here, DEFAULT_CATALOG)):
            fallback = here
        if os.path.realpath(here) == os.path.realpath(top):
            break
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    return fallback


class BuildReader:
    """Reads one build root; `display` turns an absolute path into the path reports show."""

    def __init__(self, root: str, top: str, display_base: str) -> None:
        self.root = root
        self.top = top if os.path.isdir(top) else os.path.dirname(top)
        self.base = display_base
        self.build = GradleBuild(root=root)
        self._source_files = 0
        self._source_bytes = 0

    def display(self, abspath: str) -> str:
        return Path(os.path.relpath(abspath, self.base)).as_posix()

    def _read(self, abspath: str) -> str | None:
        shown = self.display(abspath)
        if not inside(Path(abspath), Path(self.top)):
            self.build.note(shown, SkipReason.LIMIT, f"{shown}: lies outside the scan root; not read")
            return None
        try:
            return decode_text(read_regular_file(Path(abspath), MAX_FILE_BYTES))
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.build.note(shown, SkipReason.UNREADABLE, f"{shown}: cannot read: {exc.strerror or exc}")
            return None

    def read(self) -> GradleBuild:
        found = [os.path.join(self.root, n) for n in SETTINGS]
        settings = next((p for p in found if os.path.isfile(p)), None)
        text = self._read(settings) if settings else None
        code = ""
        if text is not None and settings is not None:
            try:
                code = blank_comments(settings, text, slash=True, triple_quotes=True)
            except ParseError:  # lockfile/gradle reports the settings script itself
                code = ""
        default = _DEFAULT_NAME.search(code)
        default_name = default.group(1) if default else "libs"
        declared: dict[str, str] = {}
        for m in _FROM_FILES.finditer(code):
            declared.setdefault(_owner(code, m.start(), default_name),
                                os.path.normpath(os.path.join(self.root, m.group(1))))
        declared.setdefault(default_name, os.path.join(self.root, DEFAULT_CATALOG))
        self.build.declared.update(declared)
        for name, abspath in sorted(declared.items()):
            self._catalog(name, abspath)
        if settings is not None and text is not None:
            self._built_in_settings(code, text, self.display(settings), default_name)
        included = (os.path.normpath(os.path.join(self.root, m.group(1))) for m in _INCLUDE_BUILD.finditer(code))
        self._constants([os.path.join(self.root, "buildSrc"), *included])
        if self.build.notes_dropped:
            shown = self.display(self.root)
            self.build.notes.append((shown, SkipReason.LIMIT, f"{shown}: {self.build.notes_dropped} more problems "
                                     f"reading this Gradle build (the first {MAX_NOTES} are listed)"))
        return self.build

    def _catalog(self, name: str, abspath: str) -> None:
        text = self._read(abspath)
        if text is None:
            return
        shown = self.display(abspath)
        try:
            self.build.catalogs[name] = (read_catalog(shown, text), shown)
        except ParseError:  # lockfile/gradle-catalog reports the catalog itself
            return

    def _built_in_settings(self, code: str, text: str, shown: str, default_name: str) -> None:
        """Catalogs built in the settings script: `create("ads") { library("pangle", "g", "a") }`."""
        lines = LineIndex(text)
        for m in CATALOG_BUILDER.finditer(code):
            name = _owner(code, m.start(), default_name)
            catalog, where = self.build.catalogs.setdefault(name, (Catalog(), shown))
            if where != shown:  # added to a catalog imported from a file: entries keep one path per catalog
                continue
            line, column = lines.position(m.start("alias"))
            alias = m.group("alias")
            catalog.libraries.setdefault(normalize_alias(alias), Library(
                alias, line, column, column + len(alias), group=m.group("g"), artifact=m.group("a"),
                version=m.group("v")))

    def _constants(self, roots: list[str]) -> None:
        raw: list[tuple[str, str, Source]] = []
        for root in dict.fromkeys(roots):
            for abspath in self._sources(root):
                raw.extend(self._file_constants(abspath))
        values = _Values({q: v for q, v, _ in raw})
        for qualified, value, source in raw:
            resolved = self._expand(qualified, value, values, source)
            if resolved is None or not COORDINATES.match(resolved):
                continue
            last = qualified.rsplit(".", 1)[-1]
            self.build.constants.setdefault(last, []).append(Constant(qualified, resolved, source))

    def _sources(self, root: str) -> list[str]:
        if not os.path.isdir(root) or os.path.islink(root) or not inside(Path(root), Path(self.top)):
            return []
        out: list[str] = []
        base_depth = root.rstrip(os.sep).count(os.sep)
        for here, dirs, files in os.walk(root):  # os.walk never follows directory links
            if here.count(os.sep) - base_depth >= MAX_DEPTH:
                dirs[:] = []
            dirs[:] = sorted(d for d in dirs if d not in ("build", ".gradle", ".git"))
            for name in sorted(files):
                if not name.endswith(_SOURCE_SUFFIXES):
                    continue
                if self._source_files >= MAX_SOURCE_FILES:
                    shown = self.display(root)
                    self.build.note(shown, SkipReason.LIMIT, f"{shown}: more than {MAX_SOURCE_FILES} source "
                                    f"files; build constants in the rest not read")
                    return out
                self._source_files += 1
                out.append(os.path.join(here, name))
        return out

    def _file_constants(self, abspath: str) -> list[tuple[str, str, Source]]:
        if self._source_bytes >= MAX_SOURCE_BYTES:
            shown = self.display(abspath)
            self.build.note(shown, SkipReason.LIMIT, f"{shown}: over {MAX_SOURCE_BYTES} bytes of build "
                            f"sources read; not read")
            return []
        text = self._read(abspath)
        if text is None:
            return []
        self._source_bytes += len(text)
        try:
            code = blank_comments(abspath, text, slash=True, triple_quotes=True)
        except ParseError:
            return []
        shown = self.display(abspath)
        return constants_in(code, LineIndex(text), shown)

    def _expand(self, qualified: str, value: str, values: _Values, source: Source) -> str | None:
        """`${Versions.tiktok}` and `$tiktokVersion` replaced by constants; None when one is unknown
        or the expansion goes past the bounds (with a note)."""
        for _ in range(MAX_EXPANSION):
            m = _INTERPOLATION.search(value)
            if m is None:
                return value
            name = m.group(1) or m.group(2)
            found = values.lookup(name)
            if found is None:
                return None
            value = value[:m.start()] + found + value[m.end():]
            if len(value) > MAX_VALUE:
                break
        if _INTERPOLATION.search(value) or len(value) > MAX_VALUE:
            self.build.note(source.path, SkipReason.LIMIT,
                            f"{source.path}:{source.line}: constant {qualified!r} expands past "
                            f"{MAX_EXPANSION} substitutions or {MAX_VALUE} characters; left unresolved")
            return None
        return value


def _owner(code: str, start: int, default_name: str) -> str:
    """The catalog a statement at `start` of a settings script belongs to: the nearest opener before it."""
    opener = None
    for found in _CATALOG_OPEN.finditer(code, max(0, start - 400), start):
        opener = found
    name = (opener.group(1) or opener.group(2)) if opener else None
    return name if name and name not in ("versionCatalogs", "dependencyResolutionManagement") else default_name


class _Values:
    """Constants by qualified name, and by each dotted suffix of it (`Versions.tiktok` finds
    `Deps.Versions.tiktok` when no other constant ends so): one index, not a scan of every
    constant for each `${name}` (a 20,000-constant Deps.kt made that quadratic)."""

    def __init__(self, by_name: dict[str, str]) -> None:
        self.by_name = by_name
        self.by_suffix: dict[str, list[str]] = {}
        for qualified, value in by_name.items():
            pos = qualified.find(".")
            while pos != -1:
                found = self.by_suffix.setdefault(qualified[pos + 1 :], [])
                if len(found) < 2:  # two are enough to know the suffix is ambiguous
                    found.append(value)
                pos = qualified.find(".", pos + 1)

    def lookup(self, name: str) -> str | None:
        if name in self.by_name:
            return self.by_name[name]
        found = self.by_suffix.get(name, ())
        return found[0] if len(found) == 1 else None


def constants_in(code: str, lines: LineIndex, shown: str) -> list[tuple[str, str, Source]]:
    """(qualified name, literal value, where) of each string constant; `object A { object B { val c` -> `A.B.c`."""
    opens = {m.end() - 1: m.group(1) for m in _BLOCK.finditer(code)}
    events = [(m.start(), m.group(0)) for m in _BRACE.finditer(code)]  # in offset order
    constants = {m.start(): m for m in _CONSTANT.finditer(code)}
    out: list[tuple[str, str, Source]] = []
    stack: list[str | None] = []
    cursor = 0
    starts = sorted(constants)
    for pos, ch in [*events, (len(code), "")]:
        while cursor < len(starts) and starts[cursor] < pos:
            m = constants[starts[cursor]]
            cursor += 1
            owners = [name for name in stack if name]
            line, column = lines.position(m.start(1))
            out.append((".".join([*owners, m.group(1)]), m.group(2),
                        Source(shown, line, column, column + len(m.group(1)))))
        if ch == "{":
            stack.append(opens.get(pos))
        elif ch == "}" and stack:
            stack.pop()
    return out
