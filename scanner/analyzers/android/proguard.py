"""android/proguard: R8/ProGuard rules (`proguard-rules.pro`, `consumer-rules.pro`, `proguard.txt` in AARs).

`-keep class com.tiktok.open.sdk.** { *; }` is written to keep an SDK the app ships from being
shrunk away: configuration of that SDK. Every class or package name in a rule option (`-keep*`,
`-dontwarn`, `-dontnote`, `-if`, `-assumenosideeffects`...) becomes a jvm MODULE fact in the
CONFIG context, cut at its first wildcard (`com.tiktok.open.sdk.**` -> `com.tiktok.open.sdk`), so
the SDK-code rules match it as configured use. Comments (`#`) are skipped; nothing else in the file
(options without class names, qmake `.pro` files) gives a fact.

A wildcard over a namespace above any SDK's package (`-keep class com.tiktok.** { *; }`, the
Business SDK's own consumer rule; `-keep class com.bytedance.sdk.** { *; }`, Pangle's guide's)
keeps that SDK's code too, though its prefix names no SDK. Such a name also stands for the SDK
packages and classes that are direct members of the kept vendor namespace, taken from the
signatures' class prefixes (`FileInput.needles.classes`): `com.tiktok.TikTokBusinessSdk` and
`com.tiktok.appevents` under `com.tiktok`, `com.bytedance.sdk.openadsdk` under `com.bytedance.sdk`
(see covered_packages for what does not count). Those facts exist only in keep rules, so source
code naming `com.tiktok` still matches nothing. A negated name (`!com.tiktok.**`) stands for
nothing. The analyzer runs on every rules file, prefilter hit or not: `com.tiktok.**` contains no
SDK literal.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.routing import NameRouted
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
        end = starts[bisect_right(starts, m.start())]  # the next option (R8's merged rules hold thousands)
        for name in _NAME.finditer(code, m.end(), end):
            prefix = re.split(r"[*?<]", name.group(0), maxsplit=1)[0].rstrip(".$")
            if "." in prefix:
                yield name.start(), name.end(), prefix, m.group(1)


class ProguardAnalyzer(NameRouted):
    name: ClassVar[str] = "android/proguard"
    version: ClassVar[str] = "1.1.0"
    priority: ClassVar[int] = 5
    needs_candidates: ClassVar[bool] = False  # `com.tiktok.**` holds no prefilter literal
    handles_long_lines: ClassVar[bool] = True
    # Android Gradle plugin and ProGuard names; `configuration.txt` is R8's -printconfiguration
    # output (the merged rules, with every consumer rule of every AAR).
    patterns: ClassVar[tuple[str, ...]] = ("*.pro", "proguard*.txt", "proguard*.cfg", "consumer-proguard*.txt",
                                           "configuration.txt")

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        text = file.text
        for start, end, prefix, _option in rule_names(text):
            location = file.location(start, end)
            evidence = file.line_text(location.start_line).strip()[:MAX_EVIDENCE]
            negated = text[start - 1 : start] == "!"  # `!com.tiktok.**` excludes those classes
            covered = [] if negated else covered_packages(text[start:end], file.needles.classes)
            for value in (prefix, *covered):
                yield Fact(kind=FactKind.MODULE, value=value, location=location, context=Context.CONFIG,
                           analyzer=self.name, evidence=evidence, language="jvm")


def covered_packages(name: str, known: Iterable[str]) -> list[str]:
    """The `known` dotted class prefixes directly under the namespace the wildcard `name` keeps.

    `com.tiktok.**` (or `com.tiktok.*`, the classes directly in it) keeps the SDK whose packages or
    classes are the namespace's own members (`com.tiktok.appevents`, `com.tiktok.TikTokBusinessSdk`).
    Only a vendor namespace counts: two or three labels (`com.tiktok`, `com.bytedance.sdk`), never
    one (`com.**`), and never an SDK's own package, whose members are its features
    (`com.tencent.mm.opensdk.**` keeps all of WeChat's SDK, not its payment package alone);
    an SDK two levels down (`com.bytedance.**`) is too far for the rule to be about it.
    """
    m = _PACKAGE_WILDCARD.match(name)
    if m is None or not 1 <= m.group(1).count(".") <= 2:
        return []
    root, any_depth = m.group(1) + ".", m.group(2) == "**"
    # a known prefix ending in "." is a package (`com.tiktok.appevents.`), else a class
    return sorted({k.rstrip(".") for k in known if k.startswith(root) and k.rstrip(".") != root[:-1]
                   and "." not in k[len(root):].rstrip(".") and (any_depth or not k.endswith("."))})


# `com.tiktok.**` / `com.tiktok.*`: a package root, then one wildcard that ends the name.
_PACKAGE_WILDCARD = re.compile(r"([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\.(\*\*|\*)$")
