"""The at-risk cohort's profile (gender, age, ethnicity) for any period, read without counting
children one by one.

A child counts once in a period's profile, at the age of its first month at risk in the period
(in the place asked for). That first month is the period's start S if the child was at risk
then; otherwise it is the month k in (S, E] when the child came (back) to risk whose previous
month at risk, ``prev``, was before S. So the table holds, per month and place, the children at
risk (``kind`` "present") and the children coming (back) to risk with their previous month
(``kind`` "entry"); a period's profile is "present at S" plus "entries after S with prev < S".

``prev`` depends on earlier months, so a refresh rebuilds this table from the first month it
touches to the end, from every assessment (read once, in one pass).
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Connection, delete, extract, select

from data_access import models as m
from data_access.aggregate_tables import RiskProfileMonth
from data_access.aggregates_risk import assessments_with_place
from data_access.bulk import bulk_insert_tuples
from data_access.sql import read_frame
from domain.frames import month_index, month_label

UNKNOWN_AGE = -1  # stored for a child with no birth month (shown as no age)
# The Services page asks for the district or an Area Committee area (a ward's profile is counted
# from the presence table: wards would triple this table for a view no page offers).
LEVELS = {"district": [], "area": ["area_code"]}
COLUMNS = ["vintage", "month", "place_level", "place_code", "kind", "prev", "gender", "age",
           "ethnicity", "children"]  # fmt: skip


def rebuild_profile(connection: Connection, first: date | None, covered: tuple[date, date]) -> None:
    """Rebuild the profile rows from ``first`` (all months when None) to the last covered month.

    Every assessment is read once (a child's previous month at risk may lie anywhere before),
    expanded into the months it covers (at risk in a month when assessed by its end and not
    closed before its start, as the presence table), and only the months from ``first`` are
    written."""
    table = RiskProfileMonth.__table__
    label = first.strftime("%Y-%m") if first else None
    connection.execute(delete(table).where(table.c.month >= label) if label else delete(table))
    start, end = (mth.year * 12 + mth.month - 1 for mth in covered)
    assessments = assessments_with_place(connection, covered[0], covered[1])
    if assessments.is_empty():
        return
    at_risk = (
        assessments.with_columns(
            first_idx=pl.max_horizontal(month_index("assessed_on"), pl.lit(start)),
            last_idx=pl.min_horizontal(month_index("closed_on").fill_null(end), pl.lit(end)),
        )
        .filter(pl.col("last_idx") >= pl.col("first_idx"))
        .select("vintage", "child_id", "ward_code", "area_code",
                month=pl.int_ranges("first_idx", pl.col("last_idx") + 1))
        .explode("month")
        .unique()
    )  # fmt: skip
    from_idx = first.year * 12 + first.month - 1 if first else start
    frames = [_level_rows(at_risk, level, places, from_idx) for level, places in LEVELS.items()]
    child, ra = m.Child, m.RiskAssessment
    children = read_frame(  # only children ever assessed; birth year and month as numbers
        connection,
        select(child.id, child.sex, extract("year", child.birth_month),
               extract("month", child.birth_month), child.ethnicity)
        .where(child.id.in_(select(ra.child_id))),
        {"child_id": pl.Int64, "gender": pl.String, "birth_year": pl.Int64,
         "birth_month": pl.Int64, "ethnicity": pl.String},
    )  # fmt: skip
    rows = pl.concat(frames).join(children, on="child_id").with_columns(
        age=((pl.col("month") // 12 - pl.col("birth_year"))
             - ((pl.col("month") % 12 + 1) < pl.col("birth_month")).cast(pl.Int64))
        .fill_null(UNKNOWN_AGE).cast(pl.Int64),
    )  # fmt: skip
    keys = ["vintage", "month", "place_level", "place_code", "gender", "age", "ethnicity"]
    present = (
        rows.group_by(keys)
        .agg(pl.len().alias("children"))
        .with_columns(kind=pl.lit("present"), prev=pl.lit(""))
    )
    entries = (
        rows.filter(pl.col("prev").is_null() | (pl.col("prev") != pl.col("month") - 1))
        .with_columns(prev=pl.when(pl.col("prev").is_null()).then(pl.lit(""))
                      .otherwise(month_label(pl.col("prev"))))
        .group_by([*keys, "prev"])
        .agg(pl.len().alias("children"))
        .with_columns(kind=pl.lit("entry"))
    )  # fmt: skip
    both = (
        pl.concat([present.select(COLUMNS), entries.select(COLUMNS)])
        .with_columns(month=month_label(pl.col("month")))
        .sort(COLUMNS[:9])  # the primary key's order: appended, not scattered, in the b-tree
    )
    bulk_insert_tuples(connection, table, COLUMNS, both.rows())


def _level_rows(
    at_risk: pl.DataFrame, level: str, places: list[str], from_idx: int
) -> pl.DataFrame:
    """Each child at risk in each month (index) and place of ``level`` from ``from_idx``, with
    its previous month at risk in that place (null if none)."""
    keys = ["vintage", "child_id", *places]
    frame = at_risk.select(*keys, "month").unique().sort([*keys, "month"])
    same = pl.all_horizontal(pl.col(k) == pl.col(k).shift(1) for k in keys)
    frame = frame.with_columns(prev=pl.when(same).then(pl.col("month").shift(1)))
    code = pl.col(places[0]) if places else pl.lit("")
    return frame.filter(pl.col("month") >= from_idx).select(
        "vintage", "month", "child_id", "prev",
        pl.lit(level).alias("place_level"), code.alias("place_code"),
    )  # fmt: skip
