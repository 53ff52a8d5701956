"""Reading the monthly aggregates: the counts every page asks for, from tables of a few thousand
rows, whatever the number of events.

Counts that add up (referrals, episodes, children in exactly one group that month) are summed
from the smallest count table that has the dimensions asked for. Distinct children over several
months, and the few children in more than one group in a month, are counted from the child ×
month presence tables. Together they give the event-level answer to the child (the tests check).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, Table, distinct, func, select
from sqlalchemy.sql import ColumnElement

from data_access.aggregate_tables import (
    MissingPresence,
    MissingWindow,
    RepeatMissingMonth,
    RiskPresence,
    smallest_table,
)
from data_access.aggregates import REPEAT_MIN_EPISODES
from data_access.sql import Scope, read_frame

GEOGRAPHIC = {"ward_code", "postcode_district", "area_code"}


def _labels(scope: Scope) -> tuple[str, str]:
    return scope.start.strftime("%Y-%m"), scope.end.strftime("%Y-%m")


def single_month(scope: Scope) -> bool:
    return _labels(scope)[0] == _labels(scope)[1]


def _where(table: Table, scope: Scope) -> list[ColumnElement]:
    """Vintage, month range and the scope's area or ward, on any aggregate table."""
    first, last = _labels(scope)
    clauses = [table.c.vintage == scope.vintage, table.c.month.between(first, last)]
    if scope.area_code:
        clauses.append(table.c.area_code == scope.area_code)
    if scope.ward_code:
        clauses.append(table.c.ward_code == scope.ward_code)
    return clauses


def _needed(scope: Scope, by: Sequence[str]) -> set[str]:
    needed = {name for name in by if name != "month"}
    if scope.area_code:
        needed.add("area_code")
    if scope.ward_code:
        needed.add("ward_code")
    return needed


def _check(by: Sequence[str], allowed: set[str]) -> None:
    unknown = [name for name in by if name not in allowed | GEOGRAPHIC | {"month"}]
    if unknown:
        raise ValueError(f"unknown dimension {unknown[0]!r}")


def summed(
    connection: Connection, measure: str, scope: Scope, by: Sequence[str], values: Sequence[str]
) -> pl.DataFrame:
    """Sums of ``values`` over ``by`` from the smallest count table of ``measure`` that has them."""
    table = smallest_table(measure, _needed(scope, by)).table
    dims = [table.c[name].label(name) for name in by]
    sums = [func.coalesce(func.sum(table.c[value]), 0).label(value) for value in values]
    statement = (
        select(*dims, *sums).where(*_where(table, scope)).group_by(*dims).order_by(*dims)
        if by
        else select(*sums).where(*_where(table, scope))
    )
    schema = {**{name: pl.String for name in by}, **{value: pl.Int64 for value in values}}
    return read_frame(connection, statement, schema)


def distinct_children(
    connection: Connection, presence: Table, scope: Scope, by: Sequence[str], *where: ColumnElement
) -> pl.DataFrame:
    """Distinct children over ``by`` from a presence table (``children`` column)."""
    dims = [presence.c[name].label(name) for name in by]
    children = func.count(distinct(presence.c.child_id)).label("children")
    statement = select(*dims, children).where(*_where(presence, scope), *where)
    if by:
        statement = statement.group_by(*dims).order_by(*dims)
    schema = {**{name: pl.String for name in by}, "children": pl.Int64}
    return read_frame(connection, statement, schema)


def _add_children(base: pl.DataFrame, extra: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """``base`` with ``extra``'s children added group by group (groups only in ``extra`` too)."""
    if extra.is_empty():
        return base
    if not by:
        return base.with_columns(pl.col("children") + extra["children"].sum())
    columns = base.columns
    merged = base.join(extra.rename({"children": "_extra"}), on=list(by), how="full", coalesce=True)
    filled = merged.with_columns(
        pl.col(c).fill_null(0) for c in columns if c not in by and c != "children"
    )
    return (
        filled.with_columns(
            children=pl.col("children").fill_null(0) + pl.col("_extra").fill_null(0)
        )
        .select(columns)
        .sort(list(by))
    )


def cohort(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Children at risk at month ends over ``by`` (distinct across months when ``month`` is not
    one of ``by`` and the scope spans several)."""
    _check(by, {"risk_level"})
    p = RiskPresence.__table__
    if "month" in by or single_month(scope):
        counted = summed(connection, "cohort", scope, by, ["children"])
        shared = distinct_children(connection, p, scope, by, p.c.at_month_end, p.c.shared_end)
        return _add_children(counted, shared, by)
    return distinct_children(connection, p, scope, by, p.c.at_month_end)


def at_risk_in_period(
    connection: Connection, scope: Scope, by: Sequence[str], risk_level: str | None
) -> pl.DataFrame:
    """Distinct children at risk at any time in the scope's months."""
    _check(by, {"risk_level"})
    p = RiskPresence.__table__
    where = [p.c.risk_level == risk_level] if risk_level else []
    return distinct_children(connection, p, scope, by, *where)


def referrals(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    _check(by, {"exploitation_type", "referring_agency", "outcome"})
    return summed(connection, "referrals", scope, by, ["referrals"])


def missing(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Episodes started and distinct children missing over ``by``."""
    _check(by, {"placement_type"})
    p = MissingPresence.__table__
    if "month" in by or single_month(scope):
        counted = summed(connection, "missing", scope, by, ["episodes", "children"])
        shared = distinct_children(connection, p, scope, by, p.c.shared)
        return _add_children(counted, shared, by)
    episodes = summed(connection, "missing", scope, by, ["episodes"])
    children = distinct_children(connection, p, scope, by)
    if not by:
        return episodes.with_columns(children=children["children"])
    return episodes.join(children, on=list(by), how="left").with_columns(
        pl.col("children").fill_null(0)
    )


def repeat_missing(connection: Connection, scope: Scope, min_episodes: int) -> pl.DataFrame:
    """Per month (``month``, ``repeat_children``): children with ``min_episodes``+ episodes in
    the trailing window, counting only episodes in the scope's area. At the kept threshold this
    reads the per-place counts (a few rows a month); above it, the window table."""
    if min_episodes == REPEAT_MIN_EPISODES:
        return _repeat_counts(connection, scope)
    w = MissingWindow.__table__
    per_child = (
        select(w.c.month, w.c.child_id)
        .where(*_where(w, scope))
        .group_by(w.c.month, w.c.child_id)
        .having(func.sum(w.c.episodes) >= min_episodes)
        .subquery()
    )
    statement = (
        select(per_child.c.month, func.count().label("repeat_children"))
        .group_by(per_child.c.month)
        .order_by(per_child.c.month)
    )
    return read_frame(connection, statement, {"month": pl.String, "repeat_children": pl.Int64})


def _repeat_counts(connection: Connection, scope: Scope) -> pl.DataFrame:
    r = RepeatMissingMonth.__table__
    first, last = _labels(scope)
    clauses = [r.c.vintage == scope.vintage, r.c.month.between(first, last)]
    if scope.ward_code:
        clauses += [r.c.place_level == "ward", r.c.place_code == scope.ward_code]
        if scope.area_code:
            clauses.append(r.c.area_code == scope.area_code)
    elif scope.area_code:
        clauses += [r.c.place_level == "area", r.c.place_code == scope.area_code]
    else:
        clauses.append(r.c.place_level == "district")
    statement = (
        select(r.c.month, r.c.repeat_children.label("repeat_children"))
        .where(*clauses)
        .order_by(r.c.month)
    )
    return read_frame(connection, statement, {"month": pl.String, "repeat_children": pl.Int64})
