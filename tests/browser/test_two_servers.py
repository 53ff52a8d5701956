"""Two app servers (two `streamlit run` processes on two ports) against one throwaway PostgreSQL
store, as in production: a MACE note recorded on server A shows on server B without a reload, and
an import from the command line shows on both on their next rerun.

Screenshots are kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from dashboard.loadtest import running_servers
from data_access.engine import make_engine
from data_access.store import rebuild_demo
from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS, choose_role, go_to
from tests.conftest import ARTIFACTS, REPO_ROOT, fresh_postgres_database

pytestmark = pytest.mark.browser
PSEUDONYM_KEY = "two-servers-test-key-0123456789"


@pytest.fixture(scope="module")
def shared_store() -> Iterator[str]:
    """One PostgreSQL database with the demo data, migrated and loaded once."""
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        rebuild_demo(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="module")
def two_servers(shared_store: str) -> Iterator[tuple[str, str]]:
    """Server A and server B: the same app, the same settings, two free ports, one store."""
    env = {"DASHBOARD_PSEUDONYM_KEY": PSEUDONYM_KEY, "DASHBOARD_LIVE_REFRESH_SECONDS": "10"}
    with running_servers(shared_store, 2, env) as servers:
        yield servers[0].url, servers[1].url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is required for browser tests: apt-get install chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def open_as(browser, url: str, role: str, page_title: str):  # noqa: ANN001, ANN201
    """A new browser (own cookies, own session) on one server, on one page, as one role."""
    context = browser.new_context(viewport={"width": 1500, "height": 2400})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("h1", timeout=90_000)
    if role:
        choose_role(page, role)
    go_to(page, page_title)
    return page


def page_text(page) -> str:  # noqa: ANN001
    """Visible text plus the text of table cells (st.dataframe draws on a canvas and keeps its
    cells in an accessible table for screen readers)."""
    return page.evaluate("document.body.textContent")


def test_a_note_recorded_on_server_a_shows_on_server_b_without_a_reload(two_servers, browser):
    server_a, server_b = two_servers
    on_b = open_as(browser, server_b, "MACE member", "MACE meeting")
    on_a = open_as(browser, server_a, "MACE member", "MACE meeting")
    note = f"Two youths seen at the back door at 21:00 (test {time.time():.0f})"
    try:
        assert note not in page_text(on_b)
        navigations: list[str] = []
        on_b.on("framenavigated", lambda frame: navigations.append(frame.url))
        on_a.get_by_role("textbox", name="Note", exact=True).fill(note)
        on_a.get_by_role("button", name="Save note").click()
        on_a.wait_for_function("() => document.body.innerText.includes('Note saved on')",
                               timeout=30_000)  # fmt: skip
        saved_at = time.monotonic()
        # B is not touched: its live blocks re-read every 10 s, so within 15 s the note must be
        # in its tables and the top of its page must say that something changed.
        on_b.wait_for_function(
            "t => document.body.textContent.includes(t) && document.body.innerText.includes("
            "'new or changed since you opened this page')",
            arg=note, timeout=15_000, polling=250,
        )  # fmt: skip
        seen_after = time.monotonic() - saved_at
        assert not navigations, f"server B's page was reloaded: {navigations}"
        assert on_b.locator("[data-testid='stException']").count() == 0
        on_b.screenshot(path=str(ARTIFACTS / "two-servers-note-on-b.png"), full_page=True)
        on_b.get_by_role("heading", name="Latest review notes").scroll_into_view_if_needed()
        on_b.screenshot(path=str(ARTIFACTS / "two-servers-note-on-b-notes.png"))
        print(f"note seen on server B {seen_after:.1f} s after it was saved on server A")
    finally:
        on_a.context.close()
        on_b.context.close()


def referrals_metric(page) -> int:  # noqa: ANN001
    label = page.locator("[data-testid='stMetric']").filter(has_text="Referrals in").first
    return int(label.locator("[data-testid='stMetricValue']").inner_text().replace(",", ""))


def test_an_import_from_the_command_line_shows_on_both_servers_on_the_next_rerun(
    two_servers, browser, shared_store, tmp_path
):
    pages = [open_as(browser, url, "", "Overview") for url in two_servers]
    try:
        before = [referrals_metric(page) for page in pages]
        assert before[0] == before[1] > 0
        extract = tmp_path / "referrals-late-october.csv"
        rows = [
            f"LATE-{n},LCS-9{n:03d},2026-10-{10 + n:02d},police,cce,early_help,BD5 0AA"
            for n in range(7)
        ]
        extract.write_text(
            "source_id,child_id,referred_on,referring_agency,exploitation_type,outcome,postcode\n"
            + "\n".join(rows)
            + "\n",
            encoding="utf-8",
        )
        env = {**os.environ, "DATABASE_URL": shared_store, "DASHBOARD_PSEUDONYM_KEY": PSEUDONYM_KEY}
        done = subprocess.run(
            [sys.executable, "-m", "data_access", "import", str(extract), "--kind", "referrals"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Imported: 7 new" in done.stdout
        # Nothing on these pages refreshes by itself: until a rerun they still show the old number.
        assert [referrals_metric(page) for page in pages] == before
        for name, page in zip("ab", pages, strict=True):
            page.locator("h1").first.click()
            page.keyboard.press("r")  # Streamlit's "rerun" key: one rerun, no reload
            page.wait_for_function(
                "n => [...document.querySelectorAll('[data-testid=stMetric]')].some(m =>"
                " m.innerText.includes('Referrals in') && m.innerText.includes(n))",
                arg=f"{before[0] + 7:,}",
                timeout=30_000,
            )
            assert referrals_metric(page) == before[0] + 7
            page.screenshot(path=str(ARTIFACTS / f"two-servers-import-on-{name}.png"))
    finally:
        for page in pages:
            page.context.close()
