"""Tables shown under charts and downloaded as CSV: one row per month, one column per category."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from domain.disclosure import SUPPRESSED_MARK, TOTAL
from domain.frames import mapped
from domain.vocab import EXPLOITATION_TYPES, RISK_LEVELS


def wide_table(
    frame: pl.DataFrame,
    category: str,
    value: str,
    labels: Mapping[str, str],
    index: str = "month",
    index_label: str = "Month",
) -> pl.DataFrame:
    """Pivot to one column per category, in vocabulary order, headed with people's words.

    Categories with no rows still get a column of zeros, and a Total column closes each row, so
    the table reads the same month after month.
    """
    if frame.height:
        wide = frame.pivot(on=category, index=index, values=value).sort(index)
    else:
        wide = pl.DataFrame(schema={index: pl.String})
    for code in labels:
        if code not in wide.columns:
            wide = wide.with_columns(pl.lit(0, dtype=pl.Int64).alias(code))
    wide = wide.with_columns([pl.col(code).fill_null(0) for code in labels])
    wide = wide.select(index, *labels).with_columns(
        pl.sum_horizontal(*labels).alias("Total") if labels else pl.lit(0).alias("Total")
    )
    return wide.rename({index: index_label, **dict(labels)})


def series_table(frame: pl.DataFrame, keep: pl.Expr | None = None) -> pl.DataFrame:
    """A monthly series with its 3-month average and last year's value, headed in words."""
    from domain.trends import with_rolling_average, with_same_month_last_year

    table = with_same_month_last_year(with_rolling_average(frame))
    if keep is not None:
        table = table.filter(keep)
    return table.select(
        pl.col("month").alias("Month"),
        pl.col("value").alias("Value"),
        pl.col("rolling_avg").round(1).alias("3-month average"),
        pl.col("last_year").alias("Same month last year"),
    )


def split_table(
    table: pl.DataFrame, row_dim: str, col_dim: str, value: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """From a suppressed table: interior cells (row, category, value) for the bars, and the row
    totals (``month``/row, ``value``) for the lines. Hidden values stay null."""
    rows = table.filter(pl.col(row_dim) != TOTAL)
    cells = rows.filter(pl.col(col_dim) != TOTAL).select(row_dim, col_dim, value)
    totals = rows.filter(pl.col(col_dim) == TOTAL).select(row_dim, pl.col(value).alias("value"))
    return cells, totals.sort(row_dim)


def suppressed_wide(
    table: pl.DataFrame,
    row_dim: str,
    col_dim: str,
    value: str,
    labels: Mapping[str, str],
    row_label: str = "Month",
    keep: pl.Expr | None = None,
) -> pl.DataFrame:
    """A suppressed table as people read it: one row per month, one column per category and a
    Total, with "c" wherever a number is hidden (numbers stay numbers when nothing is)."""
    rows = table.filter(pl.col(row_dim) != TOTAL)
    if keep is not None:
        rows = rows.filter(keep)
    any_hidden = bool(rows["suppressed"].any()) if rows.height else False
    shown = rows.with_columns(
        pl.when(pl.col("suppressed"))
        .then(pl.lit(SUPPRESSED_MARK))
        .otherwise(pl.col(value).cast(pl.String))
        .alias(value)
        if any_hidden
        else pl.col(value)
    )
    columns = [*labels, TOTAL]
    wide = shown.pivot(on=col_dim, index=row_dim, values=value).sort(row_dim)
    for code in columns:
        if code not in wide.columns:
            wide = wide.with_columns(pl.lit(0).alias(code))
    return wide.select(row_dim, *columns).rename({row_dim: row_label, **dict(labels)})


def suppressed_series_table(frame: pl.DataFrame, keep: pl.Expr | None = None) -> pl.DataFrame:
    """A monthly series (month, value nullable, suppressed) with its 3-month average and last
    year's value; "c" marks a hidden count, and averages that include one are left blank."""
    from domain.trends import with_rolling_average, with_same_month_last_year

    table = with_same_month_last_year(with_rolling_average(frame.select("month", "value")))
    table = table.join(frame.select("month", "suppressed"), on="month", how="left")
    if keep is not None:
        table = table.filter(keep)
    value = pl.col("value")
    if table["suppressed"].any():
        value = (
            pl.when(pl.col("suppressed"))
            .then(pl.lit(SUPPRESSED_MARK))
            .otherwise(pl.col("value").cast(pl.String))
        )
    return table.select(
        pl.col("month").alias("Month"),
        value.alias("Value"),
        pl.col("rolling_avg").round(1).alias("3-month average"),
        pl.col("last_year").alias("Same month last year"),
    )


def case_table(cases: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """The Case list as shown and downloaded: people's words for levels and types, and the days
    each child has been at their level on ``as_at``."""
    return cases.select(
        pl.col("pseudo_id").alias("Pseudonymous id"),
        pl.col("risk_level").replace_strict(RISK_LEVELS, default="").alias("Risk level"),
        mapped(
            cases["types"].fill_null(""),
            lambda codes: ", ".join(
                EXPLOITATION_TYPES.get(c, c) for c in sorted(codes.split(",")) if c
            ),
        ).alias("Exploitation types"),
        pl.col("ward").alias("Ward"),
        pl.col("area").alias("Area"),
        pl.col("assessed_on").alias("Level since"),
        ((pl.lit(as_at) - pl.col("assessed_on")).dt.total_days()).alias("Days at level"),
    )
