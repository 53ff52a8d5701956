"""Two members saving the same record at once, from two server processes (separate OS processes,
each with its own engine and connection pool, like two app servers) against one PostgreSQL store.

A barrier releases both writes together, and each holds its transaction open for a moment after
writing, so the second really runs while the first is uncommitted: one wins, the other gets the
existing EditConflict message and writes nothing.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
import types
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from data_access import mace_writes, store_version
from data_access import models as m
from data_access.engine import make_engine, migrate
from data_access.reference import load_reference
from domain.roles import RoleScope, Viewer
from tests.conftest import fresh_postgres_database

MEMBERS = [Viewer("chair@police.uk", RoleScope("mace")),
           Viewer("social.care@bradford.gov.uk", RoleScope("mace"))]  # fmt: skip
HOLD_SECONDS = 0.8


def _save_status(
    url: str, member: int, location: int, status: str, seen: int, barrier, results
) -> None:  # noqa: ANN001
    """One 'server': open its own engine, wait for the other, then save and hold the transaction."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("SELECT 1")  # connected before the race starts
            barrier.wait(timeout=30)
            started = time.monotonic()
            mace_writes.change_location_status(connection, MEMBERS[member], location, status, seen)
            time.sleep(HOLD_SECONDS)  # still uncommitted while the other process tries
        results.put((member, "saved", "", time.monotonic() - started))
    except mace_writes.EditConflict as error:
        results.put((member, "conflict", str(error), time.monotonic() - started))
    finally:
        engine.dispose()


def _add_note(url: str, member: int, location: int, barrier, results) -> None:  # noqa: ANN001
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("SELECT 1")
            barrier.wait(timeout=30)
            mace_writes.add_review_note(connection, MEMBERS[member], location, f"Note {member}")
            time.sleep(HOLD_SECONDS)
        results.put((member, "saved", "", 0.0))
    finally:
        engine.dispose()


@pytest.fixture()
def store() -> Iterator[tuple[str, int]]:
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        migrate(engine)
        with engine.begin() as connection:
            load_reference(connection)
            location = mace_writes.add_location(
                connection, MEMBERS[0], "hotel", "Hotel A", "BD1 1AA"
            )
        engine.dispose()
        yield url, location


def race(target, *args) -> list[tuple]:  # noqa: ANN001
    context = multiprocessing.get_context("spawn")  # fresh interpreters: nothing shared
    barrier, results = context.Barrier(2), context.Queue()
    processes = [context.Process(target=target, args=(*args[i], barrier, results)) for i in (0, 1)]
    # AppTest leaves a page script (app.py) as __main__, which spawn would re-run in each child:
    # start the children with a bare __main__ so they import only the target's own module.
    real_main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        for process in processes:
            process.start()
    finally:
        sys.modules["__main__"] = real_main
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert len({process.pid for process in processes}) == 2
    return sorted(outcomes)


def test_two_servers_saving_one_location_at_once_one_wins_one_is_told(store):
    url, location = store
    engine = make_engine(url)
    with engine.connect() as connection:
        before = store_version.read(connection)
    outcomes = race(
        _save_status, (url, 0, location, "monitoring", 1), (url, 1, location, "closed", 1)
    )
    kinds = sorted(kind for _, kind, _, _ in outcomes)
    assert kinds == ["conflict", "saved"], outcomes
    winner = next(member for member, kind, _, _ in outcomes if kind == "saved")
    message = next(text for _, kind, text, _ in outcomes if kind == "conflict")
    assert "Someone else changed this location while you had it open" in message
    assert "Nothing was saved" in message
    with engine.connect() as connection:
        row = connection.execute(
            select(m.LocationOfConcern.status, m.LocationOfConcern.version)
            .where(m.LocationOfConcern.id == location)
        ).one()  # fmt: skip
        changes = connection.execute(
            select(func.count()).select_from(m.StatusChange)
            .where(m.StatusChange.location_id == location, m.StatusChange.old_status.is_not(None))
        ).scalar()  # fmt: skip
        after = store_version.read(connection)
    assert row.status == ["monitoring", "closed"][winner]
    assert row.version == 2
    assert changes == 1
    assert after == before + 1  # only the winning write bumped the store version
    engine.dispose()


def test_two_servers_adding_notes_at_once_both_land_and_both_bump(store):
    url, location = store
    engine = make_engine(url)
    with engine.connect() as connection:
        before = store_version.read(connection)
    outcomes = race(_add_note, (url, 0, location), (url, 1, location))
    assert [kind for _, kind, _, _ in outcomes] == ["saved", "saved"]
    with engine.connect() as connection:
        notes = connection.execute(
            select(m.ReviewNote.note).where(m.ReviewNote.location_id == location)
        ).scalars().all()  # fmt: skip
        after = store_version.read(connection)
    assert sorted(notes) == ["Note 0", "Note 1"]
    assert after == before + 2  # no bump lost between the two processes
    engine.dispose()
