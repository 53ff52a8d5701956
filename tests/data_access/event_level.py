"""TEST ORACLE ONLY: the event-level queries the pages used before the monthly aggregates.

They scan every event on each call (the cost the aggregates remove), so nothing in the app may
call them; the tests compare each aggregate-backed query in ``data_access.queries`` with these,
to the child, on SQLite and PostgreSQL.

Events carry (postcode sector, LSOA); ``area_lookup`` turns that pair into a ward of the chosen
vintage and a postcode district, and ``ward`` gives the Area Committee. All values are bound
parameters: nothing a user picks is ever pasted into SQL text.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, and_, distinct, func, or_, select
from sqlalchemy.sql import ColumnElement

from data_access import models as m
from data_access.sql import Scope, in_scope, month_table, read_frame, year_month

GEOGRAPHY_COLUMNS = {"ward": "ward_code", "district": "postcode_district"}


def _joined_location(event):  # noqa: ANN001, ANN202 - an ORM class with sector/LSOA columns
    """Join conditions from an event table to the lookup and ward tables."""
    lookup, ward = m.AreaLookup, m.Ward
    on_lookup = and_(
        lookup.postcode_sector == event.postcode_sector,
        lookup.lsoa_code == event.lsoa_code,
    )
    on_ward = and_(ward.vintage == lookup.vintage, ward.code == lookup.ward_code)
    return on_lookup, on_ward


def _dimension(name: str, event, month_expr: ColumnElement | None) -> ColumnElement:  # noqa: ANN001
    columns = {
        "ward_code": m.AreaLookup.ward_code,
        "postcode_district": m.AreaLookup.postcode_district,
        "area_code": m.Ward.area_committee_code,
    }
    if name == "month":
        if month_expr is None:
            raise ValueError("month is not a dimension of this query")
        return month_expr
    if name in columns:
        return columns[name]
    if hasattr(event, name):
        return getattr(event, name)
    raise ValueError(f"unknown dimension {name!r}")


def _schema(by: Sequence[str], values: dict[str, pl.DataType]) -> dict[str, pl.DataType]:
    return {**{name: pl.String for name in by}, **values}


def cohort_counts(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Children at risk at each month end (distinct children with an open risk assessment)."""
    ra = m.RiskAssessment
    months = month_table(scope.start, scope.end)
    on_lookup, on_ward = _joined_location(ra)
    dims = [_dimension(name, ra, months.c.month).label(name) for name in by]
    statement = (
        select(*dims, func.count(distinct(ra.child_id)).label("children"))
        .select_from(months)
        .join(
            ra,
            and_(
                ra.assessed_on <= months.c.month_end,
                or_(ra.closed_on.is_(None), ra.closed_on > months.c.month_end),
            ),
        )
        .join(m.AreaLookup, and_(on_lookup, m.AreaLookup.vintage == scope.vintage))
        .join(m.Ward, on_ward)
        .where(*in_scope(scope, m.AreaLookup.ward_code, m.Ward.area_committee_code))
        .group_by(*dims)
        .order_by(*dims)
    )
    return read_frame(connection, statement, _schema(by, {"children": pl.Int64}))


def children_at_risk_in_period(
    connection: Connection, scope: Scope, by: Sequence[str], risk_level: str | None = None
) -> pl.DataFrame:
    """Distinct children at risk at any time in the scope's months (for multi-month views)."""
    ra = m.RiskAssessment
    on_lookup, on_ward = _joined_location(ra)
    dims = [_dimension(name, ra, None).label(name) for name in by]
    where = [
        ra.assessed_on < scope.end_exclusive,
        or_(ra.closed_on.is_(None), ra.closed_on >= scope.start),
        *in_scope(scope, m.AreaLookup.ward_code, m.Ward.area_committee_code),
    ]
    if risk_level:
        where.append(ra.risk_level == risk_level)
    statement = (
        select(*dims, func.count(distinct(ra.child_id)).label("children"))
        .select_from(ra)
        .join(m.AreaLookup, and_(on_lookup, m.AreaLookup.vintage == scope.vintage))
        .join(m.Ward, on_ward)
        .where(*where)
        .group_by(*dims)
        .order_by(*dims)
    )
    return read_frame(connection, statement, _schema(by, {"children": pl.Int64}))


def referral_counts(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Referrals received, grouped by any of month, ward, district, type, agency, outcome."""
    ref = m.Referral
    on_lookup, on_ward = _joined_location(ref)
    dims = [_dimension(name, ref, year_month(ref.referred_on)).label(name) for name in by]
    statement = (
        select(*dims, func.count().label("referrals"))
        .select_from(ref)
        .join(m.AreaLookup, and_(on_lookup, m.AreaLookup.vintage == scope.vintage))
        .join(m.Ward, on_ward)
        .where(
            ref.referred_on >= scope.start.replace(day=1),
            ref.referred_on < scope.end_exclusive,
            *in_scope(scope, m.AreaLookup.ward_code, m.Ward.area_committee_code),
        )
        .group_by(*dims)
        .order_by(*dims)
    )
    return read_frame(connection, statement, _schema(by, {"referrals": pl.Int64}))


def missing_counts(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Missing episodes started, and distinct children missing, grouped as asked."""
    ep = m.MissingEpisode
    on_lookup, on_ward = _joined_location(ep)
    dims = [_dimension(name, ep, year_month(ep.started_at)).label(name) for name in by]
    statement = (
        select(
            *dims,
            func.count().label("episodes"),
            func.count(distinct(ep.child_id)).label("children"),
        )
        .select_from(ep)
        .join(m.AreaLookup, and_(on_lookup, m.AreaLookup.vintage == scope.vintage))
        .join(m.Ward, on_ward)
        .where(
            ep.started_at >= scope.start_dt,
            ep.started_at < scope.end_dt,
            *in_scope(scope, m.AreaLookup.ward_code, m.Ward.area_committee_code),
        )
        .group_by(*dims)
        .order_by(*dims)
    )
    return read_frame(
        connection, statement, _schema(by, {"episodes": pl.Int64, "children": pl.Int64})
    )


def repeat_missing_by_month(
    connection: Connection, scope: Scope, min_episodes: int = 3, window_days: int = 90
) -> pl.DataFrame:
    """Children with ``min_episodes``+ episodes in the ``window_days`` to each month end."""
    ep = m.MissingEpisode
    months = month_table(scope.start, scope.end, window_days)
    on_lookup, on_ward = _joined_location(ep)
    per_child = (
        select(months.c.month, ep.child_id)
        .select_from(months)
        .join(
            ep,
            and_(ep.started_at >= months.c.window_start, ep.started_at < months.c.window_end),
        )
        .join(m.AreaLookup, and_(on_lookup, m.AreaLookup.vintage == scope.vintage))
        .join(m.Ward, on_ward)
        .where(*in_scope(scope, m.AreaLookup.ward_code, m.Ward.area_committee_code))
        .group_by(months.c.month, ep.child_id)
        .having(func.count() >= min_episodes)
        .subquery()
    )
    statement = (
        select(per_child.c.month, func.count().label("repeat_children"))
        .group_by(per_child.c.month)
        .order_by(per_child.c.month)
    )
    counted = read_frame(connection, statement, {"month": pl.String, "repeat_children": pl.Int64})
    all_months = pl.DataFrame(
        {"month": [row[0] for row in connection.execute(select(months.c.month))]}
    )
    return all_months.join(counted, on="month", how="left").with_columns(
        pl.col("repeat_children").fill_null(0)
    )


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


def missing_children_atoms(connection: Connection, periods: Sequence) -> dict:
    """The public release's missing-children atoms read from the events (the old path): each
    child once per period, in the ward of its first episode in it."""
    from domain.months import add_months
    from domain.release_space import ALL

    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    scope = Scope(start, end)
    ep, lookup = m.MissingEpisode, m.AreaLookup
    statement = (
        select(ep.child_id, ep.started_at, lookup.ward_code)
        .join(lookup, and_(lookup.postcode_sector == ep.postcode_sector,
                           lookup.lsoa_code == ep.lsoa_code, lookup.vintage == "2004"))
        .where(ep.started_at >= scope.start_dt, ep.started_at < scope.end_dt)
    )  # fmt: skip
    schema = {"child_id": pl.Int64, "started_at": pl.Datetime, "ward_code": pl.String}
    episodes = read_frame(connection, statement, schema)
    atoms = {}
    for period in periods:
        lo = pl.datetime(period.start.year, period.start.month, 1)
        after = add_months(period.end, 1)
        hi = pl.datetime(after.year, after.month, 1)
        first = (
            episodes.filter((pl.col("started_at") >= lo) & (pl.col("started_at") < hi))
            .sort("started_at", "ward_code")
            .group_by("child_id")
            .first()
            .group_by("ward_code")
            .len()
        )
        for ward, n in first.iter_rows():
            atoms[("missing_children", period.start, period.end, ward, ALL)] = int(n)
    return atoms
