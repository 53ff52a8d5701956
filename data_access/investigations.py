"""Disrupt and prosecute (strategic objective 5; report 2.17, Operation Dalesway): non-recent
CSE investigations by stage at each month end, and disruption activity.

Case-level rows are for MACE members only; everyone else gets counts by stage, and an Area
Committee (a public meeting) never sees a count from 1 to 4.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Connection, select

from data_access import models as m
from data_access.access import authorise_aggregate, authorise_cases
from data_access.measure_sql import dated_counts
from data_access.sql import Scope, read_frame
from domain.disclosure import suppress
from domain.frames import mapped, mapped_rows
from domain.measures import (
    DISRUPTION_TYPES,
    INVESTIGATION_STAGES,
    PIPELINE_STAGES,
    financial_year,
    month_labels,
    pipeline_stage,
    stage_at_month_ends,
)
from domain.months import months_between, parse_month
from domain.roles import RoleScope

UPDATE_SCHEMA = {
    "investigation": pl.String,
    "opened_on": pl.Date,
    "updated_on": pl.Date,
    "stage": pl.String,
    "cps_lawyer_allocated": pl.Boolean,
    "victim_disclosure": pl.Boolean,
    "suspects": pl.Int64,
    "suspects_charged": pl.Int64,
    "indictments": pl.Int64,
    "victims_engaged": pl.Int64,
}
STAGE_VALUES = ("investigations", "suspects", "suspects_charged", "indictments", "victims_engaged")


def _updates(connection: Connection) -> pl.DataFrame:
    inv, upd = m.Investigation, m.InvestigationUpdate
    statement = (
        select(inv.reference, inv.opened_on, upd.updated_on, upd.stage, upd.cps_lawyer_allocated,
               upd.victim_disclosure, upd.suspects, upd.suspects_charged, upd.indictments,
               upd.victims_engaged)
        .join(inv, inv.id == upd.investigation_id)
        .order_by(inv.reference, upd.updated_on, upd.id)
    )  # fmt: skip
    return read_frame(connection, statement, UPDATE_SCHEMA)


def _at_month_ends(connection: Connection, scope: Scope) -> pl.DataFrame:
    rows = stage_at_month_ends(_updates(connection), months_between(scope.start, scope.end))
    return rows.with_columns(
        mapped_rows(rows, ["stage", "cps_lawyer_allocated", "victim_disclosure"], pipeline_stage,
                    "pipeline")
    )  # fmt: skip


def stage_counts(connection: Connection, scope: Scope) -> pl.DataFrame:
    """Every month end x stage (zeros included): investigations, suspects, indictments (known
    ones), victims engaged, and among them how many have a CPS lawyer or are at disclosure."""
    rows = _at_month_ends(connection, scope)
    grid = pl.DataFrame(
        [(month, stage) for month in month_labels(scope.start, scope.end) for stage in INVESTIGATION_STAGES],
        schema={"month": pl.String, "stage": pl.String}, orient="row",
    )  # fmt: skip
    counts = rows.group_by("month", "stage").agg(
        pl.len().cast(pl.Int64).alias("investigations"),
        pl.col("suspects").sum().cast(pl.Int64),
        pl.col("suspects_charged").sum().cast(pl.Int64),
        pl.col("indictments").sum().cast(pl.Int64),
        pl.col("victims_engaged").sum().cast(pl.Int64),
        pl.col("cps_lawyer_allocated").sum().cast(pl.Int64).alias("with_cps_lawyer"),
        pl.col("victim_disclosure").sum().cast(pl.Int64).alias("at_victim_disclosure"),
    )
    values = [c for c in counts.columns if c not in ("month", "stage")]
    return (
        grid.join(counts, on=["month", "stage"], how="left")
        .with_columns([pl.col(c).fill_null(0) for c in values])
        .select("month", "stage", *values)
    )


def pipeline_table(connection: Connection, role: RoleScope, scope: Scope) -> pl.DataFrame:
    """Investigations at each month end by stage: ``month``, ``stage``, ``investigations``
    (null where hidden), ``suppressed``.

    Strategic leads and MACE see the live cases split three ways (victim disclosure, under
    investigation, CPS lawyer allocated). A public viewer sees the five stages only, each count
    from 1 to 4 hidden, and no totals: none is published anywhere, so hiding the small cells
    alone protects them (a total beside them would force a second, larger cell to be hidden).
    """
    authorise_aggregate(connection, role, Scope(scope.start, scope.end))
    rows = _at_month_ends(connection, scope)
    public = role.policy.suppress
    column, labels = ("stage", INVESTIGATION_STAGES) if public else ("pipeline", PIPELINE_STAGES)
    grid = pl.DataFrame(
        [(month, code) for month in month_labels(scope.start, scope.end) for code in labels],
        schema={"month": pl.String, "stage": pl.String}, orient="row",
    )  # fmt: skip
    counts = rows.group_by("month", pl.col(column).alias("stage")).agg(
        pl.len().cast(pl.Int64).alias("investigations")
    )
    table = grid.join(counts, on=["month", "stage"], how="left").with_columns(
        pl.col("investigations").fill_null(0)
    )
    hidden = mapped(table["investigations"], role.policy.hides, pl.Boolean)
    return table.with_columns(hidden.alias("suppressed")).with_columns(
        pl.when(pl.col("suppressed"))
        .then(None)
        .otherwise(pl.col("investigations"))
        .alias("investigations")
    )


def stage_summary(connection: Connection, role: RoleScope, month: date) -> pl.DataFrame:
    """At one month end, per stage (and a Total): suspects, suspects charged, indictments and,
    except in public, investigations and victims engaged. A public viewer gets each column
    suppressed on its own; the investigation counts are in :func:`pipeline_table` instead."""
    scope = Scope(month, month)
    authorise_aggregate(connection, role, scope)
    counts = stage_counts(connection, scope)
    public = role.policy.suppress
    values = ("suspects", "suspects_charged", "indictments") if public else STAGE_VALUES
    table = None
    for value in values:
        part = suppress(counts.select("stage", value), ["stage"], value, role.policy,
                        {"stage": list(INVESTIGATION_STAGES)})  # fmt: skip
        part = part.select("stage", value, pl.col("suppressed").alias(f"{value}_suppressed"))
        table = part if table is None else table.join(part, on="stage", how="left")
    return table


def case_table(connection: Connection, role: RoleScope, month: date) -> pl.DataFrame:
    """Each investigation's position at a month end, by police reference (MACE members only)."""
    authorise_cases(role)
    rows = _at_month_ends(connection, Scope(month, month))
    return rows.select("investigation", "opened_on", "updated_on", "stage", "pipeline",
                       "cps_lawyer_allocated", "victim_disclosure", "suspects", "suspects_charged",
                       "indictments", "victims_engaged").sort(
        pl.col("pipeline").replace_strict({c: i for i, c in enumerate(PIPELINE_STAGES)}, default=99),
        "investigation")  # fmt: skip


def disruption_counts(connection: Connection, scope: Scope, by: tuple[str, ...]) -> pl.DataFrame:
    """Disruption activities per ``by`` (month, ward_code, area_code, activity_type)."""
    return dated_counts(connection, scope, "disruption", by)


def quarter_of(month: str) -> str:
    """'2020-08' → '2020 Q3' (calendar quarters)."""
    return f"{month[:4]} Q{(int(month[5:7]) - 1) // 3 + 1}"


def disruption_table(
    connection: Connection, role: RoleScope, scope: Scope, period: str = "quarter"
) -> pl.DataFrame:
    """Disruption activity per calendar quarter (or financial year) and type, suppressed for
    the viewer: ``period``, ``activity_type``, ``activities``, ``suppressed`` with Totals."""
    authorise_aggregate(connection, role, scope)
    monthly = disruption_counts(connection, scope, ("month", "activity_type"))
    label = quarter_of if period == "quarter" else (lambda m: financial_year(parse_month(m)))
    periods = sorted({label(m) for m in month_labels(scope.start, scope.end)})
    counts = (
        monthly.with_columns(mapped(monthly["month"], label).alias("period"))
        .group_by("period", "activity_type")
        .agg(pl.col("value").sum().alias("activities"))
    )  # fmt: skip
    levels = {"period": periods, "activity_type": list(DISRUPTION_TYPES)}
    return suppress(counts, ["period", "activity_type"], "activities", role.policy, levels)


def release_atoms(connection: Connection, scope: Scope) -> pl.DataFrame:
    """Public-tier atoms ``month``, ``ward_code``, ``category``, ``count`` (issue 10's joint
    release): investigations by stage at month ends (district-wide, no ward) and disruption
    activity by type; raw and unsuppressed."""
    stages = stage_counts(connection, scope).select(
        "month", pl.lit(None, dtype=pl.String).alias("ward_code"),
        ("investigations_" + pl.col("stage")).alias("category"),
        pl.col("investigations").alias("count"),
    )  # fmt: skip
    activity = disruption_counts(connection, scope, ("month", "ward_code", "activity_type")).select(
        "month", "ward_code", ("disruption_" + pl.col("activity_type")).alias("category"),
        pl.col("value").alias("count"),
    )  # fmt: skip
    return pl.concat([stages, activity])


def export_frame(connection: Connection, scope: Scope) -> pl.DataFrame:
    """``investigations_by_month.csv``: month (at month end), stage, investigations, suspects,
    indictments, and victims engaged, CPS-lawyer and victim-disclosure counts."""
    return stage_counts(connection, scope).select(
        "month", "stage", "investigations", "suspects", "indictments", "suspects_charged",
        "victims_engaged", "with_cps_lawyer", "at_victim_disclosure",
    )  # fmt: skip
