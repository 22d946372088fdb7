"""Every binary analyzer module is registered, under a name that mirrors its module."""

from __future__ import annotations

import importlib
import pkgutil

import scanner.analyzers.binary as package
from scanner.analyzers.registry import ANALYZERS


def test_every_binary_analyzer_is_registered() -> None:
    registered = {cls.__module__ for cls in ANALYZERS}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        analyzers = [v for v in vars(module).values()
                     if isinstance(v, type) and v.__module__ == module.__name__ and hasattr(v, "analyze")]
        for cls in analyzers:
            assert cls.__module__ in registered, f"{cls.__name__} is not in scanner/analyzers/registry.py"
            assert cls.name.startswith("binary/")
    names = [cls.name for cls in ANALYZERS]
    assert len(names) == len(set(names))
