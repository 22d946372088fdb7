"""Grammar-aware generators of pathological source files and manifests (issue 19).

Random bytes rarely reach the deep end of a parser; these shapes do: deep nesting of each
language's own delimiters, long operator / member / call chains, delimiters opened and never
closed, and a "soup" of the language's tokens that drives GLR parsers (tree-sitter) into
ambiguity. Each generated file starts with a planted TikTok use that the scanner reports when the
file is read (the host of TikTok's Open API in a string, or a TikTok SDK dependency), so a file that
is silently dropped shows.

Every shape is a pure function of (grammar, size, seed): a failing example is reproduced from its
name alone (`Case.label`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

HOST = "https://open.tiktokapis.com/v2/user/info/"


@dataclass(frozen=True)
class Grammar:
    """What a language looks like from far enough away to generate hostile files in it."""

    language: str
    filename: str
    planted: str  # a first line the scanner reports: the planted TikTok use
    pairs: tuple[tuple[str, str], ...]  # delimiters that nest: (open, close)
    atoms: tuple[str, ...]  # leaves: identifiers, literals
    ops: tuple[str, ...]  # what joins a chain: binary operators, member access, indexing
    chains: tuple[str, ...] = ()  # self-nesting prefixes: `lambda: `, `not `, `-`, `await `
    prefix: str = ""  # puts the body in a statement or expression position
    suffix: str = "\n"
    tokens: tuple[str, ...] = ()  # more of the language's tokens, for the soup


def _c_like(language: str, filename: str, planted: str, prefix: str, extra: tuple[str, ...] = (),
            chains: tuple[str, ...] = ("!", "-", "~", "(int) ")) -> Grammar:
    return Grammar(language, filename, planted, (("(", ")"), ("[", "]"), ("{", "}")), ("a", "1", '"s"', "b.c"),
                   (" + ", " * ", " && ", ".f", "[0]", "(x)", " ? a : ", " < ", " > ", " == "), chains, prefix,
                   "\n", ("if", "else", "return", ";", ",", ":", "<", ">", "=>", "->", "new", "class", "/*", "*/",
                          "//", "\n", "'", '"', *extra))


GRAMMARS: tuple[Grammar, ...] = (
    Grammar("python", "main.py", f'URL = "{HOST}"\n', (("(", ")"), ("[", "]"), ("{", "}")),
            ("a", "1", "'s'", "b.c", "None"), (" + ", " * ", " and ", ".f", "[0]", "(x)", " if a else ", " < "),
            ("lambda: ", "not ", "-", "await ", "*"), "x = ", "\n",
            ("def", "class", ":", "\n    ", ",", "=", "for", "in", "yield", "f'", "{", '"""', "\\\n", "@d\n")),
    _c_like("javascript", "app.js", f'const URL = "{HOST}";\n', "const x = ",
            ("`", "${", "=>", "async", "function", "/re/", "...", "?.", "??")),
    _c_like("typescript", "app.ts", f'const URL: string = "{HOST}";\n', "const x: any = ",
            ("<T>", "as", "type", "interface", "`", "${", "=>", "keyof", "extends", "?:", "!")),
    Grammar("kotlin", "Main.kt", f'val URL = "{HOST}"\n', (("(", ")"), ("[", "]"), ("{", "}"), ("<", ">")),
            ("a", "1", '"s"', "b.c", "null"), (" + ", " * ", " && ", ".f", "[0]", "(x)", "?.f", " ?: ", " < ", "!!"),
            ("!", "-", "{ ", "when (a) { b -> "), "val x = ", "\n",
            ("fun", "val", "->", "::", "..", "as", "is", "in", "@a", "\"", "${", "\n", ",", ":", "<", ">", "{", "}",
             "it", "if", "else", "object", "=")),
    Grammar("gradle-kts", "build.gradle.kts", f'val api = "{HOST}"\n', (("(", ")"), ("{", "}"), ("<", ">"), ("[", "]")),
            ("a", '"s"', "libs.x", "1"), (".f", "(x)", " { }", " + ", " < ", "?.f", " to ", " ?: "),
            ("dependencies { ", "implementation(", "plugins { ", "android { ", "-", "!"), "", "\n",
            ("dependencies", "implementation", "plugins", "id", "version", "apply", "(", ")", "{", "}", "<", ">",
             "\"", "${", "->", "::", "@a", ",", "=", ".", "\n", "val", "by", "project", "it")),
    _c_like("java", "Main.java", f'class Main {{ String URL = "{HOST}"; }}\n', "class C { Object x = ",
            ("<T>", "@A", "->", "::", "instanceof", "extends", "...", "switch", "case")),
    Grammar("swift", "App.swift", f'let url = "{HOST}"\n', (("(", ")"), ("[", "]"), ("{", "}"), ("<", ">")),
            ("a", "1", '"s"', "b.c", "nil"), (" + ", " * ", " && ", ".f", "[0]", "(x)", "?.f", " ?? ", "!", " < "),
            ("!", "-", "try ", "await ", "{ "), "let x = ", "\n",
            ("func", "let", "var", "->", "in", "guard", "\\(", '"', ":", ",", "@escaping", "#if", "?", "\n")),
    _c_like("objc", "App.m", f'NSString *url = @"{HOST}";\n', "id x = ",
            ("@", "[", "]", "^", "#import", "@interface", "@end", "@\"", "#define", "\\\n")),
    _c_like("go", "main.go", f'package main\n\nvar url = "{HOST}"\n', "var x = ",
            ("func", "go", "chan", "<-", ":=", "...", "`", "interface{}", "map[", "struct{")),
    _c_like("csharp", "Program.cs", f'class P {{ string U = "{HOST}"; }}\n', "class C { object x = ",
            ("<T>", "=>", "?.", "??", "$\"", "{", "@\"", "#if", "where", "async", "await")),
    Grammar("php", "index.php", f'<?php\n$url = "{HOST}";\n', (("(", ")"), ("[", "]"), ("{", "}")),
            ("$a", "1", "'s'", "$b->c", "null"), (" + ", " . ", " && ", "->f", "[0]", "(x)", " ?: ", " ?? "),
            ("!", "-", "@", "fn() => "), "$x = ", ";\n",
            ("function", "$", "=>", "->", "::", "<?php", "?>", "\"", "{$", "<<<EOT", "\n", ";", ",", "array(")),
    Grammar("ruby", "app.rb", f'URL = "{HOST}"\n', (("(", ")"), ("[", "]"), ("{", "}"), ("do ", " end")),
            ("a", "1", "'s'", "b.c", "nil", ":sym"), (" + ", " * ", " && ", ".f", "[0]", "(x)", " ? a : ", "&.f"),
            ("!", "-", "->() { ", "not "), "x = ", "\n",
            ("def", "end", "do", "|x|", "#{", '"', "%w(", "<<~EOS", "\n", "begin", "if", "unless", "=>", ",")),
    Grammar("dart", "main.dart", f'const url = "{HOST}";\n', (("(", ")"), ("[", "]"), ("{", "}"), ("<", ">")),
            ("a", "1", "'s'", "b.c", "null"), (" + ", " * ", " && ", ".f", "[0]", "(x)", "?.f", " ?? ", "!", ".."),
            ("!", "-", "await ", "() => "), "var x = ", ";\n",
            ("void", "final", "=>", "async", "${", "'", "?", ":", ",", "\n", "class", "extends", "<", ">")),
)

# Manifests and lockfiles: the planted line is a TikTok dependency in the same file.
MANIFESTS: tuple[Grammar, ...] = (
    Grammar("package.json", "package.json", '{"dependencies": {"tiktok-business-api-sdk-official": "1.1.3"},\n',
            (("[", "]"), ('{"a": ', "}")), ("1", '"s"', "null", "9" * 5000, "1e999999"), (", ",),
            (), '"x": ', "}\n", (",", ":", '"', "\\u0000", "{", "}", "[", "]")),
    Grammar("pom.xml", "pom.xml", "<project><dependencies><dependency><groupId>com.tiktok.open.sdk</groupId>"
            "<artifactId>tiktok-open-sdk-core</artifactId><version>2.2.0</version></dependency></dependencies>\n",
            (("<a>", "</a>"), ("<properties>", "</properties>")), ("x", "${a}", "${p}", "&amp;"), ("${a}",),
            (), "<properties><a>", "</a></properties></project>\n", ("<", ">", "</", "${", "}", "<!--", "-->")),
    Grammar("pubspec.yaml", "pubspec.yaml", "dependencies:\n  tiktok_sdk_v2: ^1.0.0\n", (("[", "]"), ("{", "}")),
            ("a", "1", "&x a", "*x", "'s'"), (", ",), ("- ", "? "), "extra: ", "\n",
            ("&a", "*a", ":", "- ", "\n  ", "|", ">", "!!str", "---")),
    Grammar("pyproject.toml", "pyproject.toml", '[project]\nname = "demo"\nversion = "0.1.0"\n'
            'dependencies = ["tiktok-business-api-sdk-official>=1.1"]\n\n[tool.demo]\n', (("[", "]"), ("{a = ", "}")),
            ("1", '"s"', "true", "9" * 5000), (", ",), (), "x = ", "\n", ("=", ".", '"', "[", "]", "{", "}", "\n")),
    Grammar("build.gradle", "build.gradle",
            "dependencies { implementation 'com.tiktok.open.sdk:tiktok-open-sdk-core:2.2.0' }\n",
            (("(", ")"), ("{", "}"), ("[", "]")), ("a", "'s'", '"${v}"', "1"), (".f", "(x)", " + ", " << "),
            ("dependencies { ", "-", "!"), "def x = ", "\n", ("{", "}", "(", ")", "'", '"', "${", "->", ",", "\n")),
    Grammar("Podfile", "Podfile", "pod 'TikTokOpenSDKCore', '2.5.0'\n", (("(", ")"), ("[", "]"), ("do ", " end")),
            ("'a'", "1", ":s"), (", ", ".f"), ("target 'A' do\n",), "x = ", "\n", ("do", "end", "'", "#{", "\n")),
    Grammar("yarn.lock", "yarn.lock", '"tiktok-business-api-sdk-official@^1.1.3":\n  version "1.1.3"\n\n',
            (('"a@1":\n  dependencies:\n    ', "\n"),), ('a "1"', '"b@1"'), ("\n    ",), (), "", "\n",
            ("\n", '"', ":", "  ", "@", ",")),
)

SHAPES = ("nested", "unclosed", "chain", "prefix-chain", "soup", "mutated")
NEEDLES = (b"tiktok", b"open.tiktokapis.com", b"business-api.tiktok.com", b"com.tiktok.open.sdk",
           b"tiktok-business-sdk", b"TikTokOpenSDK", b"Lcom/tiktok/open/sdk/", b"@tiktok/", b"bytedance",
           b"analytics.tiktok.com/i18n/pixel/events.js", b"snssdk1233://", b"pangle")


def mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, value) edits: set a byte, delete a run, insert a repeated byte, insert a needle."""
    buf = bytearray(data)
    for kind, pos, value in ops:
        if not buf:
            buf.extend(bytes([value]))
            continue
        at = pos % len(buf)
        if kind == 0:
            buf[at] = value
        elif kind == 1:
            del buf[at : at + 1 + value % 16]
        elif kind == 2:
            buf[at:at] = bytes([value]) * (1 + value % 8)
        else:
            buf[at:at] = NEEDLES[value % len(NEEDLES)]
    return bytes(buf)


@cache
def samples(filename: str) -> tuple[bytes, ...]:
    """Real files of this kind from the fixture trees and examples (same name, else same suffix)."""
    suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else filename
    found: list[bytes] = []
    for base in (REPO / "tests" / "fixtures", REPO / "examples"):
        paths = sorted(p for p in base.rglob("*") if p.is_file() and not p.is_symlink()) if base.is_dir() else []
        same = [p for p in paths if p.name == filename] or [p for p in paths if p.name.endswith(suffix)]
        found += [p.read_bytes() for p in same if p.stat().st_size <= 64 * 1024]
    return tuple(found)


@dataclass(frozen=True)
class Case:
    grammar: Grammar
    shape: str
    size: int
    seed: int

    @property
    def label(self) -> str:
        return f"{self.grammar.language}-{self.shape}-{self.size}-{self.seed}"

    def render(self) -> bytes:
        body = generate(self.grammar, self.shape, self.size, self.seed)
        return (self.grammar.planted + body).encode("utf-8", "surrogateescape")


def generate(g: Grammar, shape: str, size: int, seed: int) -> str:
    """The pathological body: `size` is the nesting depth, chain length or token count."""
    rng = random.Random(f"{g.language}/{shape}/{size}/{seed}")
    atom = rng.choice(g.atoms)
    if shape == "nested":
        opener, closer = rng.choice(g.pairs)
        return g.prefix + opener * size + atom + closer * size + g.suffix
    if shape == "unclosed":
        if seed % 2:  # one kind of delimiter, or a mix of every kind
            return g.prefix + rng.choice(g.pairs)[0] * size + g.suffix
        return g.prefix + "".join(rng.choice(g.pairs)[0] for _ in range(size)) + g.suffix
    if shape == "chain":
        op = rng.choice(g.ops)
        return g.prefix + atom + "".join(op + (atom if op.startswith(" ") else "") for _ in range(size)) + g.suffix
    if shape == "prefix-chain":
        chain = rng.choice(g.chains or tuple(p[0] for p in g.pairs))
        return g.prefix + chain * size + atom + g.suffix
    if shape == "mutated":  # a real file truncated or edited byte-wise: what found the Kotlin hangs
        pool = samples(g.filename)
        if pool:
            data = rng.choice(pool)
            if rng.random() < 0.5:
                data = data[:rng.randint(0, len(data))]
            # no NUL: one NUL byte makes the scanner treat a text file as binary and skip the text
            # analyzers without a notification (a known gap, out of this generator's reach)
            ops = [(rng.randint(0, 3), rng.randint(0, 1 << 20), rng.randint(1, 255)) for _ in range(1 + size % 12)]
            return mutate(data, ops).decode("utf-8", "surrogateescape")
    # soup: the language's own tokens in a random order, space-separated, no balance
    vocabulary = [*g.tokens, *g.atoms, *g.ops, *(p for pair in g.pairs for p in pair), *g.chains]
    return g.prefix + " ".join(rng.choice(vocabulary) for _ in range(size)) + g.suffix
