"""The languages the tree-sitter analyzers read: grammar wheel, file names, ecosystem, query file.

Data, not logic: adding a language is a row here, a `.scm` query under `queries/`, and a grammar
wheel pinned in pyproject.toml. The ecosystem key is the one signatures use under
`[match.modules]` / `[match.symbols]`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageSpec:
    key: str  # grammar key, also the query file name: queries/<query>.scm
    module: str  # grammar wheel import name
    function: str  # function in `module` that returns the language pointer
    ecosystem: str  # signature ecosystem of MODULE/SYMBOL facts
    suffixes: tuple[str, ...]  # lower-case file name endings routed to this grammar
    query: str
    import_style: str  # how an import's text becomes a module value (see imports.py)
    member_separators: tuple[str, ...] = (".",)  # written between receiver and member in calls
    doc_comment_prefixes: tuple[str, ...] = ("/**", "///")


JAVA = LanguageSpec("java", "tree_sitter_java", "language", "jvm", (".java",), "java", "dotted")
KOTLIN = LanguageSpec("kotlin", "tree_sitter_kotlin", "language", "jvm", (".kt", ".kts"), "kotlin", "dotted",
                      (".", "?.", "!!."))
GROOVY = LanguageSpec("groovy", "tree_sitter_groovy", "language", "jvm", (".groovy", ".gradle"), "groovy", "dotted",
                      (".", "?."))
SWIFT = LanguageSpec("swift", "tree_sitter_swift", "language", "apple", (".swift",), "swift", "apple",
                     (".", "?.", "!."))
OBJC = LanguageSpec("objc", "tree_sitter_objc", "language", "apple", (".m", ".mm", ".h"), "objc", "apple")
# `.js.download`: a script of a page saved by a browser (`Page_files/events.js.download`)
JAVASCRIPT = LanguageSpec("javascript", "tree_sitter_javascript", "language", "js",
                          (".js", ".mjs", ".cjs", ".jsx", ".js.download"), "javascript", "js", (".", "?."))
TYPESCRIPT = LanguageSpec("typescript", "tree_sitter_typescript", "language_typescript", "js",
                          (".ts", ".mts", ".cts"), "typescript", "js", (".", "?.", "!."))
TSX = LanguageSpec("tsx", "tree_sitter_typescript", "language_tsx", "js", (".tsx",), "typescript", "js",
                   (".", "?.", "!."))
GO = LanguageSpec("go", "tree_sitter_go", "language", "go", (".go",), "go", "go", (".",), ("///",))
DART = LanguageSpec("dart", "tree_sitter_dart", "language", "dart", (".dart",), "dart", "dart", (".", "?."))
CSHARP = LanguageSpec("c_sharp", "tree_sitter_c_sharp", "language", "dotnet", (".cs",), "c_sharp", "dotnet",
                      (".", "?."))
RUBY = LanguageSpec("ruby", "tree_sitter_ruby", "language", "ruby", (".rb", ".rake", ".gemspec", ".podspec"),
                    "ruby", "ruby", (".", "&.", "::"), ("=begin",))
PHP = LanguageSpec("php", "tree_sitter_php", "language_php", "php", (".php", ".phtml"), "php", "php",
                   ("->", "?->", "::"), ("/**",))
HTML = LanguageSpec("html", "tree_sitter_html", "language", "js", (".html", ".htm", ".xhtml"), "html", "js")
# Components and server templates: the HTML grammar on the markup, their scripts as JavaScript or
# TypeScript (analyzers/source/templates.py says which template syntax each suffix carries).
TEMPLATES = LanguageSpec("html", "tree_sitter_html", "language", "js",
                         (".vue", ".svelte", ".astro", ".erb", ".ejs", ".jsp", ".aspx", ".php", ".phtml",
                          ".blade.php", ".twig", ".jinja", ".jinja2", ".j2", ".njk", ".liquid", ".cshtml",
                          ".razor", ".hbs", ".handlebars", ".mustache"), "html", "js")

# Python's imports and calls are read by analyzers/source/python.py; this grammar serves only the
# constant-string evaluator (flow.py), so it is in no analyzer's routing table.
PYTHON = LanguageSpec("python", "tree_sitter_python", "language", "python", (".py", ".pyi", ".pyw"), "python",
                      "dotted", (".",), ())

# `.d.ts` files are declarations, still TypeScript; `.min.js` stays JavaScript (long lines fall back).
ALL: tuple[LanguageSpec, ...] = (JAVA, KOTLIN, GROOVY, SWIFT, OBJC, JAVASCRIPT, TYPESCRIPT, TSX, GO, DART, CSHARP,
                                 RUBY, PHP, HTML, TEMPLATES)


def spec_for(name: str, specs: tuple[LanguageSpec, ...]) -> LanguageSpec | None:
    """The spec whose suffix ends `name` (lower-cased); the longest suffix wins."""
    lower = name.lower()
    best: LanguageSpec | None = None
    best_len = 0
    for spec in specs:
        for suffix in spec.suffixes:
            if lower.endswith(suffix) and len(suffix) > best_len:
                best, best_len = spec, len(suffix)
    return best
