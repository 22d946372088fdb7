"""YAML with the position of every mapping key and sequence item.

One safe parse (`scanner.core.safe_formats.SafeYamlLoader`: plain data only, alias bombs refused
with LimitExceeded before anything walks them) composes the nodes; the data is built from them
with every mapping key a string, and one walk records where each key and item starts, by path
from the root (keys by name, items by index). Where a key repeats, the last one wins, as in the
data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from scanner.analyzers.lockfile._support.lines import KeyPath, LineIndex
from scanner.analyzers.lockfile._support.numbers import parse_int
from scanner.errors import LimitExceeded, ParseError


@dataclass
class YamlDoc:
    """A parsed YAML document (None when empty) and where its keys and items are written."""

    data: Any
    text: str
    offsets: dict[KeyPath, int] = field(default_factory=dict)  # path -> offset where the key/item starts

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.text)

    def offset(self, *path: str | int) -> int | None:
        """0-based offset of the mapping key (or sequence item) at `path`."""
        return self.offsets.get(path)


def load_yaml(path: str, text: str) -> YamlDoc:
    """Parse one YAML document; malformed -> ParseError, an alias bomb -> LimitExceeded."""
    import yaml  # here, not at import time: a scan without YAML files never loads PyYAML

    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None, text)
        data = loader.construct(node)
        return YamlDoc(data, text, _offsets(node, loader.constructed_objects))
    except LimitExceeded as exc:
        raise LimitExceeded(f"{path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ParseError(f"{path}: not valid YAML: {exc}") from exc
    finally:
        loader.dispose()


def _key(value: Any) -> str:
    """A mapping key as a string. A collection as a key (`{[a]: b}`, `{{a: b}: c}`) names no package in
    any format read here, and its `str()` doubles the escapes at each level of nesting (a 561-byte
    `{{{...}}}` took minutes): it becomes a fixed placeholder."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        return f"<{type(value).__name__} key>"
    return str(value)


@cache
def _loader_class() -> Any:
    """The loader, built on first use: PyYAML and the core's guarded loader load only with a YAML file."""
    import yaml

    from scanner.core.safe_formats import SafeYamlLoader

    class Loader(SafeYamlLoader):
        """Mapping keys become strings (`1.0:`, `true:`, `2024-01-01:` too): what every format read here means."""

        state_generators: list[Any]  # PyYAML's constructor state, untyped in its stubs

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[str, Any]:
            if not isinstance(node, yaml.MappingNode):
                raise yaml.constructor.ConstructorError(None, None, f"expected a mapping node, but found {node.id}",
                                                        node.start_mark)
            self.flatten_mapping(node)  # merge keys (`<<: *base`) become the node's own pairs
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                mapping[_key(self.construct_object(key_node, deep=True))] = self.construct_object(value_node, deep=deep)
            return mapping

        def construct_yaml_int(self, node: Any) -> int | float:
            """An integer too long for int() reads as infinity (see `numbers`), not a failed file."""
            try:
                return int(super().construct_yaml_int(node))
            except ValueError:
                return parse_int(str(self.construct_scalar(node)).replace("_", ""))

        def construct(self, node: Any) -> Any:
            """construct_document, keeping the constructed keys for the position walk."""
            data = self.construct_object(node)
            pending: list[Any] = self.state_generators
            while pending:
                self.state_generators = []
                for generator in pending:
                    for _ in generator:
                        pass
                pending = self.state_generators
            return data

    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    return Loader


def _offsets(root: Any, constructed: dict[Any, Any]) -> dict[KeyPath, int]:
    """Where each key and item of the (alias-checked) node graph starts, by path; document order."""
    import yaml

    out: dict[KeyPath, int] = {}
    stack: list[tuple[Any, KeyPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        children: list[tuple[Any, KeyPath]] = []
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                sub = (*path, _key(constructed[key_node]))
                out[sub] = key_node.start_mark.index
                children.append((value_node, sub))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                sub = (*path, i)
                out[sub] = item.start_mark.index
                children.append((item, sub))
        stack.extend(reversed(children))  # depth first in document order: a repeated key's last subtree wins
    return out
