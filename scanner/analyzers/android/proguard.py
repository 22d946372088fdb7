"""android/proguard: R8/ProGuard rules (`proguard-rules.pro`, `consumer-rules.pro`, `proguard.txt` in AARs).

`-keep class com.tiktok.open.sdk.** { *; }` is written to keep an SDK the app ships from being
shrunk away: configuration of that SDK. Every class or package name in a rule option (`-keep*`,
`-dontwarn`, `-dontnote`, `-if`, `-assumenosideeffects`...) becomes a jvm MODULE fact in the
CONFIG context, cut at its first wildcard (`com.tiktok.open.sdk.**` -> `com.tiktok.open.sdk`), so
the SDK-code rules match it as configured use. Comments (`#`) are skipped; nothing else in the file
(options without class names, qmake `.pro` files) gives a fact.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.model import Context, Fact, FactKind

# An option line: `-keep...`, `-dontwarn`, `-if` ...; its class names run until the next option.
_OPTION = re.compile(r"^[ \t]*-(keep\w*|dontwarn|dontnote|if|assumenosideeffects|assumevalues|whyareyoukeeping|"
                     r"checkdiscard|identifiernamestring|maximumremovedandroidloglevel|assumenoexternalsideeffects|"
                     r"assumenoescapingparameters|assumenoexternalreturnvalues)\b", re.M)
_ANY_OPTION = re.compile(r"^[ \t]*-\w", re.M)
# A (possibly wildcarded) dotted Java name: `com.tiktok.open.sdk.**`, `!com.foo.*`, `com.a.B$Inner`.
MAX_EVIDENCE = 160
_NAME = re.compile(r"[A-Za-z_$*?][\w$*?]*(?:\.[\w$*?<>]+)+")


def rule_names(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, package or class prefix, option) for each dotted name in a rule option."""
    code = re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), text)
    starts = [m.start() for m in _ANY_OPTION.finditer(code)] + [len(code)]
    for m in _OPTION.finditer(code):
        end = next(s for s in starts if s > m.start())
        for name in _NAME.finditer(code, m.end(), end):
            prefix = re.split(r"[*?<]", name.group(0), maxsplit=1)[0].rstrip(".$")
            if "." in prefix:
                yield name.start(), name.end(), prefix, m.group(1)


class ProguardAnalyzer:
    name: ClassVar[str] = "android/proguard"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 5
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True
    # Android Gradle plugin and ProGuard names; `configuration.txt` is R8's -printconfiguration
    # output (the merged rules, with every consumer rule of every AAR).
    patterns: ClassVar[tuple[str, ...]] = ("*.pro", "proguard*.txt", "proguard*.cfg", "consumer-proguard*.txt",
                                           "configuration.txt")
    _regex = re.compile("|".join(fnmatch.translate(p) for p in patterns))

    def wants(self, path: str, is_text: bool) -> bool:
        return is_text and self._regex.match(path.rsplit("/", 1)[-1]) is not None

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        text = file.text
        for start, end, prefix, _option in rule_names(text):
            location = file.location(start, end)
            evidence = file.line_text(location.start_line).strip()
            yield Fact(kind=FactKind.MODULE, value=prefix, location=location, context=Context.CONFIG,
                       analyzer=self.name, evidence=evidence[:MAX_EVIDENCE], language="jvm")
