"""MACE data: hot-spot counts with denominators, locations of concern, the meeting view, and the
writes members make during the meeting. Everything here is for MACE members only.

Writes are validated, atomic (one transaction each), audited, and use optimistic concurrency:
a status change names the version it was made from, and fails with :class:`EditConflict` if
somebody else changed the record in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from sqlalchemy import Connection, and_, func, insert, or_, select, update

from dashboard.months import add_months, months_between
from dashboard.roles import RoleScope, Viewer
from data_access import audit, queries
from data_access import models as m
from data_access.access import authorise_cases
from data_access.demo_mace import AGENCIES, LOCATION_STATUSES, LOCATION_TYPES
from data_access.sql import Scope, read_frame

MAX_NOTE_CHARS = 2000
STATUS_SEVERITY = {"closed": 0, "monitoring": 1, "open": 2}


class EditConflict(RuntimeError):
    """Someone else changed the record after it was opened; nothing was written."""


class InvalidInput(ValueError):
    """A write was refused; the message says which field and why, in plain English."""


# ---------------------------------------------------------------- hot spots


def area_population(
    connection: Connection, geography: str, year: int, vintage: str = "2004"
) -> pl.DataFrame:
    """Children aged 0-17 per ward or postcode district: each LSOA's population goes to the
    area holding most of its postcodes (LSOAs nest in wards almost everywhere)."""
    column = m.AreaLookup.ward_code if geography == "ward" else m.AreaLookup.postcode_district
    weights = read_frame(
        connection,
        select(m.AreaLookup.lsoa_code, column.label("code"), func.sum(m.AreaLookup.postcodes))
        .where(m.AreaLookup.vintage == vintage)
        .group_by(m.AreaLookup.lsoa_code, column),
        {"lsoa_code": pl.String, "code": pl.String, "postcodes": pl.Int64},
    )
    dominant = weights.sort(
        ["lsoa_code", "postcodes", "code"], descending=[False, True, False]
    ).unique("lsoa_code", keep="first")
    population = read_frame(
        connection,
        select(m.Population.lsoa_code, m.Population.children_0_17, m.Population.is_synthetic).where(
            m.Population.year == year
        ),
        {"lsoa_code": pl.String, "children": pl.Int64, "synthetic": pl.Boolean},
    )
    return (
        population.join(dominant.select("lsoa_code", "code"), on="lsoa_code")
        .group_by("code")
        .agg(pl.col("children").sum().alias("population"), pl.col("synthetic").any())
        .sort("code")
    )


def hot_spot_counts(
    connection: Connection, role: RoleScope, end: date, metric: str, geography: str
) -> pl.DataFrame:
    """Per area: count in the 12 months to ``end``, last-3 and previous-12 counts (rising test),
    and the population aged 0-17. Columns: code, count, last3, previous12, population, synthetic."""
    authorise_cases(role)
    dim = queries.GEOGRAPHY_COLUMNS[geography]
    scope = Scope(add_months(end, -14), end)
    if metric == "referrals":
        monthly = queries.referral_counts(connection, scope, ["month", dim]).rename(
            {"referrals": "n"}
        )
    elif metric == "missing_episodes":
        monthly = queries.missing_counts(connection, scope, ["month", dim]).rename(
            {"episodes": "n"}
        )
    else:
        raise ValueError(f"unknown hot-spot measure {metric!r}")
    months = [mth.strftime("%Y-%m") for mth in months_between(scope.start, end)]
    last3, last12 = set(months[-3:]), set(months[-12:])
    previous12 = set(months[:12])
    per_area = monthly.group_by(dim).agg(
        pl.col("n").filter(pl.col("month").is_in(list(last12))).sum().alias("count"),
        pl.col("n").filter(pl.col("month").is_in(list(last3))).sum().alias("last3"),
        pl.col("n").filter(pl.col("month").is_in(list(previous12))).sum().alias("previous12"),
    )
    population = area_population(connection, geography, end.year)
    return (
        population.join(per_area.rename({dim: "code"}), on="code", how="left")
        .with_columns(pl.col("count", "last3", "previous12").fill_null(0).cast(pl.Int64))
        .select("code", "count", "last3", "previous12", "population", "synthetic")
    )


# ---------------------------------------------------------------- locations


def meetings(connection: Connection) -> list[date]:
    return [
        row[0]
        for row in connection.execute(select(m.MaceMeeting.held_on).order_by(m.MaceMeeting.held_on))
    ]


def previous_meeting(connection: Connection, on: date) -> date | None:
    return connection.execute(
        select(func.max(m.MaceMeeting.held_on)).where(m.MaceMeeting.held_on < on)
    ).scalar()


def locations(connection: Connection, role: RoleScope) -> pl.DataFrame:
    """Every location of concern with its ward, linked children and disruption actions."""
    authorise_cases(role)
    loc = m.LocationOfConcern
    linked = (
        select(m.LocationChild.location_id, func.count().label("children"))
        .group_by(m.LocationChild.location_id)
        .subquery()
    )
    statement = (
        select(
            loc.id,
            loc.location_type,
            loc.name,
            loc.postcode_sector,
            loc.lat,
            loc.lon,
            loc.status,
            loc.first_reported,
            loc.last_reviewed,
            loc.version,
            m.Ward.name.label("ward"),
            m.AreaLookup.postcode_district,
            func.coalesce(linked.c.children, 0).label("linked_children"),
        )  # fmt: skip
        .outerjoin(
            m.AreaLookup,
            and_(
                m.AreaLookup.postcode_sector == loc.postcode_sector,
                m.AreaLookup.lsoa_code == loc.lsoa_code,
                m.AreaLookup.vintage == "2004",
            ),
        )
        .outerjoin(m.Ward, and_(m.Ward.vintage == "2004", m.Ward.code == m.AreaLookup.ward_code))
        .outerjoin(linked, linked.c.location_id == loc.id)
        .order_by(loc.id)
    )
    schema = {
        "id": pl.Int64, "location_type": pl.String, "name": pl.String,
        "postcode_sector": pl.String, "lat": pl.Float64, "lon": pl.Float64, "status": pl.String,
        "first_reported": pl.Date, "last_reviewed": pl.Date, "version": pl.Int64,
        "ward": pl.String, "postcode_district": pl.String, "linked_children": pl.Int64,
    }  # fmt: skip
    frame = read_frame(connection, statement, schema)
    actions = read_frame(
        connection,
        select(m.DisruptionAction.location_id, m.DisruptionAction.action_type).order_by(
            m.DisruptionAction.action_on
        ),
        {"location_id": pl.Int64, "action_type": pl.String},
    )
    joined = actions.group_by("location_id").agg(
        pl.col("action_type").unique(maintain_order=True).str.join(", ")
    )
    return frame.join(
        joined.rename({"location_id": "id", "action_type": "disruption"}), on="id", how="left"
    )


def notes_for(connection: Connection, role: RoleScope, location_id: int) -> pl.DataFrame:
    authorise_cases(role)
    return read_frame(
        connection,
        select(m.ReviewNote.written_at, m.ReviewNote.author, m.ReviewNote.note)
        .where(m.ReviewNote.location_id == location_id)
        .order_by(m.ReviewNote.written_at.desc()),
        {"written_at": pl.Datetime, "author": pl.String, "note": pl.String},
    )


# ---------------------------------------------------------------- meeting view


@dataclass
class MeetingView:
    held_on: date
    since: date | None
    new_significant: pl.DataFrame
    new_locations: pl.DataFrame
    escalated_locations: pl.DataFrame
    blocked_cases: pl.DataFrame
    last_actions: pl.DataFrame


def meeting_view(connection: Connection, role: RoleScope, held_on: date) -> MeetingView:
    """What changed since the previous meeting, for the meeting held on ``held_on``."""
    authorise_cases(role)
    since = previous_meeting(connection, held_on) or add_months(held_on, -1)
    ra, rat = m.RiskAssessment, m.RiskAssessmentType
    types = (
        select(rat.assessment_id, _aggregate(connection, rat.exploitation_type).label("types"))
        .group_by(rat.assessment_id)
        .subquery()
    )
    agencies = (
        select(
            m.Referral.child_id,
            _aggregate(connection, m.Referral.referring_agency, distinct=True).label("agencies"),
        )
        .group_by(m.Referral.child_id)
        .subquery()
    )
    new_significant = read_frame(
        connection,
        select(m.Child.pseudo_id, ra.risk_level, types.c.types, m.Ward.name, agencies.c.agencies, ra.assessed_on)
        .join(m.Child, m.Child.id == ra.child_id)
        .outerjoin(types, types.c.assessment_id == ra.id)
        .outerjoin(agencies, agencies.c.child_id == ra.child_id)
        .join(m.AreaLookup, and_(m.AreaLookup.postcode_sector == ra.postcode_sector,
                                 m.AreaLookup.lsoa_code == ra.lsoa_code, m.AreaLookup.vintage == "2004"))
        .join(m.Ward, and_(m.Ward.vintage == "2004", m.Ward.code == m.AreaLookup.ward_code))
        .where(ra.risk_level == "significant", ra.assessed_on > since, ra.assessed_on <= held_on)
        .order_by(ra.assessed_on.desc()),
        {"pseudo_id": pl.String, "risk_level": pl.String, "types": pl.String, "ward": pl.String,
         "agencies": pl.String, "assessed_on": pl.Date},
    )  # fmt: skip
    all_locations = locations(connection, role)
    new_locations = all_locations.filter(
        (pl.col("first_reported") > since) & (pl.col("first_reported") <= held_on)
    )
    escalations = read_frame(
        connection,
        select(m.StatusChange.location_id, m.StatusChange.old_status, m.StatusChange.new_status,
               m.StatusChange.changed_on)
        .where(m.StatusChange.changed_on > since, m.StatusChange.changed_on <= held_on,
               m.StatusChange.old_status.is_not(None)),
        {"location_id": pl.Int64, "old_status": pl.String, "new_status": pl.String, "changed_on": pl.Date},
    ).filter(
        pl.col("new_status").replace_strict(STATUS_SEVERITY, default=0)
        > pl.col("old_status").replace_strict(STATUS_SEVERITY, default=0)
    )  # fmt: skip
    escalated = all_locations.join(escalations.rename({"location_id": "id"}), on="id", how="inner")
    bc = m.BlockedCase
    blocked = read_frame(
        connection,
        select(bc.id, m.Child.pseudo_id, bc.blockage, bc.opened_on, bc.version)
        .join(m.Child, m.Child.id == bc.child_id)
        .where(bc.opened_on <= held_on, or_(bc.closed_on.is_(None), bc.closed_on > held_on))
        .order_by(bc.opened_on),
        {"id": pl.Int64, "pseudo_id": pl.String, "blockage": pl.String, "opened_on": pl.Date, "version": pl.Int64},
    ).with_columns((pl.lit(held_on) - pl.col("opened_on")).dt.total_days().alias("days_open"))  # fmt: skip
    meeting_id = connection.execute(
        select(m.MaceMeeting.id).where(m.MaceMeeting.held_on == since)
    ).scalar()
    aa = m.AgreedAction
    last_actions = read_frame(
        connection,
        select(aa.id, aa.description, aa.owner_agency, aa.due_on, aa.status,
               m.LocationOfConcern.name.label("location"), m.Child.pseudo_id.label("case"))
        .outerjoin(m.LocationOfConcern, m.LocationOfConcern.id == aa.location_id)
        .outerjoin(bc, bc.id == aa.blocked_case_id)
        .outerjoin(m.Child, m.Child.id == bc.child_id)
        .where(aa.meeting_id == (meeting_id or -1))
        .order_by(aa.id),
        {"id": pl.Int64, "description": pl.String, "owner_agency": pl.String, "due_on": pl.Date,
         "status": pl.String, "location": pl.String, "case": pl.String},
    )  # fmt: skip
    return MeetingView(
        held_on, since, new_significant, new_locations, escalated, blocked, last_actions
    )


def _aggregate(connection: Connection, column, distinct: bool = False):  # noqa: ANN001, ANN202
    """Comma-joined values, in each dialect's own words."""
    if connection.dialect.name == "sqlite":
        return func.group_concat(column.distinct() if distinct else column)
    return func.string_agg(column.distinct() if distinct else column, ",")


# ---------------------------------------------------------------- writes


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
    return location_id
