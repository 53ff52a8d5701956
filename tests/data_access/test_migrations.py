"""The schema comes from Alembic migrations, and they match the models exactly."""

from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from data_access.engine import has_schema, make_engine, migrate
from data_access.models import Base


def test_migrations_build_the_model_schema(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    assert not has_schema(engine)
    migrate(engine)
    migrate(engine)  # idempotent
    assert has_schema(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_sqlite_enforces_foreign_keys(tmp_path):
    import pytest
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from data_access import models as m

    engine = make_engine(f"sqlite:///{tmp_path / 'fk.sqlite'}")
    migrate(engine)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            insert(m.Referral),
            [{"child_id": 999, "referred_on": date(2024, 1, 1), "referring_agency": "police",
              "exploitation_type": "cse", "outcome": "x", "lsoa_code": "E0", "postcode_sector": "BD1 1"}],
        )  # fmt: skip


def test_migrations_build_the_model_schema_on_postgresql():
    from tests.conftest import fresh_postgres_database

    with fresh_postgres_database() as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            migrate(engine)
            with engine.connect() as connection:
                diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
                triggers = connection.exec_driver_sql(
                    "SELECT tgname FROM pg_trigger WHERE tgname = 'audit_event_append_only'"
                ).all()
        finally:
            engine.dispose()
    assert diff == []
    assert len(triggers) == 1


def test_a_store_with_data_upgrades_in_place(tmp_path):
    """An existing store (schema 0003, full of demo data) upgrades to the latest schema and keeps
    its rows: SQLite rebuilds altered tables, which must work with foreign keys in force."""
    from alembic import command
    from sqlalchemy import func, select

    from data_access import models as m
    from data_access.demo import load_demo
    from data_access.engine import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    migrate(engine)
    with engine.begin() as connection:
        load_demo(connection)
        children = connection.execute(select(func.count()).select_from(m.Child)).scalar()
    command.downgrade(alembic_config(engine), "0003")  # back to the schema before imports
    migrate(engine)  # and up again, with every table full
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(m.Child)).scalar() == children
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
