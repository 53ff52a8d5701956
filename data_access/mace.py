"""MACE data: hot-spot counts with denominators, locations of concern, the meeting view, and the
writes members make during the meeting. Everything here is for MACE members only.

Writes are validated, atomic (one transaction each), audited, and use optimistic concurrency:
a status change names the version it was made from, and fails with :class:`EditConflict` if
somebody else changed the record in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection, and_, func, or_, select

from data_access import models as m
from data_access import queries
from data_access.access import authorise_cases
from data_access.sql import Scope, read_frame
from domain.months import add_months, months_between
from domain.roles import RoleScope

STATUS_SEVERITY = {"closed": 0, "monitoring": 1, "open": 2}


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


def latest_notes(connection: Connection, role: RoleScope, limit: int = 15) -> pl.DataFrame:
    """The most recent review notes on any location: what the meeting is recording, live."""
    authorise_cases(role)
    note = m.ReviewNote
    return read_frame(
        connection,
        select(note.id, note.written_at, m.LocationOfConcern.name.label("location"), note.author,
               note.note)
        .join(m.LocationOfConcern, m.LocationOfConcern.id == note.location_id)
        .order_by(note.written_at.desc(), note.id.desc())
        .limit(limit),
        {"id": pl.Int64, "written_at": pl.Datetime, "location": pl.String, "author": pl.String,
         "note": pl.String},
    )  # fmt: skip


def actions_agreed_at(connection: Connection, role: RoleScope, held_on: date) -> pl.DataFrame:
    """Actions recorded against the meeting held on ``held_on`` (as the meeting agrees them)."""
    authorise_cases(role)
    aa, bc = m.AgreedAction, m.BlockedCase
    return read_frame(
        connection,
        select(aa.id, aa.description, aa.owner_agency, aa.due_on, aa.status,
               m.LocationOfConcern.name.label("location"), m.Child.pseudo_id.label("case"),
               aa.created_by)
        .join(m.MaceMeeting, m.MaceMeeting.id == aa.meeting_id)
        .outerjoin(m.LocationOfConcern, m.LocationOfConcern.id == aa.location_id)
        .outerjoin(bc, bc.id == aa.blocked_case_id)
        .outerjoin(m.Child, m.Child.id == bc.child_id)
        .where(m.MaceMeeting.held_on == held_on)
        .order_by(aa.id),
        {"id": pl.Int64, "description": pl.String, "owner_agency": pl.String, "due_on": pl.Date,
         "status": pl.String, "location": pl.String, "case": pl.String, "created_by": pl.String},
    )  # fmt: skip


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
