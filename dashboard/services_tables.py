"""Tables for the Services page, as people read them: words for codes, "c" for hidden counts,
percentages only where the count behind them is shown."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from dashboard.services_charts import shares
from domain.disclosure import SUPPRESSED_MARK, TOTAL
from domain.formatting import format_count
from domain.frames import thousands
from domain.services import AGE_BAND_LABELS, COVERAGE_FLAGS, GENDER_GROUPS, SERVICE_WHAT, SERVICES


def _count_text(value: pl.Expr, hidden: pl.Expr) -> pl.Expr:
    """Counts with thousands separators (native: no Python callback inside Polars), or "c"."""
    return pl.when(hidden).then(pl.lit(SUPPRESSED_MARK)).otherwise(thousands(value))


def profile_table(
    table: pl.DataFrame, dims: list[str], labels: Mapping[str, str], row_labels: Mapping[str, str]
) -> pl.DataFrame:
    """One row per category (and a Total), count and % for each group."""
    with_share = shares(table, dims)
    rows = table.filter(pl.col("population") != TOTAL).join(
        with_share.select("population", *dims, "share"), on=["population", *dims], how="left"
    )
    if len(dims) == 2:  # age band x gender: one row per both
        rows = rows.with_columns(
            pl.format("{}, {}", pl.col(dims[0]).replace(row_labels), pl.col(dims[1]).replace(
                {**GENDER_GROUPS, TOTAL: "all"})).alias("_row")
        )  # fmt: skip
    else:
        rows = rows.with_columns(pl.col(dims[0]).replace(row_labels).alias("_row"))
    out = None
    for group, label in labels.items():
        part = rows.filter(pl.col("population") == group).select(
            "_row",
            _count_text(pl.col("cases"), pl.col("suppressed")).alias(f"{label}: number"),
            pl.when(pl.col("share").is_null()).then(pl.lit(""))
            .otherwise(pl.col("share").round(1).cast(pl.String) + "%").alias(f"{label}: %"),
        )  # fmt: skip
        out = part if out is None else out.join(part, on="_row", how="full", coalesce=True)
    assert out is not None
    order = {name: i for i, name in enumerate(rows["_row"].unique(maintain_order=True).to_list())}
    return (
        out.with_columns(pl.col("_row").replace_strict(order, default=len(order)).alias("_o"))
        .sort("_o")
        .drop("_o")
        .rename({"_row": "Group"})
    )


def age_row_labels() -> dict[str, str]:
    return {**AGE_BAND_LABELS, TOTAL: "All ages"}


def coverage_table(flagged: pl.DataFrame, hidden: pl.DataFrame) -> pl.DataFrame:
    """Areas worst first: at risk, in a service, ratio, gap and the funnel's verdict; areas with a
    hidden count show "c" and no ratio, gap or verdict."""
    shown = flagged.select(
        pl.col("name").alias("Area"), pl.col("code").alias("Code"),
        thousands(pl.col("at_risk")).alias("At risk"),
        thousands(pl.col("in_service")).alias("In a service"),
        pl.col("ratio").round(0).cast(pl.Int64).cast(pl.String).alias("In a service per 100 at risk"),
        pl.col("gap").cast(pl.String).alias("Gap (at risk less in a service)"),
        pl.col("flag").replace_strict(COVERAGE_FLAGS, default="").alias("Against the district"),
    )  # fmt: skip
    if not hidden.height:
        return shown
    blanks = hidden.select(
        pl.col("name").alias("Area"), pl.col("code").alias("Code"),
        _count_text(pl.col("at_risk"), pl.col("at_risk_hidden")).alias("At risk"),
        _count_text(pl.col("in_service"), pl.col("in_service_hidden")).alias("In a service"),
        pl.lit("").alias("In a service per 100 at risk"),
        pl.lit("").alias("Gap (at risk less in a service)"),
        pl.lit("not shown: a number is hidden").alias("Against the district"),
    )  # fmt: skip
    return pl.concat([shown, blanks])


BRIEFING_HEADER = ["Service", "What it does", "Children in the service at the end: area",
                   "District", "Taken on in the 12 months: area", "District"]  # fmt: skip


def briefing_rows(table: pl.DataFrame | None) -> list[list[str]]:
    """The briefing's services slide from ``data_access.services.briefing_table`` (already
    suppressed as for a public meeting): one row per service and one for all four, "c" when a
    number is hidden."""

    def shown(measure: str, geo: str, service: str) -> str:
        if table is None:
            return ""
        row = table.filter(
            (pl.col("measure") == measure) & (pl.col("geo") == geo) & (pl.col("service") == service)
        )
        if not row.height or row["suppressed"].item():
            return SUPPRESSED_MARK
        return format_count(row["cases"].item())

    rows = []
    for code, name in [*SERVICES.items(), (TOTAL, "All four services")]:
        rows.append([
            name, SERVICE_WHAT.get(code, ""), shown("open_cases", "area", code),
            shown("open_cases", TOTAL, code), shown("new_cases", "area", code),
            shown("new_cases", TOTAL, code),
        ])  # fmt: skip
    return rows
