"""Signatures as data: load, validate and compile the rule packs under `signatures/`."""

from scanner.rules.loader import default_signature_dir, load_packs, load_ruleset
from scanner.rules.model import Pack, Rule, RuleSet

__all__ = ["Pack", "Rule", "RuleSet", "default_signature_dir", "load_packs", "load_ruleset"]
