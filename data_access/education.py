"""Education (report 2.22): children missing education referred to the LA, and children
electively home educated at month ends; monthly, by ward where the extract has it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from sqlalchemy import Connection, and_, func, select

from data_access import models as m
from data_access.measure_sql import (
    dated_counts,
    full_months,
    months_only,
    protected_by_ward,
    protected_series,
)
from data_access.sql import Scope, in_scope, read_frame
from domain.roles import RoleScope


def cme_counts(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """CME referrals received (``referrals``) and, of them, whereabouts found (``found``)."""
    referrals = dated_counts(connection, scope, "cme", by, category="referrals")
    found = dated_counts(connection, scope, "cme", by, category="found")
    return (
        referrals.rename({"value": "referrals"})
        .join(found.rename({"value": "found"}), on=list(by), how="left", nulls_equal=True)
        .with_columns(pl.col("found").fill_null(0))
    )


def ehe_counts(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Children registered as EHE at each month end (``value``); wards are the 2004 set."""
    ehe, ward = m.EheCount, m.Ward
    dims = []
    for name in by:
        if name == "ward_code":
            dims.append(func.nullif(ehe.ward_code, "").label("ward_code"))
        elif name == "area_code":
            dims.append(ward.area_committee_code.label("area_code"))
        elif name != "month":
            raise ValueError(f"EHE counts have no dimension {name!r}")
    statement = (
        select(ehe.month, *dims, func.sum(ehe.registered).label("value"))
        .select_from(ehe)
        .outerjoin(ward, and_(ward.vintage == "2004", ward.code == ehe.ward_code))
        .where(
            ehe.month >= scope.start.replace(day=1),
            ehe.month <= scope.end,
            *in_scope(scope, ehe.ward_code, ward.area_committee_code),
        )
        .group_by(ehe.month, *dims)
        .order_by(ehe.month, *dims)
    )
    schema = {"month": pl.Date, **{n: pl.String for n in by if n != "month"}, "value": pl.Int64}
    frame = read_frame(connection, statement, schema).with_columns(
        pl.col("month").dt.strftime("%Y-%m")
    )
    return frame.select(*by, "value") if "month" in by else frame.drop("month")


def education_counts(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Every education measure in one long frame: ``*by``, ``measure``, ``value``."""
    cme = cme_counts(connection, scope, by)
    parts = [
        cme.select(*by, pl.lit("cme_referrals").alias("measure"), pl.col("referrals").alias("value")),
        cme.select(*by, pl.lit("cme_whereabouts_found").alias("measure"), pl.col("found").alias("value")),
        ehe_counts(connection, scope, by).select(*by, pl.lit("ehe_registered").alias("measure"), "value"),
    ]  # fmt: skip
    return pl.concat(parts).sort(*by, "measure")


def first_month(connection: Connection) -> date | None:
    """The earliest month with any monthly education figure (CME or EHE after its January-only
    history), so pages and exports start where the data do."""
    cme = connection.execute(select(func.min(m.CmeReferral.referred_on))).scalar()
    return cme.replace(day=1) if cme else None


def ehe_januaries(connection: Connection, role: RoleScope, area_code: str | None) -> pl.DataFrame:
    """EHE registered each January from the first on record (2016 in the demo): ``year``,
    ``value``, ``suppressed`` (the report's yearly comparisons)."""
    first = connection.execute(select(func.min(m.EheCount.month))).scalar()
    last = connection.execute(select(func.max(m.EheCount.month))).scalar()
    if first is None:
        return pl.DataFrame(
            schema={"month": pl.String, "value": pl.Int64, "suppressed": pl.Boolean}
        )
    scope = Scope(first, last, area_code=area_code)
    series = ehe_counts(connection, scope, ("month",)).filter(pl.col("month").str.ends_with("-01"))
    table = protected_series(connection, role, scope, series)
    return months_only(table).filter(pl.col("month").is_in(series["month"].to_list()))


def series(connection: Connection, role: RoleScope, scope: Scope, measure: str) -> pl.DataFrame:
    """One measure month by month under the viewer's policy, with the scope's Total row."""
    if measure == "ehe_registered":
        raw = ehe_counts(connection, scope, ("month",))
    else:
        column = "referrals" if measure == "cme_referrals" else "found"
        raw = cme_counts(connection, scope, ("month",)).select(
            "month", pl.col(column).alias("value")
        )
    return protected_series(connection, role, scope, full_months(raw, scope))


def by_ward(
    connection: Connection, role: RoleScope, scope: Scope, measure: str, ward_codes: Sequence[str]
) -> pl.DataFrame:
    """One measure by ward: CME over the scope's months, EHE at the scope's last month end."""
    if measure == "ehe_registered":
        at_end = Scope(scope.end, scope.end, scope.vintage, scope.area_code, scope.ward_code)
        raw = ehe_counts(connection, at_end, ("month", "ward_code"))
        return protected_by_ward(connection, role, at_end, raw, ward_codes, flow=False)
    column = "referrals" if measure == "cme_referrals" else "found"
    raw = cme_counts(connection, scope, ("month", "ward_code"))
    return protected_by_ward(connection, role, scope,
                             raw.select("month", "ward_code", pl.col(column).alias("value")), ward_codes)  # fmt: skip


def release_atoms(connection: Connection, scope: Scope) -> pl.DataFrame:
    """The public-tier counts as atoms ``month``, ``ward_code``, ``category``, ``count`` for the
    jointly protected public release (issue 10): raw, unsuppressed; never shown as they are."""
    frame = education_counts(connection, scope, ("month", "ward_code"))
    return frame.select("month", "ward_code", pl.col("measure").alias("category"),
                        pl.col("value").alias("count"))  # fmt: skip


def export_frame(connection: Connection, scope: Scope) -> pl.DataFrame:
    """``education_by_month.csv``: month, measure, ward_code (blank when unknown), value."""
    frame = education_counts(connection, scope, ("month", "ward_code"))
    return frame.select("month", "measure", "ward_code", "value").sort(
        "month", "measure", "ward_code"
    )
