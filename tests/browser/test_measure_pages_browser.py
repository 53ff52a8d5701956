"""Real browser: the Education, Modern slavery and Disrupt and prosecute pages as each role,
drawn without errors, with screenshots kept in tests/artifacts/ for a person to look at."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import (  # noqa: F401 - fixtures shared with the main browser test
    browser,
    browser_db_url,
    choose_role,
    go_to,
    open_and_wait,
    server,
)
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
PAGES = ("Education", "Modern slavery", "Disrupt and prosecute")


# The strategic lead draws every chart; the Area Committee, whose public view holds only cells of
# the public release, must see the notice and no number. Every role is run through each page by
# AppTest in tests/pages/test_measure_pages.py.
@pytest.mark.parametrize("role_label", ["Strategic lead", "Area Committee: Bradford South"])
def test_measure_pages_draw_for_each_role(server, browser, role_label):  # noqa: F811
    public = role_label.startswith("Area Committee")
    page = open_and_wait(browser, server, 1)
    try:
        choose_role(page, role_label)
        for title in PAGES:
            go_to(page, title)
            if public:
                page.wait_for_function(
                    "document.body.innerText.includes('not yet part of the public release')",
                    timeout=90_000,
                )
            else:
                page.wait_for_function(
                    "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2",
                    timeout=90_000,
                )
            page.wait_for_timeout(1500)
            assert page.locator("[data-testid='stException']").count() == 0
            body = page.inner_text("body")
            assert "Traceback" not in body and "Synthetic demo data" in body
            drawn = page.evaluate("document.querySelectorAll('.js-plotly-plot .trace path').length")
            assert (drawn == 0) if public else (drawn > 20)
            assert "Investigations (MACE only)" not in body
            slug = role_label.split(":")[-1].strip().lower().replace(" ", "-")
            name = title.lower().replace(" ", "-")
            page.screenshot(path=str(ARTIFACTS / f"browser-{name}-{slug}.png"), full_page=True)
    finally:
        page.close()
