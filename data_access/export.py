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


def write_exports(
    connection: Connection,
    out_dir: Path,
    vintage: str = "2004",
    for_publication: bool = False,
) -> list[Path]:
    """Write each table to ``out_dir`` (created if needed); returns the paths written."""
    if for_publication:  # the publication is the public release, nothing else
        from data_access.release.export import write_release

        return write_release(connection, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    frames = export_frames(connection, vintage)
    for filename, frame in frames.items():
        path = out_dir / filename
        path.write_bytes(to_safe_csv(frame).removeprefix("\ufeff".encode()))
        written.append(path)
    return written
