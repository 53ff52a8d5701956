"""Headline rules for the Overview page: this month against the usual level."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from domain.trends import average_of_previous, change


@dataclass(frozen=True)
class Headline:
    """This month's value, the average of the 12 months before, and the change between them."""

    current: int | None
    average: float | None
    delta: float | None
    pct: float | None


def headline_measures(series: pl.DataFrame, month: str) -> Headline:
    """Compare ``month`` with the mean of the 12 months before it (``series``: month, value).

    A hidden (null) month hides what is built on it: the current value, or the average when any
    of its 12 months is hidden.
    """
    row = series.filter(pl.col("month") == month)
    current = int(row["value"].item()) if row.height and row["value"].item() is not None else None
    previous = series.filter(pl.col("month") < month).tail(12)
    average = None if previous["value"].null_count() else average_of_previous(series, month, 12)
    delta, pct = change(current, average)
    return Headline(current, average, delta, pct)


def rag_summary(actions: pl.DataFrame) -> dict[str, int]:
    """Number of actions in each status."""
    counts = actions.group_by("status").len()
    return dict(zip(counts["status"].to_list(), counts["len"].to_list(), strict=True))


def cell_value(table: pl.DataFrame, where: dict[str, str], value: str) -> int | None:
    """One cell of a suppressed table (None when hidden or absent)."""
    row = table.filter(pl.all_horizontal([pl.col(k) == v for k, v in where.items()]))
    if row.height != 1 or row["suppressed"].item():
        return None
    return int(row[value].item())
