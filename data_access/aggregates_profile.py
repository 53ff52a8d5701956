"""The at-risk cohort's profile (gender, age, ethnicity) for any period, read without counting
children one by one.

A child counts once in a period's profile, at the age of its first month at risk in the period
(in the place asked for). That first month is the period's start S if the child was at risk
then; otherwise it is the month k in (S, E] when the child came (back) to risk whose previous
month at risk, ``prev``, was before S. So the table holds, per month and place, the children at
risk (``kind`` "present") and the children coming (back) to risk with their previous month
(``kind`` "entry"); a period's profile is "present at S" plus "entries after S with prev < S".

``prev`` depends on earlier months, so a refresh rebuilds this table from the first month it
touches to the end (each child's last month at risk before that is read from the presence table).
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Connection, delete, func, select

from data_access import models as m
from data_access.aggregate_tables import RiskPresence, RiskProfileMonth
from data_access.bulk import bulk_insert_tuples
from data_access.sql import read_frame

UNKNOWN_AGE = -1  # stored for a child with no birth month (shown as no age)
LEVELS = {"district": [], "area": ["area_code"], "ward": ["ward_code"]}
COLUMNS = ["vintage", "month", "place_level", "place_code", "kind", "prev", "gender", "age",
           "ethnicity", "children"]  # fmt: skip


def _index(label: pl.Expr) -> pl.Expr:
    return label.str.slice(0, 4).cast(pl.Int32) * 12 + label.str.slice(5, 2).cast(pl.Int32) - 1


def rebuild_profile(connection: Connection, first: date | None) -> None:
    """Rebuild the profile rows from ``first`` (all months when None) to the last month."""
    table, p = RiskProfileMonth.__table__, RiskPresence.__table__
    label = first.strftime("%Y-%m") if first else None
    connection.execute(delete(table).where(table.c.month >= label) if label else delete(table))
    where = [p.c.month >= label] if label else []
    presence = read_frame(
        connection,
        select(p.c.vintage, p.c.month, p.c.child_id, p.c.ward_code, p.c.area_code)
        .where(*where).distinct(),
        {"vintage": pl.String, "month": pl.String, "child_id": pl.Int64, "ward_code": pl.String,
         "area_code": pl.String},
    )  # fmt: skip
    if presence.is_empty():
        return
    before = None
    if label:  # each child's last month at risk before the rebuilt months, per ward
        before = read_frame(
            connection,
            select(p.c.vintage, p.c.child_id, p.c.ward_code, p.c.area_code,
                   func.max(p.c.month).label("last_before"))
            .where(p.c.month < label)
            .group_by(p.c.vintage, p.c.child_id, p.c.ward_code, p.c.area_code),
            {"vintage": pl.String, "child_id": pl.Int64, "ward_code": pl.String,
             "area_code": pl.String, "last_before": pl.String},
        )  # fmt: skip
    child = m.Child
    children = read_frame(
        connection,
        select(child.id, child.sex, child.birth_month, child.ethnicity)
        .where(child.id.in_(select(p.c.child_id).where(*where).distinct())),
        {"child_id": pl.Int64, "gender": pl.String, "birth_month": pl.Date,
         "ethnicity": pl.String},
    )  # fmt: skip
    frames = [_level_rows(presence, before, level, places) for level, places in LEVELS.items()]
    rows = pl.concat(frames).join(children, on="child_id")
    idx = _index(pl.col("month"))
    rows = rows.with_columns(
        age=((idx // 12 - pl.col("birth_month").dt.year())
             - ((idx % 12 + 1) < pl.col("birth_month").dt.month()).cast(pl.Int32))
        .fill_null(UNKNOWN_AGE).cast(pl.Int64),
    )  # fmt: skip
    keys = ["vintage", "month", "place_level", "place_code", "gender", "age", "ethnicity"]
    present = (
        rows.group_by(keys)
        .agg(pl.len().alias("children"))
        .with_columns(kind=pl.lit("present"), prev=pl.lit(""))
    )
    entries = (
        rows.filter(pl.col("prev").is_null() | (_index(pl.col("prev")) != idx - 1))
        .with_columns(pl.col("prev").fill_null(""))
        .group_by([*keys, "prev"])
        .agg(pl.len().alias("children"))
        .with_columns(kind=pl.lit("entry"))
    )
    both = pl.concat([present.select(COLUMNS), entries.select(COLUMNS)])
    bulk_insert_tuples(connection, table, COLUMNS, both.rows())


def _level_rows(
    presence: pl.DataFrame, before: pl.DataFrame | None, level: str, places: list[str]
) -> pl.DataFrame:
    """Each child at risk in each month and place of ``level``, with its previous month at risk
    in that place (null if none)."""
    keys = ["vintage", "child_id", *places]
    frame = (
        presence.select("vintage", "month", "child_id", *places)
        .unique()
        .sort([*keys, "month"])
        .with_columns(prev=pl.col("month").shift(1).over(keys))
    )
    if before is not None:
        last = before.group_by(keys).agg(pl.col("last_before").max())
        frame = frame.join(last, on=keys, how="left").with_columns(
            pl.coalesce("prev", "last_before").alias("prev")
        )
    code = pl.col(places[0]) if places else pl.lit("")
    return frame.select(
        "vintage", "month", "child_id", "prev",
        pl.lit(level).alias("place_level"), code.alias("place_code"),
    )  # fmt: skip
