r"""semgrep interop: the source signatures as semgrep rules, and semgrep's results as our findings.

`export_semgrep(ruleset)` writes semgrep rules per (signature, language, kind of matcher): imports
of the signature's modules, calls of its symbols, and its hosts/URLs and markers inside string
literals (never in comments, nor in Python docstrings). Calls are read as the built-in engine reads
them: the callee text of every call against a regex of the symbol's chains (whole chain, last two
links, `Foo.new`/`[Foo alloc]`, prefixes), and, for `module.*` symbols, calls through the names the
language's imports bind (`import X from 'm'`, destructured `require`, `import a.b.C [as D]`,
`use A\B as C`, Dart and Go import prefixes). Languages semgrep cannot parse (Objective-C, Groovy)
get regex rules limited to their file names that skip strings and comments; HTML runs the
JavaScript rules on inline scripts and `on*=` handlers (`metavariable-pattern`). Endpoint regexes
carry the precedence of our matcher, where the most specific signature wins: the `tiktok.com`
domain rule excludes hosts and URLs that a more specific rule claims (`business-api.tiktok.com`),
so semgrep reports one rule per endpoint, as the built-in engine does.

Known limits: semgrep cannot name the package that an unaliased Go import or a plain PHP
`use A\B\C;` binds (aliased ones are followed), and Groovy/Dart bound names are followed for the
first `BOUND_IMPORTS` TikTok imports of a file.

`run_semgrep(paths, ruleset)` runs an installed semgrep offline (`--metrics=off`, only our rules)
and maps every result back to our rule id, level and message; `merge_findings` adds them to the
built-in ones, deduplicated by rule, path and line. semgrep is optional: it is looked up at run
time (`TIKTOK_SCAN_SEMGREP`, then PATH, then beside this Python) and never imported.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.analyzers.source.languages import GROOVY, OBJC
from scanner.errors import AnalysisError, UsageError
from scanner.model import Context, FactKind, Finding, Level, Location
from scanner.rules.model import Rule, RuleSet

ENV_EXECUTABLE = "TIKTOK_SCAN_SEMGREP"
META_RULE = "tiktok-scan-rule"
META_KIND = "tiktok-scan-kind"
ANALYZER = "semgrep"

# Our ecosystems -> the languages semgrep parses. Objective-C and Groovy have no semgrep parser:
# they get regex rules (`REGEX_LANGUAGES`); HTML gets the JavaScript rules inside its scripts.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "python": ("python",),
    "js": ("javascript", "typescript"),
    "jvm": ("java", "kotlin"),
    "apple": ("swift",),
    "go": ("go",),
    "dart": ("dart",),
    "dotnet": ("csharp",),
    "ruby": ("ruby",),
    "php": ("php",),
}
ENDPOINT_LANGUAGES = ("python", "javascript", "typescript", "java", "kotlin", "swift", "go", "csharp", "ruby", "php",
                      "dart")
# Languages semgrep cannot parse, as `languages: [regex]` rules limited to the file names our
# source analyzers route to them: rule-id suffix -> (signature ecosystem, path globs).
REGEX_LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "objc": ("apple", tuple("*" + s for s in OBJC.suffixes)),
    "groovy": ("jvm", tuple("*" + s for s in GROOVY.suffixes)),
}
# Languages whose `new T(...)` is not a call in semgrep's syntax tree.
_NEW_LANGUAGES = ("java", "javascript", "typescript", "csharp", "php")
_SEVERITY = {Level.ERROR: "ERROR", Level.WARNING: "WARNING", Level.NOTE: "INFO", Level.NONE: "INFO"}

# Host boundaries exactly as scanner.analyzers.text.tokens draws them.
_BEFORE_HOST = r"(?<![A-Za-z0-9_.@-])"
_SUBDOMAINS = r"(?:[A-Za-z0-9-]+\.)*"
_AFTER_HOST = r"(?![A-Za-z0-9_-]|\.[A-Za-z0-9_])"
# Marker boundaries as tokens._marker_at draws them.
_BEFORE_MARKER = r"(?<![A-Za-z0-9_])"
_AFTER_MARKER = r"(?![A-Za-z0-9_])"
# A docstring (semgrep has no pattern for one): a triple-quoted string that opens a line right
# after a line ending in `:` (def, class, or any block) or after only comments at the top of the file.
# A closing `"""\)` that starts a line must not be taken for an opening, hence the anchors.
_PY_DOCSTRING = r"""(?:\A(?:[ \t]*(?:#[^\n]*)?\r?\n)*|:[ \t]*(?:#[^\n]*)?\r?\n)[ \t]*[rRuU]?(\"\"\"|''')[\s\S]*?\1"""
_STRING_PATTERNS: dict[str, tuple[str, ...]] = {
    "python": ('"..."', 'f"..."'),
    "javascript": ('"..."', "`...`"),
    "typescript": ('"..."', "`...`"),
}

# Callee chains as scanner.analyzers.source.extract reads them: identifiers joined by member
# separators, with argument lists, indexes and type arguments in between left out.
_SEP = r"\s*(?:\?->|->|\?\.|!!\.|!\.|&\.|::|\.)\s*"
_GAP = r"(?:\s*(?:\([^()]*\)|\[[^\[\]]*\]|<[^<>()=]*>))*[!?]?"
DOT = r"\."
_IDENT = re.compile(r"[A-Za-z_$][\w$]*(?:::[A-Za-z_$][\w$]*)*")
# For the regex languages: C-family string literals and comments, in one left-to-right scan.
_C_STRINGS = r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
_C_COMMENTS = r"//[^\n]*|/\*[\s\S]*?\*/"
_HTML_SCRIPT_SKIP = r"(?i)^(?!.*(?:template|html|x-handlebars|text/plain))"  # as source/html's _NOT_JS

class SemgrepUnavailable(UsageError):
    """`--engine semgrep` was asked for but no semgrep executable was found."""


class SemgrepFailed(AnalysisError):
    """semgrep ran but did not produce results we can read."""


# -- export ---------------------------------------------------------------------------------------


def export_semgrep(ruleset: RuleSet) -> str:
    """The source signatures of `ruleset` as a semgrep rules file (YAML text)."""
    import yaml

    header = ("# Generated by tiktok-scan from its signatures; regenerate with `tiktok-scan rules --export semgrep`.\n"
              "# Each rule's metadata names the tiktok-scan rule it comes from.\n")
    return header + yaml.dump({"rules": semgrep_rules(ruleset)}, Dumper=_no_aliases(), sort_keys=False, width=1000)


def _no_aliases() -> type:
    import yaml

    class NoAliases(yaml.SafeDumper):
        """semgrep's YAML reader does not resolve `&anchor` / `*alias`: write shared parts out."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    return NoAliases


def semgrep_rules(ruleset: RuleSet) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    endpoints = _EndpointTable.build(ruleset.rules)
    for rule in ruleset.rules:
        m = rule.matchers
        for eco, names in sorted(m.modules.items()):
            for lang in _languages(eco):
                body = _module_rule(lang, names)
                if body:
                    out.append(_rule(rule, lang, "module", body))
        for eco, names in sorted(m.symbols.items()):
            for lang in _languages(eco):
                body = _symbol_rule(lang, names)
                if body:
                    out.append(_rule(rule, lang, "symbol", body))
        strings = {"endpoint": endpoints.regex_for(rule), "marker": _marker_regex(m.markers)}
        for kind, regex in strings.items():
            if regex:
                out.extend(_rule(rule, lang, kind, _string_rule(lang, regex)) for lang in ENDPOINT_LANGUAGES)
        out.extend(_regex_language_rules(rule, strings))
        out.extend(_html_rules(rule, strings))
    return out


def _languages(eco: str) -> tuple[str, ...]:
    if eco == "any":
        return tuple(lang for langs in LANGUAGES.values() for lang in langs)
    return LANGUAGES.get(eco, ())


def _names(table: dict[str, tuple[str, ...]], eco: str) -> list[str]:
    return sorted({*table.get(eco, ()), *table.get("any", ())})


_WHAT = {"module": "import of", "symbol": "call of", "endpoint": "service endpoint in a string:",
         "marker": "marker in a string:"}


def _rule(rule: Rule, lang: str, kind: str, body: dict[str, Any], *, languages: Sequence[str] | None = None,
          paths: Sequence[str] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f"{rule.id}-{kind}-{lang}",
        "languages": list(languages or [lang]),
        "severity": _SEVERITY[rule.level],
        "message": f"{rule.title} ({rule.id}): {_WHAT[kind]} a TikTok signature",
        "metadata": {
            META_RULE: rule.id,
            META_KIND: kind,
            "category": rule.category,
            "precision": rule.precision,
            "references": list(rule.references),
        },
    }
    if paths:
        out["paths"] = {"include": list(paths)}
    out.update(body)
    return out


def _module_regex(names: Iterable[str], separators: str = r"[./:\\]") -> str:
    alts = "|".join(re.escape(n.rstrip("*")) for n in sorted(names))
    return rf"^(?:{alts})(?:{separators}.*)?$"


def _module_patterns(lang: str) -> list[str]:
    if lang == "python":
        return ["import $M", "import $M as $A", "from $M import $X", "from $M import $X as $Y"]
    if lang in ("javascript", "typescript"):
        return ['import $X from "$M"', 'import "$M"', 'import * as $X from "$M"', 'import {...} from "$M"',
                'require("$M")', 'import("$M")', 'export * from "$M"', 'export {...} from "$M"']
    if lang == "go":
        return ['import "$M"', 'import $A "$M"']
    return []


def _module_rule(lang: str, names: Sequence[str]) -> dict[str, Any] | None:
    """Imports: syntax patterns where semgrep has them for the language, an anchored regex elsewhere."""
    names = [n for n in names if n.rstrip("*")]
    if not names:
        return None
    pats = _module_patterns(lang)
    if not pats:
        return {"pattern-regex": _import_line_regex(lang, names)}
    patterns: list[dict[str, Any]] = [
        {"pattern-either": [{"pattern": p} for p in pats]},
        {"metavariable-regex": {"metavariable": "$M", "regex": _module_regex(names)}},
    ]
    if lang != "python":  # the built-in engine reports the line of the module's string, not of `import (`
        patterns.append({"focus-metavariable": "$M"})
    return {"patterns": patterns}


def _dotted(name: str, sep: str) -> str:
    return sep.join(re.escape(part) for part in name.rstrip("*").split("."))


def _import_line_regex(lang: str, names: Sequence[str]) -> str:
    if lang in ("java", "kotlin", "groovy"):
        alts = "|".join(_dotted(n, r"\.") for n in names)
        return rf"(?m)^[ \t]*import[ \t]+(?:static[ \t]+)?(?:{alts})\b"
    if lang == "swift":
        alts = "|".join(_dotted(n, r"\.") for n in names)
        kinds = r"(?:(?:class|struct|enum|protocol|func|var|typealias)[ \t]+)?"
        return rf"(?m)^[ \t]*(?:@testable[ \t]+)?import[ \t]+{kinds}(?:{alts})\b"
    if lang == "objc":  # `#import <M/H.h>`, `#import "M/H.h"`, `@import M;` / `@import M.Sub;`
        alts = "|".join(re.escape(n.rstrip("*")) for n in names)
        return (rf"""(?m)^[ \t]*(?:#[ \t]*(?:import|include)[ \t]*[<"](?:{alts})/"""
                rf"|@import[ \t]+(?:{alts})\b)")
    if lang == "dart":
        alts = "|".join(re.escape(n.rstrip("*")) for n in names)
        return rf"""(?m)^[ \t]*(?:import|export)[ \t]+['"]package:(?:{alts})/"""
    if lang == "csharp":
        alts = "|".join(_dotted(n, r"\.") for n in names)
        return rf"(?m)^[ \t]*(?:global[ \t]+)?using[ \t]+(?:static[ \t]+)?(?:\w+[ \t]*=[ \t]*)?(?:{alts})\b"
    if lang == "ruby":
        alts = "|".join(re.escape(n.rstrip("*")) for n in names)
        return rf"""(?m)^[ \t]*require(?:_relative)?[ \t(]+['"](?:{alts})(?:/[^'"]*)?['"]"""
    if lang == "php":
        alts = "|".join(_dotted(n, r"\\") for n in names)
        return rf"(?m)^[ \t]*use[ \t]+\\?(?:{alts})\b"
    raise ValueError(f"no import syntax for {lang!r}")


# -- symbols --------------------------------------------------------------------------------------
#
# The built-in engine turns a call's callee into a chain (`window.ttq?.track` -> window, ttq,
# track) and matches the whole chain, its last two links, the chain without a trailing
# `new`/`alloc`, and (when the first link is a name an import bound) the import's value followed by
# the rest of the chain, against each symbol: exactly, or as a string prefix for `name*`.
# Here: the callee text of every call (`$CALL(...)`, `new $CALL(...)`) against a regex of those
# chains, and, for `module.*` / `module/*` symbols, the names the language's imports bind.


def _split_symbol(name: str) -> tuple[list[str], bool] | None:
    """`A.b*` -> ([A, b], True); None when the name cannot be written in code (`tiktok-pixel.*`)."""
    prefix = name.endswith("*")
    parts = name.rstrip("*").split(".")
    last_ok = bool(_IDENT.fullmatch(parts[-1])) or (prefix and re.fullmatch(r"[\w$:]*", parts[-1]) is not None)
    if not last_ok or not all(_IDENT.fullmatch(p) for p in parts[:-1]):
        return None
    return parts, prefix


def _chain(parts: Sequence[str], prefix: bool) -> str:
    pieces = []
    for i, part in enumerate(parts):
        piece = r"\s*::\s*".join(re.escape(p) for p in part.split("::")) if part else ""
        if prefix and i == len(parts) - 1:
            piece += r"[\w$]*"
        pieces.append(piece)
    return (_GAP + _SEP).join(pieces)


def _callee_regex(names: Iterable[str]) -> str | None:
    """A regex for the whole callee text of a call that the built-in engine matches to `names`."""
    alts: list[str] = []
    for name in sorted(names):
        split = _split_symbol(name)
        if split is None:
            continue
        parts, prefix = split
        body = _chain(parts, prefix)
        last_two = rf"(?:[\s\S]*{_SEP})?" if len(parts) == 2 else ""
        if prefix:
            alts.append(rf"\A{body}")  # the whole chain starts with the name
            if last_two:
                alts.append(rf"\A{last_two}{body}{_GAP}\s*\z")
        else:
            alts.append(rf"\A{last_two}{body}{_GAP}\s*\z")
            alts.append(rf"\A{body}{_GAP}{_SEP}(?:new|alloc){_GAP}\s*\z")  # Ruby `Foo.new`
    return "|".join(f"(?:{a})" for a in alts) if alts else None


def _module_heads(names: Iterable[str]) -> list[tuple[str, str]]:
    """`module.*` / `module/*` symbols as (module, separator): calls through the names it binds."""
    return sorted({(n[:-2], n[-2]) for n in names if n.endswith((".*", "/*")) and len(n) > 2})


def _head_regex(heads: Sequence[tuple[str, str]], sep: str = ".") -> str:
    """Import values V with `V.rest` starting with a head's `module<sep>` (or V the module itself)."""
    alts = sorted({re.escape(h.replace(".", sep)) + (rf"(?:{re.escape(sep)}|\z)" if s == "." else re.escape(s))
                   for h, s in heads})
    return r"\A\\?(?:" + "|".join(alts) + ")" if sep == "\\" else r"\A(?:" + "|".join(alts) + ")"


def _calls_of(var: str, lang: str, *, bare: bool = True) -> list[dict[str, Any]]:
    """Calls whose callee chain starts with the name in `var`, a few links deep."""
    pats = [f"{var}(...)"] if bare else []
    pats += [f"{var}.$A1(...)", f"{var}.$A1.$A2(...)", f"{var}.$A1.$A2.$A3(...)"]
    if lang == "php":
        pats = ([f"{var}(...)", f"new {var}(...)"] if bare else []) + [f"{var}::$A1(...)"]
    elif lang in _NEW_LANGUAGES:
        pats += ([f"new {var}(...)"] if bare else []) + [f"new {var}.$A1(...)"]
    return [{"pattern": p} for p in pats]


def _inside(text: str) -> dict[str, Any]:
    return {"pattern-inside": text + "\n...\n"}


def _binding_rules(lang: str, heads: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """Calls through the local names that imports of the heads' modules bind, as the built-in
    analyzers bind them (default, namespace, named and destructured imports and requires; Java,
    Kotlin and PHP imports by simple name or alias; Dart and Go import prefixes)."""
    if not heads:
        return []
    out: list[dict[str, Any]] = []
    if lang in ("javascript", "typescript"):
        js_forms = ['import $X from "$M";', 'import * as $X from "$M";', 'import {$A as $X} from "$M";',
                 'import {$X} from "$M";', '$X = require("$M");', 'const {$X} = require("$M");',
                 'const {$A: $X} = require("$M");']
        if lang == "typescript":
            js_forms.append('import $X = require("$M");')
        module = {"metavariable-regex": {"metavariable": "$M", "regex": _head_regex(heads).replace(r"\z", "$")}}
        out.extend({"patterns": [_inside(f), module, {"pattern-either": _calls_of("$X", lang)}]} for f in js_forms)
    elif lang in ("java", "kotlin"):
        # (import, the name it binds, the metavariable whose value must lie under a head): the
        # qualifier of `import a.b.C`, or the whole name of Kotlin's `import a.b.C as D` (there,
        # semgrep binds `$P` of `import $P.$C as $X` to the first segment only)
        forms = [("import $P.$C;", "$C", "$P"), ("import static $P.$C;", "$C", "$P")] if lang == "java" else [
            ("import $P.$C", "$C", "$P"), ("import $WHOLE as $X", "$X", "$WHOLE")]
        for form, var, value in forms:
            under = {"metavariable-pattern": {"metavariable": value, "pattern-regex": _head_regex(heads)}}
            out.append({"patterns": [_inside(form), under, {"pattern-either": _calls_of(var, lang)}]})
        forms = [f for f in forms if f[2] == "$P"]
        for head, _ in heads:  # `import a.b.Module;` binds `Module` to the module itself: members only
            parent, _, last = head.rpartition(".")
            if not parent:
                continue
            exact = [{"metavariable-pattern": {"metavariable": "$P", "pattern-regex": rf"\A{_dotted(parent, DOT)}\z"}},
                     {"metavariable-pattern": {"metavariable": "$C", "pattern-regex": rf"\A{re.escape(last)}\z"}}]
            for form, var, _ in forms:
                out.append({"patterns": [_inside(form), *exact, {"pattern-either": _calls_of(var, lang, bare=False)}]})
    elif lang == "php":  # `use A\B\C as D;` (semgrep cannot split the name a plain `use A\B\C;` binds)
        under = {"metavariable-regex": {"metavariable": "$NS", "regex": _head_regex(heads, "\\").replace(r"\z", "$")}}
        out.append({"patterns": [_inside("use $NS as $X;"), under, {"pattern-either": _calls_of("$X", lang)}]})
    elif lang == "dart":  # `import 'package:x/y.dart' as p;`: `'$M'` is string interpolation in Dart
        out.extend(_regex_bindings(lang, heads, {"pattern-not-regex": f"{_C_STRINGS}|{_C_COMMENTS}"}))
    elif lang == "go":  # `import p "path"` (semgrep cannot name the package an unaliased import binds)
        module = {"metavariable-regex": {"metavariable": "$M", "regex": _head_regex(heads).replace(r"\z", "$")}}
        out.append({"patterns": [_inside('import $X "$M"'), module,
                                 {"pattern-either": _calls_of("$X", lang, bare=False)}]})
    return out


def _symbol_rule(lang: str, names: Sequence[str]) -> dict[str, Any] | None:
    """Calls (and, where the language has `new`, instantiations) of the signature's symbols."""
    if lang == "python":
        return _python_symbol_rule(names)
    either: list[dict[str, Any]] = []
    callee = _callee_regex(names)
    if callee:
        calls = [{"pattern": "$CALL(...)"}] + ([{"pattern": "new $CALL(...)"}] if lang in _NEW_LANGUAGES else [])
        either.append({"patterns": [
            {"pattern-either": calls},
            {"metavariable-pattern": {"metavariable": "$CALL", "pattern-regex": callee}},
        ]})
    either.extend(_binding_rules(lang, _module_heads(names)))
    return {"pattern-either": either} if either else None


def _python_symbol_rule(names: Sequence[str]) -> dict[str, Any] | None:
    """Python: semgrep resolves imports and aliases itself, so qualified names are patterns."""
    either: list[dict[str, Any]] = []
    regexes: list[str] = []
    for name in sorted(names):
        if "::" in name or not re.fullmatch(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\.?\*?", name):
            continue  # not a Python name (`tiktok-pixel/*`)
        if not name.endswith("*"):
            either.append({"pattern": f"{name}(...)"})
            continue
        receiver, _, prefix = name[:-1].rpartition(".")
        if not receiver:
            regexes.append(re.escape(prefix) + r"\w*\s*\(")
        elif prefix:
            either.append({"patterns": [
                {"pattern": f"{receiver}.$M(...)"},
                {"metavariable-regex": {"metavariable": "$M", "regex": f"^{re.escape(prefix)}"}},
            ]})
        else:  # `business_api_client.*`: anything called below the module, a few levels deep
            either.extend({"pattern": f"{receiver}.{middle}$M(...)"}
                          for middle in ("", "$A.", "$A.$B.", "$A.$B.$C."))
    if regexes:
        either.append({"patterns": [{"pattern": "$CALL(...)"},
                                    {"metavariable-pattern": {"metavariable": "$CALL",
                                                              "pattern-regex": r"\A(?:" + "|".join(regexes) + ")"}}]})
    return {"pattern-either": either} if either else None


# -- strings --------------------------------------------------------------------------------------


def _marker_regex(markers: Iterable[str]) -> str | None:
    alts = "|".join(re.escape(m) for m in sorted(markers))
    return f"{_BEFORE_MARKER}(?:{alts}){_AFTER_MARKER}" if alts else None


def _string_rule(lang: str, regex: str) -> dict[str, Any]:
    inside = _STRING_PATTERNS.get(lang, ('"..."',))
    patterns: list[dict[str, Any]] = [
        {"pattern-regex": regex},
        {"pattern-either": [{"pattern-inside": p} for p in inside]},
    ]
    if lang == "python":
        patterns.append({"pattern-not-regex": _PY_DOCSTRING})
    return {"patterns": patterns}


# -- languages semgrep cannot parse ---------------------------------------------------------------


def _regex_language_rules(rule: Rule, strings: dict[str, str | None]) -> Iterator[dict[str, Any]]:
    """Objective-C and Groovy as regex rules: imports and calls outside strings and comments,
    endpoints and markers inside string literals (never in comments)."""
    m = rule.matchers
    code_only = {"pattern-not-regex": f"{_C_STRINGS}|{_C_COMMENTS}"}
    in_string = {"pattern-regex": f"(?:{_C_COMMENTS})(*SKIP)(*F)|{_C_STRINGS}"}
    for lang, (eco, globs) in REGEX_LANGUAGES.items():
        def rule_for(kind: str, body: dict[str, Any], lang: str = lang, globs: tuple[str, ...] = globs
                     ) -> dict[str, Any]:
            return _rule(rule, lang, kind, body, languages=["regex"], paths=globs)

        modules = [n for n in _names(m.modules, eco) if n.rstrip("*")]
        if modules:
            yield rule_for("module", {"patterns": [{"pattern-regex": _import_line_regex(lang, modules)}, code_only]})
        symbols = _names(m.symbols, eco)
        calls = _line_call_regexes(lang, symbols)
        either = [{"patterns": [{"pattern-regex": "|".join(f"(?:{r})" for r in calls)}, code_only]}] if calls else []
        either += _regex_bindings(lang, _module_heads(symbols), code_only)
        if either:
            yield rule_for("symbol", {"pattern-either": either})
        for kind, regex in strings.items():
            if regex:
                yield rule_for(kind, {"patterns": [{"pattern-regex": regex}, in_string]})


def _line_call_regexes(lang: str, names: Iterable[str]) -> list[str]:
    """Calls of `names` in source text: Objective-C message sends and C calls, Groovy calls."""
    out: list[str] = []
    for name in sorted(names):
        split = _split_symbol(name)
        if split is None:
            continue
        parts, prefix = split
        if lang == "objc":
            if len(parts) == 1 and not prefix:  # `[[Cls alloc] init]`, `[Cls new]`, `Fn(...)`
                out.append(rf"\[\s*{re.escape(parts[0])}\s+(?:alloc|new)\b|(?<![\w$.]){re.escape(parts[0])}\s*\(")
            elif len(parts) == 2:  # `[Cls selector...]`
                tail = r"[\w$]*" if prefix else r"\b"
                out.append(rf"\[\s*{re.escape(parts[0])}\s+{re.escape(parts[1])}{tail}")
            continue
        # Groovy: `a.b(...)`, `new A(...)` (command calls `a.b x` are left out, as source/jvm reads them)
        call = r"\s*\("
        body = _chain(parts, prefix).replace(_GAP, "")
        if len(parts) == 1 and not prefix:
            out.append(rf"(?<![\w$.])(?:new\s+)?{body}{call}")
        else:
            more = rf"(?:{_SEP}[\w$]+)*" if prefix else ""
            out.append(rf"(?<![\w$]){body}{more}{call}")
    return out


BOUND_IMPORTS = 4  # TikTok imports per Groovy or Dart file whose bound names are followed


def _regex_bindings(lang: str, heads: Sequence[tuple[str, str]], code_only: dict[str, Any]
                    ) -> list[dict[str, Any]]:
    """Calls through names bound by Groovy's `import a.b.C [as D]` and Dart's `import
    'package:p/x.dart' as d;`, where semgrep has no import pattern. A regex match cannot overlap
    another, so one regex runs from the file's first TikTok import to its end and binds the n-th
    one's name; the call must lie inside that span (semgrep intersects the two matches and unifies
    the named group `X`)."""
    if not heads:
        return []
    if lang == "groovy":
        alts = "|".join(sorted({_dotted(h, r"\.") for h, _ in heads}))
        start = rf"^[ \t]*import[ \t]+(?:static[ \t]+)?(?:{alts})\b"
        binds = [rf"{start}[\w$.]*[ \t]+as[ \t]+(?P<X>[\w$]+)",
                 rf"{start}(?:\.[\w$]+)*\.(?P<X>[\w$]+)[ \t]*;?[ \t]*$"]
    elif lang == "dart":
        alts = "|".join(sorted({re.escape(h) for h, _ in heads}))
        start = rf"""^[ \t]*import[ \t]+['"]package:(?:{alts})/"""
        binds = [rf"""{start}[^'"\n]*['"][ \t]+as[ \t]+(?P<X>[\w$]+)"""]
    else:
        return []
    use = r"(?<![\w$.])(?:new\s+)?(?P<X>[\w$]+)(?:\s*\.\s*[\w$]+)*\s*\("
    out = []
    for skip in range(BOUND_IMPORTS):
        before = rf"(?:{start}[^\n]*\n[\s\S]*?){{{skip}}}" if skip else ""
        for bind in binds:
            out.append({"patterns": [{"pattern-regex": rf"(?m){before}{bind}[\s\S]*"}, {"pattern-regex": use},
                                     code_only]})
    return out


# -- HTML -----------------------------------------------------------------------------------------


def _html_rules(rule: Rule, strings: dict[str, str | None]) -> Iterator[dict[str, Any]]:
    """The JavaScript rules on inline `<script>`s and `on*=` handlers, as source/html reads them."""
    m = rule.matchers
    inner: list[tuple[str, dict[str, Any], str]] = []
    modules = [n for n in _names(m.modules, "js") if n.rstrip("*")]
    if modules:
        inner.append(("module", {"patterns": [
            {"pattern-either": [{"pattern": p} for p in _module_patterns("javascript")]},
            {"metavariable-regex": {"metavariable": "$M", "regex": _module_regex(modules)}}]}, "$M"))
    callee = _callee_regex(_names(m.symbols, "js"))
    if callee:
        inner.append(("symbol", {"patterns": [
            {"pattern-either": [{"pattern": "$CALL(...)"}, {"pattern": "new $CALL(...)"}]},
            {"metavariable-pattern": {"metavariable": "$CALL", "pattern-regex": callee}}]}, "$CALL"))
    for kind, regex in strings.items():
        if regex:
            inner.append((kind, _string_rule("javascript", f"(?P<HIT>{regex})"), "$HIT"))
    code = [
        {"patterns": [{"pattern": "<script ...>$JS</script>"}, {"pattern-not": '<script type="$T" ...>$JS</script>'}]},
        {"patterns": [{"pattern": '<script type="$T" ...>$JS</script>'},
                      {"metavariable-regex": {"metavariable": "$T", "regex": _HTML_SCRIPT_SKIP}}]},
        {"patterns": [{"pattern": '<$TAG $ATTR="$JS" ...>'},
                      {"metavariable-regex": {"metavariable": "$ATTR", "regex": "(?i)^on"}}]},
    ]
    for kind, body, focus in inner:
        yield _rule(rule, "html", kind, {"patterns": [
            {"pattern-either": code},
            {"metavariable-pattern": {"metavariable": "$JS", "language": "javascript", **body}},
            {"focus-metavariable": focus},
        ]}, languages=["html"])


@dataclass(frozen=True)
class _Endpoint:
    rule_id: str
    kind: str  # url | host | domain
    host: str
    path: str  # url path prefix, with its leading "/"

    @property
    def specificity(self) -> int:
        """As scanner.core.match scores endpoint candidates: URL prefix > exact host > longer domain."""
        if self.kind == "url":
            return 10_000 + len(self.host) + len(self.path)
        if self.kind == "host":
            return 5_000 + len(self.host)
        return len(self.host)

    def regex(self) -> str:
        host = f"(?i:{re.escape(self.host)})"
        if self.kind == "domain":
            return _SUBDOMAINS + host + _AFTER_HOST
        if self.kind == "host":
            return host + _AFTER_HOST
        return host + r"(?::[0-9]+)?" + re.escape(self.path)

    def overlaps(self, other: _Endpoint) -> bool:
        """Can one token match both? (Then the more specific one decides the rule.)"""
        if self.kind == "domain" and other.kind == "domain":
            return _under(self.host, other.host) or _under(other.host, self.host)
        if self.kind == "domain":
            return _under(other.host, self.host)
        if other.kind == "domain":
            return _under(self.host, other.host)
        if self.host != other.host:
            return False
        if self.kind == "url" and other.kind == "url":
            return self.path.startswith(other.path) or other.path.startswith(self.path)
        return True


def _under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


@dataclass
class _EndpointTable:
    endpoints: list[_Endpoint]

    @classmethod
    def build(cls, rules: Iterable[Rule]) -> _EndpointTable:
        out: list[_Endpoint] = []
        for rule in rules:
            m = rule.matchers
            out.extend(_Endpoint(rule.id, "domain", d.lower(), "") for d in m.domains)
            out.extend(_Endpoint(rule.id, "host", h.lower(), "") for h in m.hosts)
            for url in m.urls:
                host, _, path = url.partition("/")
                out.append(_Endpoint(rule.id, "url", host.lower(), "/" + path))
        return cls(out)

    def regex_for(self, rule: Rule) -> str | None:
        mine = [e for e in self.endpoints if e.rule_id == rule.id]
        if not mine:
            return None
        alternatives = []
        for ep in sorted(mine, key=lambda e: (e.kind, e.host, e.path)):
            beaten_by = sorted({o.regex() for o in self.endpoints
                                if o.rule_id != rule.id and o.specificity > ep.specificity and ep.overlaps(o)})
            exclude = "".join(f"(?!{other})" for other in beaten_by)
            alternatives.append(exclude + ep.regex())
        return _BEFORE_HOST + "(?:" + "|".join(alternatives) + ")"


# -- run ------------------------------------------------------------------------------------------


def find_semgrep() -> str | None:
    """The semgrep executable: $TIKTOK_SCAN_SEMGREP, else PATH, else beside this interpreter."""
    explicit = os.environ.get(ENV_EXECUTABLE)
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    found = shutil.which("semgrep")
    if found:
        return found
    beside = Path(sys.executable).parent / "semgrep"
    return str(beside) if os.access(beside, os.X_OK) else None


def semgrep_available() -> bool:
    return find_semgrep() is not None


def validate_semgrep(rules_yaml: str, executable: str | None = None, *, online: bool = False) -> tuple[bool, str]:
    """Check an exported rules file the way `semgrep --validate` does: (ok, semgrep's messages).

    `semgrep --validate` first downloads a lint pack from the semgrep registry, which an offline
    machine cannot reach; offline (the default) we run the same two checks it runs on the file
    itself, without that pack: the rule schema (`semgrep scan --strict` on an empty folder) and
    the parse of every pattern in every language (`semgrep-core -check_rules`).
    """
    exe = executable or find_semgrep()
    if exe is None:
        raise SemgrepUnavailable("semgrep is not installed; install the 'semgrep' extra or set " + ENV_EXECUTABLE)
    common = ["--metrics=off", "--disable-version-check"]
    with tempfile.TemporaryDirectory(prefix="tiktok-scan-semgrep-") as tmp:
        config = Path(tmp) / "tiktok-scan.semgrep.yaml"
        config.write_text(rules_yaml, encoding="utf-8")
        if online:
            proc = _run([exe, "--validate", *common, "--config", str(config)], tmp)
            return proc.returncode == 0, (proc.stdout + proc.stderr).strip()
        empty = Path(tmp) / "empty"
        empty.mkdir()
        proc = _run([exe, "scan", *common, "--strict", "--quiet", "--json", "--config", str(config), "."], str(empty))
        errors = _errors(proc.stdout) if proc.stdout.strip() else [proc.stderr.strip()]
        if proc.returncode != 0 or errors:
            return False, "\n".join(errors) or proc.stderr.strip()
        engine = _run([exe, "--dump-engine-path"], tmp).stdout.strip()
        if not engine or not os.access(engine, os.X_OK):
            return False, f"cannot find semgrep-core (semgrep --dump-engine-path said {engine!r})"
        no_lints = Path(tmp) / "no-lints.yaml"
        no_lints.write_text("rules: []\n", encoding="utf-8")
        core = _run([engine, "-json", "-check_rules", str(no_lints), str(config)], tmp)
        errors = _errors(core.stdout) if core.stdout.strip() else [core.stderr.strip() or "no output"]
        return core.returncode == 0 and not errors, "\n".join(errors)


def _run(cmd: list[str], cwd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=_env(), timeout=600, check=False)


def _errors(output: str) -> list[str]:
    try:
        report = json.loads(output[output.find("{"):])  # semgrep-core may print progress dots first
    except json.JSONDecodeError:
        return [output.strip()[:2000]]
    return [str(e.get("message") or e.get("long_msg") or e) for e in report.get("errors", ())]


def run_semgrep(paths: Sequence[str | os.PathLike[str]], ruleset: RuleSet, *, executable: str | None = None,
                jobs: int = 1, timeout: float = 1800.0) -> list[Finding]:
    """Run semgrep with the exported rules on each root; findings use paths relative to their root."""
    exe = executable or find_semgrep()
    if exe is None:
        raise SemgrepUnavailable("semgrep is not installed; install the 'semgrep' extra or set " + ENV_EXECUTABLE)
    by_id = ruleset.by_id()
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="tiktok-scan-semgrep-") as tmp:
        config = Path(tmp) / "tiktok-scan.semgrep.yaml"
        config.write_text(export_semgrep(ruleset), encoding="utf-8")
        for root in paths:
            base = Path(root).resolve()
            cwd, target = (base, ".") if base.is_dir() else (base.parent, base.name)
            # the same files as the built-in walk: no .gitignore, no default .semgrepignore (which
            # drops tests/ and vendored folders), no 1 MB size cut
            cmd = [exe, "scan", "--metrics=off", "--disable-version-check", "--no-git-ignore",
                   "--x-ignore-semgrepignore-files", "--max-target-bytes=0", "--json", "--quiet",
                   "--jobs", str(jobs), "--config", str(config), target]
            proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=_env(), timeout=timeout,
                                  check=False)
            if proc.returncode not in (0, 1):  # 1: findings; more: a semgrep error
                raise SemgrepFailed(f"{base}: semgrep exited {proc.returncode}: {proc.stderr.strip()[:500]!r}")
            try:
                report = json.loads(proc.stdout)
            except json.JSONDecodeError as exc:
                raise SemgrepFailed(f"{base}: semgrep exited {proc.returncode} without JSON output: "
                                    f"{proc.stderr.strip()[:500]!r}") from exc
            findings.extend(_findings(report, cwd, by_id))
    return sorted(_unique(findings), key=lambda f: f.sort_key)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["SEMGREP_SEND_METRICS"] = "off"
    env.setdefault("SEMGREP_ENABLE_VERSION_CHECK", "0")
    return env


_CONTEXT = {"module": Context.IMPORT, "symbol": Context.CALL, "endpoint": Context.STRING, "marker": Context.STRING}
_KIND = {"module": FactKind.MODULE, "symbol": FactKind.SYMBOL, "endpoint": FactKind.HOST,
         "marker": FactKind.MARKER}


def _findings(report: dict[str, Any], cwd: Path, by_id: dict[str, Rule]) -> Iterable[Finding]:
    for result in report.get("results", ()):
        meta = result.get("extra", {}).get("metadata", {})
        rule = by_id.get(meta.get(META_RULE, ""))
        kind = meta.get(META_KIND, "")
        if rule is None or kind not in _KIND:
            continue
        path = Path(result["path"]).as_posix()
        path = path[2:] if path.startswith("./") else path
        start, end = result["start"], result["end"]
        text = _span(cwd / path, start.get("offset"), end.get("offset"))
        fact_kind = _KIND[kind]
        if fact_kind is FactKind.HOST and "/" in text.split("://", 1)[-1]:
            fact_kind = FactKind.URL
        yield Finding(
            rule_id=rule.id,
            level=rule.level,
            location=Location(path=path, start_line=start["line"], start_column=start["col"],
                              end_line=end["line"], end_column=end["col"]),
            message=f"{rule.title}: found by semgrep ({kind}) `{text[:120]}`.",
            kind=fact_kind,
            value=text[:500],
            context=_CONTEXT[kind],
            analyzer=ANALYZER,
            evidence=text[:200],
        )


def _span(path: Path, start: object, end: object) -> str:
    if not isinstance(start, int) or not isinstance(end, int) or end <= start:
        return ""
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            lines = handle.read(min(end - start, 4096)).decode("utf-8", "replace").splitlines()
    except OSError:
        return ""
    return lines[0].strip() if lines else ""


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per rule, path and line (semgrep reports each matching sub-pattern)."""
    seen: set[tuple[str, str, int]] = set()
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: f.sort_key):
        key = (f.rule_id, f.location.display_path, f.location.start_line)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def merge_findings(builtin: Iterable[Finding], extra: Iterable[Finding]) -> list[Finding]:
    """Built-in findings plus semgrep's, deduplicated by (rule, path, line); built-in ones win."""
    out = list(builtin)
    seen = {(f.rule_id, f.location.display_path, f.location.start_line) for f in out}
    for f in extra:
        key = (f.rule_id, f.location.display_path, f.location.start_line)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return sorted(out, key=lambda f: f.sort_key)
