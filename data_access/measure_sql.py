"""Counting dated records whose place is optional (education, modern slavery, disruption).

Unlike referrals, these records may have no postcode: they are outer-joined to the ward lookup,
so a record with no place still counts in district totals (its ward is null) and drops out as
soon as an area or a ward is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, and_, func, select
from sqlalchemy.sql import ColumnElement

from data_access import models as m
from data_access.access import authorise_aggregate
from data_access.sql import Scope, in_scope, read_frame, year_month
from domain.disclosure import TOTAL, suppress
from domain.measures import month_labels
from domain.roles import RoleScope

PLACE_DIMENSIONS = ("ward_code", "area_code", "postcode_district")


def dated_counts(
    connection: Connection,
    scope: Scope,
    model,  # noqa: ANN001 - an ORM class with lsoa_code / postcode_sector columns
    day: ColumnElement,
    by: Sequence[str],
    value: ColumnElement | None = None,
    where: Sequence[ColumnElement] = (),
) -> pl.DataFrame:
    """Records per ``by`` (month, ward_code, area_code, postcode_district or a column of
    ``model``) dated in the scope's months; ``value`` defaults to counting rows."""
    lookup, ward = m.AreaLookup, m.Ward
    columns = {
        "month": year_month(day),
        "ward_code": lookup.ward_code,
        "area_code": ward.area_committee_code,
        "postcode_district": lookup.postcode_district,
    }
    dims = [(columns[n] if n in columns else getattr(model, n)).label(n) for n in by]
    statement = (
        select(*dims, (value if value is not None else func.count()).label("value"))
        .select_from(model)
        .outerjoin(
            lookup,
            and_(
                lookup.postcode_sector == model.postcode_sector,
                lookup.lsoa_code == model.lsoa_code,
                lookup.vintage == scope.vintage,
            ),
        )
        .outerjoin(ward, and_(ward.vintage == lookup.vintage, ward.code == lookup.ward_code))
        .where(
            day >= scope.start.replace(day=1),
            day < scope.end_exclusive,
            *in_scope(scope, lookup.ward_code, ward.area_committee_code),
            *where,
        )
        .group_by(*dims)
        .order_by(*dims)
    )
    schema = {**{n: pl.String for n in by}, "value": pl.Int64}
    return read_frame(connection, statement, schema)


def full_months(frame: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """``month``, ``value``: every month of the scope, zero where nothing was recorded."""
    labels = month_labels(scope.start, scope.end)
    summed = frame.group_by("month").agg(pl.col("value").sum())
    return (
        pl.DataFrame({"month": labels})
        .join(summed, on="month", how="left")
        .with_columns(pl.col("value").fill_null(0).cast(pl.Int64))
        .sort("month")
    )


def protected_series(
    connection: Connection, role: RoleScope, scope: Scope, series: pl.DataFrame
) -> pl.DataFrame:
    """A monthly series under the viewer's disclosure policy: ``month``, ``value`` (null where
    hidden), ``suppressed``, plus the scope's ``Total`` row (hidden if it would give one away)."""
    authorise_aggregate(connection, role, scope)
    return suppress(
        series, ["month"], "value", role.policy, {"month": month_labels(scope.start, scope.end)}
    )


def months_only(table: pl.DataFrame) -> pl.DataFrame:
    return table.filter(pl.col("month") != TOTAL).select("month", "value", "suppressed")


def protected_by_ward(
    connection: Connection,
    role: RoleScope,
    scope: Scope,
    frame: pl.DataFrame,
    ward_codes: Sequence[str],
    total_hidden: bool = False,
) -> pl.DataFrame:
    """Values by ward (``ward_code``, ``value``) under the viewer's policy, with a Total row.

    ``total_hidden`` forces the Total hidden when the same number is hidden elsewhere on the
    page (a monthly series' total over the same months), so it cannot be read here instead.
    """
    authorise_aggregate(connection, role, scope, ("ward_code",))
    known = frame.filter(pl.col("ward_code").is_in(list(ward_codes)))
    return suppress(
        known.select("ward_code", "value"),
        ["ward_code"],
        "value",
        role.policy,
        {"ward_code": list(ward_codes)},
        force_hidden=[(TOTAL,)] if total_hidden else (),
    )
