"""The store version: every write path bumps it in its own transaction, on SQLite and PostgreSQL,
and a write that fails leaves it where it was."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from data_access import mace_writes, store_version
from data_access.boundary_vintages import BoundaryError, load_boundaries
from data_access.config import pool_settings
from data_access.engine import make_engine
from data_access.imports import commit, validate
from data_access.store import prepare_real_store, rebuild_demo
from domain.roles import RoleScope, Viewer
from tests.conftest import SHARED, fresh_postgres_database

WARDS_2004 = SHARED / "geo" / "bradford-wards-2004.geojson"
MEMBER = Viewer("chair@police.uk", RoleScope("mace"))


def version(engine: Engine) -> int:
    with engine.connect() as connection:
        return store_version.read(connection)


def test_a_new_store_starts_at_one_and_bump_counts_up(empty_engine):
    engine = empty_engine
    start = version(engine)
    assert start >= 1
    with engine.begin() as connection:
        assert store_version.bump(connection) == start + 1
        assert store_version.bump(connection) == start + 2
    assert version(engine) == start + 2
    with engine.connect() as connection:
        number, changed_at = store_version.read_stamp(connection)
    assert number == start + 2 and changed_at is not None


def test_a_rolled_back_write_does_not_bump(empty_engine):
    start = version(empty_engine)
    with pytest.raises(RuntimeError), empty_engine.begin() as connection:
        store_version.bump(connection)
        raise RuntimeError("the write failed after bumping")
    assert version(empty_engine) == start


def test_mace_writes_bump_once_each_and_refused_ones_not_at_all(empty_engine):
    engine = empty_engine
    with engine.begin() as connection:
        location = mace_writes.add_location(connection, MEMBER, "hotel", "Hotel A", _postcode())
    after_add = version(engine)
    with engine.begin() as connection:
        mace_writes.add_review_note(connection, MEMBER, location, "Seen at 21:00")
    assert version(engine) == after_add + 1
    with engine.begin() as connection:
        mace_writes.change_location_status(connection, MEMBER, location, "monitoring", 1)
    assert version(engine) == after_add + 2
    with pytest.raises(mace_writes.EditConflict), engine.begin() as connection:
        mace_writes.change_location_status(connection, MEMBER, location, "closed", 1)
    with pytest.raises(mace_writes.InvalidInput), engine.begin() as connection:
        mace_writes.add_review_note(connection, MEMBER, location, "   ")
    assert version(engine) == after_add + 2


def _postcode() -> str:
    return "BD1 1AA"


def test_an_import_bumps_and_a_refused_one_does_not(empty_engine, monkeypatch):
    monkeypatch.setenv("DASHBOARD_PSEUDONYM_KEY", "store-version-test-key-0123456789")
    referral = (
        "source_id,child_id,referred_on,referring_agency,exploitation_type,outcome,postcode\n"
        "R-1,C-1,{day},police,cce,early_help,BD5 0AA\n"
    )
    day = (date.today() - timedelta(days=3)).isoformat()
    start = version(empty_engine)
    report = validate(referral.format(day=day).encode(), "referrals.csv", "referrals")
    commit(empty_engine, report, "dm@bradford.gov.uk")
    assert version(empty_engine) == start + 1
    bad = validate(referral.format(day="2999-01-01").encode(), "referrals.csv", "referrals")
    with pytest.raises(Exception, match="problems"):
        commit(empty_engine, bad, "dm@bradford.gov.uk")
    assert version(empty_engine) == start + 1


def test_a_boundary_vintage_bumps(empty_engine):
    start = version(empty_engine)
    load_boundaries(empty_engine, WARDS_2004, "ward", "2004b", "WD13CD", "WD13NM")
    assert version(empty_engine) == start + 1
    with pytest.raises(BoundaryError):
        load_boundaries(empty_engine, WARDS_2004, "ward", "2004b", "WD13CD", "WD13NM")
    assert version(empty_engine) == start + 1


def test_demo_load_and_a_new_real_store_bump_and_the_version_never_goes_back(demo_db_url, tmp_path):
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    first = version(engine)
    assert first >= 2  # migration made 1; loading the demo data bumped it
    rebuild_demo(engine)  # a reload keeps the row: caches keyed by the old number stay missed
    assert version(engine) == first + 1
    real = make_engine(f"sqlite:///{tmp_path / 'real.sqlite'}")
    from data_access.engine import migrate

    migrate(real)
    start = version(real)
    assert prepare_real_store(real)
    assert version(real) == start + 1


def test_pool_settings_come_from_the_environment(monkeypatch, tmp_path):
    assert pool_settings() == {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10,
                               "pool_timeout": 30, "pool_recycle": 1800}  # fmt: skip
    monkeypatch.setenv("DASHBOARD_DB_POOL_SIZE", "3")
    monkeypatch.setenv("DASHBOARD_DB_MAX_OVERFLOW", "0")
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.sqlite'}")
    assert engine.pool.size() == 3 and engine.pool._max_overflow == 0
    assert engine.pool._pre_ping
    monkeypatch.setenv("DASHBOARD_DB_POOL_SIZE", "lots")
    with pytest.raises(ValueError, match="DASHBOARD_DB_POOL_SIZE must be a whole number"):
        pool_settings()


def test_a_demo_store_on_postgresql_takes_new_rows_from_imports_and_meetings(monkeypatch):
    """The demo writes its own ids; PostgreSQL's sequences must then start past them."""
    monkeypatch.setenv("DASHBOARD_PSEUDONYM_KEY", "store-version-test-key-0123456789")
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        rebuild_demo(engine)
        start = version(engine)
        with engine.begin() as connection:
            location = mace_writes.add_location(connection, MEMBER, "hotel", "Hotel B", "BD1 1AA")
        referral = (
            "source_id,child_id,referred_on,referring_agency,exploitation_type,outcome,postcode\n"
            "NEW-1,NEWCHILD-1,2026-10-05,police,cce,early_help,BD5 0AA\n"
        )
        result = commit(engine, validate(referral.encode(), "r.csv", "referrals"), "dm@x.uk")
        assert location > 1 and result.inserted == 1
        assert version(engine) == start + 2
        engine.dispose()
