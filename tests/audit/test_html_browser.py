"""The audit's HTML report in a real headless browser (Debian's chromium): it renders, has no console
errors, answers first (verdict, matrix), links the summary to each repository's section, wraps long
identifiers instead of widening the page; a screenshot is saved as a test artifact."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.audit.conftest import ACCEPT_CONFIG, LONG_NAME, make_mixed_fleet
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

    repos = [str(p) for p in make_mixed_fleet(tmp_path / "fleet")]
    config = tmp_path / "accept.toml"
    config.write_text(ACCEPT_CONFIG)
    out = tmp_path / "out"
    assert run_cli("audit", *repos, "--out", str(out), "--config", str(config)).returncode == 1
    run_cli("audit", *repos, "--out", str(out), "--config", str(config))  # a second run: the trend table appears

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download anything
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1024,2200"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver_path), options=options)
    try:
        driver.get((out / "report.html").as_uri())
        assert driver.title.startswith("TikTok use audit (run 2)")
        verdict = driver.find_element(By.ID, "verdict")
        assert verdict.text == "2 of 4 repositories use TikTok; 1 only in tests, fixtures or examples."
        assert verdict.location["y"] < driver.find_element(By.ID, "summary").location["y"]  # the answer comes first
        assert "tiktok-scan " in driver.find_element(By.ID, "run").text
        rows = {r.get_attribute("data-repo") for r in driver.find_elements(By.CSS_SELECTOR, "#summary tbody tr")}
        assert rows == {"storefront", "mobile-tests", "pixel-mirror", "clean"}
        matrix = driver.find_element(By.ID, "components-matrix")
        assert matrix.is_displayed() and "TikTok Pixel" in matrix.text
        assert driver.find_elements(By.CSS_SELECTOR, "#trend")
        for chart in ("by-product", "by-repository", "by-evidence"):
            svg = driver.find_element(By.CSS_SELECTOR, f"#{chart} svg")
            assert svg.size["width"] > 100 and svg.size["height"] > 20
        pixel = driver.find_element(By.CSS_SELECTOR, 'table.components[data-repo="pixel-mirror"]')
        assert "TT303" in pixel.text
        tests = driver.find_element(By.CSS_SELECTOR, 'table.tests[data-repo="storefront"]')
        assert "tests/test_open_api.py:1" in tests.text
        # long identifiers wrap: nothing is wider than the window, and the long file name spans lines
        widths = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths
        cells = driver.find_elements(By.CSS_SELECTOR, 'table.components[data-repo="storefront"] code')
        long_cell = next(e for e in cells if LONG_NAME[:40] in e.text)
        assert long_cell.size["height"] > 2 * 16, long_cell.size  # wrapped over several lines
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(ARTIFACTS / "audit-report.png"))
        # the summary links to the repository's section
        driver.find_element(By.CSS_SELECTOR, '#summary a[href="#repo-pixel-mirror"]').click()
        assert driver.current_url.endswith("#repo-pixel-mirror")
        target = driver.execute_script("return document.querySelector(':target')")
        assert target == driver.find_element(By.ID, "repo-pixel-mirror") and target.tag_name == "section"
    finally:
        driver.quit()
