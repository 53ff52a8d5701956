"""Real browser: links that keep their filters, state that never goes stale, every screen fitting
its room, print, focus, chart text alternatives and an axe-core check of every page per role.

One server and one browser for the module, one page per viewport (desktop 1440x900, projector,
phone 390x844). Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest

from tests.browser.test_browser import (  # noqa: F401 - the browser fixture is shared
    browser,
    choose_role,
    free_port,
    streamlit_server,
)
from tests.conftest import ARTIFACTS, REPO_ROOT

pytestmark = pytest.mark.browser
AXE = REPO_ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES_BY_ROLE = {
    "strategic_lead": ["", "map", "trends", "objectives", "services", "briefing"],
    "area_committee:SOUTH": ["", "map", "trends", "objectives", "services", "briefing?slide=3"],
    "mace": ["hotspots?by=district", "meeting", "cases"],
    "data_manager": ["data", "audit"],
}
CHARTS = {"services": 1, "": 1, "map": 1, "trends": 3, "objectives": 1, "briefing?slide=3": 3,
          "hotspots?by=district": 2}  # fmt: skip
TITLES = {"services": "Services", "": "Overview", "map": "Map", "trends": "Trends", "objectives": "Strategic objectives",
          "briefing": "Area briefing", "hotspots": "Hot spots (MACE)", "meeting": "MACE meeting",
          "cases": "Case list (MACE)", "data": "Data", "audit": "Audit log"}  # fmt: skip


@pytest.fixture(scope="module")
def server(demo_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    copy = tmp_path_factory.mktemp("links") / "links.sqlite"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), copy)
    # the street map's tile server "cannot be reached": the offline fallback is tested
    offline = f"http://127.0.0.1:{free_port()}/style.json"
    with streamlit_server(f"sqlite:///{copy}", DASHBOARD_BASEMAP_CHECK_URL=offline) as url:
        yield url


def _page(browser, width: int, height: int):  # noqa: F811, ANN001, ANN202
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.requests = []  # every URL the page asked for (offline-ness checks)
    page.on("request", lambda request: page.requests.append(request.url))
    return page


@pytest.fixture(scope="module")
def desk(browser):  # noqa: F811, ANN001, ANN201
    page = _page(browser, 1440, 900)
    yield page
    page.context.close()


def settle(page, charts: int = 0) -> None:  # noqa: ANN001
    """Wait for the page's heading, its charts and the end of the script run."""
    page.wait_for_selector("h1, h2", timeout=90_000)
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n"
        " || !!document.querySelector('[data-testid=stException]')",
        arg=charts, timeout=90_000,
    )  # fmt: skip
    page.wait_for_timeout(700)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=90_000
    )
    page.wait_for_timeout(800)


def load(page, url: str, charts: int = 0) -> None:  # noqa: ANN001
    page.goto(url)
    try:
        settle(page, charts)
    except Exception as error:  # noqa: BLE001 - say which page did not finish
        page.screenshot(path=str(ARTIFACTS / "links-timeout.png"))
        raise AssertionError(f"{url} did not finish drawing: {error}") from error
    assert page.locator("[data-testid='stException']").count() == 0, url


def pick(page, label: str, option: str) -> None:  # noqa: ANN001
    """Choose an option in the selectbox with this label, as a person would (again if a rerun
    closed the list before the click)."""
    for attempt in range(3):
        box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=8_000)
            break
        except Exception:  # noqa: BLE001 - retried; the last failure is raised
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            settle(page)
    page.wait_for_timeout(600)
    settle(page)


def chart_labels(page) -> list[str]:  # noqa: ANN001
    return page.evaluate(
        "[...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
        ".map(e => (e.getAttribute('role') === 'figure' && e.getAttribute('aria-label')) || '')"
    )


def test_a_copied_link_reproduces_the_view_in_a_fresh_browser(server, browser, desk):  # noqa: F811
    load(desk, f"{server}/map?as=mace", 1)
    pick(desk, "Measure", "Referrals")
    pick(desk, "Area Committee", "Bradford West")
    desk.wait_for_function("() => location.search.includes('area=WEST')", timeout=30_000)
    link, labels = desk.url, chart_labels(desk)
    assert "measure=referrals" in link and "as=mace" in link
    assert labels[0].startswith("Chart: Referrals by ward, Bradford West")
    fresh = _page(browser, 1440, 900)
    try:
        load(fresh, link, 1)
        assert chart_labels(fresh)[0] == labels[0]  # the same numbers, highest first
    finally:
        fresh.context.close()


def test_a_link_never_widens_the_view_and_says_what_it_changed(server, desk):
    load(desk, f"{server}/?as=area_committee:SOUTH&area=WEST&month=1999-01", 1)
    body = desk.inner_text("body")
    assert body.count("The link asked for") == 2
    assert "at the end of Oct 2026, Bradford South" in body
    assert "area=SOUTH" in desk.url and "month=2026-10" in desk.url
    load(desk, f"{server}/cases?as=area_committee:SOUTH", 0)  # not a page this role has
    assert "Children listed at the end of" not in desk.inner_text("body")
    load(desk, f"{server}/?as=wizard", 1)
    assert "The link asked for" in desk.inner_text("body")
    assert "All aggregate views across the district" in desk.inner_text("[data-testid='stSidebar']")


def test_a_role_change_resets_filters_the_new_role_may_not_hold(server, desk):
    load(desk, f"{server}/?as=strategic_lead", 1)
    assert "Oct 2026, the whole district" in desk.inner_text("body")
    choose_role(desk, "Area Committee: Bradford South")
    settle(desk, 1)
    assert "Oct 2026, Bradford South" in desk.inner_text("body")
    assert "as=area_committee%3ASOUTH" in desk.url or "as=area_committee:SOUTH" in desk.url


def test_on_the_map_the_last_action_wins(server, desk):
    load(desk, f"{server}/map?as=mace", 1)
    plot = desk.locator(".js-plotly-plot .nsewdrag").first
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    desk.mouse.click(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.55)
    desk.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3", timeout=60_000
    )
    settle(desk, 2)
    desk.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stPlotlyChart][aria-label]')].length >= 2"
    )
    clicked = chart_labels(desk)[1]
    other = "Wyke" if "Tong" in clicked else "Tong"
    pick(desk, "Show the 24-month trend for", other)
    assert f"each month in {other} (" in chart_labels(desk)[1]  # the pick, not the old click
    pick(desk, "Area Committee", "Keighley")
    picker = desk.locator("[data-testid='stSelectbox']").filter(has_text="Show the 24-month").first
    shown = picker.evaluate(  # the label and the shown choice (never the empty-box placeholder)
        "e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')"
    )
    assert "choose an area" in shown and "Choose an option" not in shown, shown
    desk.screenshot(path=str(ARTIFACTS / "links-map-after-area-change.png"))


def test_street_map_offline_says_so_and_draws_the_plain_map(server, desk):
    desk.requests.clear()
    load(desk, f"{server}/map?as=mace&background=carto-positron", 1)
    assert "The street map cannot be reached" in desk.inner_text("body")
    desk.wait_for_selector(".js-plotly-plot .scatterlayer path.js-fill", timeout=60_000)
    assert not [u for u in desk.requests if "cartocdn" in u or "openmaptiles" in u]


def test_the_briefing_pack_belongs_to_its_area_and_is_tagged(server, desk, tmp_path):
    load(desk, f"{server}/briefing?as=strategic_lead&area=WEST", 0)
    desk.get_by_role("button", name="Prepare the briefing pack (PDF)").click()
    button = desk.get_by_role("button", name="Download briefing-bradford-west", exact=False)
    button.wait_for(timeout=90_000)
    with desk.expect_download() as download:
        button.click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert "bradford-west" in pdf.name
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    pick(desk, "Area Committee", "Keighley")
    assert (
        desk.get_by_role("button", name="Download briefing-bradford-west", exact=False).count() == 0
    )
    assert "was for another area or period" in desk.inner_text("body")


def test_presentation_mode_fits_the_projector_and_esc_leaves(server, browser):  # noqa: F811
    page = _page(browser, 1280, 720)
    try:
        for width, height in ((1280, 720), (1920, 1080)):
            page.set_viewport_size({"width": width, "height": height})
            load(page, f"{server}/briefing?as=area_committee:SOUTH&present=yes&slide=1", 0)
            for number in range(1, 7):
                page.wait_for_function(
                    "n => document.body.innerText.includes(`Slide ${n} of 6`)", arg=number,
                    timeout=30_000,
                )  # fmt: skip
                settle(page)
                scroll, room = page.evaluate(
                    "() => { const m = document.querySelector('[data-testid=stMain]');"
                    " return [m.scrollHeight, m.clientHeight]; }"
                )
                assert scroll <= room + 1, (width, number, scroll, room)  # no scrolling
                if number == 3:
                    labels = chart_labels(page)
                    assert len(labels) == 3 and all(label.startswith("Chart: ") for label in labels)
                page.screenshot(path=str(ARTIFACTS / f"present-{width}-slide-{number}.png"))
                if number < 6:
                    page.keyboard.press("ArrowRight")
            counter = page.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('.slide-counter')).fontSize)"
            )
            assert counter >= height * 0.029  # grows with the screen (3vh)
        page.keyboard.press("Escape")
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('[data-testid=stSidebar]')).display"
            " !== 'none'", timeout=30_000,
        )  # fmt: skip
        # The link is rewritten later in the same rerun than the sidebar comes back: wait for it.
        page.wait_for_function("() => location.search.includes('present=no')", timeout=15_000)
        assert "present=no" in page.url
    finally:
        page.context.close()


@pytest.mark.parametrize("role", list(PAGES_BY_ROLE))
def test_every_page_per_role(server, desk, role):
    """Each page: its own tab title, charts with text alternatives, tables that fit 1440 px, no
    axe-core WCAG A/AA violation; plus page-specific checks where the page is open anyway."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run scripts/test.sh (npm install)")
    for path in PAGES_BY_ROLE[role]:
        desk.requests.clear()
        sep = "&" if "?" in path else "?"
        load(desk, f"{server}/{path}{sep}as={role}", CHARTS.get(path, 0))
        name = path.split("?")[0]
        assert desk.title().startswith(TITLES[name] + " · "), desk.title()
        labels = chart_labels(desk)
        assert all(label.startswith("Chart: ") for label in labels), (path, labels)
        widths = desk.evaluate(
            "[...document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller')]"
            ".map(s => [s.scrollWidth, s.clientWidth])"
        )
        assert all(scroll <= client + 1 for scroll, client in widths), (path, widths)
        desk.add_script_tag(path=str(AXE))
        violations = desk.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
            ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.length))",
            AXE_TAGS,
        )
        assert violations == [], (role, path, violations)
        body = desk.inner_text("body")
        if name == "hotspots":
            assert "(BD" not in body.split("Worse and getting worse")[1].split("High")[0]
            assert not [u for u in desk.requests if "openmaptiles" in u or "cartocdn" in u]
            legend = desk.evaluate(
                "[...document.querySelectorAll('.legendtext')].map(t => t.textContent)"
            )
            assert "Area: Above 99.8% limit (very high)" in legend
            boxes = desk.evaluate(
                "[...document.querySelectorAll('.st-key-chart-hot-funnel .annotation-text')]"
                ".filter(t => !t.textContent.startsWith('Source')).map(t => {"
                " const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
            )
            assert boxes  # the high areas are named on the funnel plot
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                    assert not overlap, (a, b)
            assert len(labels) == 2
        if name == "objectives":
            rotated = desk.evaluate(
                "[...document.querySelectorAll('.bartext')]"
                ".filter(t => (t.getAttribute('transform') || '').includes('rotate')).length"
            )
            assert rotated == 0
        if name == "trends" and role.startswith("area_committee"):
            legend = desk.evaluate(
                "[...document.querySelectorAll('.legendtext')].map(t => t.textContent)"
            )
            assert "Hidden categories (c)" in legend  # hidden shown as hidden, not dropped
        slug = name or "overview"
        desk.screenshot(path=str(ARTIFACTS / f"links-{role.replace(':', '-')}-{slug}.png"))


def test_keyboard_focus_is_clearly_visible(server, desk):
    load(desk, f"{server}/map?as=strategic_lead", 1)
    for _ in range(12):
        desk.keyboard.press("Tab")
        if desk.evaluate("!!document.activeElement.closest('[data-testid=stSidebarNav]')"):
            break
    style = desk.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; })()"
    )
    assert style[0] == "solid" and style[1] >= 2, style
    desk.locator("label").filter(has_text="A range of months").click()
    settle(desk)
    desk.keyboard.press("ArrowUp")  # keyboard use: back to "One month", focus shown
    settle(desk)
    ring = desk.evaluate(
        "(() => { const l = document.activeElement.closest('label');"
        " const s = getComputedStyle(l); return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert ring[0] == "solid" and ring[1] >= 2, ring


def test_printing_a_page_hides_the_sidebar_and_fits_the_charts(server, desk):
    load(desk, f"{server}/trends?as=strategic_lead&show=all", 6)
    desk.emulate_media(media="print")
    desk.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    desk.wait_for_timeout(1500)
    try:
        assert (
            desk.evaluate(
                "getComputedStyle(document.querySelector('[data-testid=stSidebar]')).display"
            )
            == "none"
        )
        rights = desk.evaluate(
            "[...document.querySelectorAll('.js-plotly-plot')]"
            ".map(p => p.getBoundingClientRect().right)"
        )
        a4_landscape_px = (297 - 24) / 25.4 * 96  # printable width at 12 mm margins
        assert rights and max(rights) <= a4_landscape_px, rights
    finally:
        desk.evaluate("window.dispatchEvent(new Event('afterprint'))")
        desk.emulate_media(media="screen")


def test_a_phone_shows_the_headline_numbers_and_the_ranked_table(server, browser):  # noqa: F811
    page = _page(browser, 390, 844)
    try:
        load(page, f"{server}/?as=strategic_lead", 1)
        metrics = page.evaluate(
            "[...document.querySelectorAll('[data-testid=stMetricValue]')].map(m => {"
            " const r = m.getBoundingClientRect();"
            " return [r.left, r.right, parseFloat(getComputedStyle(m).fontSize)]; })"
        )
        assert len(metrics) >= 7
        assert all(left >= 0 and right <= 390 and size >= 24 for left, right, size in metrics)
        plot = page.evaluate(
            "document.querySelector('.js-plotly-plot .nsewdrag').getBoundingClientRect().width"
        )
        assert plot >= 250  # the plot area itself, not 30 px squeezed by the legend
        page.screenshot(path=str(ARTIFACTS / "phone-overview.png"), full_page=True)
        load(page, f"{server}/map?as=strategic_lead", 1)
        grid = page.evaluate(
            "(() => { const s = document.querySelector('[data-testid=stDataFrame] .dvn-scroller');"
            " const r = s.getBoundingClientRect(); return [r.left, r.right, s.clientWidth]; })()"
        )
        assert grid[0] >= 0 and grid[1] <= 390
        assert grid[2] >= 44 + 160 + 64  # rank, name and value in view; the code may scroll
        page.screenshot(path=str(ARTIFACTS / "phone-map.png"), full_page=True)
    finally:
        page.context.close()
