"""The live MACE pages under AppTest: a write made elsewhere (another server, the command line)
is shown on this session's next rerun, although the query caches last 15 minutes, and the rows
it touched are marked as new or changed since the member opened the page."""

from __future__ import annotations

import shutil

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import live
from data_access import mace_writes, store_version
from data_access.engine import make_engine
from domain.roles import RoleScope, Viewer
from tests.conftest import REPO_ROOT

MACE = RoleScope("mace")
ELSEWHERE = Viewer("member.on.server.b@bradford.gov.uk", MACE)


@pytest.fixture()
def store_url(demo_db_url, tmp_path, monkeypatch) -> str:
    """A copy of the demo store that these tests may write to, as the app's store."""
    copy = tmp_path / "live.sqlite"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["demo-role"] = MACE
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frames(at: AppTest) -> list[pl.DataFrame]:
    return [pl.from_pandas(frame.value) for frame in at.dataframe]


def captions(at: AppTest) -> str:
    return " ".join(caption.value for caption in at.caption)


def test_a_note_written_elsewhere_shows_on_the_next_rerun_marked_as_new(store_url):
    at = open_page("pages/mace_meeting.py")
    assert "Nothing has changed since you opened this page" in captions(at)
    assert not any(live.MARK_COLUMN in frame.columns for frame in frames(at))
    engine = make_engine(store_url)
    with engine.begin() as connection:  # another server's write: this process's caches are warm
        mace_writes.add_review_note(connection, ELSEWHERE, 1, "Seen from server B")
    at.run()
    assert not at.exception
    notes = next(f for f in frames(at) if "Note" in f.columns and "Location" in f.columns)
    row = notes.filter(pl.col("Note") == "Seen from server B")
    assert row.height == 1
    assert row[live.MARK_COLUMN][0].startswith("New · ")
    assert "row(s) new or changed since you opened this page" in captions(at)
    engine.dispose()


def test_a_status_change_elsewhere_is_marked_changed_on_hot_spots(store_url):
    at = open_page("pages/hotspots.py")
    table = frames(at)[-1]
    location = table["Location"][0]
    engine = make_engine(store_url)
    with engine.connect() as connection:
        from data_access import mace

        places = mace.locations(connection, MACE)
    target = places.filter(pl.col("name") == location).row(0, named=True)
    new_status = "monitoring" if target["status"] == "open" else "open"
    with engine.begin() as connection:
        mace_writes.change_location_status(
            connection, ELSEWHERE, target["id"], new_status, target["version"]
        )
    at.run()
    assert not at.exception
    table = frames(at)[-1]
    marked = table.filter(pl.col("Location") == location)
    assert marked[live.MARK_COLUMN][0].startswith("Changed · ")
    assert table.filter(pl.col("Location") != location)[live.MARK_COLUMN].to_list() == [""] * (
        table.height - 1
    )
    engine.dispose()


def test_query_caches_are_keyed_by_the_store_version(store_url):
    """Same arguments, new store version: the function runs again; same version: it does not."""
    calls = []

    @live.versioned(max_entries=4)
    def counted(argument: str) -> str:
        calls.append(argument)
        return argument.upper()

    engine = make_engine(store_url)
    assert counted("a") == "A" and counted("a") == "A"
    assert calls == ["a"]
    with engine.begin() as connection:
        store_version.bump(connection)
    assert counted("a") == "A"
    assert calls == ["a", "a"]
    engine.dispose()


def test_the_refresh_interval_is_a_setting(monkeypatch):
    monkeypatch.delenv(live.REFRESH_ENV, raising=False)
    assert live.refresh_seconds() == 10
    monkeypatch.setenv(live.REFRESH_ENV, "4")
    assert live.refresh_seconds() == 4
    monkeypatch.setenv(live.REFRESH_ENV, "0")
    assert live.refresh_seconds() is None
    monkeypatch.setenv(live.REFRESH_ENV, "soon")
    with pytest.raises(ValueError, match="DASHBOARD_LIVE_REFRESH_SECONDS must be a number"):
        live.refresh_seconds()
