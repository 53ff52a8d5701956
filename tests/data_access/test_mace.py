"""MACE data access and the writes made during a meeting (on a private copy of the demo store)."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime

import polars as pl
import pytest
from sqlalchemy import func, select, text, update
from streamlit.testing.v1 import AppTest

from data_access import audit, mace, mace_writes
from data_access import models as m
from data_access.engine import make_engine
from domain.roles import AccessDenied, RoleScope, Viewer
from tests.conftest import REPO_ROOT

MACE_ROLE = RoleScope("mace")
MEMBER = Viewer("chair@police.uk", MACE_ROLE)
OTHER = Viewer("other@bradford.gov.uk", MACE_ROLE)
TODAY = date(2026, 10, 20)


@pytest.fixture()
def store(demo_db_url, tmp_path):
    """A copy of the demo store, so writes here never touch other tests' data."""
    source = demo_db_url.removeprefix("sqlite:///")
    copy = tmp_path / "mace.sqlite"
    shutil.copy(source, copy)
    return make_engine(f"sqlite:///{copy}")


@pytest.mark.parametrize(
    "role",
    [RoleScope("strategic_lead"), RoleScope("area_committee", "EAST"), RoleScope("data_manager")],
)
def test_everything_here_is_for_mace_only(store, role):
    viewer = Viewer("x@y.uk", role)
    with store.begin() as c:
        with pytest.raises(AccessDenied):
            mace.locations(c, role)
        with pytest.raises(AccessDenied):
            mace.meeting_view(c, role, date(2026, 10, 13))
        with pytest.raises(AccessDenied):
            mace.hot_spot_counts(c, role, date(2026, 10, 1), "referrals", "ward")
        with pytest.raises(AccessDenied):
            mace_writes.add_review_note(c, viewer, 1, "note")


def test_hot_spot_counts_agree_with_plain_sql(store):
    with store.connect() as c:
        counts = mace.hot_spot_counts(c, MACE_ROLE, date(2026, 10, 1), "referrals", "district")
        bd5 = c.execute(text(
            "SELECT COUNT(*) FROM referral r JOIN area_lookup l ON l.postcode_sector = r.postcode_sector "
            "AND l.lsoa_code = r.lsoa_code AND l.vintage = '2004' WHERE l.postcode_district = 'BD5' "
            "AND r.referred_on BETWEEN '2025-11-01' AND '2026-10-31'")).scalar()  # fmt: skip
        population = c.execute(
            select(func.sum(m.Population.children_0_17)).where(m.Population.year == 2026)
        ).scalar()
    row = counts.filter(pl.col("code") == "BD5").row(0, named=True)
    assert row["count"] == bd5
    assert row["last3"] + row["previous12"] >= row["count"]
    assert counts["population"].sum() == population  # every child counted in exactly one area
    assert counts["synthetic"].all()


def test_meeting_view_lists_changes_since_the_previous_meeting(store):
    with store.connect() as c:
        held = mace.meetings(c)[-2]
        since = mace.previous_meeting(c, held)
        view = mace.meeting_view(c, MACE_ROLE, held)
        expected = c.execute(text(
            "SELECT COUNT(*) FROM risk_assessment WHERE risk_level = 'significant' "
            "AND assessed_on > :a AND assessed_on <= :b"), {"a": since, "b": held}).scalar()  # fmt: skip
    assert view.since == since and since < held
    assert view.new_significant.height == expected
    assert view.new_significant["pseudo_id"].str.starts_with("CE-").all()
    assert (view.new_locations["first_reported"] > since).all()
    assert (view.blocked_cases["days_open"] >= 0).all()
    assert view.last_actions.height >= 3  # the demo records 3-6 actions per meeting


def test_review_note_rules(store):
    with store.begin() as c:
        with pytest.raises(mace_writes.InvalidInput, match="empty"):
            mace_writes.add_review_note(c, MEMBER, 1, "   ")
        with pytest.raises(mace_writes.InvalidInput, match="limit is 2,000"):
            mace_writes.add_review_note(c, MEMBER, 1, "x" * 2001)
        with pytest.raises(mace_writes.InvalidInput, match="no location"):
            mace_writes.add_review_note(c, MEMBER, 99_999, "note")
        mace_writes.add_review_note(c, MEMBER, 1, "<script>alert('x')</script> seen at 22:00",
                             now=datetime(2026, 10, 20, 10))  # fmt: skip
    with store.connect() as c:
        notes = mace.notes_for(c, MACE_ROLE, 1)
        events = audit.events(c, action="edit")
    assert notes["note"].to_list() == [
        "<script>alert('x')</script> seen at 22:00"
    ]  # stored as typed
    assert events["page"].to_list() == ["MACE: review note"]


def test_status_change_and_the_conflict_of_two_members(store):
    with store.connect() as c:
        version = c.execute(
            select(m.LocationOfConcern.version).where(m.LocationOfConcern.id == 2)
        ).scalar()
    with store.begin() as c:  # the chair saves first
        assert (
            mace_writes.change_location_status(c, MEMBER, 2, "monitoring", version, TODAY)
            == version + 1
        )
    with pytest.raises(mace_writes.EditConflict, match="Someone else changed"), store.begin() as c:
        mace_writes.change_location_status(
            c, OTHER, 2, "closed", version, TODAY
        )  # opened before the save
    with store.connect() as c:
        status, new_version = c.execute(
            select(m.LocationOfConcern.status, m.LocationOfConcern.version).where(
                m.LocationOfConcern.id == 2
            )
        ).one()
        changes = c.execute(select(func.count()).select_from(m.StatusChange).where(
            m.StatusChange.location_id == 2, m.StatusChange.changed_by == OTHER.email)).scalar()  # fmt: skip
    assert (status, new_version, changes) == ("monitoring", version + 1, 0)
    with pytest.raises(mace_writes.InvalidInput, match="Status must be"), store.begin() as c:
        mace_writes.change_location_status(c, MEMBER, 2, "burned", new_version, TODAY)


def test_agreed_action_rules(store):
    with store.connect() as c:
        held = mace.meetings(c)[-1]
    good = {"meeting_on": held, "description": "Joint licensing visit", "owner_agency": "Licensing",
            "due_on": date(2026, 11, 20), "location_id": 3, "today": TODAY}  # fmt: skip
    cases = [
        ({"due_on": date(2026, 10, 1)}, "in the past"),
        ({"owner_agency": "The Mayor"}, "Owner agency must be"),
        ({"description": ""}, "empty"),
        ({"location_id": None}, "exactly one"),
        ({"location_id": 99_999}, "no location"),
        ({"meeting_on": date(2026, 10, 14)}, "no MACE meeting"),
    ]
    for change, message in cases:
        with pytest.raises(mace_writes.InvalidInput, match=message), store.begin() as c:
            mace_writes.record_agreed_action(c, MEMBER, **{**good, **change})
    with store.begin() as c:
        action_id = mace_writes.record_agreed_action(c, MEMBER, **good)
    with store.connect() as c:
        row = c.execute(
            select(
                m.AgreedAction.owner_agency, m.AgreedAction.status, m.AgreedAction.created_by
            ).where(m.AgreedAction.id == action_id)
        ).one()
    assert tuple(row) == ("Licensing", "open", MEMBER.email)


def test_new_location_must_be_a_bradford_postcode(store):
    for postcode in ("ZZ1 1ZZ", "LS1 1UR", "not a postcode", ""):
        with (
            pytest.raises(mace_writes.InvalidInput, match="not a postcode in Bradford"),
            store.begin() as c,
        ):
            mace_writes.add_location(c, MEMBER, "takeaway", "Takeaway on the corner", postcode)
    with pytest.raises(mace_writes.InvalidInput, match="Type must be"), store.begin() as c:
        mace_writes.add_location(c, MEMBER, "casino", "Casino", "BD1 1AA")
    with store.begin() as c:
        new_id = mace_writes.add_location(
            c, MEMBER, "takeaway", "Takeaway on the corner", "bd11aa", TODAY
        )
    with store.connect() as c:
        place = mace.locations(c, MACE_ROLE).filter(pl.col("id") == new_id).row(0, named=True)
    assert place["postcode_sector"] == "BD1 1" and place["status"] == "open"
    assert 53.7 < place["lat"] < 54.0 and place["ward"] == "City"


def meeting_app(store_url: str, monkeypatch) -> AppTest:  # noqa: ANN001
    monkeypatch.setenv("DATABASE_URL", store_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["demo-role"] = MACE_ROLE
    at.run()
    at.switch_page("pages/mace_meeting.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def save_note(at: AppTest) -> None:
    next(b for b in at.button if b.label == "Save note").click().run()


def test_meeting_page_records_notes_and_shows_html_as_text(store, monkeypatch):
    at = meeting_app(str(store.url), monkeypatch)
    at.text_area(key="note-text").input("<b>bold?</b> two cars outside")
    save_note(at)
    assert not at.exception
    assert any("Note saved" in s.value for s in at.success)
    notes = at.dataframe[-1].value
    assert "<b>bold?</b> two cars outside" in notes["Note"].tolist()
    at.text_area(key="note-text").input("")
    save_note(at)
    assert any("empty" in e.value for e in at.error)


def test_meeting_page_reports_an_edit_conflict(store, monkeypatch):
    at = meeting_app(str(store.url), monkeypatch)
    # another member changes location 1 after this page opened it
    with store.begin() as c:
        c.execute(update(m.LocationOfConcern).where(m.LocationOfConcern.id == 1)
                  .values(version=m.LocationOfConcern.version + 1, status="closed"))  # fmt: skip
    at.radio(key="status-new").set_value("monitoring")
    save = next(b for b in at.button if b.label == "Save status")
    save.click().run()
    assert any("Someone else changed this location" in e.value for e in at.error)
    with store.connect() as c:
        assert (
            c.execute(
                select(m.LocationOfConcern.status).where(m.LocationOfConcern.id == 1)
            ).scalar()
            == "closed"
        )


def test_hot_spots_page_runs_and_flags_bd5(app_env, monkeypatch):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["demo-role"] = MACE_ROLE
    at.session_state["hot-geography"] = "district"
    at.run()
    at.switch_page("pages/hotspots.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("BD5" in e.value and "rising" in e.value for e in at.error)
    funnel = json.loads(at.get("plotly_chart")[0].proto.spec)
    symbols = {
        t["marker"]["symbol"] for t in funnel["data"] if t.get("mode", "").startswith("markers")
    }
    assert len(symbols) >= 3  # flags told apart by shape, not only colour


def test_meeting_page_adds_a_location_and_refuses_a_place_outside_bradford(store, monkeypatch):
    at = meeting_app(str(store.url), monkeypatch)
    at.text_input(key="new-name").input("Snooker hall, Manningham Lane")
    at.text_input(key="new-postcode").input("LS1 1UR")
    next(b for b in at.button if b.label == "Add location").click().run()
    assert any("not a postcode in Bradford" in e.value for e in at.error)
    at.text_input(key="new-name").input("Snooker hall, Manningham Lane")
    at.text_input(key="new-postcode").input("BD8 7AA")
    next(b for b in at.button if b.label == "Add location").click().run()
    assert any("added as open" in s.value for s in at.success)
    with store.connect() as c:
        names = mace.locations(c, MACE_ROLE)["name"].to_list()
    assert "Snooker hall, Manningham Lane" in names
