"""lockfile/cordova-config: a Cordova or Ionic app's `config.xml` (root `<widget>`).

`<plugin name="cordova-plugin-x" spec="^1.2.3" />` names a plugin the Cordova CLI installs from
npm (the name is its npm package; `spec` a range, a version, a git URL or a path): an npm package,
reported where it is named. `<access origin>`, `<allow-navigation href>`, `<allow-intent href>`
and a remote `<content src>` configure what the app's web view may load, open or hand to another
app: their TikTok hosts, URLs and schemes are CONFIG facts (config_endpoints), not mentions.
Many projects keep an unrelated `config.xml` (Spring, Joomla, Android `res/xml`): a file without
a `<widget>` root gives nothing and no notification; a broken one that opens `<widget` is a parse
error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar
from xml.sax.saxutils import unescape

from scanner.analyzers.interface import FileInput
from scanner.analyzers.lockfile._support.config_endpoints import config_endpoints
from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile._support.xml import XmlNode, load_xml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import NPM
from scanner.model import Fact

# element -> the attribute holding what the web view may reach (cordova-plugin-whitelist, Cordova 10+)
NAVIGATION = {"access": "origin", "allow-navigation": "href", "allow-intent": "href", "content": "src"}
_QUOTES = {"&quot;": '"', "&apos;": "'"}


def widget(path: str, text: str) -> XmlNode | None:
    """The `<widget>` root of a Cordova config, None for any other `config.xml`."""
    if "<widget" not in text:
        return None
    root = load_xml(path, text)
    return root if root.tag == "widget" else None


def plugins(root: XmlNode, lines: LineIndex) -> list[DeclaredPackage]:
    out: list[DeclaredPackage] = []
    for node in root.iter("plugin"):  # also inside <platform>, and PhoneGap Build's <gap:plugin>
        name = node.attr("name")
        if not name:
            continue
        version = exact_version(node.attr("spec") or node.attr("version"))
        column, end_column = lines.span(node.line, name)
        out.append(DeclaredPackage(purl=NPM.purl(name, version), ecosystem="npm", name=name, version=version,
                                   line=node.line, column=column, end_column=end_column, direct=True,
                                   scope="cordova-plugin"))
    return sorted(out, key=lambda p: (p.line, p.column))


def parse(path: str, text: str) -> list[DeclaredPackage]:
    root = widget(path, text)
    return [] if root is None else plugins(root, LineIndex(text))


def navigation(root: XmlNode, lines: LineIndex) -> Iterator[tuple[int, int, str]]:
    """(start, end, evidence) of each allowlist value: 0-based offsets of the attribute value."""
    for tag, attr in NAVIGATION.items():
        pattern = re.compile(r"\b" + re.escape(attr) + r"""\s*=\s*(["'])(.*?)\1""", re.S)
        for node in root.iter(tag):
            value = node.attr(attr)
            if not value:
                continue
            start = lines.starts[min(node.line, len(lines.starts)) - 1]
            # the element's own attribute: another element may share its line
            m = next((m for m in pattern.finditer(lines.text, start) if unescape(m.group(2), _QUOTES) == value), None)
            if m is not None:
                yield m.start(2), m.end(2), f'<{tag} {attr}="{value}">'


class CordovaConfigAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/cordova-config"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 10  # its CONFIG reading of an allowlist host wins over text/endpoints'
    filenames: ClassVar[tuple[str, ...]] = ("config.xml",)
    inputs_note: ClassVar[str] = "a Cordova or Ionic app's (root `<widget>`); any other gives nothing"
    parse = staticmethod(parse)

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        root = widget(file.display_path, file.text)
        if root is None:
            return
        lines = LineIndex(file.text)
        yield from self.facts(file, plugins(root, lines))
        yield from config_endpoints(file, navigation(root, lines), self.name)
