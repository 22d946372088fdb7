"""The audit's HTML report in a real headless browser (Debian's chromium): it renders, has no console
errors, shows the expected rows; a screenshot is saved as a test artifact."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.audit.conftest import make_fleet
from tests.conftest import REPO, run_cli

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", REPO / ".test-artifacts"))


def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium and chromium-driver (Debian packages)")
        pytest.skip("chromium / chromedriver not installed")
    return browser, driver


@pytest.mark.slow
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    browser, driver_path = _chromium()
    from selenium import webdriver
    from selenium.webdriver.common.by import By

    repos = [str(p) for p in make_fleet(tmp_path / "fleet")]
    out = tmp_path / "out"
    assert run_cli("audit", *repos, "--out", str(out)).returncode == 1
    run_cli("audit", *repos, "--out", str(out))  # a second run: the trend table appears

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download anything
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver_path), options=options)
    try:
        driver.get((out / "report.html").as_uri())
        assert driver.title.startswith("TikTok use audit (run 2)")
        rows = {r.get_attribute("data-repo") for r in driver.find_elements(By.CSS_SELECTOR, "#summary tbody tr")}
        assert rows == {"shop", "android", "web-mirror", "release-artifacts", "clean"}
        assert driver.find_elements(By.CSS_SELECTOR, "#trend")
        for chart in ("by-category", "by-repository", "by-ecosystem"):
            svg = driver.find_element(By.CSS_SELECTOR, f"#{chart} svg")
            assert svg.size["width"] > 100 and svg.size["height"] > 20
        pixel = driver.find_element(By.CSS_SELECTOR, 'table.components[data-repo="web-mirror"]')
        assert "TT303" in pixel.text
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(ARTIFACTS / "audit-report.png"))
    finally:
        driver.quit()
