"""``python -m data_access release [--out DIR] [--unprotected]``."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import Engine

from data_access import audit, store_version
from data_access.engine import migrate
from data_access.release.build import build_release
from data_access.release.export import UnprotectedRefused, write_release


def run_release(engine: Engine, out: Path | None, unprotected: bool, user: str) -> int:
    """Build a new release (protected against every earlier one); write it if asked."""
    migrate(engine)
    if unprotected and out is None:
        print("error: --unprotected only applies with --out DIR", file=sys.stderr)
        return 2
    with engine.begin() as connection:
        summary = build_release(connection)
        store_version.bump(connection)  # a write: every server's caches read afresh
    print(
        f"Release {summary.release_id} for {summary.release_month:%B %Y}: {summary.cells:,} cells, "
        f"{summary.hidden:,} hidden ({summary.primary:,} of them counts from 1 to "
        f"{summary.parameters['threshold'] - 1}); protected in {summary.seconds:.1f} s "
        f"({summary.parameters['lp_solves']:,} linear programmes)"
    )
    if out is None:
        return 0
    try:
        with engine.connect() as connection:
            paths = write_release(connection, out, unprotected)
    except UnprotectedRefused as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    with engine.begin() as connection:
        audit.record(connection, user, "command line", "export", "python -m data_access release",
                     {"out": str(out), "unprotected": unprotected})  # fmt: skip
    return 0
