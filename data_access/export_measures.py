"""The education, modern slavery and investigation exports (``python -m data_access export``):
``education_by_month.csv``, ``msht_by_month.csv`` and ``investigations_by_month.csv``, month as
``YYYY-MM``, each from the first month its data cover to the data-as-of month."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Connection, func, select

from data_access import education, investigations, msht, queries
from data_access import models as m
from data_access.sql import Scope


def _first(connection: Connection, *columns) -> date | None:  # noqa: ANN002
    days = [connection.execute(select(func.min(c))).scalar() for c in columns]
    days = [d for d in days if d is not None]
    return min(days).replace(day=1) if days else None


def measure_export_frames(connection: Connection, vintage: str = "2004") -> dict[str, pl.DataFrame]:
    """The three monthly tables (empty, with their columns, when nothing is loaded)."""
    end = queries.data_as_of(connection).replace(day=1)
    default = queries.data_from(connection)
    starts = {
        "education_by_month.csv": _first(connection, m.CmeReferral.referred_on, m.EheCount.month),
        "msht_by_month.csv": _first(connection, m.MshtRecord.recorded_on),
        "investigations_by_month.csv": _first(connection, m.InvestigationUpdate.updated_on),
    }
    builders = {
        "education_by_month.csv": education.export_frame,
        "msht_by_month.csv": msht.export_frame,
        "investigations_by_month.csv": investigations.export_frame,
    }
    frames = {}
    for filename, build in builders.items():
        start = starts[filename] or default
        if filename == "investigations_by_month.csv":
            start = max(start, default)  # stages at month ends over the dashboard's period
        frames[filename] = build(connection, Scope(start, max(start, end), vintage=vintage))
    return frames
