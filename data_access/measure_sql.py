"""Counting dated records whose place is optional (education, modern slavery, disruption).

Unlike referrals, these records may have no postcode: a record with no place still counts in
district totals (its ward is null) and drops out as soon as an area or a ward is asked for.
Counts are read from the monthly aggregate ``agg_dated_month`` (``aggregates_dated``).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, func, select

from data_access.access import authorise_aggregate
from data_access.aggregate_tables import smallest_table
from data_access.aggregates_dated import NO_PLACE
from data_access.sql import Scope, in_scope, read_frame
from domain.disclosure import TOTAL, suppress
from domain.frames import mapped
from domain.measures import month_labels
from domain.roles import RoleScope

PLACE_DIMENSIONS = ("ward_code", "area_code", "postcode_district")


def dated_counts(
    connection: Connection,
    scope: Scope,
    source: str,
    by: Sequence[str],
    category: str | None = None,
) -> pl.DataFrame:
    """Records of ``source`` ("cme", "msht", "disruption") per ``by`` (month, ward_code,
    area_code, postcode_district, or any other name for the record's category: "measure",
    "activity_type") dated in the scope's months, as ``value``; only ``category`` if given.
    Read from the monthly aggregate: a record with no place has no ward, district or area."""
    needed = {"source", "category"} | {n for n in by if n in PLACE_DIMENSIONS}
    needed |= {n for n, used in (("area_code", scope.area_code), ("ward_code", scope.ward_code))
               if used}  # fmt: skip
    table = smallest_table("dated", needed).table
    dims = []
    for name in by:
        if name == "month":
            dims.append(table.c.month.label(name))
        elif name in PLACE_DIMENSIONS:
            dims.append(func.nullif(table.c[name], NO_PLACE).label(name))
        else:
            dims.append(table.c.category.label(name))
    where = [table.c.vintage == scope.vintage, table.c.source == source,
             table.c.month.between(scope.start.strftime("%Y-%m"), scope.end.strftime("%Y-%m")),
             *in_scope(scope, table.c.get("ward_code"), table.c.get("area_code"))]  # fmt: skip
    if category:
        where.append(table.c.category == category)
    statement = select(*dims, func.sum(table.c.records).label("value")).where(*where)
    if dims:
        statement = statement.group_by(*dims).order_by(*dims)
    schema = {**{n: pl.String for n in by}, "value": pl.Int64}
    frame = read_frame(connection, statement, schema)
    if not dims:  # one total row, 0 when nothing was recorded
        return frame.with_columns(pl.col("value").fill_null(0))
    return frame


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
