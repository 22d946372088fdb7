"""Loaders for structured formats that are safe on hostile input; analyzers use these.

Each one: never executes anything (no YAML tags that build objects, no pickle), never fetches or
reads anything else (no external entities or DTDs), never expands entities (billion laughs), and
turns every failure, deep nesting included, into a ParseError that names the problem.
"""

from __future__ import annotations

import json
import plistlib
import re
from typing import Any

import defusedxml.ElementTree as SafeET
import yaml
from defusedxml import DefusedXmlException

from scanner.errors import ParseError

MAX_YAML_EXPANDED_NODES = 5_000_000  # a YAML "billion laughs" is aliases of aliases: small in memory, huge to walk
_XML_DECL = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*<")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


def load_json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise ParseError("JSON nested too deep") from exc
    except (ValueError, TypeError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ParseError(f"invalid JSON: {exc}") from exc


def parse_xml(data: str | bytes) -> Any:
    """An ElementTree element; DTDs may be present but entity declarations and external references are refused."""
    try:
        return SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ParseError(f"XML refused: {type(exc).__name__} ({exc})") from exc
    except RecursionError as exc:
        raise ParseError("XML nested too deep") from exc
    except (SafeET.ParseError, ValueError, TypeError) as exc:
        raise ParseError(f"invalid XML: {exc}") from exc


def load_plist(data: bytes) -> Any:
    """XML or binary plist. XML plists with entity declarations are refused before expat sees them
    (CPython's plistlib refuses them too since 3.9, and expat >= 2.4 caps amplification; this holds
    on any interpreter)."""
    if _XML_DECL.match(data[:64]) and _ENTITY_DECL.search(data):
        raise ParseError("plist refused: XML entity declarations are not allowed in plists")
    try:
        return plistlib.loads(data)
    except RecursionError as exc:
        raise ParseError("plist nested too deep") from exc
    except (plistlib.InvalidFileException, ValueError, TypeError, KeyError, IndexError, OverflowError,
            MemoryError, EOFError, OSError) as exc:  # plistlib's binary reader trusts counts and offsets
        raise ParseError(f"invalid plist: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # expat errors and the like: still the file's fault, not the scanner's
        raise ParseError(f"invalid plist: {type(exc).__name__}: {exc}") from exc


class _SafeLoader(yaml.SafeLoader):
    """yaml.SafeLoader (plain data only) that also caps how big aliases make the document.

    Aliases share nodes in memory, so a YAML "billion laughs" loads fast and small; it explodes
    when an analyzer walks it. The expanded node count is tracked while composing.
    """

    def __init__(self, stream: str | bytes) -> None:
        super().__init__(stream)
        self._sizes: dict[int, int] = {}

    def compose_document(self) -> Any:
        self._sizes = {}  # node ids are only meaningful within one document
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        node = super().compose_node(parent, index)
        size = self._sizes.get(id(node))
        if size is None:  # a new node (an alias returns an already sized one)
            if isinstance(node, yaml.SequenceNode):
                size = 1 + sum(self._sizes.get(id(child), 1) for child in node.value)
            elif isinstance(node, yaml.MappingNode):
                size = 1 + sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value)
            else:
                size = 1
            if size > MAX_YAML_EXPANDED_NODES:
                raise ParseError(f"YAML expands to more than {MAX_YAML_EXPANDED_NODES} nodes through aliases "
                                 f"(alias bomb?); refused")
            self._sizes[id(node)] = size
        return node


def load_yaml_all(text: str | bytes) -> list[Any]:
    """Every document of a YAML stream, plain data only (no tags that build Python objects)."""
    try:
        return list(yaml.load_all(text, Loader=_SafeLoader))
    except ParseError:
        raise
    except RecursionError as exc:
        raise ParseError("YAML nested too deep") from exc
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise ParseError(f"invalid YAML: {exc}") from exc


def load_yaml(text: str | bytes) -> Any:
    docs = load_yaml_all(text)
    return docs[0] if docs else None
