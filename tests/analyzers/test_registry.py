"""The analyzer registry is explicit and complete: every analyzer module is listed, names are unique."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import scanner.analyzers
from scanner.analyzers.registry import ANALYZERS


def _analyzer_classes() -> set[type]:
    found: set[type] = set()
    for info in pkgutil.walk_packages(scanner.analyzers.__path__, "scanner.analyzers."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ != module.__name__ or inspect.isabstract(obj):
                continue
            is_analyzer = all(hasattr(obj, a) for a in ("name", "version", "wants", "analyze", "priority"))
            if is_analyzer and isinstance(getattr(obj, "name", None), str):
                found.add(obj)
    return found


def test_every_analyzer_module_is_registered() -> None:
    # shared base classes (subclassed by registered analyzers) are not analyzers of their own
    bases = {b for cls in ANALYZERS for b in cls.__mro__[1:]}
    missing = {c.__module__ + "." + c.__qualname__ for c in _analyzer_classes() - bases} - {
        c.__module__ + "." + c.__qualname__ for c in ANALYZERS
    }
    assert not missing, f"analyzers not in scanner/analyzers/registry.py: {sorted(missing)}"


def test_names_are_unique_versioned_and_mirror_module_paths() -> None:
    names = [cls.name for cls in ANALYZERS]
    assert len(names) == len(set(names))
    for cls in ANALYZERS:
        assert cls.version.count(".") == 2
        family = cls.__module__.split(".")[2]  # scanner.analyzers.<family>.<module>
        assert cls.name.split("/")[0] == family, f"{cls.name} should start with {family}/"
