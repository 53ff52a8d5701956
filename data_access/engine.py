"""Engine creation and schema migration (Alembic, the only way the schema is made)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, make_url

from data_access.config import database_url, pool_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the configured store) with the pool settings from the
    environment (``DASHBOARD_DB_POOL_*``, checked before use); SQLite gets foreign keys enforced."""
    url = url or database_url()
    in_memory = url.startswith("sqlite") and make_url(url).database in (None, "", ":memory:")
    engine = create_engine(url, future=True, **({} if in_memory else pool_settings()))
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _enable_foreign_keys(dbapi_connection, _record):  # noqa: ANN001
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

    return engine


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration pointed at this package's migrations and the given engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (a no-op when it is already there)."""
    command.upgrade(alembic_config(engine), "head")


def has_schema(engine: Engine) -> bool:
    """True when migrations have run on this store."""
    return inspect(engine).has_table("alembic_version")
