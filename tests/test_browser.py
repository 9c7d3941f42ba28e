"""
Pages opened in a real headless browser (issue 14, items 3 and 4).

Debian's Chromium, driven through ChromeDriver (tools/ensure_browser.sh installs both
where it can). Where neither can be had, the tests skip with a loud message; under
CI=true a missing browser fails them, since CI installs it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest

from ketnap.derived import facts_for
from ketnap.page import report_page
from ketnap.process import ADMISSION
from ketnap.storage import SQLiteStore
from ketnap.workflow import Workflow

ROOT = Path(__file__).parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@contextlib.contextmanager
def chromium(*arguments: str) -> Iterator[Any]:
    """
    Debian's Chromium, headless, with *arguments* added; closed at the end.

    Without a browser the test is skipped loudly, and fails under CI=true (CI installs it).
    """
    if CHROMIUM is None or DRIVER is None:
        message = (
            "!!! BROWSER TESTS SKIPPED: Debian's chromium and chromium-driver are not "
            "installed (run tools/ensure_browser.sh as root) !!!"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    from selenium import webdriver  # noqa: PLC0415 - only where a browser exists
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # As root, in a closed network: no sandbox, and no background calls to the outside.
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=1200,1600", *arguments,
    ):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def errors(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("district") / "district.db"
    subprocess.run(  # noqa: S603 - our own example, run by this interpreter
        [sys.executable, str(ROOT / "examples" / "district_2021.py"), "--store", str(path),
         "--json"],
        check=True, capture_output=True,
    )  # fmt: skip
    return path


def test_a_script_error_is_caught_by_the_console_check(browser: Any, tmp_path: Path) -> None:
    # The control: the check below would see an error if the page made one.
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><script>undefinedFunction()</script>", encoding="utf-8")
    browser.get(page.as_uri())
    assert errors(browser)


def test_the_report_page_loads_clean_with_its_figures(
    browser: Any, district: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415

    law = Workflow().law
    with SQLiteStore(district, facts=facts_for(law), create=False) as store:
        html = report_page(store, store.tree(), store.quotas(), unit="YL", year=2021,
                           on=pendulum.date(2021, 8, 25), law=law)  # fmt: skip
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    browser.get_log("browser")  # start from an empty log
    browser.get(page.as_uri())
    assert errors(browser) == []

    def figure(key: str) -> str:
        return str(browser.find_element(By.CSS_SELECTOR, f'[data-figure="{key}"] b').text)

    # The article's figures, written the Vietnamese way.
    assert figure("members") == "7.051"
    assert figure("admitted") == "130"
    assert figure("plan") == "200"
    assert figure("percent") == "65,0%"
    quotas = browser.find_element(By.CSS_SELECTOR, 'svg[data-chart="quotas"]')
    assert len(quotas.find_elements(By.CSS_SELECTOR, "rect")) == 2 * 59  # plan and admitted
    months = browser.find_element(By.CSS_SELECTOR, 'svg[data-chart="months"]')
    assert len(months.find_elements(By.CSS_SELECTOR, "rect")) == 8  # January to August
    assert browser.find_elements(By.CSS_SELECTOR, 'table[data-list="due"] tr')
    # Nothing outside the file: no script, no stylesheet, no image fetched.
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_the_docs_site_draws_the_workflow_without_a_network(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    site = ROOT / "site"
    if not (site / "reference" / "workflow" / "index.html").exists():
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
            cwd=ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )  # fmt: skip
    page = site / "reference" / "workflow" / "index.html"
    browser.get_log("browser")
    browser.get(page.as_uri())
    # The theme draws each diagram into a (closed) shadow root of its own.
    host = browser.find_element(By.CSS_SELECTOR, "div.mermaid")
    svg = WebDriverWait(browser, 20).until(
        lambda _driver: host.shadow_root.find_elements(By.CSS_SELECTOR, "svg")
    )[0]
    assert svg.size["width"] > 300
    nodes = host.shadow_root.find_elements(By.CSS_SELECTOR, ".node")
    assert len(nodes) >= len(ADMISSION.stages)
    assert errors(browser) == []
    # Every script the page loads is part of the site.
    sources = [s.get_attribute("src") for s in browser.find_elements(By.TAG_NAME, "script")]
    assert all(src.startswith("file:") for src in sources if src), sources
    browser.execute_script("arguments[0].scrollIntoView()", host)
    assert browser.save_screenshot(str(tmp_path / "workflow.png"))
