"""Real browser: the app's own downloads carry their context and are audited, Streamlit's own
table export is gone, and an awkward upload gets plain words, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_access import audit
from data_access.engine import make_engine
from tests.browser.test_browser import (  # noqa: F401 - fixtures shared with the page tests
    browser,
    browser_db_url,
    choose_role,
    download_first_numbers,
    go_to,
    open_and_wait,
    server,
)
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def test_an_area_committee_download_says_what_it_is_and_is_audited(server, browser, browser_db_url):  # noqa: F811
    engine = make_engine(browser_db_url)
    page = open_and_wait(browser, server, 1)
    try:
        choose_role(page, "Area Committee: Bradford South")
        go_to(page, "Trends")
        download = download_first_numbers(page)
        name = download.suggested_filename
        text = Path(download.path()).read_text(encoding="utf-8-sig")
        page.wait_for_timeout(1500)
        # Streamlit's own "Download as CSV" on tables is switched off (client.disableDataExport).
        page.locator("[data-testid='stDataFrame']").first.hover()
        page.wait_for_timeout(500)
        assert page.get_by_role("button", name="Download as CSV").count() == 0
    finally:
        page.close()
    assert name.startswith("missing-episodes-bradford-south-") and name.endswith(".csv")
    lines = text.splitlines()
    assert lines[0].startswith(
        "# Title: Missing episodes each quarter by placement type, Bradford South"
    )
    assert "# Area: Bradford South" in lines
    assert any(line.startswith("# Period: ") for line in lines)
    assert "# Disclosure: Public release (jointly protected): counts 1–4 and cells that would reveal them, in any combination of public views, shown as c" in lines  # fmt: skip
    assert any(line.startswith("# Synthetic demo data") for line in lines)
    header = next(line for line in lines if not line.startswith("#"))
    assert header.startswith("Period")
    with engine.connect() as c:
        events = audit.events(c)
    assert name in events.filter(events["action"] == "export")["page"].to_list()


def test_a_picture_uploaded_as_a_workbook_gets_plain_words(server, browser, tmp_path):  # noqa: F811
    picture = tmp_path / "referrals-october.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    page = open_and_wait(browser, server, 1)
    try:
        choose_role(page, "Data manager")
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(picture))
        page.wait_for_function(
            "() => document.body.innerText.includes('This file is a PNG image')", timeout=60_000
        )
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "browser-data-png-upload.png"), full_page=True)
        body = page.inner_text("body")
        assert "Traceback" not in body and page.locator("[data-testid='stException']").count() == 0
        assert "Commit the import" not in body
    finally:
        page.close()
