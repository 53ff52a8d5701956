"""Trend rules used on every chart: rolling averages, same month last year, change, rank."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from domain.frames import mapped
from domain.months import add_months, month_end, parse_month

ROLLING_MONTHS = 3


def with_rolling_average(
    frame: pl.DataFrame, value: str = "value", window: int = ROLLING_MONTHS
) -> pl.DataFrame:
    """Add ``rolling_avg``: mean of this and the previous ``window - 1`` months.

    Null until a full window exists, so the line never starts on a partial, misleading average.
    Expects one row per month, sorted by ``month``.
    """
    return frame.sort("month").with_columns(
        pl.col(value).cast(pl.Float64).rolling_mean(window_size=window).alias("rolling_avg")
    )


def with_same_month_last_year(frame: pl.DataFrame, value: str = "value") -> pl.DataFrame:
    """Add ``last_year``: the value 12 months earlier (null when that month is not in the frame)."""
    earlier = pl.DataFrame(
        [
            mapped(frame["month"], lambda m: add_months(parse_month(m), 12).strftime("%Y-%m")),
            frame[value].alias("last_year"),
        ]
    )
    return frame.join(earlier, on="month", how="left").sort("month")


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """Absolute and percentage change; percentage is None when the base is zero or missing."""
    if current is None or previous is None:
        return None, None
    delta = current - previous
    pct = None if previous == 0 else 100.0 * delta / previous
    return delta, pct


def average_of_previous(frame: pl.DataFrame, month: str, months: int = 12) -> float | None:
    """Mean monthly value over the ``months`` before ``month`` (not including it)."""
    start = add_months(parse_month(month), -months).strftime("%Y-%m")
    window = frame.filter((pl.col("month") >= start) & (pl.col("month") < month))
    if window.height < months:
        return None
    return float(window["value"].mean())


def ranked(frame: pl.DataFrame, value: str = "value") -> pl.DataFrame:
    """Add ``rank`` (1 = highest; ties share the best rank) and sort by it."""
    return frame.with_columns(
        pl.col(value).rank(method="min", descending=True).cast(pl.Int64).alias("rank")
    ).sort(["rank", "name"] if "name" in frame.columns else ["rank"])


def blank_incomplete_windows(
    frame: pl.DataFrame, data_from: date, column: str, window_days: int = 90
) -> pl.DataFrame:
    """Null out months whose trailing window starts before the data do: unknown is not zero."""
    # The window to a month end starts (window_days - 1) days before it, at the month end's next
    # midnight minus window_days: complete once that start is on or after the first data day.
    first_complete = data_from + timedelta(days=window_days - 1)
    incomplete = mapped(
        frame["month"], lambda m: month_end(parse_month(m)) < first_complete, pl.Boolean
    )
    return frame.with_columns(
        pl.when(incomplete).then(None).otherwise(pl.col(column)).alias(column)
    )
