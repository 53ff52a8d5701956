"""Rules for the strategic objectives view: counts per objective and quarter ends."""

from __future__ import annotations

from datetime import date

import polars as pl

from domain.months import add_months, month_end
from domain.vocab import RAG_MARKERS, RAG_STATUSES


def objective_summary(actions: pl.DataFrame) -> pl.DataFrame:
    """One row per objective: actions in each status, overdue actions, mean progress."""
    counts = [
        (pl.col("status") == status).sum().cast(pl.Int64).alias(status) for status in RAG_STATUSES
    ]
    return (
        actions.group_by("objective_number", "objective")
        .agg(
            *counts,
            pl.col("overdue").sum().cast(pl.Int64).alias("overdue"),
            pl.col("progress_pct").mean().alias("mean_progress"),
            pl.len().cast(pl.Int64).alias("actions"),
        )
        .sort("objective_number")
    )


def quarter_ends(first: date, as_of: date) -> list[date]:
    """Ends of calendar quarters from ``first``'s quarter to the last one finished by ``as_of``."""
    month = date(first.year, 3 * ((first.month - 1) // 3) + 3, 1)
    ends = []
    while month_end(month) <= as_of:
        ends.append(month_end(month))
        month = add_months(month, 3)
    return ends


def status_label(status: str) -> str:
    """'▲ At risk': marker and words, so status never relies on colour."""
    return f"{RAG_MARKERS[status]} {RAG_STATUSES[status]}"


def quarter_label(day: date) -> str:
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"
