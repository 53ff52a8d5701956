"""Tables for the Education, Modern slavery and Disrupt and prosecute pages, as people read
them: words for headings, thousands separators, "c" for a hidden count."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from domain.disclosure import SUPPRESSED_MARK, TOTAL
from domain.measures import pct_change, period_totals


def _marked(frame: pl.DataFrame, column: str, hidden: pl.Expr) -> pl.Expr:
    """The column as text with "c" where hidden, or as numbers when nothing is hidden."""
    if frame.select(hidden.any()).item():
        return (
            pl.when(hidden)
            .then(pl.lit(SUPPRESSED_MARK))
            .otherwise(pl.col(column).cast(pl.String))
            .alias(column)
        )
    return pl.col(column)


def year_table(series: Mapping[str, pl.DataFrame], period: str, first_label: str) -> pl.DataFrame:
    """Years (academic or financial) down, one column per measure: the sum of its months, hidden
    when any month is. ``series`` maps a column heading to a suppressed monthly series."""
    table = None
    for heading, frame in series.items():
        months = frame.filter(pl.col("month") != TOTAL).select("month", "value")
        years = period_totals(months, "value", period).rename({"value": heading})
        table = years if table is None else table.join(years, on="year", how="full", coalesce=True)
    table = table.sort("year")
    return table.select(
        pl.col("year").alias(first_label),
        *[_marked(table, h, pl.col(h).is_null()) for h in series],
    )


def ward_table(
    tables: Mapping[str, pl.DataFrame], names: Mapping[str, str], total_label: str
) -> pl.DataFrame:
    """Wards down (then the total), one column per measure, from suppressed by-ward tables."""
    joined = None
    for heading, table in tables.items():
        part = table.select(
            "ward_code", pl.col("value").alias(heading), pl.col("suppressed").alias(f"_{heading}")
        )
        joined = part if joined is None else joined.join(part, on="ward_code", how="full",
                                                         coalesce=True)  # fmt: skip
    order = {code: index for index, code in enumerate([*names, TOTAL])}
    joined = joined.with_columns(
        pl.col("ward_code").replace_strict(order, default=len(order)).alias("_order")
    ).sort("_order")
    return joined.select(
        pl.col("ward_code").replace_strict({**names, TOTAL: total_label}, default=None).alias("Ward"),
        *[_marked(joined, h, pl.col(f"_{h}")) for h in tables],
    )  # fmt: skip


def stage_wide(table: pl.DataFrame, labels: Mapping[str, str]) -> pl.DataFrame:
    """Month ends down, one column per stage ("c" where hidden); no totals are added."""
    shown = table.with_columns(_marked(table, "investigations", pl.col("suppressed")))
    wide = shown.pivot(on="stage", index="month", values="investigations").sort("month")
    return wide.select(
        pl.col("month").alias("Month end"), *[pl.col(c).alias(labels[c]) for c in labels]
    )


def category_wide(
    table: pl.DataFrame, row: str, category: str, value: str, labels: Mapping[str, str],
    row_label: str,
) -> pl.DataFrame:  # fmt: skip
    """A suppressed table with margins pivoted: one row per ``row`` value, one column per
    category and a Total column ("c" where hidden)."""
    rows = table.filter(pl.col(row) != TOTAL)
    shown = rows.with_columns(_marked(rows, value, pl.col("suppressed")))
    wide = shown.pivot(on=category, index=row, values=value).sort(row)
    return wide.select(
        pl.col(row).alias(row_label), *[pl.col(c).alias(labels[c]) for c in labels], TOTAL
    )


def january_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Each January's count and its change on the January before ("c" where hidden)."""
    data = frame.sort("month")
    values = data["value"].to_list()
    changes = [None] + [pct_change(a, b) for a, b in zip(values, values[1:], strict=False)]
    table = pl.DataFrame({
        "January": [m[:4] for m in data["month"].to_list()],
        "Registered": values,
        "Change on a year": ["" if c is None else f"{c:+.0f}%" for c in changes],
    })  # fmt: skip
    return table.with_columns(_marked(table, "Registered", pl.col("Registered").is_null()))


def value_of(table: pl.DataFrame, where: Mapping[str, str], value: str) -> int | None:
    """One cell of a suppressed table: None when hidden or absent."""
    row = table.filter(pl.all_horizontal([pl.col(k) == v for k, v in where.items()]))
    if row.height != 1 or row["suppressed"].item():
        return None
    return int(row[value].item())
