"""The format registry is explicit and complete: every reporter module is listed, names are unique per
option, and the command line and the configuration file offer exactly what it lists."""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import pkgutil

import scanner.report
from scanner.cli import build_parser
from scanner.config.files import FORMATS as CONFIG_FORMATS
from scanner.model import Level, ScanResult, ScanStats
from scanner.report import registry
from scanner.report.interface import ReportOptions
from scanner.rules import load_packs

# Modules of scanner/report that are not output formats.
NOT_REPORTERS = {"scanner.report.interface", "scanner.report.registry", "scanner.report.output",
                 "scanner.report.summary", "scanner.report.escape", "scanner.report.failure"}
# Reporters that live with the tool they write for.
ELSEWHERE = {"scanner.interop.semgrep.export"}


def _module(fmt: registry.Format) -> str:
    return fmt.target.partition(":")[0]


def test_every_reporter_module_is_registered() -> None:
    modules = {info.name for info in pkgutil.walk_packages(scanner.report.__path__, "scanner.report.")}
    registered = {_module(f) for f in registry.FORMATS}
    assert modules - NOT_REPORTERS - registered == set(), "reporter modules not in scanner/report/registry.py"
    assert registered - modules == ELSEWHERE


def test_every_reporter_class_is_registered() -> None:
    targets = {f.target for f in registry.FORMATS}
    for name in {_module(f) for f in registry.FORMATS}:
        module = importlib.import_module(name)
        for attr, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == name and callable(getattr(obj, "render", None)) and hasattr(obj, "from_options"):
                assert f"{name}:{attr}" in targets, f"{name}.{attr} renders a report but is not registered"


def test_names_are_unique_per_option_and_targets_load() -> None:
    keys = [(f.option, f.name) for f in registry.FORMATS]
    assert len(keys) == len(set(keys))
    assert {f.option for f in registry.FORMATS} == {registry.SCAN, registry.INVENTORY, registry.PLAN, registry.RULES,
                                                     registry.EXPORT}
    empty = ScanResult(roots=(), findings=[], notifications=[], stats=ScanStats(), analyzers=(), packs=())
    ruleset = load_packs()
    for fmt in registry.FORMATS:
        if fmt.option in registry.RESULT_OPTIONS:
            factory = fmt.reporter()
            assert factory.name == fmt.name
            reporter = factory.from_options(ReportOptions(min_level=Level.WARNING))
            assert isinstance(reporter.render(empty), str) and reporter.warnings == ()
        else:
            assert isinstance(fmt.document()(ruleset), str)


def _choices(parser: argparse.ArgumentParser, *path: str) -> dict[str, tuple[str, ...]]:
    for step in path:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[step]
    return {a.option_strings[0]: tuple(a.choices) for a in parser._actions if a.choices and a.option_strings}


def test_the_command_line_and_configuration_offer_the_registered_formats() -> None:
    parser = build_parser()
    assert _choices(parser, "scan")["--format"] == registry.names(registry.SCAN) == ("text", "json", "sarif")
    assert _choices(parser, "inventory")["--format"] == registry.names(registry.INVENTORY) == ("cyclonedx",)
    assert _choices(parser, "plan")["--format"] == registry.names(registry.PLAN) == ("text", "json")
    rules = _choices(parser, "rules")
    assert rules["--format"] == registry.names(registry.RULES) == ("text", "json", "markdown", "inputs")
    assert rules["--export"] == registry.names(registry.EXPORT) == ("semgrep", "dependency-review")
    assert registry.names(registry.SCAN) == CONFIG_FORMATS
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    outputs = [o for a in sub.choices["scan"]._actions for o in a.option_strings
               if o.endswith("-output") and o != "--output"]
    assert outputs == [f"--{name}-output" for name in registry.names(registry.SCAN)]


def test_formats_load_only_when_used() -> None:
    """Building the command line imports no reporter (some pull in YAML or CycloneDX)."""
    import subprocess
    import sys

    probe = "import json, sys; import scanner.cli as c; c.build_parser(); print(json.dumps(list(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert {_module(f) for f in registry.FORMATS} & set(json.loads(out)) == set()
