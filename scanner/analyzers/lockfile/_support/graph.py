"""Dependency graphs: the shortest chain from the project to each package, and guessed roots."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping


def shortest_paths(graph: Mapping[str, Iterable[str]], roots: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Breadth-first from the roots: for each reachable node, the shortest chain root..node.

    Deterministic: roots and children are visited in sorted order.
    """
    paths: dict[str, tuple[str, ...]] = {}
    queue: deque[str] = deque()
    for root in sorted(set(roots)):
        if root not in paths:
            paths[root] = (root,)
            queue.append(root)
    while queue:
        node = queue.popleft()
        for child in sorted(set(graph.get(node, ()))):
            if child not in paths:
                paths[child] = (*paths[node], child)
                queue.append(child)
    return paths


def roots_by_heuristic(names: Iterable[str], graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Lockfiles that do not record the project's own requirements: a package nobody requires is direct."""
    required = {child for children in graph.values() for child in children}
    return sorted(n for n in names if n not in required)
