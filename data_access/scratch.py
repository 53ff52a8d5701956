"""A throwaway PostgreSQL database holding the demo data, for load tests and demonstrations on one
machine: created with a random name, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url

from data_access.engine import make_engine
from data_access.store import rebuild_demo


@contextmanager
def throwaway_demo_database(admin_url: str) -> Iterator[str]:
    """Create a database on the server at ``admin_url`` (a user allowed to create databases),
    migrate it and load the demo data; yield its URL; drop it (even if the caller failed)."""
    if not admin_url.startswith("postgresql"):
        raise ValueError("A throwaway database needs a PostgreSQL server URL.")
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        rebuild_demo(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
