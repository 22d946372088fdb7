"""Builds the native-parser regression tree of issue 19 at test time (nothing big is committed).

Four repositories, each a mix of inputs that crashed, hung or exhausted a native parser (libcst,
tree-sitter) or a worker pool before the scan workers were supervised, each beside a planted
finding. `build(root)` returns what every scan must still report.

Provenance: the shapes are the ones of the issue's table (an independent probe's inputs),
generated here at the sizes it names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# TT302: one error-level finding wherever it stands (a string in code or config)
EVENTS = 'EVENTS_URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/"'
PY_IMPORT = "from business_api_client import ApiClient  # the TikTok Business API SDK (TT205)"
KB = 1024
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass
class Expected:
    findings: set[tuple[str, int, str]] = field(default_factory=set)  # (repo/path, line, rule)
    files: list[str] = field(default_factory=list)  # every file, repo/path, for --pre-commit
    repos: list[str] = field(default_factory=list)


def _chain(head: str, unit: str, total: int, tail: str = "") -> str:
    """`head` + `unit` repeated up to `total` characters + `tail` (24 KB files stay under libcst's cap)."""
    return head + unit * ((total - len(head) - len(tail)) // len(unit)) + tail


def _python(repo: Path) -> list[tuple[str, bytes, set[tuple[int, str]]]]:
    body = {
        # 1,300 nested parentheses: libcst's native parser overflowed its stack (exit 139)
        "deep_parens.py": "x = " + "(" * 1300 + "1" + ")" * 1300 + "\n",
        # 24 KB chains under the libcst size cap: one hung past 300 s, one segfaulted, one took 3.7 GB
        "subscripts.py": _chain("x = a", "[0]", 24 * KB - 400) + "\n",
        "plus_chain.py": _chain("x = ", "1+", 24 * KB - 400, "1") + "\n",
        "lambdas.py": _chain("x = ", "lambda: ", 24 * KB - 400, "1") + "\n",
    }
    # the imported name is rebound below: only then does source/python need libcst to resolve calls
    shadow = "\n\ndef make(ApiClient=None):\n    return ApiClient()\n"
    return [(f"app/{name}", f"{PY_IMPORT}\n{EVENTS}\n{text}{shadow}".encode(), {(1, "TT205"), (2, "TT302")})
            for name, text in body.items()]


def _jvm_js(repo: Path) -> list[tuple[str, bytes, set[tuple[int, str]]]]:
    gradle = ('dependencies {\n    implementation("com.tiktok.open.sdk:tiktok-open-sdk-core:2.2.0")\n}\n'
              f"val events = {EVENTS.split(' = ')[1]}\n"
              # deep nesting for tree-sitter-kotlin: 5,000 nested calls on one line
              + "val x = " + "listOf(" * 5_000 + ")" * 5_000 + "\n")
    unclosed_js = ('import TikTokBusiness from "react-native-tiktok-business-sdk";\n'
                   f"const {EVENTS.replace('EVENTS_URL', 'eventsUrl')};\n" + "(" * (900 * KB) + "\n")
    return [
        ("android/build.gradle.kts", gradle.encode(), {(2, "TT101"), (4, "TT302")}),
        ("web/unclosed.js", unclosed_js.encode(), {(1, "TT203"), (2, "TT302")}),
    ]


def _unclosed(repo: Path) -> list[tuple[str, bytes, set[tuple[int, str]]]]:
    """200k unclosed parentheses and braces: 20-27 s each in tree-sitter, over a 5 s budget."""
    url = EVENTS.split(" = ")[1]
    heads = {
        "lib/unclosed.dart": f"import 'package:tiktok_business_sdk/tiktok_business_sdk.dart';\nvar events = {url};\n",
        "src/unclosed.php": f"<?php\n$events = {url};\n",
        "lib/unclosed.rb": f"require 'net/http'\nEVENTS = {url}\n",
        "Src/Unclosed.cs": f"using System;\nclass A {{ string Events = {url}; }}\n",
    }
    out = []
    for path, head in heads.items():
        out.append((path, (head + "f(" * 100_000 + "{" * 100_000 + "\n").encode(), {(2, "TT302")}))
    return out


def _archive_and_manifest_rows() -> list[tuple[str, bytes, set[tuple[int, str]]]]:
    """The table's rows about archives, manifests and report writers, each carrying its own TikTok use
    (a bad part may cost only that part) or standing before the planted finding (the result cap)."""
    import io
    import tarfile

    from tests.core.test_zip_bad_member import _first_data_span, lying_zip64

    apk = (FIXTURES / "binary" / "android" / "app.apk").read_bytes()
    data_start, directory_start = _first_data_span(apk)  # the first member's size covers every later one
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.GNU_FORMAT) as archive:
        page = b"<script>\n  ttq.load('C4EXAMPLE00000000000');\n  ttq.page();\n</script>\n"
        info = tarfile.TarInfo("caf\udce9/pixel.html")  # a name that is not UTF-8 on disk (0xE9)
        info.size = len(page)
        archive.addfile(info, io.BytesIO(page))
    dependency = ("<dependency><groupId>com.tiktok.open.sdk</groupId>"
                  "<artifactId>tiktok-open-sdk-core</artifactId><version>2.2.0</version></dependency>")
    pom = ("<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>\n"
           "<groupId>x</groupId><artifactId>y</artifactId><version>1</version>\n"
           "<properties><a>" + "${a}" * 60 + "</a></properties>\n"
           f"<dependencies>\n{dependency}\n</dependencies></project>\n")
    doctype = ('<?xml version="1.0"?>\n<!DOCTYPE project SYSTEM "http://example.invalid/project.dtd">\n'
               + pom.replace("${a}" * 60, "1"))
    catalog = ('[versions]\nloop-a = { ref = "loop-b" }\nloop-b = { ref = "loop-a" }\n\n[libraries]\n'
               'feed = { module = "com.example:feed", version.ref = "loop-a" }\n'
               'tiktok-open-sdk-core = { module = "com.tiktok.open.sdk:tiktok-open-sdk-core", version = "2.2.0" }\n')
    package = ('{\n  "name": "shop",\n  "version": "1.0.0",\n  "build": ' + "9" * 4300 + ',\n'
               '  "dependencies": {\n    "tiktok-pixel": "^2.0.3"\n  }\n}\n')
    bulk = "".join(f'URL_{i} = "https://business-api.tiktok.com/open_api/v1.3/event/track/"\n'
                   for i in range(30_000))
    # apps/app.apk: the members after the lying one are read (the cap below keeps its most severe result:
    # TT202 from its manifest);
    # aaa/bulk.py: 30,000 errors in a file that sorts before every other one (the 25,000-result cap)
    return [
        ("apps/app.apk", lying_zip64(apk, compressed=directory_start - data_start), {(1, "TT202")}),
        ("dist/site.tar", tar.getvalue(), {(1, "TT204")}),
        ("maven/self-ref/pom.xml", pom.encode(), {(5, "TT101")}),
        ("maven/doctype/pom.xml", doctype.encode(), {(7, "TT101")}),
        ("gradle/libs.versions.toml", catalog.encode(), {(7, "TT101")}),
        ("web/package.json", package.encode(), {(6, "TT104")}),
        ("aaa/bulk.py", bulk.encode(), {(1, "TT302")}),
    ]


def _other(repo: Path) -> list[tuple[str, bytes, set[tuple[int, str]]]]:
    """Inputs of the table that the core already survives: their finding must stay too."""
    alias_bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    return [
        ("pnpm-lock.yaml", ("lockfileVersion: '9.0'\n" + alias_bomb).encode(), set()),
        ("notes/hits.txt", ("tiktok.com " * 200_000 + "\n").encode(), set()),
        *_archive_and_manifest_rows(),
    ]


def build(root: Path) -> Expected:
    exp = Expected()
    for name, maker in (("r1-python", _python), ("r2-jvm-js", _jvm_js), ("r3-unclosed", _unclosed),
                        ("r4-other", _other)):
        repo = root / name
        exp.repos.append(name)
        files = maker(repo)
        # the planted finding beside the hostile inputs, and filler: over 64 files, so --jobs 2 uses two workers
        files.append(("planted/config.py", f"# settings\n{EVENTS}\n".encode(), {(2, "TT302")}))
        files.extend((f"filler/m{i}.py", f"VALUE_{i} = {i}\n".encode(), set()) for i in range(18))
        for path, data, found in files:
            target = repo / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            exp.files.append(f"{name}/{path}")
            exp.findings.update((f"{name}/{path}", line, rule) for line, rule in found)
    return exp
