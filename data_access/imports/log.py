"""The import log as a data manager reads it: newest first, in plain column names."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, select

from data_access import models as m

COLUMNS = ["When", "By", "File", "Kind", "Rows in file", "New", "Updated", "Unchanged",
           "Rejected", "Valid rows only", "SHA-256"]  # fmt: skip


def import_log(connection: Connection) -> pl.DataFrame:
    rows = connection.execute(
        select(m.ImportLog.imported_at, m.ImportLog.user_email, m.ImportLog.file_name,
               m.ImportLog.kind, m.ImportLog.rows_in_file, m.ImportLog.rows_inserted,
               m.ImportLog.rows_updated, m.ImportLog.rows_unchanged, m.ImportLog.rows_rejected,
               m.ImportLog.valid_rows_only, m.ImportLog.file_sha256)
        .order_by(m.ImportLog.imported_at.desc())
    ).all()  # fmt: skip
    return pl.DataFrame([tuple(r) for r in rows], schema=COLUMNS, orient="row")
