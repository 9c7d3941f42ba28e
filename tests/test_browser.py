"""
Pages opened in a real headless browser (issue 14, items 3 and 4).

Debian's Chromium, driven through ChromeDriver (tools/ensure_browser.sh installs both
where it can). Where neither can be had, the tests skip with a loud message; under
CI=true a missing browser fails them, since CI installs it.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
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


@pytest.fixture(scope="module")
def report_file(district: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The district's report page of 25 August 2021, as `ketnap report --format html` writes it."""
    law = Workflow().law
    with SQLiteStore(district, facts=facts_for(law), create=False) as store:
        html = report_page(store, store.tree(), store.quotas(), unit="YL", year=2021,
                           on=pendulum.date(2021, 8, 25), law=law)  # fmt: skip
    page = tmp_path_factory.mktemp("page") / "report.html"
    page.write_text(html, encoding="utf-8")
    return page


def test_the_report_page_loads_clean_with_its_figures(
    browser: Any, report_file: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415

    html = report_file.read_text(encoding="utf-8")
    browser.get_log("browser")  # start from an empty log
    browser.get(report_file.as_uri())
    assert errors(browser) == []

    def figure(key: str) -> str:
        return str(browser.find_element(By.CSS_SELECTOR, f'[data-figure="{key}"] b').text)

    # The article's figures, written the Vietnamese way.
    assert figure("members") == "7.051"
    assert figure("admitted") == "130"
    assert figure("plan") == "200"
    assert figure("percent") == "65,0%"
    quotas = browser.find_element(By.CSS_SELECTOR, 'table[data-chart="quotas"]')
    assert len(quotas.find_elements(By.CSS_SELECTOR, "tbody tr")) == 59
    assert len(quotas.find_elements(By.CSS_SELECTOR, 'rect[data-part="plan"]')) == 59
    months = browser.find_element(By.CSS_SELECTOR, 'svg[data-chart="months"]')
    bars = months.find_elements(By.CSS_SELECTOR, 'rect[data-part="bar"]')
    assert len(bars) == 8  # January to August
    values = months.find_elements(By.CSS_SELECTOR, 'text[data-part="value"]')
    assert sum(int(value.text) for value in values) == 130
    assert browser.find_elements(By.CSS_SELECTOR, 'table[data-list="due"] tr')
    # Nothing outside the file: no script, no stylesheet, no image fetched.
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


# Every problem of layout the page could have, measured on the element boxes Chromium laid out.
_MEASURE = """
const width = document.documentElement.clientWidth;
const problems = [];
const box = (el) => el.getBoundingClientRect();
const what = (el) => el.tagName.toLowerCase() + (el.dataset.part ? `[${el.dataset.part}]` : "")
    + ` "${(el.textContent || "").trim().slice(0, 40)}"`;
const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
const inside = (r, outer) => r.left >= outer.left - 0.5 && r.right <= outer.right + 0.5
    && r.top >= outer.top - 0.5 && r.bottom <= outer.bottom + 0.5;
if (document.documentElement.scrollWidth > width) {
    problems.push(`the page is ${document.documentElement.scrollWidth} wide, not ${width}`);
}
for (const el of document.body.querySelectorAll("*")) {
    const r = box(el);
    if ((r.width || r.height) && (r.left < -0.5 || r.right > width + 0.5)) {
        problems.push(`wider than the page: ${what(el)} ${r.left}..${r.right}`);
    }
}
for (const svg of document.querySelectorAll("svg")) {
    const frame = box(svg);
    for (const el of svg.querySelectorAll("text, rect, line, polyline")) {
        if (!inside(box(el), frame)) problems.push(`clipped by its drawing: ${what(el)}`);
    }
}
const chart = document.querySelector('svg[data-chart="months"]');
const words = [...chart.querySelectorAll("text")];
words.forEach((a, i) => words.slice(i + 1).forEach((b) => {
    if (overlap(box(a), box(b))) problems.push(`words on words: ${what(a)} and ${what(b)}`);
}));
const plot = chart.querySelector('[data-part="plot"]');
for (const el of plot ? chart.querySelectorAll('[data-part="tick"], [data-part="month"]') : []) {
    if (overlap(box(el), box(plot))) problems.push(`an axis label on the plot: ${what(el)}`);
}
for (const el of plot ? chart.querySelectorAll('[data-part="bar"]') : []) {
    if (!inside(box(el), box(plot))) problems.push(`a bar out of the plot: ${what(el)}`);
}
if (!plot) problems.push("the month chart has no plot area");
const caption = chart.parentElement.querySelector("figcaption");
if (!caption) problems.push("the month chart has no caption");
else if (overlap(box(caption), box(chart))) problems.push("the caption lies on the chart");
for (const part of ["tick", "value", "axis"]) {
    if (!chart.querySelector(`[data-part="${part}"]`)) problems.push(`the chart has no ${part}`);
}
for (const el of document.querySelectorAll("td, th, h1, h2, h3, p, .figure, figcaption span")) {
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`runs out of its box: ${what(el)}`);
}
const blocks = [...document.body.children];
blocks.slice(1).forEach((el, i) => {
    if (box(el).top < box(blocks[i]).bottom - 0.5) {
        problems.push(`on the block above: ${what(el)}`);
    }
});
for (const row of document.querySelectorAll(".figures, figcaption")) {
    const items = [...row.children];
    items.forEach((a, i) => items.slice(i + 1).forEach((b) => {
        if (overlap(box(a), box(b))) problems.push(`side by side, overlapping: ${what(a)}`);
    }));
}
return {problems, height: document.documentElement.scrollHeight,
        svgs: document.querySelectorAll("svg").length};
"""

A4_CONTENT = (703, 1017)
"""A4 less the page's margins (12 mm each side, 14 mm top and bottom), in CSS pixels."""


@pytest.mark.parametrize(
    ("media", "size"),
    [("screen", (1366, 768)), ("print", A4_CONTENT)],
    ids=["laptop-1366x768", "a4-print"],
)
def test_the_report_page_lays_out_with_nothing_clipped_or_overlapping(
    browser: Any, report_file: Path, tmp_path: Path, media: str, size: tuple[int, int]
) -> None:
    """Measured on the boxes Chromium lays out, on a laptop's screen and on A4 paper."""
    width, height = size
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})
    browser.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": True})
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        browser.get(report_file.as_uri())
        measured = browser.execute_script(_MEASURE)
        shot = tmp_path / f"report-{media}.png"
        assert browser.save_screenshot(str(shot))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": False})
    assert measured["problems"] == []
    assert measured["svgs"] > 59  # the month chart, its legend and a bar for each row
    assert measured["height"] > height  # the whole report, more than one screen
    assert shot.stat().st_size > 10_000


def test_the_report_page_prints_on_a4_pages(browser: Any, report_file: Path) -> None:
    """Chromium prints it on the A4 pages its stylesheet asks for."""
    browser.get(report_file.as_uri())
    printed = browser.execute_cdp_cmd(
        "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}
    )
    pdf = base64.b64decode(printed["data"])
    assert pdf.startswith(b"%PDF")
    sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(595, 842)}  # A4 in points
    assert 3 <= len(re.findall(rb"/Type /Page\b", pdf)) <= 20


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
