"""Loaders for structured formats that are safe on hostile input; analyzers use these.

Each one: never executes anything (no YAML tags that build objects, no pickle), never fetches or
reads anything else (no external entities or DTDs), never expands entities (billion laughs),
refuses YAML alias bombs (LimitExceeded), and turns every other failure, deep nesting included,
into a ParseError that names the problem. Every YAML parse of the scanner goes through
SafeYamlLoader.
"""

from __future__ import annotations

import json
import plistlib
import re
from typing import Any

import defusedxml.ElementTree as SafeET
import yaml
from defusedxml import DefusedXmlException

from scanner.errors import LimitExceeded, ParseError

# A YAML "billion laughs" is aliases of aliases: small in memory, huge to walk. Lockfiles and
# manifests use few aliases if any; 100k extra nodes take well under a second to walk.
MAX_YAML_ALIAS_NODES = 100_000
_SIZE_CAP = 1 << 62  # sizes are capped so that a deep bomb never makes huge integers
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


def check_yaml_aliases(root: Any) -> None:
    """Refuse a composed YAML document that aliases make much bigger than its text (LimitExceeded).

    Aliases share nodes, so a YAML "billion laughs" composes fast and small, and explodes when
    anything walks it: each level of `&b [*a, *a, ...]` multiplies the work. A walk of the node
    graph that visits each node once gives the expanded size; more than MAX_YAML_ALIAS_NODES nodes
    beyond the written ones, or an alias inside the node it names, is refused before any data is
    built. Documents without aliases are never refused, however big.
    """
    sizes: dict[int, int] = {}  # id(node) -> nodes in its expansion, capped
    open_nodes: set[int] = set()  # the nodes being walked: the path from the root
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_nodes.discard(key)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), _SIZE_CAP)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise LimitExceeded("a YAML alias refers to a node that contains it (an infinite document); refused")
        if not children:
            sizes[key] = 1
            continue
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    if sizes[id(root)] - len(sizes) > MAX_YAML_ALIAS_NODES:
        raise LimitExceeded(f"YAML aliases expand the document by more than {MAX_YAML_ALIAS_NODES} nodes "
                            f"(alias bomb?); refused")


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class SafeYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (plain data, no tags that build objects; libyaml's parser when built)
    whose every document passes `check_yaml_aliases` before anything constructs or walks it."""

    def __init__(self, stream: str | bytes) -> None:
        super().__init__(stream)
        # an alias needs an anchor (`&a`) and a reference (`*a`): without both, there is nothing to check
        self._may_alias = ("&" in stream and "*" in stream) if isinstance(stream, str) else \
            (b"&" in stream and b"*" in stream)

    def get_node(self) -> Any:
        return self._checked(super().get_node())

    def get_single_node(self) -> Any:
        return self._checked(super().get_single_node())

    def _checked(self, node: Any) -> Any:
        if node is not None and self._may_alias:
            check_yaml_aliases(node)
        return node


def load_yaml_all(text: str | bytes) -> list[Any]:
    """Every document of a YAML stream, plain data only; an alias bomb raises LimitExceeded."""
    try:
        loader = SafeYamlLoader(text)
        try:
            docs = []
            while loader.check_node():
                docs.append(loader.construct_document(loader.get_node()))
            return docs
        finally:
            loader.dispose()
    except RecursionError as exc:
        raise ParseError("YAML nested too deep") from exc
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise ParseError(f"invalid YAML: {exc}") from exc


def load_yaml(text: str | bytes) -> Any:
    docs = load_yaml_all(text)
    return docs[0] if docs else None
