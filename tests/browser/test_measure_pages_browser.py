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


# One role here to keep CI short (the public one, where gaps and "c" must still draw); every
# role is run through each page by AppTest in tests/pages/test_measure_pages.py.
@pytest.mark.parametrize("role_label", ["Area Committee: Bradford South"])
def test_measure_pages_draw_for_each_role(server, browser, role_label):  # noqa: F811
    page = open_and_wait(browser, server, 1)
    try:
        choose_role(page, role_label)
        for title in PAGES:
            go_to(page, title)
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=90_000
            )
            page.wait_for_timeout(1500)
            assert page.locator("[data-testid='stException']").count() == 0
            body = page.inner_text("body")
            assert "Traceback" not in body and "Synthetic demo data" in body
            drawn = page.evaluate("document.querySelectorAll('.js-plotly-plot .trace path').length")
            assert drawn > 20
            assert ("Investigations (MACE only)" in body) == (
                title == "Disrupt and prosecute" and role_label == "MACE member"
            )
            slug = role_label.split(":")[-1].strip().lower().replace(" ", "-")
            name = title.lower().replace(" ", "-")
            page.screenshot(path=str(ARTIFACTS / f"browser-{name}-{slug}.png"), full_page=True)
    finally:
        page.close()
