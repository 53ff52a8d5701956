"""The risk aggregates: children at risk in each month and at each month end.

An assessment covers every month from its start to its close, so expanding it month by month is
a range join; in SQL that join visits every earlier assessment for every month (quadratic in
the months). Here each assessment is read once (with its ward, district and area in every
vintage) and expanded into its months with Polars, then written in bulk: the work is the size
of the answer. The rules are those of the event-level queries: at risk in a month when assessed
by its end and not closed before its start; at the month end when not closed by then.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Connection, and_, func, insert, or_, select

from data_access import models as m
from data_access.aggregate_tables import COUNT_TABLES, CohortTypeMonth, RiskPresence
from data_access.bulk import bulk_insert_tuples
from data_access.sql import read_frame
from domain.frames import month_index, month_label
from domain.months import month_end

PRESENCE_KEYS = ["month", "vintage", "child_id", "ward_code", "postcode_district", "risk_level",
                 "area_code"]  # fmt: skip


def assessments_with_place(connection: Connection, first: date, last: date) -> pl.DataFrame:
    """Every assessment overlapping the months, once per vintage, with its place."""
    ra, lookup, ward = m.RiskAssessment, m.AreaLookup, m.Ward
    statement = (
        select(ra.id, ra.child_id, ra.assessed_on, ra.closed_on, ra.risk_level, lookup.vintage,
               lookup.ward_code, lookup.postcode_district, ward.area_committee_code)
        .join(lookup, and_(lookup.postcode_sector == ra.postcode_sector,
                           lookup.lsoa_code == ra.lsoa_code))
        .join(ward, and_(ward.vintage == lookup.vintage, ward.code == lookup.ward_code))
        .where(ra.assessed_on <= month_end(last),
               or_(ra.closed_on.is_(None), ra.closed_on >= first))
    )  # fmt: skip
    schema = {"assessment_id": pl.Int64, "child_id": pl.Int64, "assessed_on": pl.Date,
              "closed_on": pl.Date, "risk_level": pl.String, "vintage": pl.String,
              "ward_code": pl.String, "postcode_district": pl.String, "area_code": pl.String}  # fmt: skip
    return read_frame(connection, statement, schema)


def rebuild_risk(connection: Connection, months: list[date]) -> None:
    """Presence, month-end cohort counts and counts by exploitation type for ``months``."""
    wanted = [mth.year * 12 + mth.month - 1 for mth in months]
    frame = assessments_with_place(connection, months[0], months[-1])
    if frame.is_empty():
        return
    expanded = (
        frame.with_columns(
            first_idx=pl.max_horizontal(month_index("assessed_on"), pl.lit(wanted[0])),
            close_idx=month_index("closed_on"),
        )
        .with_columns(
            last_idx=pl.min_horizontal(
                pl.col("close_idx").fill_null(wanted[-1]), pl.lit(wanted[-1])
            )
        )  # fmt: skip
        .with_columns(month_idx=pl.int_ranges("first_idx", pl.col("last_idx") + 1))
        .explode("month_idx")
        .filter(pl.col("month_idx").is_in(wanted))
        .with_columns(
            at_month_end=pl.col("close_idx").is_null()
            | (pl.col("month_idx") < pl.col("close_idx")),
            month=month_label(pl.col("month_idx")),
        )  # fmt: skip
    )
    presence = expanded.group_by(PRESENCE_KEYS).agg(pl.col("at_month_end").max())
    ends = presence.filter("at_month_end").group_by("vintage", "month", "child_id").len("groups")
    presence = presence.join(ends, on=["vintage", "month", "child_id"], how="left").with_columns(
        shared_end=pl.col("at_month_end") & (pl.col("groups").fill_null(0) > 1)
    )
    columns = [*PRESENCE_KEYS, "at_month_end", "shared_end"]
    bulk_insert_tuples(connection, RiskPresence.__table__, columns, presence.select(columns).rows())
    p = RiskPresence.__table__
    labels = [f"{i // 12}-{i % 12 + 1:02d}" for i in wanted]
    dims = [p.c.vintage, p.c.month, p.c.ward_code, p.c.postcode_district, p.c.risk_level,
            p.c.area_code]  # fmt: skip
    connection.execute(
        insert(COUNT_TABLES["cohort"][0].table).from_select(
            [c.name for c in dims] + ["children"],
            select(*dims, func.count())
            .where(p.c.month.in_(labels), p.c.at_month_end, ~p.c.shared_end)
            .group_by(*dims),
        )
    )
    _cohort_types(connection, expanded.filter("at_month_end"))


def _cohort_types(connection: Connection, at_end: pl.DataFrame) -> None:
    """Children at risk at each month end by exploitation type (distinct per group)."""
    types = m.RiskAssessmentType
    ids = at_end["assessment_id"].unique().to_list()
    found = []
    for start in range(0, len(ids), 20_000):
        chunk = ids[start : start + 20_000]
        found.append(read_frame(
            connection,
            select(types.assessment_id, types.exploitation_type).where(types.assessment_id.in_(chunk)),
            {"assessment_id": pl.Int64, "exploitation_type": pl.String},
        ))  # fmt: skip
    if not found:
        return
    keys = ["vintage", "month", "ward_code", "postcode_district", "risk_level",
            "exploitation_type", "area_code"]  # fmt: skip
    counted = (
        at_end.join(pl.concat(found), on="assessment_id")
        .group_by(keys)
        .agg(pl.col("child_id").n_unique().alias("children"))
    )
    bulk_insert_tuples(connection, CohortTypeMonth.__table__, [*keys, "children"],
                       counted.select(*keys, "children").rows())  # fmt: skip
