"""Modern slavery and human trafficking (report 2.23): recorded offences, National Referral
Mechanism referrals of children and partnership-intelligence submissions, by month and by ward
where located, and the six-week comparison the report makes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from sqlalchemy import Connection, and_, select

from data_access import models as m
from data_access.access import authorise_aggregate
from data_access.measure_sql import dated_counts, full_months, protected_by_ward, protected_series
from data_access.sql import Scope, in_scope
from domain.measures import MSHT_MEASURES, ONE_DAY, SIX_WEEKS, partial_month_counts, window_counts
from domain.roles import RoleScope


def msht_counts(connection: Connection, scope: Scope, by: Sequence[str]) -> pl.DataFrame:
    """Records per ``by`` (any of month, ward_code, area_code, measure) as ``value``."""
    return dated_counts(connection, scope, "msht", by)


def series(connection: Connection, role: RoleScope, scope: Scope, measure: str) -> pl.DataFrame:
    """One measure month by month under the viewer's policy, with the scope's Total row."""
    raw = msht_counts(connection, scope, ("month", "measure")).filter(pl.col("measure") == measure)
    return protected_series(connection, role, scope, full_months(raw, scope))


def by_ward(
    connection: Connection, role: RoleScope, scope: Scope, measure: str, ward_codes: Sequence[str]
) -> pl.DataFrame:
    """One measure by ward over the scope's months, under the viewer's policy."""
    raw = msht_counts(connection, scope, ("month", "ward_code", "measure")).filter(
        pl.col("measure") == measure
    )
    return protected_by_ward(
        connection, role, scope, raw.select("month", "ward_code", "value"), ward_codes
    )


def six_week_change(
    connection: Connection,
    role: RoleScope,
    end: date,
    measure: str = "intelligence_submissions",
    area_code: str | None = None,
) -> tuple[int | None, int | None]:
    """Records in the six weeks to ``end`` and in the six weeks before (the report's 12 → 24).

    Under a public policy a count from 1 to 4 comes back as None (shown as "c").
    """
    scope = Scope((end - 2 * SIX_WEEKS).replace(day=1), end, area_code=area_code)
    authorise_aggregate(connection, role, scope)
    record = m.MshtRecord
    statement = (
        select(record.recorded_on)
        .select_from(record)
        .outerjoin(m.AreaLookup, and_(
            m.AreaLookup.postcode_sector == record.postcode_sector,
            m.AreaLookup.lsoa_code == record.lsoa_code, m.AreaLookup.vintage == scope.vintage))
        .outerjoin(m.Ward, and_(m.Ward.vintage == m.AreaLookup.vintage,
                                m.Ward.code == m.AreaLookup.ward_code))
        .where(record.measure == measure, record.recorded_on <= end,
               record.recorded_on > end - 2 * SIX_WEEKS,
               *in_scope(scope, m.AreaLookup.ward_code, m.Ward.area_committee_code))
    )  # fmt: skip
    days = [row[0] for row in connection.execute(statement)]
    previous, current = window_counts(days, end)
    if not role.policy.suppress:
        return previous, current
    # Months are published too: a window's part-month is its count minus the whole months in it,
    # so a window is hidden when that part (or the window itself) is from 1 to 4.
    hides = role.policy.hides
    shown = []
    for count, (first, last) in ((previous, (end - 2 * SIX_WEEKS + ONE_DAY, end - SIX_WEEKS)),
                                 (current, (end - SIX_WEEKS + ONE_DAY, end))):  # fmt: skip
        parts = partial_month_counts(days, first, last)
        shown.append(None if hides(count) or any(hides(n) for n in parts) else count)
    return shown[0], shown[1]


def release_atoms(connection: Connection, scope: Scope) -> pl.DataFrame:
    """Public-tier atoms ``month``, ``ward_code``, ``category``, ``count`` for the jointly
    protected public release (issue 10); raw and unsuppressed."""
    frame = msht_counts(connection, scope, ("month", "ward_code", "measure"))
    return frame.select("month", "ward_code", pl.col("measure").alias("category"),
                        pl.col("value").alias("count"))  # fmt: skip


def export_frame(connection: Connection, scope: Scope) -> pl.DataFrame:
    """``msht_by_month.csv``: month, measure, ward_code (blank where not located), value."""
    frame = msht_counts(connection, scope, ("month", "ward_code", "measure"))
    order = {code: index for index, code in enumerate(MSHT_MEASURES)}
    return (
        frame.with_columns(
            pl.col("measure").replace_strict(order, return_dtype=pl.Int64).alias("o")
        )
        .sort("month", "o", "ward_code", nulls_last=True)
        .select("month", "measure", "ward_code", "value")
    )
