"""The monthly aggregates give the event-level answer to the child, on SQLite and PostgreSQL, and
stay in step with every write: demo load, import commit (only the months touched), refresh."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import polars as pl
import pytest
from sqlalchemy import Engine, insert, select

from data_access import aggregates, queries
from data_access import models as m
from data_access.aggregate_tables import AGGREGATE_TABLES
from data_access.engine import make_engine
from data_access.sql import Scope
from data_access.store import rebuild_demo
from tests.data_access import event_level

LEVELS = (None, "significant")


def _same(ours: pl.DataFrame, oracle: pl.DataFrame, label: str) -> None:
    """Equal as sets of rows (SQL order of strings differs between dialects' collations)."""
    assert ours.columns == oracle.columns, label
    key = list(ours.columns)
    a = ours.select(pl.all().cast(pl.String)).sort(key)
    b = oracle.select(pl.all().cast(pl.String)).sort(key)
    assert a.rows() == b.rows(), label


def scopes(connection) -> list[Scope]:  # noqa: ANN001
    wards = queries.wards(connection)
    south_ward = wards.filter(pl.col("area_code") == "SOUTH")["code"][0]
    return [
        Scope(date(2019, 1, 1), date(2026, 10, 1)),
        Scope(date(2024, 11, 1), date(2026, 10, 1), area_code="SOUTH"),
        Scope(date(2026, 10, 1), date(2026, 10, 1)),
        Scope(date(2020, 3, 1), date(2020, 3, 1), area_code="WEST"),
        Scope(date(2024, 1, 1), date(2024, 3, 1), ward_code=south_ward),
        Scope(date(2020, 1, 1), date(2020, 12, 1), area_code="KEIGHLEY"),
        Scope(date(2024, 1, 1), date(2024, 6, 1), area_code="SOUTH", ward_code=south_ward),
    ]


COHORT_BY = [(), ("month",), ("month", "risk_level"), ("ward_code",), ("area_code", "risk_level"),
             ("month", "ward_code", "risk_level"), ("postcode_district",)]  # fmt: skip
REFERRAL_BY = [(), ("month",), ("month", "exploitation_type"), ("month", "referring_agency"),
               ("ward_code",), ("area_code",), ("outcome",), ("month", "area_code"),
               ("month", "ward_code", "postcode_district", "exploitation_type",
                "referring_agency")]  # fmt: skip
MISSING_BY = [(), ("month",), ("month", "placement_type"), ("ward_code",), ("area_code",),
              ("month", "postcode_district"), ("placement_type",)]  # fmt: skip
METRICS = ("children_at_risk", "referrals", "missing_episodes", "missing_children")


def compare_every_query(connection) -> int:  # noqa: ANN001
    """Every aggregate-backed query against its event-level oracle; returns comparisons made."""
    made = 0
    for scope in scopes(connection):
        pairs = [
            (queries.cohort_counts, event_level.cohort_counts, COHORT_BY),
            (queries.referral_counts, event_level.referral_counts, REFERRAL_BY),
            (queries.missing_counts, event_level.missing_counts, MISSING_BY),
        ]
        for ours, oracle, groupings in pairs:
            for by in groupings:
                label = f"{ours.__name__} {by} {scope}"
                _same(ours(connection, scope, by), oracle(connection, scope, by), label)
                made += 1
        _same(queries.repeat_missing_by_month(connection, scope),
              event_level.repeat_missing_by_month(connection, scope), f"repeat {scope}")  # fmt: skip
        for level in LEVELS:
            for by in (("ward_code",), ("postcode_district",), ("area_code", "risk_level")):
                _same(queries.children_at_risk_in_period(connection, scope, by, level),
                      event_level.children_at_risk_in_period(connection, scope, by, level),
                      f"in period {by} {level} {scope}")  # fmt: skip
        for metric in METRICS:
            for geography in ("ward", "district"):
                _same(queries.metric_by_area(connection, scope, metric, geography, "moderate"),
                      event_level.metric_by_area(connection, scope, metric, geography, "moderate"),
                      f"map {metric} {geography} {scope}")  # fmt: skip
            _same(queries.monthly_metric(connection, scope, metric),
                  event_level.monthly_metric(connection, scope, metric), f"series {metric}")  # fmt: skip
        made += 4
    made += compare_release_atoms(connection)
    from tests.data_access.test_service_aggregates import compare_service_queries

    made += compare_service_queries(connection)
    from tests.data_access.test_dated_aggregates import compare_dated_queries

    made += compare_dated_queries(connection)
    return made


def compare_release_atoms(connection) -> int:  # noqa: ANN001
    """The public release's missing-children atoms (read from the presence table) equal the
    event-level ones for every period the release publishes."""
    from data_access.release.atoms import missing_children_atoms
    from domain.release_space import MEASURES, periods_for

    release_month = queries.data_as_of(connection).replace(day=1)
    periods = periods_for(MEASURES["missing_children"], release_month)
    ours = missing_children_atoms(connection, periods)
    oracle = event_level.missing_children_atoms(connection, periods)
    assert ours == oracle
    assert len(ours) > 100  # every ward in many periods: a comparison that could fail
    return 1


def test_every_aggregate_query_matches_the_events_on_the_sqlite_demo(demo_engine):
    with demo_engine.connect() as connection:
        assert compare_every_query(connection) > 100


@pytest.fixture(scope="module")
def postgres_demo() -> Iterator[Engine]:
    from tests.conftest import fresh_postgres_database

    with fresh_postgres_database() as url:
        engine = make_engine(url)
        rebuild_demo(engine)
        yield engine
        engine.dispose()


def test_every_aggregate_query_matches_the_events_on_the_postgresql_demo(postgres_demo):
    with postgres_demo.connect() as connection:
        assert compare_every_query(connection) > 100


def _snapshot(connection) -> dict[str, list]:  # noqa: ANN001
    return {
        table.name: sorted(map(tuple, connection.execute(select(table)).all()))
        for table in AGGREGATE_TABLES
    }


def test_a_child_in_two_places_in_one_month_is_counted_once_per_group(small_store):
    """Child 3 goes missing from a second place, and has a second open assessment elsewhere, in
    January 2024: counted once in the district total, once in each place."""
    engine, places = small_store
    a, b = places.a, places.b
    with engine.begin() as c:
        c.execute(insert(m.MissingEpisode), [
            {"child_id": 3, "started_at": datetime(2024, 1, 12, 22), "returned_at": None,
             "placement_type": "foster", "return_interview_offered": True,
             "return_interview_done": True, "postcode_sector": a.postcode_sector,
             "lsoa_code": a.lsoa_code}])  # fmt: skip
        c.execute(insert(m.RiskAssessment), [
            {"id": 9, "child_id": 2, "assessed_on": date(2024, 1, 2), "risk_level": "moderate",
             "closed_on": None, "postcode_sector": b.postcode_sector, "lsoa_code": b.lsoa_code}])  # fmt: skip
        aggregates.refresh(c, {date(2024, month, 1) for month in range(1, 7)})
    january = Scope(date(2024, 1, 1), date(2024, 1, 1))
    quarter = Scope(date(2024, 1, 1), date(2024, 3, 1))
    with engine.connect() as c:
        assert queries.missing_counts(c, january, ()).rows() == [(4, 2)]
        by_area = dict(queries.missing_counts(c, january, ("area_code",)).select("area_code", "children").iter_rows())  # fmt: skip
        assert by_area == {a.area_committee_code: 2, b.area_committee_code: 1}
        for scope in (january, quarter):
            for by in ((), ("month",), ("area_code",), ("month", "risk_level"), ("ward_code",)):
                _same(queries.cohort_counts(c, scope, by),
                      event_level.cohort_counts(c, scope, by), f"{by}")  # fmt: skip
            for by in ((), ("month",), ("placement_type",), ("month", "area_code")):
                _same(queries.missing_counts(c, scope, by),
                      event_level.missing_counts(c, scope, by), f"{by}")  # fmt: skip
        # Refreshing the months the new rows touch leaves what a rebuild from scratch would.
        assert _snapshot(c) == _full_refresh_snapshot(c)


def _full_refresh_snapshot(connection) -> dict[str, list]:  # noqa: ANN001
    """What a rebuild from scratch would hold (rolled back, so the store is left as it was)."""
    transaction = connection.begin_nested() if connection.in_transaction() else connection.begin()
    try:
        aggregates.refresh(connection)
        return _snapshot(connection)
    finally:
        transaction.rollback()


def test_an_import_refreshes_only_its_months_and_matches_a_full_rebuild(small_store, monkeypatch):
    from data_access.imports import commit, validate

    monkeypatch.setenv("DASHBOARD_PSEUDONYM_KEY", "test-key-for-the-suite-0123456789")
    engine, _ = small_store
    if engine.dialect.name == "postgresql":  # the fixture gave children explicit ids
        with engine.begin() as c:
            c.exec_driver_sql("SELECT setval(pg_get_serial_sequence('child', 'id'), 100)")
    header = "source_id,child_id,started_at,returned_at,placement_type,return_interview_offered,return_interview_done,postcode"  # noqa: E501
    rows = [f"M-{i},LCS-9,2024-02-{i + 1:02d} 21:00,2024-02-{i + 1:02d} 23:00,home,yes,yes,BD5 0AA" for i in range(3)]  # fmt: skip
    report = validate(("\n".join([header, *rows]) + "\n").encode(), "m.csv", "missing_episodes",
                      today=date(2026, 11, 25))  # fmt: skip
    assert report.clean, [(p.column, p.reason) for p in report.problems]
    with engine.connect() as c:
        months = aggregates.months_touched(c, "missing_episodes", report.valid_rows)
        before = queries.repeat_missing_by_month(c, Scope(date(2024, 2, 1), date(2024, 6, 1)))
    assert months == {date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)}
    commit(engine, report, "d@b.uk")
    with engine.connect() as c:
        after = queries.repeat_missing_by_month(c, Scope(date(2024, 2, 1), date(2024, 6, 1)))
        assert _snapshot(c) == _full_refresh_snapshot(c)
    added = (after["repeat_children"] - before["repeat_children"]).to_list()
    assert added == [1, 1, 1, 0, 0]  # the 90 days to Feb, Mar, Apr ends hold all three; May not


def test_months_touched_by_a_risk_assessment_run_to_its_close_or_the_last_month(small_store):
    engine, _ = small_store
    rows = [{"source_id": "A-1", "assessed_on": date(2024, 2, 3), "closed_on": None}]
    with engine.connect() as c:
        months = aggregates.months_touched(c, "risk_assessments", rows)
        closed = aggregates.months_touched(
            c, "risk_assessments", [{**rows[0], "closed_on": date(2024, 3, 1)}]
        )
        assert aggregates.months_touched(c, "population", rows) == set()
    assert min(months) == date(2024, 2, 1) and max(months) == date(2024, 6, 1)
    assert closed == {date(2024, 2, 1), date(2024, 3, 1)}
