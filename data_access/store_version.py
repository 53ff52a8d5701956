"""The store version: one number that every write to the store increases, in the write's own
transaction.

Why: each app server caches query results in its own memory. Every query cache key includes the
store version read at the start of the rerun (``dashboard/live.py``), so when anything writes
(a MACE member on another server, an import from the command line, a demo reload) the next
rerun on *every* server reads a new number and misses its old cache entries, instead of serving
them for up to the cache TTL.

**Every write path must call** :func:`bump` **in the same transaction as its writes**, as the
last statement before commit: MACE writes, imports, demo loads, boundary vintages, public-release
builds, aggregate refreshes, and anything added later. ``bump`` takes the row lock on
``store_version`` until commit, so calling it last keeps that lock short and always takes locks
in the same order (the write's own rows first, then this row), which rules out deadlocks between
writers. Audit events are the one deliberate exception: they are written on every page view,
nothing cached reads them, and bumping for them would empty every cache on every click.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from data_access import models as m

ROW_ID = 1


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def bump(connection: Connection) -> int:
    """Increase the store version by one inside the caller's transaction; returns the new version.

    Call it last in every transaction that changes what the dashboard shows."""
    table = m.StoreVersion
    changed = connection.execute(
        update(table).where(table.id == ROW_ID).values(version=table.version + 1, changed_at=_now())
    )
    if changed.rowcount == 0:  # a store made before migration 0006 ran its insert (never, normally)
        connection.execute(insert(table), [{"id": ROW_ID, "version": 2, "changed_at": _now()}])
    return read(connection)


def read(connection: Connection) -> int:
    """The current store version (one primary-key read)."""
    return read_stamp(connection)[0]


def read_stamp(connection: Connection) -> tuple[int, datetime | None]:
    """The current version and when it last changed (UTC), in the same primary-key read."""
    row = connection.execute(
        select(m.StoreVersion.version, m.StoreVersion.changed_at).where(m.StoreVersion.id == ROW_ID)
    ).first()
    return (int(row.version), row.changed_at) if row else (0, None)
