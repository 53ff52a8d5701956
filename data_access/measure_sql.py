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
from domain.frames import mapped
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
    """A monthly series under the viewer's policy: ``month``, ``value`` (null where hidden),
    ``suppressed``.

    Each month is its own count and no total over the months is published: a year total is shown
    only when none of its months is hidden (:func:`domain.measures.period_totals`), and a
    by-ward total only when no month of the period is (:func:`protected_by_ward`). So exactly
    the months from 1 to 4 are hidden, the same months whatever range is on screen.
    """
    authorise_aggregate(connection, role, scope)
    full = series.select("month", "value")
    hidden = mapped(full["value"], role.policy.hides, pl.Boolean)
    return full.with_columns(hidden.fill_null(False).alias("suppressed")).with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("value")).alias("value")
    )


def months_only(table: pl.DataFrame) -> pl.DataFrame:
    return table.filter(pl.col("month") != TOTAL).select("month", "value", "suppressed")


def protected_by_ward(
    connection: Connection,
    role: RoleScope,
    scope: Scope,
    monthly: pl.DataFrame,
    ward_codes: Sequence[str],
    flow: bool = True,
) -> pl.DataFrame:
    """Totals over the scope's months by ward (from ``month``, ``ward_code``, ``value``) under
    the viewer's policy, with a Total row.

    For counts of events (``flow``) a ward's period total would give away a month hidden in that
    ward's own monthly series (total minus the months shown), and the Total a month hidden in the
    area's series: so those cells are hidden too, and the usual secondary suppression protects
    them. A month-end count (EHE) is one month: nothing more is needed.
    """
    authorise_aggregate(connection, role, scope, ("ward_code",))
    known = monthly.filter(pl.col("ward_code").is_in(list(ward_codes)))
    forced: list[tuple[str, ...]] = []
    if role.policy.suppress and flow:
        small = known.filter(mapped(known["value"], role.policy.hides, pl.Boolean).fill_null(False))
        forced = [(code,) for code in small["ward_code"].unique().to_list()]
        area = known.group_by("month").agg(pl.col("value").sum())
        if mapped(area["value"], role.policy.hides, pl.Boolean).any():
            forced.append((TOTAL,))
    totals = known.group_by("ward_code").agg(pl.col("value").sum())
    return suppress(totals, ["ward_code"], "value", role.policy, {"ward_code": list(ward_codes)},
                    force_hidden=forced)  # fmt: skip
