"""The service aggregates give the event-level answer to the case and the child (on the SQLite
and PostgreSQL demo stores through ``test_aggregates.compare_every_query``, which calls
``compare_service_queries``), and stay in step with the months a service case touches."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import insert, select

from data_access import aggregates, queries, services
from data_access import models as m
from data_access.sql import Scope
from tests.data_access import event_level_services as event_level
from tests.data_access.test_aggregates import _full_refresh_snapshot, _same, _snapshot

CASE_BY = [(), ("month",), ("month", "service"), ("month", "provider"), ("month", "delivery"),
           ("area_code", "service"), ("ward_code",), ("postcode_district",),
           ("gender", "age", "ethnicity"),
           ("month", "service", "postcode_district", "age", "gender", "ethnicity"),
           ("month", "ward_code", "service")]  # fmt: skip
FILTERS = [(None, "one_to_one"), (None, None), (("trusted_relationships",), "group_work"),
           (("turnaround", "sfayc"), None)]  # fmt: skip


def _scopes(connection) -> list[Scope]:  # noqa: ANN001
    wards = queries.wards(connection)
    south_ward = wards.filter(pl.col("area_code") == "SOUTH")["code"][0]
    return [
        Scope(date(2019, 1, 1), date(2026, 10, 1)),
        Scope(date(2023, 11, 1), date(2026, 10, 1), area_code="SOUTH"),
        Scope(date(2026, 10, 1), date(2026, 10, 1)),
        Scope(date(2021, 3, 1), date(2021, 3, 1), area_code="WEST"),
        Scope(date(2024, 1, 1), date(2024, 6, 1), ward_code=south_ward),
        Scope(date(2025, 1, 1), date(2025, 12, 1), area_code="KEIGHLEY"),
    ]


def compare_service_queries(connection) -> int:  # noqa: ANN001
    """Every aggregate-backed service count against its event-level oracle; returns how many."""
    made = nonzero = 0
    for scope in _scopes(connection):
        for measure in ("new_cases", "open_cases"):
            for by in CASE_BY:
                for chosen, delivery in FILTERS:
                    label = f"{measure} {by} {chosen} {delivery} {scope}"
                    ours = services.case_counts(connection, scope, by, measure, chosen, delivery)
                    oracle = event_level.case_counts(connection, scope, by, measure, chosen,
                                                     delivery)  # fmt: skip
                    _same(ours, oracle, label)
                    made += 1
                    nonzero += int(oracle["cases"].sum() > 0)
        for geography in ("ward_code", "postcode_district", "area_code"):
            for chosen in (None, ("trusted_relationships",)):
                _same(services.children_in_service(connection, scope, [geography], chosen),
                      event_level.children_in_service(connection, scope, [geography], chosen),
                      f"in service {geography} {chosen} {scope}")  # fmt: skip
                made += 1
        _same(services.cohort_profile(connection, scope),
              event_level.cohort_profile(connection, scope), f"cohort profile {scope}")  # fmt: skip
        made += 1
    for month in (date(2026, 10, 1), date(2022, 6, 1)):
        for chosen in (None, ("breaking_the_cycle",)):
            lead = services.RoleScope("strategic_lead")
            _at_risk, in_service = services.district_coverage(connection, lead, month, chosen)
            assert in_service == event_level.children_in_service_anywhere(connection, month, chosen)
            made += 1
    assert nonzero > made // 2  # most comparisons are of real counts: they could fail
    return made


def test_a_child_in_two_services_counts_once_in_all_and_once_in_each(small_store):
    """One child with two cases open at once (two services, one without an address): counted
    once among all children in a service, once per service, and both cases counted as cases."""
    engine, places = small_store
    a = places.a
    case = {"child_id": 3, "delivery": "one_to_one", "provider": "barnardos", "age_at_start": 14,
            "gender": "female", "ethnicity": "White British", "closed_on": None}  # fmt: skip
    rows = [
        {**case, "source_id": "S-1", "service": "trusted_relationships",
         "started_on": date(2024, 1, 5), "postcode_sector": a.postcode_sector,
         "lsoa_code": a.lsoa_code},
        {**case, "source_id": "S-2", "service": "turnaround", "provider": "council",
         "started_on": date(2024, 2, 9), "postcode_sector": None, "lsoa_code": None},
    ]  # fmt: skip
    with engine.begin() as c:
        touched = aggregates.months_touched(c, "service_cases", rows)
        c.execute(insert(m.ServiceCase), rows)
        aggregates.refresh(c, touched, aggregates.KIND_MEASURES["service_cases"])
    scope = Scope(date(2024, 1, 1), date(2024, 3, 1))
    with engine.connect() as c:
        opened = services.case_counts(c, scope, ("month",), "open_cases", None, None)
        assert opened.rows() == [("2024-01", 1), ("2024-02", 1), ("2024-03", 1)]
        by_service = services.case_counts(c, scope, ("month", "service"), "open_cases", None, None)
        assert ("2024-03", "turnaround", 1) in by_service.rows()
        assert ("2024-03", "trusted_relationships", 1) in by_service.rows()
        cases = services.case_counts(c, Scope(date(2024, 3, 1), date(2024, 3, 1)), (),
                                     "open_cases", None, None)  # fmt: skip
        assert cases["cases"].to_list() == [2]  # without month: cases, not children
        assert c.execute(select(m.ServiceCase.id)).all()  # the cases are there
        for by in ((), ("month",), ("month", "service"), ("postcode_district",), ("ward_code",)):
            for measure in ("new_cases", "open_cases"):
                _same(services.case_counts(c, scope, by, measure, None, None),
                      event_level.case_counts(c, scope, by, measure, None, None), f"{by}")  # fmt: skip
        _same(services.children_in_service(c, scope, ["ward_code"], None),
              event_level.children_in_service(c, scope, ["ward_code"], None), "in service")  # fmt: skip
        assert _snapshot(c) == _full_refresh_snapshot(c)


def test_months_touched_by_a_service_case_run_from_its_start_to_its_close(small_store):
    engine, _ = small_store
    row = {"source_id": "S-1", "started_on": date(2024, 2, 3), "closed_on": date(2024, 4, 20)}
    with engine.connect() as c:
        assert aggregates.months_touched(c, "service_cases", [row]) == {
            date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)}  # fmt: skip
