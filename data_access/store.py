"""The one place that opens the store: engine, migrations and first-run demo load."""

from __future__ import annotations

from sqlalchemy import Engine, select

from data_access import models as m
from data_access import store_version
from data_access.demo import load_demo
from data_access.engine import make_engine, migrate


def ensure_store(engine: Engine) -> bool:
    """Migrate, and load the demo data set if the store is empty; True when demo data was loaded.

    This is what lets a fresh machine run the app with no setup: the first start creates the SQLite
    file and fills it. A store that already holds data (demo or real) is never touched.
    """
    migrate(engine)
    with engine.connect() as connection:
        has_data = connection.execute(select(m.DatasetInfo.key).limit(1)).first() is not None
    if has_data:
        return False
    from data_access.release.build import build_release  # the LP solver: only when building

    with engine.begin() as connection:
        load_demo(connection)
        build_release(connection)
    return True


def rebuild_demo(engine: Engine | None = None, scale: float = 1.0) -> dict[str, int]:
    """Drop whatever is in the store and load the demo data set, in one transaction
    (``scale`` multiplies children and events; see ``load_demo``)."""
    from data_access.release.build import build_release

    engine = engine or make_engine()
    migrate(engine)
    with engine.begin() as connection:
        counts = load_demo(connection, scale)
        build_release(connection)
        return counts


def prepare_real_store(engine: Engine) -> bool:
    """Make an empty store ready for the partnership's own data: load the reference tables and
    mark it as not synthetic, so the app never fills it with demo data. False if it had data."""
    from sqlalchemy import insert

    from data_access.reference import ensure_reference

    with engine.begin() as connection:
        if connection.execute(select(m.DatasetInfo.key).limit(1)).first() is not None:
            return False
        ensure_reference(connection)
        connection.execute(insert(m.DatasetInfo), [{"key": "is_synthetic", "value": "false"}])
        store_version.bump(connection)
    return True
