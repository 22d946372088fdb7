"""What the audit counts apart: test, fixture and example paths (scanner.audit.summary.is_test_path)."""

from __future__ import annotations

import pytest

from scanner.audit.summary import is_test_path
from scanner.model import Location


@pytest.mark.parametrize(("path", "members", "expected"), [
    ("tests/test_open_api.py", (), True),
    ("app/src/test/java/com/example/LoginTest.java", (), True),  # Gradle's test source set
    ("web/__tests__/login.test.js", (), True),
    ("spec/pixel_spec.rb", (), True),
    ("packages/sdk/fixtures/app.apk", ("classes.dex",), True),
    ("Examples/LoginDemo/AppDelegate.swift", (), True),  # directory names compare in lower case
    ("server/events_test.go", (), True),  # test files by their name, wherever they are
    ("server/test_events.py", (), True),
    ("web/src/pixel.spec.ts", (), True),
    ("vendor/sdk.aar", ("tests/Foo.class",), True),  # a member path counts too
    ("app/src/main/java/com/example/Login.java", (), False),  # `com.example` is a package, not an example
    ("contest/index.html", (), False),  # look-alikes are not tests
    ("latest/test.html", (), False),  # a file named test is not a test directory
    ("src/testing_utils.py", (), False),
    ("tests", (), False),  # a file called `tests` at the root
    ("dist/app.apk", ("lib/arm64-v8a/libtthelper.so",), False),
])
def test_test_paths(path: str, members: tuple[str, ...], expected: bool) -> None:
    assert is_test_path(Location(path, members=members)) is expected
