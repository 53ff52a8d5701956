"""The dated-record aggregate (children missing education, modern slavery, disruption) gives the
event-level counts (on the SQLite and PostgreSQL demo stores through
``test_aggregates.compare_every_query``) and follows an import of only the months it touches."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, cast, insert

from data_access import aggregates
from data_access import models as m
from data_access.measure_sql import dated_counts
from data_access.sql import Scope
from tests.data_access import event_level_measures as event_level
from tests.data_access.test_aggregates import _full_refresh_snapshot, _same, _snapshot
from tests.data_access.test_service_aggregates import _scopes

PLACES = [(), ("month",), ("ward_code",), ("area_code",), ("postcode_district",),
          ("month", "ward_code"), ("month", "area_code")]  # fmt: skip


def _oracles() -> list[tuple[str, str | None, str | None, object, object, list]]:
    cme, msht, act = m.CmeReferral, m.MshtRecord, m.DisruptionActivity
    found = [cme.whereabouts_found == cast(True, Boolean)]
    return [
        ("cme", "referrals", None, cme, cme.referred_on, []),
        ("cme", "found", None, cme, cme.referred_on, found),
        ("msht", None, "measure", msht, msht.recorded_on, []),
        ("disruption", None, "activity_type", act, act.occurred_on, []),
    ]


def compare_dated_queries(connection) -> int:  # noqa: ANN001
    made = nonzero = 0
    for scope in _scopes(connection):
        for source, category, kind, model, day, where in _oracles():
            groupings = PLACES + ([(kind,), ("month", "ward_code", kind)] if kind else [])
            for by in groupings:
                ours = dated_counts(connection, scope, source, by, category=category)
                oracle = event_level.dated_counts(connection, scope, model, day, by, where=where)
                _same(ours, oracle, f"{source} {category} {by} {scope}")
                made += 1
                nonzero += int(oracle["value"].sum() > 0)
    assert nonzero > made // 2
    return made


def test_a_record_without_a_place_counts_in_the_district_only(small_store):
    engine, places = small_store
    rows = [
        {"source_id": "C-1", "referred_on": date(2024, 2, 3), "whereabouts_found": True,
         "postcode_sector": places.a.postcode_sector, "lsoa_code": places.a.lsoa_code},
        {"source_id": "C-2", "referred_on": date(2024, 2, 9), "whereabouts_found": False,
         "postcode_sector": None, "lsoa_code": None},
    ]  # fmt: skip
    with engine.begin() as c:
        touched = aggregates.months_touched(c, "cme_referrals", rows)
        c.execute(insert(m.CmeReferral), rows)
        aggregates.refresh(c, touched, aggregates.KIND_MEASURES["cme_referrals"])
    assert touched == {date(2024, 2, 1)}
    february = Scope(date(2024, 2, 1), date(2024, 2, 1))
    in_area = Scope(date(2024, 2, 1), date(2024, 2, 1), area_code=places.a.area_committee_code)
    with engine.connect() as c:
        assert dated_counts(c, february, "cme", (), category="referrals")["value"].to_list() == [2]
        assert dated_counts(c, february, "cme", (), category="found")["value"].to_list() == [1]
        assert dated_counts(c, in_area, "cme", (), category="referrals")["value"].to_list() == [1]
        by_ward = dated_counts(c, february, "cme", ("ward_code",), category="referrals")
        assert sorted(by_ward.rows(), key=str) == sorted(
            [(None, 1), (places.a.ward_code, 1)], key=str)  # fmt: skip
        assert dated_counts(c, Scope(date(2024, 3, 1), date(2024, 3, 1)), "cme", (),
                            category="referrals")["value"].to_list() == [0]  # fmt: skip
        for by in ((), ("ward_code",), ("month", "area_code")):
            _same(dated_counts(c, february, "cme", by, category="referrals"),
                  event_level.dated_counts(c, february, m.CmeReferral, m.CmeReferral.referred_on,
                                           by), f"{by}")  # fmt: skip
        assert _snapshot(c) == _full_refresh_snapshot(c)
