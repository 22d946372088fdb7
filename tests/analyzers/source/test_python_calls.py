"""The lexer's call resolution (python_calls) agrees with libcst's scope analysis on every file it
accepts, and refuses every file where they could differ.

The reference is `read_with_libcst` (QualifiedNameProvider). Programs are generated from the forms
real code uses: aliased and dotted imports, decorators, nested and multi-line calls, and every way
Python rebinds a name (assignment, unpacking, parameters, loops, `as`, lambdas, comprehensions,
f-strings, `del`, `global`, annotations).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.analyzers.source import python as pysrc
from scanner.analyzers.source import python_calls
from scanner.model import FactKind
from tests.conftest import REPO

ROOTS = frozenset({"tiktokapi", "business_api_client", "tiktoklive"})

IMPORTS = [
    "import TikTokApi\n",
    "import TikTokApi as tt\n",
    "from TikTokApi import TikTokApi\n",
    "from TikTokApi import TikTokApi as Client\n",
    "import business_api_client.models as m\n",
    "import business_api_client.api\n",
    "from business_api_client.api import EventCallbackApi, ApiClient\n",
    "from business_api_client import (\n    Configuration,\n    ApiClient as AC,\n)\n",
    "from . import TikTokApi\n",
    "import json, TikTokLive as live\n",
]
NAMES = ["TikTokApi", "tt", "Client", "m", "EventCallbackApi", "ApiClient", "AC", "Configuration",
         "business_api_client", "live", "json", "other"]
STATEMENTS = [
    "x = {N}()\n",
    "y = {N}.sub.call(1, k={N})\n",
    "@{N}.deco()\ndef f():\n    pass\n",
    "class C({N}):\n    pass\n",
    "def f(a, {N}=None):\n    return {N}()\n",
    "def g(a={N}()):\n    return a\n",
    "for {N} in range(2):\n    {N}()\n",
    "for i in {N}.items():\n    print(i)\n",
    "with {N}() as {M}:\n    {M}.go()\n",
    "async def h():\n    async with {N}.Session() as s:\n        await s.get()\n",
    "{N} = object()\n",
    "a, {N} = 1, 2\n",
    "print([{N}() for {N} in []])\n",
    "print([{N}(i) for i in []])\n",
    "cb = lambda {N}: {N}()\n",
    "cb2 = lambda: {N}()\n",
    "s = f'{{{N}()}}'\n",
    "if True:\n    {N}.x.y()\n",
    "z = ({N}\n     .call())\n",
    "del {N}\n",
    "def k():\n    global {N}\n    {N} = 1\n",
    "try:\n    pass\nexcept Exception as {N}:\n    pass\n",
    "{N}: int = 3\n",
    "obj.{N}()\n",
    "isinstance(v, {N})\n",
    "d = {{'k': {N}}}\n",
    "{N}.attr = 4\n",
    "{N}[0] = 5\n",
    "call(key={N}())\n",
]


def libcst_calls(text: str) -> list[tuple[str, tuple[int, int], tuple[int, int], str]]:
    reading = pysrc.read_with_libcst(pysrc._parse(text), ROOTS)
    return sorted((c.value, c.start, c.end, c.evidence) for c in reading.code if c.kind is FactKind.SYMBOL)


def lexer_calls(text: str) -> list[tuple[str, tuple[int, int], tuple[int, int], str]] | None:
    """The lexer's calls, or None when it defers to libcst."""
    lexed = pysrc.read_with_tokenize(text)
    bound = {n: t for n, t in python_calls.bindings(lexed.lines).items()
             if any(x.split(".", 1)[0].lower() in ROOTS for x in t)}
    if python_calls.shadowed(lexed.lines, set(bound), lexed.fstrings):
        return None
    return sorted(python_calls.calls(lexed.lines, bound, ROOTS))


@st.composite
def programs(draw: st.DrawFn) -> str:
    imports = draw(st.lists(st.sampled_from(IMPORTS), min_size=1, max_size=4))
    body = []
    for _ in range(draw(st.integers(1, 6))):
        template = draw(st.sampled_from(STATEMENTS))
        body.append(template.format(N=draw(st.sampled_from(NAMES)), M=draw(st.sampled_from(NAMES))))
    return "".join(imports) + "\n" + "".join(body)


@settings(max_examples=int(os.environ.get("TIKTOK_SCAN_FUZZ_EXAMPLES", "400")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_lexer_agrees_with_libcst_whenever_it_answers(text: str) -> None:
    ours = lexer_calls(text)
    if ours is not None:
        assert ours == libcst_calls(text), text


def test_the_lexer_answers_for_plain_sdk_users() -> None:
    """Deferring everything would be correct and useless: typical SDK code must not need libcst."""
    text = (
        "import business_api_client\n"
        "from business_api_client.api import EventCallbackApi\n"
        "from TikTokApi import TikTokApi\n\n\n"
        "async def trending(count: int = 5) -> list[dict]:\n"
        "    async with TikTokApi() as api:\n"
        "        await api.create_sessions(num_sessions=1)\n"
        "        return [v.as_dict async for v in api.trending.videos(count=count)]\n\n\n"
        "def send(event: dict) -> None:\n"
        "    configuration = business_api_client.Configuration()\n"
        "    configuration.host = 'https://business-api.tiktok.com'\n"
        "    api = EventCallbackApi(business_api_client.ApiClient(configuration))\n"
        "    api.event_track_post(body=event)\n"
    )
    ours = lexer_calls(text)
    assert ours is not None
    assert [c[0] for c in ours] == [  # sorted by name
        "TikTokApi.TikTokApi", "business_api_client.ApiClient", "business_api_client.Configuration",
        "business_api_client.api.EventCallbackApi"]
    assert ours == libcst_calls(text)


def test_real_python_fixtures_agree() -> None:
    """Every Python file the test fixtures carry (written as real apps write them)."""
    checked = 0
    for path in sorted((REPO / "tests" / "fixtures").rglob("*.py")):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            reference = libcst_calls(text)
        except Exception:  # Python 2 or broken on purpose: nothing to compare
            continue
        ours = lexer_calls(text)
        if ours is not None:
            assert ours == reference, path
            checked += 1
    assert checked >= 5


def test_rebinding_defers_to_libcst() -> None:
    for rebinding in ("TikTokApi = None\n", "for TikTokApi in []:\n    pass\n", "def f(TikTokApi):\n    pass\n",
                      "with open('x') as TikTokApi:\n    pass\n", "x = [1 for TikTokApi in []]\n",
                      "f = lambda TikTokApi: 1\n", "s = f'{TikTokApi}'\n", "TikTokApi: int\n",
                      "a, TikTokApi = 1, 2\n", "if (TikTokApi := 3):\n    pass\n"):
        assert lexer_calls("from TikTokApi import TikTokApi\n" + rebinding) is None, rebinding


def test_file_path_is_not_needed(tmp_path: Path) -> None:
    assert lexer_calls("import TikTokApi as t\nt.TikTokApi()\n") == [
        ("TikTokApi.TikTokApi", (2, 0), (2, 11), "t.TikTokApi(...)")]
