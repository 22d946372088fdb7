"""android/manifest: source AndroidManifest.xml files (app modules, library modules, the text manifest of an AAR).

The binary manifest inside an APK is binary/android-manifest's; this one reads the XML a project
keeps in `src/main/`. Components that name an SDK's class (`<activity android:name=
"com.bytedance.sdk.openadsdk.activity.TTLandingPageActivity">`, an SDK's `<provider>`) register
that SDK's code: jvm MODULE facts in the CONFIG context, matched by the SDK-code rules (relative
names are resolved against the manifest's `package`). `<queries><package android:name=
"com.zhiliaoapp.musically"/>` is how an app asks to see the TikTok app, which the Open SDK's
share and login flows need: a MARKER fact whose evidence says so (the app-detection rule). Other
markers and hosts in the file are text/endpoints' (config context).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.binary.axml import CLASS_ATTRIBUTE_ELEMENTS
from scanner.analyzers.interface import FileInput
from scanner.analyzers.lockfile._support.xml import XmlNode, load_xml
from scanner.analyzers.routing import NameRouted
from scanner.model import Context, Fact, FactKind


class AndroidManifestAnalyzer(NameRouted):
    name: ClassVar[str] = "android/manifest"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 10  # over text/endpoints for the same `<package>` span: the evidence says more
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = False

    # React Native libraries ship `AndroidManifestNew.xml` beside the old one for AGP 8 namespaces
    patterns: ClassVar[tuple[str, ...]] = ("AndroidManifest*.xml",)
    inputs_note: ClassVar[str] = "source manifests (app modules, library modules, the text manifest of an AAR)"

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        root = load_xml(file.display_path, file.text)
        if root.tag != "manifest":
            return
        package = root.attr("package") or ""
        for node, parent in _walk(root):
            value = node.attr("name")
            if not value:
                continue
            if node.tag in CLASS_ATTRIBUTE_ELEMENTS:
                full = package + value if value.startswith(".") else value
                if "." in full and not full.startswith("$"):
                    yield self._fact(file, node, value, FactKind.MODULE, full, f'<{node.tag} android:name="{value}">')
            elif node.tag == "package" and parent == "queries":
                yield self._fact(file, node, value, FactKind.MARKER, value,
                                 f"<queries> package {value} (the Open SDK's share and login flows query the app)")

    def _fact(self, file: FileInput, node: XmlNode, value: str, kind: FactKind, fact_value: str,
              evidence: str) -> Fact:
        start = _value_offset(file.text, file.line_starts[node.line - 1] if node.line <= len(file.line_starts) else 0,
                              value)
        return Fact(kind=kind, value=fact_value, location=file.location(start, start + len(value)),
                    context=Context.CONFIG, analyzer=self.name, evidence=evidence,
                    language="jvm" if kind is FactKind.MODULE else None)


def _walk(root: XmlNode) -> Iterator[tuple[XmlNode, str]]:
    stack = [(root, "")]
    while stack:
        node, parent = stack.pop()
        yield node, parent
        stack.extend((child, node.tag) for child in reversed(node.children))


def _value_offset(text: str, from_offset: int, value: str) -> int:
    """Where `android:name="value"` is written at or after the element's line (the value's first character)."""
    m = re.compile(r"""\bname\s*=\s*(["'])""" + re.escape(value) + r"\1").search(text, from_offset)
    return m.start() + m.group(0).index(value) if m else from_offset
