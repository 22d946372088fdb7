"""text/endpoints: TikTok hosts, URLs, URL schemes and identifiers in any text file.

Runs on every text file with a prefilter hit, so it also covers formats no other analyzer
parses (HTML, YAML, plist, XML, .env, shell). Context comes from the file type and a cheap
look at the start of the line; language analyzers that know better override it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.text.tokens import Token, find_tokens
from scanner.model import Context, Fact, FactKind

DOC_SUFFIXES = (".md", ".markdown", ".mdx", ".rst", ".txt", ".adoc", ".asciidoc", ".rdoc", ".textile", ".org")
DOC_NAMES = ("readme", "changelog", "changes", "license", "licence", "notice", "authors", "history", "contributing")
# Python core metadata (wheel `*.dist-info/METADATA`, sdist `PKG-INFO`): headers plus the README as the
# long description; prose about a package, never a call. Exact names only (`metadata.json` is config).
CORE_METADATA_NAMES = ("metadata", "pkg-info")
MARKUP_SUFFIXES = (".html", ".htm", ".xhtml", ".vue", ".svelte", ".astro", ".hbs", ".handlebars", ".ejs",
                   ".erb", ".liquid", ".njk", ".jinja", ".jinja2", ".twig", ".mustache", ".cshtml", ".razor",
                   ".jsp", ".aspx", ".php", ".phtml", ".blade.php")
CONFIG_SUFFIXES = (".yml", ".yaml", ".json", ".jsonc", ".json5", ".plist", ".xml", ".toml", ".ini", ".cfg",
                   ".conf", ".properties", ".env", ".config", ".xcconfig", ".entitlements", ".strings",
                   ".gradle", ".kts", ".pbxproj", ".tf", ".hcl")
HASH_COMMENT_SUFFIXES = (".py", ".pyi", ".rb", ".sh", ".bash", ".zsh", ".yml", ".yaml", ".toml", ".properties",
                         ".pl", ".r", ".ps1", ".cfg", ".conf", ".ini", ".env", ".tf", ".hcl", ".cmake",
                         ".dockerfile", ".mk", ".gemspec", ".podspec")
HASH_COMMENT_NAMES = ("dockerfile", "makefile", "gemfile", "podfile", "rakefile", "cartfile", ".env", "procfile",
                      "brewfile", "fastfile", "appfile")
SLASH_COMMENT_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts", ".java", ".kt", ".kts",
                          ".swift", ".m", ".mm", ".h", ".c", ".cc", ".cpp", ".hpp", ".cs", ".go", ".dart",
                          ".php", ".scala", ".groovy", ".gradle", ".rs", ".json5", ".jsonc", ".vue", ".svelte")


def file_context(name: str) -> Context:
    lower = name.lower()
    stem = lower.rsplit(".", 1)[0]
    if lower.endswith(DOC_SUFFIXES) or stem in DOC_NAMES or lower in DOC_NAMES or lower in CORE_METADATA_NAMES:
        return Context.DOCUMENTATION
    if lower.endswith(MARKUP_SUFFIXES):
        return Context.MARKUP
    if lower.endswith(CONFIG_SUFFIXES):
        return Context.CONFIG
    return Context.CODE


def comment_prefixes(name: str) -> tuple[str, ...]:
    lower = name.lower()
    out: list[str] = []
    if lower.endswith(HASH_COMMENT_SUFFIXES) or lower in HASH_COMMENT_NAMES:
        out.append("#")
    if lower.endswith(SLASH_COMMENT_SUFFIXES):
        out.extend(("//", "/*", "*"))
    if lower.endswith((".html", ".htm", ".xml", ".plist", ".vue", ".svelte", ".md", ".xhtml")):
        out.append("<!--")
    if lower.endswith((".sql", ".lua", ".hs")):
        out.append("--")
    if lower.endswith((".ini", ".clj", ".el", ".lisp", ".asm")):
        out.append(";")
    return tuple(out)


class EndpointsAnalyzer:
    name: ClassVar[str] = "text/endpoints"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 0
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    def wants(self, path: str, is_text: bool) -> bool:
        return is_text

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        data = file.data
        base_context = file_context(file.name)
        prefixes = comment_prefixes(file.name)
        for token in find_tokens(data, file.hits, file.needles):
            context = base_context
            if token.email:
                context = Context.DOCUMENTATION
            elif base_context is not Context.DOCUMENTATION and (token.data or _product_name(file.name, token)
                                                                or file.name.lower().endswith(TABLE_SUFFIXES)):
                context = Context.DATA
            elif prefixes and base_context is not Context.DOCUMENTATION and _in_line_comment(data, token, prefixes):
                context = Context.COMMENT
            yield Fact(
                kind=token.kind,
                value=token.value,
                location=file.byte_location(token.start, token.end),
                context=context,
                analyzer=self.name,
                evidence=token.evidence,
            )


# Tables of domains (third-party-web's domain-map.csv): rows of data, never a program's own call.
TABLE_SUFFIXES = (".csv", ".tsv")
# Xcode project files name the built product `Name.app`: a file name, not the `.app` web domain.
XCODE_SUFFIXES = (".pbxproj", ".xcscheme", ".xcworkspacedata", ".xctestplan", ".xcconfig")


def _product_name(name: str, token: Token) -> bool:
    return (name.lower().endswith(XCODE_SUFFIXES) and token.kind is FactKind.HOST and token.value.endswith(".app")
            and token.evidence.lower() == token.value and token.value.count(".") == 1)


def _line_start(data: bytes, offset: int) -> int:
    return data.rfind(b"\n", 0, offset) + 1


def _in_line_comment(data: bytes, token: Token, prefixes: tuple[str, ...]) -> bool:
    start = _line_start(data, token.start)
    head = data[start : token.start].lstrip()
    if any(head.startswith(p.encode()) for p in prefixes):
        return not head.startswith(b"#!") and not head.startswith((b"#import", b"#include"))
    # trailing comment: `x = 1  // see tiktok.com` (only for // and #, and not inside a URL `https://`)
    return any(m.strip().decode() in prefixes and m in head for m in (b" //", b"\t//", b" #", b"\t#"))
