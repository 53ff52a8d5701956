"""Write the monthly aggregates behind the charts as CSV files (``python -m data_access export``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import Connection

from data_access import queries, services
from data_access.export_measures import measure_export_frames
from data_access.sql import Scope
from domain.csv_safe import to_safe_csv

EXPORTS = {
    "cohort_by_month.csv": ("cohort", ("month", "ward_code", "risk_level")),
    "referrals_by_month.csv": (
        "referrals",
        ("month", "ward_code", "postcode_district", "exploitation_type", "referring_agency"),
    ),
    "missing_by_month.csv": ("missing", ("month", "ward_code", "placement_type")),
}


def export_frames(connection: Connection, vintage: str = "2004") -> dict[str, pl.DataFrame]:
    """The three monthly aggregate tables over the whole data period."""
    scope = Scope(queries.data_from(connection), queries.data_as_of(connection), vintage=vintage)
    frames = {}
    for filename, (kind, by) in EXPORTS.items():
        if kind == "cohort":
            frames[filename] = queries.cohort_counts(connection, scope, by)
        elif kind == "referrals":
            frames[filename] = queries.referral_counts(connection, scope, by)
        else:
            frames[filename] = queries.missing_counts(connection, scope, by)
    frames["services_by_month.csv"] = services.services_by_month(connection, vintage)
    frames |= measure_export_frames(connection, vintage)  # education, MSHT, investigations
    return frames


PUBLICATION_SHAPES = {
    "cohort_by_month.csv": ("cohort", "risk_level", "children"),
    "referrals_by_month.csv": ("referrals", "exploitation_type", "referrals"),
    "missing_by_month.csv": ("missing", "placement_type", "episodes"),
}


def publication_frames(connection: Connection, vintage: str = "2004") -> dict[str, pl.DataFrame]:
    """The exports for publication: each month a ward x category table with its totals, under
    Area Committee disclosure control ("c" for hidden cells, totals included).

    Finer splits (postcode district, referring agency, distinct children) are left out: at ward
    level almost every cell of them would be hidden.
    """
    from data_access.protected import CATEGORY_LEVELS
    from domain.disclosure import PUBLIC, SUPPRESSED_MARK, suppress

    scope = Scope(queries.data_from(connection), queries.data_as_of(connection), vintage=vintage)
    wards = queries.wards(connection, vintage)["code"].to_list()
    frames = {}
    for filename, (kind, category, value) in PUBLICATION_SHAPES.items():
        by = ("month", "ward_code", category)
        if kind == "cohort":
            counts = queries.cohort_counts(connection, scope, by)
        elif kind == "referrals":
            counts = queries.referral_counts(connection, scope, by)
        else:
            counts = queries.missing_counts(connection, scope, by)
        parts = []
        for (month,), part in counts.group_by("month", maintain_order=True):
            table = suppress(
                part,
                ["ward_code", category],
                value,
                PUBLIC,
                {"ward_code": wards, category: CATEGORY_LEVELS[category]},
            )
            parts.append(table.with_columns(pl.lit(month).alias("month")))
        combined = pl.concat(parts).sort("month", "ward_code", category)
        frames[filename] = combined.select(
            "month",
            "ward_code",
            category,
            pl.when(pl.col("suppressed"))
            .then(pl.lit(SUPPRESSED_MARK))
            .otherwise(pl.col(value).cast(pl.String))
            .alias(value),
        )
    frames["services_by_month.csv"] = services.publication_frame(connection, wards, vintage)
    return frames


def write_exports(
    connection: Connection,
    out_dir: Path,
    vintage: str = "2004",
    for_publication: bool = False,
) -> list[Path]:
    """Write each table to ``out_dir`` (created if needed); returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    frames = (
        publication_frames(connection, vintage)
        if for_publication
        else export_frames(connection, vintage)
    )
    for filename, frame in frames.items():
        path = out_dir / filename
        path.write_bytes(to_safe_csv(frame).removeprefix("\ufeff".encode()))
        written.append(path)
    return written
