"""The explicit list of output formats. A test fails when a reporter module is missing here.

Each format names the command option that offers it and its reporter as `module:attribute`,
imported when the format is used: the command line takes its choices (and the configuration file
its `format` values) from this list without importing a reporter, some of which pull in YAML or
CycloneDX libraries. Adding a format is its reporter module, its line here, its test and golden.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from scanner.report.interface import ReporterFactory, RulesDocument

SCAN = "scan --format"
INVENTORY = "inventory --format"
PLAN = "plan --format"
RULES = "rules --format"
EXPORT = "rules --export"
RESULT_OPTIONS = (SCAN, INVENTORY, PLAN)  # formats of a ScanResult; the others render the signature packs


@dataclass(frozen=True)
class Format:
    name: str  # the option's value
    option: str  # SCAN, INVENTORY, PLAN, RULES or EXPORT
    target: str  # `module:attribute`: a ReporterFactory (RESULT_OPTIONS) or a RulesDocument

    def _load(self) -> object:
        module, _, attribute = self.target.partition(":")
        return getattr(importlib.import_module(module), attribute)

    def reporter(self) -> ReporterFactory:
        assert self.option in RESULT_OPTIONS, f"{self.name}: not a scan report"
        return cast("ReporterFactory", self._load())

    def document(self) -> RulesDocument:
        assert self.option not in RESULT_OPTIONS, f"{self.name}: not a rules document"
        return cast("RulesDocument", self._load())


FORMATS: tuple[Format, ...] = (
    Format("text", SCAN, "scanner.report.text:TextReporter"),
    Format("json", SCAN, "scanner.report.json_report:JsonReporter"),
    Format("sarif", SCAN, "scanner.report.sarif:SarifReporter"),
    Format("cyclonedx", INVENTORY, "scanner.report.cyclonedx:CycloneDxReporter"),
    Format("text", PLAN, "scanner.report.plan:PlanTextReporter"),
    Format("json", PLAN, "scanner.report.plan:PlanJsonReporter"),
    Format("text", RULES, "scanner.report.rules_doc:rules_text"),
    Format("json", RULES, "scanner.report.rules_doc:rules_json"),
    Format("markdown", RULES, "scanner.report.rules_doc:rules_markdown"),
    Format("inputs", RULES, "scanner.report.rules_doc:inputs_markdown"),
    Format("semgrep", EXPORT, "scanner.interop.semgrep.export:export_semgrep"),
    Format("dependency-review", EXPORT, "scanner.report.dependency_review:dependency_review_deny_list"),
)


def names(option: str) -> tuple[str, ...]:
    """The values `option` accepts, in the order the help lists them."""
    return tuple(f.name for f in FORMATS if f.option == option)


def get(option: str, name: str) -> Format:
    for fmt in FORMATS:
        if fmt.option == option and fmt.name == name:
            return fmt
    raise KeyError(f"{option} {name!r}: no such format")
