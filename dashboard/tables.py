"""Tables shown under charts and downloaded as CSV: one row per month, one column per category."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl


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
    from dashboard.trends import with_rolling_average, with_same_month_last_year

    table = with_same_month_last_year(with_rolling_average(frame))
    if keep is not None:
        table = table.filter(keep)
    return table.select(
        pl.col("month").alias("Month"),
        pl.col("value").alias("Value"),
        pl.col("rolling_avg").round(1).alias("3-month average"),
        pl.col("last_year").alias("Same month last year"),
    )
