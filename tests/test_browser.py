"""Real browser: the app served by `streamlit run`, every page opened in Debian's Chromium.

Screenshots are kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import ARTIFACTS, REPO_ROOT

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
PAGES = {"overview": "", "map": "map", "trends": "trends", "objectives": "objectives"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db_url: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": demo_db_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + process.stdout.read().decode()[-2000:])
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is required for browser tests: apt-get install chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def open_and_wait(browser, url: str, min_charts: int):  # noqa: ANN001, ANN201
    page = browser.new_page(viewport={"width": 1500, "height": 2400})
    page.goto(url)
    page.wait_for_selector("h1", timeout=90_000)
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {min_charts}",
        timeout=90_000,
    )
    page.wait_for_timeout(1500)  # let the last traces and the map tiles settle
    return page


@pytest.mark.parametrize("name", list(PAGES))
def test_page_draws_without_errors(server, browser, name):
    min_charts = {"overview": 1, "map": 1, "trends": 6, "objectives": 1}[name]
    page = open_and_wait(browser, f"{server}/{PAGES[name]}", min_charts)
    try:
        if name == "map":
            page.wait_for_selector("canvas.maplibregl-canvas", timeout=60_000)
            canvas = page.locator("canvas.maplibregl-canvas").first.bounding_box()
            assert canvas and canvas["width"] > 300 and canvas["height"] > 300
        assert page.locator("[data-testid='stException']").count() == 0
        body = page.inner_text("body")
        assert "Traceback" not in body
        assert "Synthetic demo data" in body
        # Bars or map shapes were actually drawn, not just empty axes.
        drawn = page.evaluate(
            "document.querySelectorAll('.js-plotly-plot path.point, .js-plotly-plot .trace path')"
            ".length"
        )
        assert name == "map" or drawn > 20
        page.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"), full_page=True)
    finally:
        page.close()


def test_clicking_a_ward_on_the_map_shows_its_trend(server, browser):
    page = open_and_wait(browser, f"{server}/map", 1)
    try:
        page.wait_for_selector("canvas.maplibregl-canvas", timeout=60_000)
        box = page.locator("canvas.maplibregl-canvas").first.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.7)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3"
            " && document.body.innerText.includes('last 24 months')",
            timeout=60_000,
        )
        assert page.locator("[data-testid='stException']").count() == 0
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "browser-map-selected.png"), full_page=True)
    finally:
        page.close()
