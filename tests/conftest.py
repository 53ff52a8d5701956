"""Shared fixtures: a real SQLite demo store, a small hand-built store, clean Streamlit caches."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, insert, make_url, select

from data_access import models as m
from data_access.aggregates import refresh as refresh_aggregates
from data_access.engine import make_engine, migrate
from data_access.reference import load_reference
from data_access.store import rebuild_demo

pytest_plugins = ["tests.release_fixtures"]  # the public release's session fixtures

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file holding the full demo data set, built once per test run."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    url = f"sqlite:///{path}"
    rebuild_demo(make_engine(url))
    return url


@pytest.fixture(scope="session")
def demo_engine(demo_db_url: str) -> Engine:
    return make_engine(demo_db_url)


@pytest.fixture()
def app_env(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at the demo store (what AppTest and the browser tests run against)."""
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    return demo_db_url


@pytest.fixture(autouse=True)
def clear_streamlit_caches() -> Iterator[None]:
    """Caches persist across AppTest runs in one process; every test starts cold."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


POSTGRES_ENV = "TEST_POSTGRES_URL"


def postgres_admin_url() -> str:
    """The PostgreSQL server the suite runs against (scripts/test.sh starts one in CI)."""
    url = os.environ.get(POSTGRES_ENV, "")
    if not url:
        pytest.fail(
            f"{POSTGRES_ENV} is not set: run ./scripts/test.sh (it starts PostgreSQL), or point it "
            "at a server where this user may create databases"
        )
    return url


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    admin = make_engine(postgres_admin_url()).execution_options(isolation_level="AUTOCOMMIT")
    name = f"test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_admin_url()).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated store with only the geography reference tables loaded, on SQLite and on a
    real PostgreSQL server: every data-access test that uses it runs on both."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'small.sqlite'}")
        migrate(engine)
        with engine.begin() as connection:
            load_reference(connection)
        yield engine
        engine.dispose()
        return
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        migrate(engine)
        with engine.begin() as connection:
            load_reference(connection)
        yield engine
        engine.dispose()


class Places:
    """Two (sector, LSOA) pairs in different wards and areas, read from the real lookup."""

    def __init__(self, engine: Engine) -> None:
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    m.AreaLookup.postcode_sector,
                    m.AreaLookup.lsoa_code,
                    m.AreaLookup.ward_code,
                    m.AreaLookup.postcode_district,
                    m.Ward.area_committee_code,
                )
                .join(m.Ward, m.Ward.code == m.AreaLookup.ward_code)
                .order_by(m.AreaLookup.postcode_sector, m.AreaLookup.lsoa_code)
            ).all()
        self.a = rows[0]
        self.b = next(r for r in rows if r.area_committee_code != self.a.area_committee_code)


@pytest.fixture()
def small_store(empty_engine: Engine) -> tuple[Engine, Places]:
    """A tiny data set whose every answer is worked out by hand in the tests.

    Place A: child 1 (emerging Jan 2024 → moderate 10 Mar 2024, closed 15 May 2024),
             child 2 (significant 20 Feb 2024, still open).
    Place B: child 3 (emerging 31 Jan 2024, closed 1 Feb 2024).
    Referrals: A: 2 in Jan 2024 (cse, police; cce, education), 1 in Mar 2024 (cse, police);
               B: 1 in Feb 2024 (online_grooming, health).
    Missing: child 1 at A: 3 episodes (5 Jan, 20 Jan, 25 Mar 2024) from home;
             child 3 at B: 1 episode (31 Jan 2024 23:30) from residential.
    """
    places = Places(empty_engine)
    a, b = places.a, places.b

    def at(place):  # noqa: ANN001, ANN202
        return {"postcode_sector": place.postcode_sector, "lsoa_code": place.lsoa_code}

    with empty_engine.begin() as c:
        c.execute(
            insert(m.Child),
            [
                {"id": i, "pseudo_id": f"T-{i}", "sex": "female", "ethnicity": "Unknown",
                 "birth_month": date(2009, 6, 1)}
                for i in (1, 2, 3)
            ],
        )  # fmt: skip
        c.execute(
            insert(m.RiskAssessment),
            [
                {"id": 1, "child_id": 1, "assessed_on": date(2024, 1, 10), "risk_level": "emerging",
                 "closed_on": date(2024, 3, 10), **at(a)},
                {"id": 2, "child_id": 1, "assessed_on": date(2024, 3, 10), "risk_level": "moderate",
                 "closed_on": date(2024, 5, 15), **at(a)},
                {"id": 3, "child_id": 2, "assessed_on": date(2024, 2, 20),
                 "risk_level": "significant", "closed_on": None, **at(a)},
                {"id": 4, "child_id": 3, "assessed_on": date(2024, 1, 31), "risk_level": "emerging",
                 "closed_on": date(2024, 2, 1), **at(b)},
            ],
        )  # fmt: skip
        c.execute(
            insert(m.Referral),
            [
                {"child_id": 1, "referred_on": date(2024, 1, 5), "referring_agency": "police",
                 "exploitation_type": "cse", "outcome": "risk_assessment", **at(a)},
                {"child_id": 2, "referred_on": date(2024, 1, 31), "referring_agency": "education",
                 "exploitation_type": "cce", "outcome": "risk_assessment", **at(a)},
                {"child_id": 2, "referred_on": date(2024, 3, 1), "referring_agency": "police",
                 "exploitation_type": "cse", "outcome": "existing_case", **at(a)},
                {"child_id": 3, "referred_on": date(2024, 2, 29), "referring_agency": "health",
                 "exploitation_type": "online_grooming", "outcome": "risk_assessment", **at(b)},
            ],
        )  # fmt: skip

        def episode(child: int, start: datetime, placement: str, place) -> dict:  # noqa: ANN001
            return {"child_id": child, "started_at": start, "returned_at": None,
                    "placement_type": placement, "return_interview_offered": True,
                    "return_interview_done": False, **at(place)}  # fmt: skip

        c.execute(
            insert(m.MissingEpisode),
            [
                episode(1, datetime(2024, 1, 5, 20), "home", a),
                episode(1, datetime(2024, 1, 20, 21), "home", a),
                episode(1, datetime(2024, 3, 25, 22), "home", a),
                episode(3, datetime(2024, 1, 31, 23, 30), "residential", b),
            ],
        )
        c.execute(
            insert(m.StrategicObjective),
            [{"number": 1, "title": "Identify", "description": "d"},
             {"number": 5, "title": "Disrupt", "description": "d"}],
        )  # fmt: skip
        c.execute(
            insert(m.StrategicAction),
            [
                {"id": 1, "objective_number": 1, "title": "Profile", "lead_agency": "Council",
                 "due_on": date(2024, 6, 30)},
                {"id": 2, "objective_number": 5, "title": "Licensing", "lead_agency": "Police",
                 "due_on": date(2025, 6, 30)},
            ],
        )  # fmt: skip
        c.execute(
            insert(m.ActionUpdate),
            [
                {"action_id": 1, "updated_on": date(2024, 1, 15), "status": "on_track",
                 "progress_pct": 30, "note": "q1"},
                {"action_id": 1, "updated_on": date(2024, 4, 15), "status": "off_track",
                 "progress_pct": 40, "note": "q2"},
                {"action_id": 2, "updated_on": date(2024, 4, 20), "status": "at_risk",
                 "progress_pct": 10, "note": "started"},
            ],
        )  # fmt: skip
        c.execute(
            insert(m.DatasetInfo),
            [{"key": "data_from", "value": "2024-01-01"},
             {"key": "data_as_of", "value": "2024-06-30"}],
        )  # fmt: skip
        refresh_aggregates(c)  # every writer keeps the monthly aggregates in step
    return empty_engine, places


def pytest_configure(config: pytest.Config) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
