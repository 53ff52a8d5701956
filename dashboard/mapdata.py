"""Rules for the Map page's numbers: every area present, ranked, with its name."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from dashboard.trends import ranked


def map_table(values: pl.DataFrame, names: Mapping[str, str]) -> pl.DataFrame:
    """One row per area in ``names`` (zero where nothing happened), with ``rank`` 1 = highest.

    ``values`` has ``code`` and ``value``; codes not in ``names`` (outside the view) are dropped.
    """
    frame = pl.DataFrame(
        {"code": list(names), "name": list(names.values())},
        schema={"code": pl.String, "name": pl.String},
    )
    joined = frame.join(values.select("code", "value"), on="code", how="left").with_columns(
        pl.col("value").fill_null(0).cast(pl.Int64)
    )
    return ranked(joined).select("rank", "name", "code", "value")
