"""XML with the line of every element, read with defusedxml's SAX parser (no entities, no DTD fetching).

Line numbers are expat's (1-based, the line of each start tag); a light element tree keeps them.
"""

from __future__ import annotations

import io
import re
import xml.sax.handler
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from scanner.errors import ParseError


@dataclass
class XmlNode:
    """A light element tree from SAX (defusedxml), with the 1-based line each start tag is on."""

    tag: str  # local name, namespace prefix removed
    attrs: dict[str, str]
    line: int
    children: list[XmlNode] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> XmlNode | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[XmlNode]:
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> str | None:
        node = self.find(tag)
        return node.text.strip() if node is not None else None

    def iter(self, tag: str | None = None) -> Iterable[XmlNode]:
        stack = [self]
        while stack:
            node = stack.pop()
            if tag is None or node.tag == tag:
                yield node
            stack.extend(reversed(node.children))

    def attr(self, name: str) -> str | None:
        """Attribute by local name, case-insensitive (MSBuild writes `Include` and `include`)."""
        lower = name.lower()
        for key, value in self.attrs.items():
            if key.rsplit(":", 1)[-1].lower() == lower:
                return value
        return None


class _NoFetch(xml.sax.handler.EntityResolver):
    """Never reached with external entities off; if it were, nothing is fetched or read."""

    def resolveEntity(self, publicId: str | None, systemId: str) -> str:
        raise xml.sax.SAXNotSupportedException(f"external reference {systemId!r} is not fetched")


def load_xml(path: str, text: str) -> XmlNode:
    """Parse XML with defusedxml's SAX parser (no entities, no DTD fetching); malformed -> ParseError."""
    import xml.sax

    from defusedxml import DefusedXmlException
    from defusedxml.expatreader import DefusedExpatParser

    class Handler(xml.sax.handler.ContentHandler):
        def __init__(self) -> None:
            super().__init__()
            self.root: XmlNode | None = None
            self.stack: list[XmlNode] = []
            self.locator: Any = None

        def setDocumentLocator(self, locator: Any) -> None:
            self.locator = locator

        def startElement(self, name: str, attrs: Any) -> None:
            line = self.locator.getLineNumber() if self.locator is not None else 1
            node = XmlNode(tag=name.rsplit(":", 1)[-1], attrs=dict(attrs.items()), line=line)
            if self.stack:
                self.stack[-1].children.append(node)
            else:
                self.root = node
            self.stack.append(node)

        def endElement(self, name: str) -> None:
            self.stack.pop()

        def characters(self, content: str) -> None:
            if self.stack:
                self.stack[-1].text += content

    handler = Handler()
    data = text.lstrip("\ufeff").encode("utf-8")
    # An XML declaration naming another encoding would make expat re-decode our UTF-8 bytes.
    data = re.sub(rb"^(<\?xml[^>]*?)\sencoding=(['\"])[^'\"]*\2", rb"\1", data, count=1)
    # A `<!DOCTYPE project SYSTEM "http://...">` is common in old POMs: its DTD is never fetched
    # (external entities and parameter entities off, a resolver that refuses), and the file is
    # still read. Entity declarations stay refused (billion laughs).
    parser = DefusedExpatParser(forbid_dtd=False, forbid_entities=True, forbid_external=False)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.setEntityResolver(_NoFetch())
    parser.setContentHandler(handler)
    try:
        parser.parse(io.BytesIO(data))
    except (xml.sax.SAXException, DefusedXmlException, ValueError) as exc:
        raise ParseError(f"{path}: not valid XML: {exc}") from exc
    if handler.root is None:
        raise ParseError(f"{path}: no XML root element")
    return handler.root
