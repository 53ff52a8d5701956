"""Applying a Python function to a column without calling back into Python from Polars.

``Expr.map_elements`` runs the function from Polars' own worker threads, which must take the GIL.
An app server runs several sessions' scripts at once, each in its own Python thread using Polars;
under load that deadlocked: script threads parked for good inside ``collect`` while the page
showed grey placeholders (the load test's "run not finished within 120 s"). Mapping the values
in plain Python and handing Polars a finished Series keeps every Polars call free of callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl


def mapped(
    series: pl.Series,
    function: Callable[[Any], Any],
    dtype: pl.DataType | type[pl.DataType] = pl.String,
    skip_nulls: bool = True,
) -> pl.Series:
    """``function`` of each value (nulls stay null when ``skip_nulls``), same name and length."""
    values = [
        None if value is None and skip_nulls else function(value) for value in series.to_list()
    ]
    return pl.Series(series.name, values, dtype=dtype)


def mapped_rows(
    frame: pl.DataFrame,
    columns: list[str],
    function: Callable[..., Any],
    name: str,
    dtype: pl.DataType | type[pl.DataType] = pl.String,
) -> pl.Series:
    """``function(*row)`` over ``columns`` of each row, as a Series called ``name``."""
    rows = frame.select(columns).iter_rows()
    return pl.Series(name, [function(*row) for row in rows], dtype=dtype)


def thousands(value: pl.Expr) -> pl.Expr:
    """Whole numbers as text with thousands separators ("12,345"), as a Polars expression."""
    digits = value.cast(pl.Int64).abs().cast(pl.String)
    grouped = digits.str.reverse().str.replace_all(r"(\d{3})", "$1,").str.reverse()
    grouped = grouped.str.strip_chars_start(",")
    return pl.when(value < 0).then(pl.lit("-") + grouped).otherwise(grouped)


def month_index(column: str) -> pl.Expr:
    """A date column as a month count (year × 12 + month − 1): months add and compare as ints,
    so spans of months expand with ``pl.int_ranges``."""
    return pl.col(column).dt.year() * 12 + pl.col(column).dt.month() - 1


def month_label(index: pl.Expr) -> pl.Expr:
    """A month count back to its ``YYYY-MM`` label."""
    return pl.format("{}-{}", index // 12, (index % 12 + 1).cast(pl.String).str.zfill(2))
