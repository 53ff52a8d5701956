"""Every query the pages need. Aggregation happens in SQL; results come back as Polars frames.

Counts of events and children come from the monthly aggregates (``aggregate_queries``), already
resolved to ward, postcode district and Area Committee, so no page query scans the events. All
values are bound parameters: nothing a user picks is ever pasted into SQL text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import polars as pl
from sqlalchemy import Connection, and_, func, literal, select

from data_access import aggregate_queries
from data_access import models as m
from data_access.aggregates import REPEAT_MIN_EPISODES, REPEAT_WINDOW_DAYS
from data_access.sql import Scope, read_frame

GEOGRAPHY_COLUMNS = {"ward": "ward_code", "district": "postcode_district"}


def cohort_counts(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Children at risk at each month end (distinct children with an open risk assessment)."""
    return aggregate_queries.cohort(connection, scope, by)


def children_at_risk_in_period(
    connection: Connection, scope: Scope, by: Sequence[str], risk_level: str | None = None
) -> pl.DataFrame:
    """Distinct children at risk at any time in the scope's months (for multi-month views)."""
    return aggregate_queries.at_risk_in_period(connection, scope, by, risk_level)


def referral_counts(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Referrals received, grouped by any of month, ward, district, type, agency, outcome."""
    return aggregate_queries.referrals(connection, scope, by)


def missing_counts(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Missing episodes started, and distinct children missing, grouped as asked."""
    return aggregate_queries.missing(connection, scope, by)


def repeat_missing_by_month(
    connection: Connection,
    scope: Scope,
    min_episodes: int = REPEAT_MIN_EPISODES,
    window_days: int = REPEAT_WINDOW_DAYS,
) -> pl.DataFrame:
    """Children with ``min_episodes``+ episodes in the ``window_days`` to each month end."""
    if window_days != REPEAT_WINDOW_DAYS or min_episodes < REPEAT_MIN_EPISODES:
        raise ValueError(
            f"the aggregates keep {REPEAT_MIN_EPISODES}+ episodes in {REPEAT_WINDOW_DAYS} days"
        )
    counted = aggregate_queries.repeat_missing(connection, scope, min_episodes)
    return complete_months(counted, scope, {"repeat_children": 0})


def metric_by_area(
    connection: Connection,
    scope: Scope,
    metric: str,
    geography: str,
    risk_level: str | None = None,
) -> pl.DataFrame:
    """One value per ward or postcode district for the map: columns ``code`` and ``value``.

    A single month shows children at risk at that month end; a range shows distinct children at
    risk at any time in it. Events are counted once, in the area where they happened.
    """
    dim = GEOGRAPHY_COLUMNS[geography]
    if metric == "children_at_risk":
        single_month = scope.start.replace(day=1) == scope.end.replace(day=1)
        if single_month:
            frame = cohort_counts(connection, scope, [dim, "risk_level"])
            if risk_level:
                frame = frame.filter(pl.col("risk_level") == risk_level)
            frame = frame.group_by(dim).agg(pl.col("children").sum())
        else:
            frame = children_at_risk_in_period(connection, scope, [dim], risk_level)
        value = "children"
    elif metric == "referrals":
        frame, value = referral_counts(connection, scope, [dim]), "referrals"
    elif metric == "missing_episodes":
        frame, value = missing_counts(connection, scope, [dim]), "episodes"
    elif metric == "missing_children":
        frame, value = missing_counts(connection, scope, [dim]), "children"
    else:
        raise ValueError(f"unknown metric {metric!r}")
    return frame.select(pl.col(dim).alias("code"), pl.col(value).alias("value"))


def monthly_metric(
    connection: Connection,
    scope: Scope,
    metric: str,
    geography: str | None = None,
    code: str | None = None,
) -> pl.DataFrame:
    """A monthly series (``month``, ``value``) of one metric, optionally for one ward/district."""
    where_dim = GEOGRAPHY_COLUMNS.get(geography or "")
    by = ["month", where_dim] if where_dim else ["month"]
    if metric == "children_at_risk":
        frame, value = cohort_counts(connection, scope, by), "children"
    elif metric == "referrals":
        frame, value = referral_counts(connection, scope, by), "referrals"
    elif metric in ("missing_episodes", "missing_children"):
        frame = missing_counts(connection, scope, by)
        value = "episodes" if metric == "missing_episodes" else "children"
    else:
        raise ValueError(f"unknown metric {metric!r}")
    if where_dim and code:
        frame = frame.filter(pl.col(where_dim) == code)
    frame = frame.group_by("month").agg(pl.col(value).sum().alias("value"))
    return complete_months(frame, scope, {"value": 0})


def complete_months(frame: pl.DataFrame, scope: Scope, fill: dict[str, int]) -> pl.DataFrame:
    """Every month of the scope present (true zeros where nothing happened), in order."""
    from domain.months import months_between

    labels = [mth.strftime("%Y-%m") for mth in months_between(scope.start, scope.end)]
    full = pl.DataFrame({"month": labels}).join(frame, on="month", how="left")
    return full.with_columns([pl.col(c).fill_null(v) for c, v in fill.items()]).sort("month")


def wards(connection: Connection, vintage: str = "2004") -> pl.DataFrame:
    """Wards of a vintage with their Area Committee: code, name, area_code, area_name."""
    statement = (
        select(
            m.Ward.code,
            m.Ward.name,
            m.Ward.area_committee_code.label("area_code"),
            m.AreaCommittee.name.label("area_name"),
        )
        .join(m.AreaCommittee, m.AreaCommittee.code == m.Ward.area_committee_code)
        .where(m.Ward.vintage == vintage)
        .order_by(m.Ward.name)
    )
    schema = {"code": pl.String, "name": pl.String, "area_code": pl.String, "area_name": pl.String}
    return read_frame(connection, statement, schema)


def districts_in_area(connection: Connection, area_code: str, vintage: str = "2004") -> list[str]:
    """Postcode districts with any postcode in the area's wards (districts do not nest in areas)."""
    statement = (
        select(m.AreaLookup.postcode_district)
        .join(
            m.Ward,
            and_(m.Ward.vintage == m.AreaLookup.vintage, m.Ward.code == m.AreaLookup.ward_code),
        )
        .where(m.AreaLookup.vintage == vintage, m.Ward.area_committee_code == area_code)
        .distinct()
        .order_by(m.AreaLookup.postcode_district)
    )
    return [row[0] for row in connection.execute(statement)]


def ward_vintages(connection: Connection) -> pl.DataFrame:
    """Ward sets loaded in the store, the default first."""
    statement = select(m.WardVintage.vintage, m.WardVintage.description).order_by(
        m.WardVintage.is_default.desc(), m.WardVintage.vintage
    )
    return read_frame(connection, statement, {"vintage": pl.String, "description": pl.String})


def boundary_layers(connection: Connection) -> list[tuple[str, str, str]]:
    """(level, vintage, GeoJSON) of every layer loaded at run time."""
    rows = connection.execute(
        select(m.BoundaryLayer.level, m.BoundaryLayer.vintage, m.BoundaryLayer.geojson)
    ).all()
    return [tuple(row) for row in rows]


def area_committees(connection: Connection) -> pl.DataFrame:
    statement = select(m.AreaCommittee.code, m.AreaCommittee.name).order_by(m.AreaCommittee.name)
    return read_frame(connection, statement, {"code": pl.String, "name": pl.String})


def dataset_info(connection: Connection) -> dict[str, str]:
    """Facts about the loaded data set (``is_synthetic``, ``data_as_of``, …)."""
    return dict(connection.execute(select(m.DatasetInfo.key, m.DatasetInfo.value)).all())


def timeline_events(connection: Connection) -> pl.DataFrame:
    statement = select(m.TimelineEvent.event_on, m.TimelineEvent.label).order_by(
        m.TimelineEvent.event_on
    )
    return read_frame(connection, statement, {"event_on": pl.Date, "label": pl.String})


def action_status(connection: Connection, as_of: date) -> pl.DataFrame:
    """Each strategic action with its latest update on or before ``as_of``."""
    upd = m.ActionUpdate
    latest = (
        select(upd.action_id, func.max(upd.updated_on).label("updated_on"))
        .where(upd.updated_on <= as_of)
        .group_by(upd.action_id)
        .subquery()
    )
    act, obj = m.StrategicAction, m.StrategicObjective
    statement = (
        select(
            obj.number.label("objective_number"),
            obj.title.label("objective"),
            act.id.label("action_id"),
            act.title.label("action"),
            act.lead_agency,
            act.due_on,
            func.coalesce(upd.status, literal("on_track")).label("status"),
            func.coalesce(upd.progress_pct, literal(0)).label("progress_pct"),
            latest.c.updated_on.label("last_update"),
            upd.note,
        )
        .select_from(act)
        .join(obj, obj.number == act.objective_number)
        .outerjoin(latest, latest.c.action_id == act.id)
        .outerjoin(upd, and_(upd.action_id == act.id, upd.updated_on == latest.c.updated_on))
        .order_by(obj.number, act.id)
    )
    schema = {
        "objective_number": pl.Int64,
        "objective": pl.String,
        "action_id": pl.Int64,
        "action": pl.String,
        "lead_agency": pl.String,
        "due_on": pl.Date,
        "status": pl.String,
        "progress_pct": pl.Int64,
        "last_update": pl.Date,
        "note": pl.String,
    }
    frame = read_frame(connection, statement, schema)
    return frame.with_columns(
        overdue=(pl.col("due_on") < as_of) & (pl.col("status") != "done"),
    )


def rag_by_quarter(connection: Connection, quarter_ends: Sequence[date]) -> pl.DataFrame:
    """Count of actions by status at each quarter end (status = latest update by then)."""
    frames = []
    for quarter_end in quarter_ends:
        status = action_status(connection, quarter_end)
        started = status.filter(pl.col("last_update").is_not_null())
        frames.append(
            started.group_by("status")
            .len("actions")
            .with_columns(quarter_end=pl.lit(quarter_end))
            .select("quarter_end", "status", pl.col("actions").cast(pl.Int64))
        )
    return pl.concat(frames).sort("quarter_end", "status") if frames else pl.DataFrame()


def data_from(connection: Connection) -> date:
    """First month the loaded data cover (earlier months are unknown, not zero)."""
    info = dataset_info(connection)
    if "data_from" in info:
        return date.fromisoformat(info["data_from"])
    earliest = connection.execute(select(func.min(m.Referral.referred_on))).scalar()
    if isinstance(earliest, datetime):
        earliest = earliest.date()
    return (earliest or date(2019, 1, 1)).replace(day=1)


def data_as_of(connection: Connection) -> date:
    """The date the loaded data run to (from the data set, else the latest event)."""
    info = dataset_info(connection)
    if "data_as_of" in info:
        return date.fromisoformat(info["data_as_of"])
    latest = connection.execute(select(func.max(m.Referral.referred_on))).scalar()
    if isinstance(latest, datetime):
        return latest.date()
    return latest or date.today() - timedelta(days=1)
