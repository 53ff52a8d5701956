"""Rules for the Map page's numbers: every area present, ranked, with its name."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from domain.trends import ranked


def map_table(values: pl.DataFrame, names: Mapping[str, str]) -> pl.DataFrame:
    """One row per area in ``names`` (zero where nothing happened), with ``rank`` 1 = highest.

    ``values`` has ``code`` and ``value`` and, from a suppressed table, ``suppressed``: a hidden
    area keeps a null value and gets no rank (a rank could hint at the hidden number); hidden
    areas are listed last. Codes not in ``names`` (outside the view) are dropped.
    """
    frame = pl.DataFrame(
        {"code": list(names), "name": list(names.values())},
        schema={"code": pl.String, "name": pl.String},
    )
    if "suppressed" not in values.columns:
        values = values.with_columns(suppressed=pl.lit(False))
    joined = frame.join(
        values.select("code", "value", "suppressed"), on="code", how="left"
    ).with_columns(
        pl.col("suppressed").fill_null(False),
        pl.when(pl.col("suppressed").fill_null(False))
        .then(None)
        .otherwise(pl.col("value").fill_null(0))
        .cast(pl.Int64)
        .alias("value"),
    )
    visible = ranked(joined.filter(~pl.col("suppressed")))
    hidden = (
        joined.filter(pl.col("suppressed"))
        .with_columns(pl.lit(None, dtype=pl.Int64).alias("rank"))
        .sort("name")
    )
    return pl.concat([visible, hidden.select(visible.columns)]).select(
        "rank", "name", "code", "value", "suppressed"
    )
