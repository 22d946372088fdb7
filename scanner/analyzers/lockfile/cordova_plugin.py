"""lockfile/cordova-plugin: native dependencies a Cordova/Ionic plugin declares in `plugin.xml`.

Android `<framework src="group:artifact:version" />` (Maven), iOS `<framework src="Pod" type="podspec"
spec="~> 1.0" />` and `<podspec><pods><pod name= spec= /></pods></podspec>` (CocoaPods), and
`<dependency id="other-plugin" />` (npm). Gradle file references (`custom="true"`) are skipped.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scanner.analyzers.lockfile._support.lines import LineIndex
from scanner.analyzers.lockfile._support.versions import exact_version
from scanner.analyzers.lockfile._support.xml import XmlNode, load_xml
from scanner.analyzers.lockfile.base import DeclaredPackage, ParserAnalyzer
from scanner.ecosystems import COCOAPODS, MAVEN, NPM
from scanner.errors import ParseError

_MAVEN = re.compile(r"^(?P<g>[\w.\-]+):(?P<a>[\w.\-]+)(?::(?P<v>[^:@\s$]+))?(?:@\w+)?$")


def parse(path: str, text: str) -> list[DeclaredPackage]:
    if not text.strip():
        return []
    root = load_xml(path, text)
    if root.tag != "plugin":
        raise ParseError(f"{path}: root element is <{root.tag}>, not <plugin>")
    lines = LineIndex(text)
    out: list[DeclaredPackage] = []

    def add(node: XmlNode, purl: str, ecosystem: str, name: str, version: str | None, needle: str,
            scope: str | None) -> None:
        column, end_column = lines.span(node.line, needle)
        out.append(DeclaredPackage(purl=purl, ecosystem=ecosystem, name=name, version=version, line=node.line,
                                   column=column, end_column=end_column, direct=True, scope=scope))

    for platform in [root, *root.findall("platform")]:
        scope = platform.attr("name")
        for fw in platform.findall("framework"):
            src = fw.attr("src") or ""
            if fw.attr("custom") == "true" or src.endswith((".gradle", ".framework", ".xcframework", ".jar")):
                continue
            if fw.attr("type") == "podspec":
                version = exact_version(fw.attr("spec"))
                add(fw, COCOAPODS.purl(src, version), "cocoapods", src, version, src, scope)
                continue
            m = _MAVEN.match(src)
            if m:
                version = m.group("v") if m.group("v") and "+" not in m.group("v") else None
                add(fw, MAVEN.purl(m.group("a"), version, namespace=m.group("g")), "maven",
                    f"{m.group('g')}:{m.group('a')}", version, src, scope)
        for podspec in platform.findall("podspec"):
            pods = podspec.find("pods")
            for pod in pods.findall("pod") if pods is not None else []:
                name = pod.attr("name")
                if not name:
                    continue
                version = exact_version(pod.attr("spec"))
                add(pod, COCOAPODS.purl(name, version), "cocoapods", name, version, name, scope)
        for dep in platform.findall("dependency"):
            ident = dep.attr("id")
            if not ident:
                continue
            version = exact_version(dep.attr("version"))
            add(dep, NPM.purl(ident, version), "npm", ident, version, ident, scope)
    return sorted(out, key=lambda p: (p.line, p.column))


class CordovaPluginAnalyzer(ParserAnalyzer):
    name: ClassVar[str] = "lockfile/cordova-plugin"
    version: ClassVar[str] = "1.0.0"
    filenames: ClassVar[tuple[str, ...]] = ("plugin.xml",)
    parse = staticmethod(parse)
