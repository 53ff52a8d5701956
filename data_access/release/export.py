"""Write a public release as ``release.csv`` (one row per published cell) and ``manifest.json``.

``--unprotected`` writes the same cells with their true values, for testing; it is refused
unless the store holds synthetic data.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from sqlalchemy import Connection

from data_access import queries
from data_access.release.atoms import wards_by_area
from data_access.release.build import atoms_for
from data_access.release.read import NoRelease, current_release, release_frame, releases
from domain.release_space import (
    CATEGORY_LEVELS,
    DISTRICT_CODE,
    CellKey,
    Geography,
    cell_atoms,
    manifest_measures,
)

COLUMNS = ["measure", "breakdown", "category", "geography_level", "geography_code",
           "period_start", "period_end", "value", "status"]  # fmt: skip


class UnprotectedRefused(PermissionError):
    """True values are written only from a synthetic store."""


def true_values(connection: Connection, frame: pl.DataFrame) -> pl.DataFrame:
    """The release's cells with their true values (synthetic stores only)."""
    geography = Geography(wards_by_area(connection))
    keys = [CellKey(*row) for row in frame.select(COLUMNS[:7]).iter_rows()]
    atoms = atoms_for(connection, keys)
    values = [sum(atoms.get(a, 0) for a in cell_atoms(key, geography)) for key in keys]
    return frame.with_columns(
        pl.Series("value", values, dtype=pl.Int64), pl.lit("").alias("status")
    )


def write_release(
    connection: Connection, out_dir: Path, unprotected: bool = False, release_id: int | None = None
) -> list[Path]:
    """Write the current release (or an earlier one) to ``out_dir``; returns the paths written."""
    if unprotected and queries.dataset_info(connection).get("is_synthetic") != "true":
        raise UnprotectedRefused(
            "--unprotected writes true values, including every hidden count: it is refused "
            "unless the store holds synthetic demo data"
        )
    header = (
        next((r for r in releases(connection) if r.id == release_id), None)
        if release_id
        else current_release(connection)
    )
    if header is None:
        raise NoRelease(f"There is no release {release_id}")
    frame = release_frame(connection, header.id)
    if unprotected:
        frame = true_values(connection, frame)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, manifest_path = out_dir / "release.csv", out_dir / "manifest.json"
    frame.select(COLUMNS).write_csv(csv_path, date_format="%Y-%m-%d")
    manifest = {
        "release_id": header.id,
        "release_month": header.release_month.isoformat(),
        "release_date": header.built_at.date().isoformat(),
        "built_at": header.built_at.isoformat(),
        "data_as_of": header.parameters.get("data_as_of"),
        "method": header.method,
        "parameters": header.parameters,
        "unprotected": unprotected,
        "status": {"c": "hidden to protect children's privacy", "": "published as counted"},
        "geography": {
            "levels": ["district", "area", "ward"],
            "district": DISTRICT_CODE,
            "categories_published_at": list(CATEGORY_LEVELS),
            "ward_set": "2004",
        },
        "measures": manifest_measures(),
        "cells": frame.height,
        "hidden": int(frame["value"].null_count()) if not unprotected else 0,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return [csv_path, manifest_path]
