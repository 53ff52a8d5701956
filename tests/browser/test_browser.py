"""Real browser: the app served by `streamlit run`, every page opened in Debian's Chromium.

Screenshots are kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator

import pytest

from domain.roles import ROLE_HELP, ROLES
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
def browser_db_url(demo_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo store for the browser session: uploads and audit rows written through
    the browser must not leak into the store other tests read."""
    copy = tmp_path_factory.mktemp("browser") / "browser.sqlite"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


@contextlib.contextmanager
def streamlit_server(database_url: str, **extra_env: str) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port against ``database_url``, until healthy;
    stopped afterwards. Its output goes to a file (a pipe nobody reads would fill and stall it)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url,
           "DASHBOARD_PSEUDONYM_KEY": "browser-test-key-0123456789", **extra_env}  # fmt: skip
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
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
            log.seek(0)
            pytest.fail("streamlit did not start: " + log.read().decode()[-2000:])
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(browser_db_url: str) -> Iterator[str]:
    with streamlit_server(browser_db_url) as url:
        yield url


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
    min_charts = {"overview": 1, "map": 1, "trends": 3, "objectives": 1}[name]
    page = open_and_wait(browser, f"{server}/{PAGES[name]}", min_charts)
    try:
        if name == "map":  # the plain background: each ward a filled SVG shape
            plot = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
            assert plot and plot["width"] > 300 and plot["height"] > 300
            fills = page.locator(".js-plotly-plot .scatterlayer path.js-fill").count()
            assert fills >= 30, fills
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
        box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.7)
        page.wait_for_selector(".js-plotly-plot .hoverlayer .hovertext", timeout=10_000)
        ward = page.locator(
            ".js-plotly-plot .hoverlayer .hovertext tspan.line"
        ).first.text_content()
        page.mouse.click(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.7)
        # The trend of the ward under the mouse (its chart's text alternative names it).
        page.wait_for_function(
            "w => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
            ".some(e => (e.getAttribute('aria-label') || '').includes(`each month in ${w} (`))",
            arg=ward,
            timeout=60_000,
        )
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator(".js-plotly-plot .main-svg").count() >= 3
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "browser-map-selected.png"), full_page=True)
    finally:
        page.close()


def choose_role(page, role_label: str) -> None:  # noqa: ANN001
    """Demo mode: pick a role in the sidebar, as a person would (again if a rerun swallowed it)."""
    role = next(key for key, label in ROLES.items() if role_label.startswith(label))
    for attempt in range(3):
        picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
            has_text="View as"
        )
        picker.first.click()
        page.get_by_role("option", name=role_label, exact=True).click()
        try:
            page.wait_for_function(
                "txt => document.querySelector('[data-testid=stSidebar]').innerText.includes(txt)",
                arg=ROLE_HELP[role],
                timeout=15_000,
            )
            break
        except Exception:  # noqa: BLE001 - retried; the last failure is raised below
            if attempt == 2:
                raise
            page.wait_for_timeout(2000)
    page.wait_for_timeout(2000)


def go_to(page, link_text: str) -> None:  # noqa: ANN001
    """Follow a sidebar link (a role with a single page has no page list: it is already open)."""
    links = page.locator("[data-testid='stSidebarNav'] a").filter(has_text=link_text)
    if links.count():
        links.first.click()
    page.wait_for_function(
        "t => [...document.querySelectorAll('h1')].some(h => h.innerText.includes(t))",
        arg=link_text.split(" (")[0],
        timeout=60_000,
    )
    page.wait_for_timeout(2500)


def download_first_numbers(page):  # noqa: ANN001, ANN201
    """Open the first "Show the numbers behind this chart" section and take its CSV download.

    A click on the button while the opened section is still drawing its table is lost in the
    browser (seen under load in CI): wait for the table, as a person would, then click."""
    section = (
        page.locator("[data-testid=stExpander]")
        .filter(has_text="Show the numbers behind this chart")
        .first
    )
    section.get_by_text("Show the numbers behind this chart").click()
    section.locator("[data-testid=stDataFrame]").wait_for(state="visible", timeout=30_000)
    page.wait_for_timeout(1500)
    with page.expect_download(timeout=60_000) as download:
        section.get_by_role("button", name="Download these numbers (CSV)").click()
    return download.value


@pytest.mark.parametrize(
    ("role_label", "visits", "must_not_see"),
    [
        ("MACE member", ["Case list (MACE)", "Hot spots (MACE)", "MACE meeting", "Map"], []),
        (
            "Area Committee: Bradford South",
            ["Map", "Trends", "Services"],
            ["Case list", "Audit log", "Hot spots", "MACE meeting"],
        ),
        ("Data manager", ["Audit log"], ["Overview", "Trends", "Case list"]),
        (
            "Strategic lead",
            ["Overview", "Services"],
            ["Case list", "Audit log", "Hot spots", "MACE meeting"],
        ),
    ],
)
def test_each_role_in_demo_mode(server, browser, role_label, visits, must_not_see):
    page = open_and_wait(browser, server, 0 if role_label == "Data manager" else 1)
    try:
        choose_role(page, role_label)
        nav_list = page.locator("[data-testid='stSidebarNav']")
        nav = nav_list.inner_text() if nav_list.count() else ""
        for title in must_not_see:
            assert title not in nav
        for title in visits:
            go_to(page, title)
            assert page.locator("[data-testid='stException']").count() == 0
            body = page.inner_text("body")
            assert "DEMO — NO LOGIN" in body
            # the pseudonymised case list is on the MACE page and nowhere else
            assert ("Children listed at the end of" in body) == title.startswith("Case list")
            slug = role_label.split(":")[-1].strip().lower().replace(" ", "-")
            page.screenshot(
                path=str(
                    ARTIFACTS
                    / f"browser-role-{slug}-{title.split(' (')[0].lower().replace(' ', '-')}.png"
                ),
                full_page=True,
            )
    finally:
        page.close()


def test_a_page_outside_the_role_cannot_be_opened_by_url(server, browser):
    page = open_and_wait(browser, f"{server}/cases", 1)  # default demo role: strategic lead
    try:
        assert "Case list" not in page.inner_text("h1")
        assert "Children listed at the end of" not in page.inner_text("body")
    finally:
        page.close()


def test_page_views_and_downloads_are_audited(server, browser, browser_db_url):
    from data_access import audit
    from data_access.engine import make_engine

    engine = make_engine(browser_db_url)
    with engine.connect() as c:
        before = audit.events(c).height
    page = open_and_wait(browser, server, 1)
    try:
        go_to(page, "Trends")
        # The Overview's own "Show the numbers" sections linger until the Trends run ends: wait
        # for it, or the click can open a section that is about to be removed (seen in CI).
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=stStatusWidget]')"
            " && document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3",
            timeout=60_000,
        )  # fmt: skip
        page.wait_for_timeout(1000)
        download = download_first_numbers(page)
        assert download.suggested_filename.endswith(".csv")
        page.wait_for_timeout(1500)
    finally:
        page.close()
    with engine.connect() as c:
        events = audit.events(c)
    new = events.head(events.height - before)
    pairs = set(zip(new["action"], new["page"], strict=True))
    assert ("view", "Overview") in pairs and ("view", "Trends") in pairs
    assert any(action == "export" for action, _ in pairs)


def test_briefing_slides_in_presentation_mode(server, browser):
    """Step through the six slides with the keyboard, as an officer would on the big screen."""
    page = open_and_wait(browser, f"{server}/briefing", 0)
    try:
        choose_role(page, "Area Committee: Bradford South")
        page.get_by_text("Presentation mode").click()
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('[data-testid=stSidebar]')).display"
            " === 'none'",
            timeout=30_000,
        )
        for number in range(1, 7):
            page.wait_for_function(
                "n => document.body.innerText.includes(`Slide ${n} of 6`)",
                arg=number,
                timeout=30_000,
            )
            page.wait_for_timeout(2500)
            assert page.locator("[data-testid='stException']").count() == 0
            page.screenshot(path=str(ARTIFACTS / f"browser-briefing-slide-{number}.png"))
            page.keyboard.press("ArrowRight")
        body = page.inner_text("body")
        assert "Definitions and data notes" in body and "synthetic demo data" in body
    finally:
        page.close()


def test_data_manager_uploads_an_extract(server, browser, tmp_path):
    """Upload a file with one bad row: the report names the row, column and reason; after
    fixing it the import commits and appears in the import log."""
    bad = tmp_path / "referrals-october.csv"
    bad.write_text(
        "source_id,child_id,referred_on,referring_agency,exploitation_type,outcome,postcode\n"
        "BR-1,LCS-77,2026-10-02,police,cce,early_help,BD5 0AA\n"
        "BR-2,LCS-78,2026-10-03,wizards,cse,early_help,BD3 9AA\n",
        encoding="utf-8",
    )
    page = open_and_wait(browser, server, 1)
    try:
        choose_role(page, "Data manager")
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
        # The report: counts, the problem, and the loud partial-commit warning, all on screen at
        # once (a timeout here is the test failing).
        page.wait_for_function(
            "() => { const t = document.body.innerText; return t.includes('Rows rejected')"
            " && t.includes('Only the 1 valid rows would be imported')"
            " && t.includes('1 problem(s) found'); }",
            timeout=60_000,
        )
        page.screenshot(path=str(ARTIFACTS / "browser-data-report.png"), full_page=True)
        good = tmp_path / "referrals-october-fixed.csv"
        good.write_text(bad.read_text().replace("wizards", "health"), encoding="utf-8")
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(good))
        page.wait_for_function("() => document.body.innerText.includes('Every row passed the checks')",
                               timeout=60_000)  # fmt: skip
        page.get_by_role("button", name="Commit the import").click()
        page.wait_for_function(
            "() => document.body.innerText.includes('Imported: 2 new')", timeout=60_000
        )
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "browser-data-committed.png"), full_page=True)
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()
