"""MACE writes: review notes, location status changes, agreed actions and new locations of concern.

Each is validated, runs in the caller's transaction, is audited, bumps the store version, and is refused with a clear
message when another member changed the record first (optimistic concurrency).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, insert, select, update

from data_access import audit, store_version
from data_access import models as m
from data_access.access import authorise_cases
from domain.roles import Viewer
from domain.vocab import AGENCIES, LOCATION_STATUSES, LOCATION_TYPES

MAX_NOTE_CHARS = 2000


class EditConflict(RuntimeError):
    """Someone else changed the record after it was opened; nothing was written."""


class InvalidInput(ValueError):
    """A write was refused; the message says which field and why, in plain English."""


# ---------------------------------------------------------------- hot spots


def _require(connection: Connection, model, record_id: int, what: str) -> None:  # noqa: ANN001
    """Refuse a write that names a record which does not exist."""
    if connection.execute(select(model.id).where(model.id == record_id)).first() is None:
        raise InvalidInput(f"There is no {what} number {record_id}.")


def _clean_note(note: str) -> str:
    text = (note or "").strip()
    if not text:
        raise InvalidInput("The note is empty: write what the meeting agreed or noted.")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(
            f"The note is {len(text):,} characters long; the limit is {MAX_NOTE_CHARS:,}. "
            "Shorten it or split it into two notes."
        )
    return text


def add_review_note(
    connection: Connection, viewer: Viewer, location_id: int, note: str, now: datetime | None = None
) -> None:
    """Record a review note on a location (stored as typed; shown escaped, never as HTML)."""
    authorise_cases(viewer.scope)
    text = _clean_note(note)
    _require(connection, m.LocationOfConcern, location_id, "location of concern")
    connection.execute(
        insert(m.ReviewNote),
        [
            {
                "location_id": location_id,
                "written_at": now or datetime.now(),
                "author": viewer.email,
                "note": text,
            }
        ],
    )
    audit.record(connection, viewer.email, viewer.audit_role, "edit", "MACE: review note",
                 {"location_id": location_id, "characters": len(text)})  # fmt: skip
    store_version.bump(connection)


def change_location_status(
    connection: Connection, viewer: Viewer, location_id: int, new_status: str,
    seen_version: int, today: date | None = None,
) -> int:  # fmt: skip
    """Change a location's status if nobody has changed it since ``seen_version``; returns the
    new version. Raises :class:`EditConflict` (and writes nothing) otherwise."""
    authorise_cases(viewer.scope)
    if new_status not in LOCATION_STATUSES:
        raise InvalidInput(f"Status must be one of {', '.join(LOCATION_STATUSES.values())}.")
    loc = m.LocationOfConcern
    current = connection.execute(
        select(loc.status, loc.version).where(loc.id == location_id)
    ).first()
    if current is None:
        raise InvalidInput(f"There is no location of concern number {location_id}.")
    today = today or date.today()
    result = connection.execute(
        update(loc)
        .where(loc.id == location_id, loc.version == seen_version)
        .values(status=new_status, version=loc.version + 1, last_reviewed=today)
    )
    if result.rowcount != 1:
        raise EditConflict(
            "Someone else changed this location while you had it open (it is now "
            f"'{LOCATION_STATUSES.get(current.status, current.status)}'). Nothing was saved: "
            "reload to see their change, then make yours again if it is still needed."
        )
    connection.execute(
        insert(m.StatusChange),
        [{"location_id": location_id, "changed_on": today, "old_status": current.status,
          "new_status": new_status, "changed_by": viewer.email}],
    )  # fmt: skip
    audit.record(connection, viewer.email, viewer.audit_role, "edit", "MACE: location status",
                 {"location_id": location_id, "from": current.status, "to": new_status})  # fmt: skip
    store_version.bump(connection)
    return seen_version + 1


def record_agreed_action(
    connection: Connection, viewer: Viewer, meeting_on: date, description: str, owner_agency: str,
    due_on: date, location_id: int | None = None, blocked_case_id: int | None = None,
    today: date | None = None,
) -> int:  # fmt: skip
    """Record an action agreed at the meeting on ``meeting_on``; returns its id."""
    authorise_cases(viewer.scope)
    text = _clean_note(description)
    if owner_agency not in AGENCIES:
        raise InvalidInput(f"Owner agency must be one of: {', '.join(AGENCIES)}.")
    if due_on < (today or date.today()):
        raise InvalidInput(
            f"The due date {due_on:%-d %b %Y} is in the past: choose today or later."
        )
    if (location_id is None) == (blocked_case_id is None):
        raise InvalidInput("An action is agreed on exactly one location or one blocked case.")
    if location_id is not None:
        _require(connection, m.LocationOfConcern, location_id, "location of concern")
    if blocked_case_id is not None:
        _require(connection, m.BlockedCase, blocked_case_id, "blocked case")
    meeting_id = connection.execute(
        select(m.MaceMeeting.id).where(m.MaceMeeting.held_on == meeting_on)
    ).scalar()
    if meeting_id is None:
        raise InvalidInput(f"There is no MACE meeting on {meeting_on:%-d %b %Y}.")
    action_id = connection.execute(
        insert(m.AgreedAction).returning(m.AgreedAction.id),
        [{"meeting_id": meeting_id, "location_id": location_id, "blocked_case_id": blocked_case_id,
          "description": text, "owner_agency": owner_agency, "due_on": due_on, "status": "open",
          "created_by": viewer.email}],
    ).scalar_one()  # fmt: skip
    audit.record(connection, viewer.email, viewer.audit_role, "edit", "MACE: agreed action",
                 {"action_id": action_id, "location_id": location_id, "blocked_case_id": blocked_case_id})  # fmt: skip
    store_version.bump(connection)
    return action_id


def add_location(
    connection: Connection, viewer: Viewer, location_type: str, name: str, postcode: str,
    reported_on: date | None = None,
) -> int:  # fmt: skip
    """A new location of concern, placed at its postcode's centroid; the postcode must be in
    the district (a premises outside Bradford belongs to a neighbouring MACE)."""
    authorise_cases(viewer.scope)
    from data_access.reference import postcode_record

    if location_type not in LOCATION_TYPES:
        raise InvalidInput(
            f"Type must be one of: {', '.join(v[0] for v in LOCATION_TYPES.values())}."
        )
    label = (name or "").strip()
    if not label or len(label) > 120:
        raise InvalidInput("Give the location a short name (1 to 120 characters).")
    record = postcode_record(postcode)
    if record is None:
        raise InvalidInput(
            f"'{postcode}' is not a postcode in Bradford District (or not a postcode at all)."
        )
    today = reported_on or date.today()
    location_id = connection.execute(
        insert(m.LocationOfConcern).returning(m.LocationOfConcern.id),
        [{"location_type": location_type, "name": label, "postcode": record["postcode"],
          "postcode_sector": record["sector"], "lsoa_code": record["lsoa_code"],
          "lat": float(record["lat"]), "lon": float(record["lon"]), "status": "open",
          "first_reported": today, "last_reviewed": today, "version": 1}],
    ).scalar_one()  # fmt: skip
    connection.execute(
        insert(m.StatusChange),
        [{"location_id": location_id, "changed_on": today, "old_status": None, "new_status": "open",
          "changed_by": viewer.email}],
    )  # fmt: skip
    audit.record(connection, viewer.email, viewer.audit_role, "edit", "MACE: new location",
                 {"location_id": location_id})  # fmt: skip
    store_version.bump(connection)
    return location_id
