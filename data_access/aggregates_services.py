"""The service aggregates: cases taken on in each month and cases (and children) open at each
month end, by service, delivery, provider, the child's recorded profile and place.

As with the risk cohort, a case is open over a range of months, so each case is read once (in
every boundary vintage, with its ward, district and area) and expanded into its months with
Polars; the work is the size of the answer. The rules are the event-level ones: a case is new in
the month it started, and open at a month end when it started by then and was not closed by
then. A case whose address is withheld, or whose place has no ward in a vintage, has ward and
area "" and postcode district "confidential": it counts in district totals only.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Connection, and_, or_, select

from data_access import models as m
from data_access.aggregate_tables import (
    COUNT_TABLES,
    PLACE,
    SERVICE_CASE,
    SERVICE_PROFILE,
    ServicePresence,
)
from data_access.bulk import bulk_insert_tuples
from data_access.sql import read_frame
from domain.frames import month_index, month_label
from domain.months import month_end
from domain.services import CONFIDENTIAL

DIMS = [*PLACE, *SERVICE_CASE, *SERVICE_PROFILE]
UNPLACED = ""  # the ward and area of a case with no ward in a vintage


def _cases(connection: Connection, first: date, last: date) -> pl.DataFrame:
    """Every case new in, or open at the end of, one of the months, once per vintage, placed."""
    sc = m.ServiceCase
    cases = read_frame(
        connection,
        select(sc.child_id, sc.service, sc.delivery, sc.provider, sc.started_on, sc.closed_on,
               sc.age_at_start, sc.gender, sc.ethnicity, sc.postcode_sector, sc.lsoa_code)
        .where(sc.started_on <= month_end(last),
               or_(sc.closed_on.is_(None), sc.closed_on >= first, sc.started_on >= first)),
        {"child_id": pl.Int64, "service": pl.String, "delivery": pl.String,
         "provider": pl.String, "started_on": pl.Date, "closed_on": pl.Date, "age": pl.Int64,
         "gender": pl.String, "ethnicity": pl.String, "postcode_sector": pl.String,
         "lsoa_code": pl.String},
    )  # fmt: skip
    lookup, ward = m.AreaLookup, m.Ward
    places = read_frame(
        connection,
        select(lookup.vintage, lookup.postcode_sector, lookup.lsoa_code, lookup.ward_code,
               lookup.postcode_district, ward.area_committee_code)
        .outerjoin(ward, and_(ward.vintage == lookup.vintage, ward.code == lookup.ward_code)),
        {"vintage": pl.String, "postcode_sector": pl.String, "lsoa_code": pl.String,
         "ward_code": pl.String, "postcode_district": pl.String, "area_code": pl.String},
    )  # fmt: skip
    vintages = read_frame(
        connection, select(m.WardVintage.vintage), {"vintage": pl.String}
    )  # fmt: skip
    return (
        cases.join(vintages, how="cross")
        .join(places, on=["vintage", "postcode_sector", "lsoa_code"], how="left")
        .with_columns(
            pl.col("ward_code").fill_null(UNPLACED),
            pl.col("area_code").fill_null(UNPLACED),
            pl.col("postcode_district").fill_null(CONFIDENTIAL),
        )
    )


def rebuild_services(connection: Connection, months: list[date], measures: set[str]) -> None:
    """New cases (``service_new``) and open cases and children (``service_open``) for ``months``;
    children open in more than one group at a month end go to the presence table instead."""
    wanted = [mth.year * 12 + mth.month - 1 for mth in months]
    frame = _cases(connection, months[0], months[-1])
    if frame.is_empty():
        return
    frame = frame.with_columns(
        start_idx=month_index("started_on"), close_idx=month_index("closed_on")
    )
    keys = ["vintage", "month", *DIMS]
    if "service_new" in measures:
        new = (
            frame.filter(pl.col("start_idx").is_in(wanted))
            .with_columns(month=month_label(pl.col("start_idx")))
            .group_by(keys)
            .agg(pl.len().alias("cases"))
        )
        bulk_insert_tuples(connection, COUNT_TABLES["service_new"][0].table, [*keys, "cases"],
                           new.select(*keys, "cases").rows())  # fmt: skip
    if "service_open" in measures:
        _rebuild_open(connection, frame, wanted, keys)


def _rebuild_open(connection: Connection, frame: pl.DataFrame, wanted: list[int],
                  keys: list[str]) -> None:  # fmt: skip
    # Open at the end of month i: started by then (start_idx <= i) and closed in a later month.
    per_child = (
        frame.with_columns(
            first_idx=pl.max_horizontal("start_idx", pl.lit(wanted[0])),
            last_idx=pl.min_horizontal(
                (pl.col("close_idx") - 1).fill_null(wanted[-1]), pl.lit(wanted[-1])
            ),
        )
        .filter(pl.col("last_idx") >= pl.col("first_idx"))
        .with_columns(month_idx=pl.int_ranges("first_idx", pl.col("last_idx") + 1))
        .explode("month_idx")
        .filter(pl.col("month_idx").is_in(wanted))
        .with_columns(month=month_label(pl.col("month_idx")))
        .group_by([*keys, "child_id"])
        .agg(pl.len().alias("cases"))
        .with_columns(groups=pl.len().over("vintage", "month", "child_id"))
    )
    counts = per_child.group_by(keys).agg(
        pl.col("cases").sum(), (pl.col("groups") == 1).sum().cast(pl.Int64).alias("children")
    )
    bulk_insert_tuples(connection, COUNT_TABLES["service_open"][0].table,
                       [*keys, "cases", "children"],
                       counts.select(*keys, "cases", "children").rows())  # fmt: skip
    shared = per_child.filter(pl.col("groups") > 1).select(*keys, "child_id")
    bulk_insert_tuples(connection, ServicePresence.__table__, [*keys, "child_id"], shared.rows())
