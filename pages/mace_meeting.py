"""MACE meeting: what changed since the last meeting, and recording what the meeting agrees."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

from dashboard import cache, live, ui, url_state
from data_access import mace_writes
from domain.frames import mapped
from domain.vocab import (
    AGENCIES,
    EXPLOITATION_TYPES,
    LOCATION_STATUSES,
    LOCATION_TYPES,
    REFERRING_AGENCIES,
)

SEEN_KEY = "meeting-seen-versions"

ui.page_header(
    "MACE meeting",
    "Since the previous meeting: new children at significant risk, new and escalated locations, "
    "blocked cases and last meeting's actions. Record notes, status changes and agreed actions "
    "as the meeting goes. Confidential to MACE members.",
)
role, viewer = ui.role(), ui.viewer()
meetings = [d for d in cache.mace_meetings() if d <= cache.data_as_of()] or cache.mace_meetings()
with st.sidebar:
    held_on = url_state.selectbox("Meeting", list(reversed(meetings)), key="meeting-date",
                                  format_func=lambda d: f"{d:%-d %B %Y}", param="meeting")  # fmt: skip
ui.audit_filters("MACE meeting", {"meeting": held_on})
PAGE = "MACE meeting"


def words(codes: str | None, labels: dict) -> str:
    return ", ".join(labels.get(c, c) for c in sorted(set((codes or "").split(","))) if c)


def marked_table(
    name: str, frame: pl.DataFrame, key: list[str], hidden: tuple[str, ...] = (),
    download: str | None = None,
) -> int:  # fmt: skip
    """Show a table with its "since you opened this page" marks (and, with ``download``, the app's
    CSV download of it without them); returns how many rows are marked."""
    marked = live.mark_changes(PAGE, name, frame, key).drop(hidden)
    ui.show_table(marked)
    if download:
        ui.download_table(frame.drop(hidden), download, f"mace {download.lower()}",
                          f"table-meeting-{name}", filters={"Meeting": f"{held_on:%-d %B %Y}"})  # fmt: skip
    return live.count_marked(marked)


@live.live_fragment
def what_changed(held_on: date) -> None:
    """The meeting's picture, re-read every few seconds: what others record shows up here."""
    view = cache.meeting_view(role, held_on)
    status = st.container()
    st.caption(f"Changes from {view.since:%-d %B %Y} to {view.held_on:%-d %B %Y}.")
    marked = 0
    st.subheader(f"New children at significant risk ({view.new_significant.height})")
    marked += marked_table("significant", view.new_significant.select(
        pl.col("pseudo_id").alias("Child (pseudonymous id)"),
        mapped(view.new_significant["types"], lambda c: words(c, EXPLOITATION_TYPES)).alias("Exploitation types"),
        pl.col("ward").alias("Ward"),
        mapped(view.new_significant["agencies"], lambda c: words(c, REFERRING_AGENCIES)).alias("Agencies involved"),
        pl.col("assessed_on").alias("Assessed significant on"),
    ), ["Child (pseudonymous id)", "Assessed significant on"], download="New children at significant risk")  # fmt: skip

    st.subheader(
        f"New locations ({view.new_locations.height}) and escalated locations "
        f"({view.escalated_locations.height})"
    )
    changed = pl.concat(
        [
            view.new_locations.with_columns(pl.lit("New").alias("Change")),
            view.escalated_locations.select(view.new_locations.columns).with_columns(pl.lit("Escalated").alias("Change")),
        ]
    )  # fmt: skip
    marked += marked_table("locations", changed.select(
        "id", "Change", pl.col("name").alias("Location"),
        pl.col("location_type").replace_strict({k: v[0] for k, v in LOCATION_TYPES.items()}).alias("Type"),
        pl.col("status").replace_strict(LOCATION_STATUSES).alias("Status"), pl.col("ward").alias("Ward"),
        pl.col("first_reported").alias("First reported"), pl.col("linked_children").alias("Linked children"),
    ), ["id", "Change"], hidden=("id",), download="New and escalated locations")  # fmt: skip

    st.subheader(f"Cases with blockages ({view.blocked_cases.height})")
    marked += marked_table("blocked", view.blocked_cases.select(
        pl.col("id").alias("Case no."), pl.col("pseudo_id").alias("Child (pseudonymous id)"),
        pl.col("blockage").alias("Blockage"), pl.col("opened_on").alias("Flagged on"),
        pl.col("days_open").alias("Days open"),
    ), ["Case no."], download="Cases with blockages")  # fmt: skip

    st.subheader(f"Actions agreed at the last meeting ({view.last_actions.height})")
    marked += marked_table("last-actions", view.last_actions.select(
        "id", pl.col("description").alias("Action"), pl.coalesce("location", "case").alias("On"),
        pl.col("owner_agency").alias("Owner"), pl.col("due_on").alias("Due"),
        pl.col("status").str.to_titlecase().alias("Status"),
    ), ["id"], hidden=("id",), download="Actions agreed at the last meeting")  # fmt: skip

    agreed = cache.actions_agreed_at(role, held_on)
    st.subheader(f"Recorded at this meeting: actions ({agreed.height})")
    marked += marked_table("agreed-now", agreed.select(
        "id", pl.col("description").alias("Action"), pl.coalesce("location", "case").alias("On"),
        pl.col("owner_agency").alias("Owner"), pl.col("due_on").alias("Due"),
        pl.col("created_by").alias("Recorded by"),
    ), ["id"], hidden=("id",))  # fmt: skip
    notes = cache.latest_notes(role)
    st.subheader("Latest review notes, all locations")
    marked += marked_table("latest-notes", notes.select(
        "id", pl.col("written_at").alias("Written"), pl.col("location").alias("Location"),
        pl.col("author").alias("By"), pl.col("note").alias("Note"),
    ), ["id"], hidden=("id",))  # fmt: skip
    with status:
        live.status_line(PAGE, marked)


what_changed(held_on)
view = cache.meeting_view(role, held_on)

st.header("Record during the meeting")
places = cache.locations(role)
place_names = dict(zip(places["id"].to_list(), places["name"].to_list(), strict=True))
versions = dict(zip(places["id"].to_list(), places["version"].to_list(), strict=True))
seen = st.session_state.setdefault(SEEN_KEY, {})


@live.live_fragment
def status_now(location_id: int, opened: int) -> None:
    """The location's status as it is now, and a warning when someone changed it meanwhile."""
    now = cache.locations(role).filter(pl.col("id") == location_id).row(0, named=True)
    st.caption(f"Now: {LOCATION_STATUSES[now['status']]} (version {opened} opened)")
    if now["version"] != opened:
        st.warning(
            f"Someone changed this location since you opened it: it is now "
            f"'{LOCATION_STATUSES[now['status']]}' (version {now['version']}). Saving a status "
            "now will be refused; reload the page to start from their change.",
            icon="🔄",
        )


note_tab, status_tab, action_tab, new_tab = st.tabs(
    ["Review note", "Location status", "Agreed action", "New location"]
)


def report(outcome: str, message: str) -> None:
    """Remember the outcome; after a save, rerun so the live tables above show it at once."""
    st.session_state["meeting-flash"] = (outcome, message)
    if outcome == "success":
        st.rerun()


with note_tab, st.form("meeting-note", clear_on_submit=True):
    location_id = st.selectbox(
        "Location", list(place_names), format_func=place_names.get, key="note-location"
    )
    note = st.text_area("Note", max_chars=mace_writes.MAX_NOTE_CHARS + 500, key="note-text")
    if st.form_submit_button("Save note"):
        try:
            cache.mace_write(mace_writes.add_review_note, viewer, location_id, note)
            report("success", f"Note saved on {place_names[location_id]}.")
        except mace_writes.InvalidInput as error:
            report("error", str(error))

with status_tab:
    location_id = st.selectbox(
        "Location", list(place_names), format_func=place_names.get, key="status-location"
    )
    seen.setdefault(location_id, versions[location_id])
    status_now(location_id, seen[location_id])
    with st.form("meeting-status"):
        new_status = st.radio("New status", list(LOCATION_STATUSES), format_func=LOCATION_STATUSES.get,
                              horizontal=True, key="status-new")  # fmt: skip
        if st.form_submit_button("Save status"):
            try:
                seen[location_id] = cache.mace_write(
                    mace_writes.change_location_status,
                    viewer,
                    location_id,
                    new_status,
                    seen[location_id],
                )
                report(
                    "success",
                    f"{place_names[location_id]} is now {LOCATION_STATUSES[new_status].lower()}.",
                )
            except mace_writes.EditConflict as error:
                seen.pop(location_id, None)
                report("error", str(error))
            except mace_writes.InvalidInput as error:
                report("error", str(error))

with action_tab, st.form("meeting-action", clear_on_submit=True):
    on_what = st.radio(
        "Agreed on", ["A location", "A blocked case"], horizontal=True, key="action-on"
    )
    location_id = st.selectbox(
        "Location", list(place_names), format_func=place_names.get, key="action-location"
    )
    case_ids = view.blocked_cases["id"].to_list()
    case_id = st.selectbox("Blocked case", case_ids or [None], key="action-case",
                           format_func=lambda c: "none open" if c is None else f"Case {c}")  # fmt: skip
    description = st.text_area("What was agreed", key="action-text")
    owner = st.selectbox("Owner agency", AGENCIES, key="action-owner")
    due = st.date_input("Due", value=date.today() + timedelta(days=28), key="action-due")
    if st.form_submit_button("Record action"):
        try:
            cache.mace_write(
                mace_writes.record_agreed_action, viewer, held_on, description, owner, due,
                location_id=location_id if on_what == "A location" else None,
                blocked_case_id=case_id if on_what == "A blocked case" else None,
            )  # fmt: skip
            report("success", "Action recorded.")
        except mace_writes.InvalidInput as error:
            report("error", str(error))

with new_tab, st.form("meeting-new-location", clear_on_submit=True):
    kind = st.selectbox("Type", list(LOCATION_TYPES), format_func=lambda k: LOCATION_TYPES[k][0],
                        key="new-type")  # fmt: skip
    label = st.text_input("Short name (a business name or a description: never a person's name)",
                          key="new-name")  # fmt: skip
    postcode = st.text_input("Postcode (placed at the postcode's centre, never an exact address)",
                             key="new-postcode")  # fmt: skip
    if st.form_submit_button("Add location"):
        try:
            new_id = cache.mace_write(mace_writes.add_location, viewer, kind, label, postcode)
            report("success", f"Location L-{new_id:03d} added as open.")
        except mace_writes.InvalidInput as error:
            report("error", str(error))

if "meeting-flash" in st.session_state:
    outcome, message = st.session_state.pop("meeting-flash")
    (st.success if outcome == "success" else st.error)(message)


@live.live_fragment
def notes_on(location_id: int) -> None:
    st.subheader(f"Notes on {place_names[location_id]}")
    notes = cache.location_notes(role, location_id)
    table = live.mark_changes(PAGE, f"notes-{location_id}", notes.select(
        pl.col("written_at").alias("Written"), pl.col("author").alias("By"), pl.col("note").alias("Note"),
    ), ["Written", "By", "Note"])  # fmt: skip
    ui.show_table(table)


notes_on(st.session_state.get("note-location", next(iter(place_names))))
st.caption("Notes are shown exactly as typed: anything that looks like HTML is displayed as text.")
