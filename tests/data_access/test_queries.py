"""Aggregate queries against a small store whose answers are worked out by hand (see conftest)."""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access import queries
from data_access.sql import Scope

JAN, FEB, MAR, JUN = date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1), date(2024, 6, 1)


def as_dict(frame: pl.DataFrame, key: str | list[str], value: str) -> dict:
    keys = [key] if isinstance(key, str) else key
    return {
        tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]: row[value]
        for row in frame.iter_rows(named=True)
    }


def test_cohort_at_each_month_end(small_store):
    engine, _ = small_store
    with engine.connect() as c:
        frame = queries.cohort_counts(c, Scope(JAN, JUN), ["month"])
    assert as_dict(frame, "month", "children") == {
        "2024-01": 2,
        "2024-02": 2,
        "2024-03": 2,
        "2024-04": 2,
        "2024-05": 1,
        "2024-06": 1,
    }


def test_cohort_by_level_uses_the_assessment_open_at_month_end(small_store):
    engine, _ = small_store
    with engine.connect() as c:
        frame = queries.cohort_counts(c, Scope(JAN, MAR), ["month", "risk_level"])
    assert as_dict(frame, ["month", "risk_level"], "children") == {
        ("2024-01", "emerging"): 2,
        ("2024-02", "emerging"): 1,
        ("2024-02", "significant"): 1,
        ("2024-03", "moderate"): 1,
        ("2024-03", "significant"): 1,
    }


def test_cohort_by_ward_and_area_scope(small_store):
    engine, places = small_store
    with engine.connect() as c:
        by_ward = queries.cohort_counts(c, Scope(JAN, JAN), ["ward_code"])
        area_a = queries.cohort_counts(
            c, Scope(JAN, JAN, area_code=places.a.area_committee_code), ["month"]
        )
        ward_b = queries.cohort_counts(c, Scope(JAN, JAN, ward_code=places.b.ward_code), ["month"])
    assert as_dict(by_ward, "ward_code", "children") == {
        places.a.ward_code: 1,
        places.b.ward_code: 1,
    }
    assert area_a["children"].to_list() == [1]
    assert ward_b["children"].to_list() == [1]


def test_children_at_risk_in_a_period_counts_each_child_once(small_store):
    engine, places = small_store
    with engine.connect() as c:
        all_levels = queries.children_at_risk_in_period(c, Scope(JAN, FEB), ["ward_code"])
        emerging = queries.children_at_risk_in_period(
            c, Scope(JAN, FEB), ["ward_code"], risk_level="emerging"
        )
    assert as_dict(all_levels, "ward_code", "children") == {
        places.a.ward_code: 2,
        places.b.ward_code: 1,
    }
    assert as_dict(emerging, "ward_code", "children") == {
        places.a.ward_code: 1,
        places.b.ward_code: 1,
    }


def test_referral_counts(small_store):
    engine, places = small_store
    with engine.connect() as c:
        by_month = queries.referral_counts(c, Scope(JAN, JUN), ["month"])
        by_type = queries.referral_counts(c, Scope(JAN, JUN), ["exploitation_type"])
        by_district = queries.referral_counts(c, Scope(JAN, JUN), ["postcode_district"])
        in_a = queries.referral_counts(
            c, Scope(JAN, JUN, area_code=places.a.area_committee_code), ["referring_agency"]
        )
        only_feb = queries.referral_counts(c, Scope(FEB, FEB), ["month"])
    assert as_dict(by_month, "month", "referrals") == {"2024-01": 2, "2024-02": 1, "2024-03": 1}
    assert as_dict(by_type, "exploitation_type", "referrals") == {
        "cce": 1,
        "cse": 2,
        "online_grooming": 1,
    }
    expected_districts: dict[str, int] = {}
    for place, n in ((places.a, 3), (places.b, 1)):
        district = place.postcode_district
        expected_districts[district] = expected_districts.get(district, 0) + n
    assert as_dict(by_district, "postcode_district", "referrals") == expected_districts
    assert as_dict(in_a, "referring_agency", "referrals") == {"education": 1, "police": 2}
    assert only_feb["referrals"].to_list() == [1]  # 29 Feb (leap day) is inside February


def test_missing_counts_episodes_and_distinct_children(small_store):
    engine, _ = small_store
    with engine.connect() as c:
        by_month = queries.missing_counts(c, Scope(JAN, JUN), ["month"])
        by_placement = queries.missing_counts(c, Scope(JAN, JUN), ["placement_type"])
    assert by_month.rows() == [("2024-01", 3, 2), ("2024-03", 1, 1)]
    assert by_placement.rows() == [("home", 3, 1), ("residential", 1, 1)]


def test_late_evening_episode_counts_in_its_own_month(small_store):
    engine, _ = small_store
    with engine.connect() as c:
        feb = queries.missing_counts(c, Scope(FEB, FEB), ["month"])
    assert feb.height == 0  # the 31 Jan 23:30 episode must not leak into February


def test_repeat_missing_needs_three_episodes_in_90_days(small_store):
    engine, _ = small_store
    with engine.connect() as c:
        frame = queries.repeat_missing_by_month(c, Scope(JAN, JUN))
    assert frame["month"].to_list() == [f"2024-0{i}" for i in range(1, 7)]
    assert frame["repeat_children"].to_list() == [0, 0, 1, 0, 0, 0]


def test_metric_by_area_and_monthly_metric(small_store):
    engine, places = small_store
    with engine.connect() as c:
        feb = queries.metric_by_area(c, Scope(FEB, FEB), "children_at_risk", "ward")
        feb_sig = queries.metric_by_area(
            c, Scope(FEB, FEB), "children_at_risk", "ward", risk_level="significant"
        )
        missing = queries.metric_by_area(c, Scope(JAN, JUN), "missing_children", "ward")
        series = queries.monthly_metric(
            c, Scope(JAN, MAR), "referrals", "district", places.b.postcode_district
        )
    assert as_dict(feb, "code", "value") == {places.a.ward_code: 2}
    assert as_dict(feb_sig, "code", "value") == {places.a.ward_code: 1}
    assert as_dict(missing, "code", "value") == {places.a.ward_code: 1, places.b.ward_code: 1}
    expected_b = {"2024-01": 0, "2024-02": 1, "2024-03": 0}
    if places.a.postcode_district == places.b.postcode_district:
        expected_b = {"2024-01": 2, "2024-02": 1, "2024-03": 1}
    assert as_dict(series, "month", "value") == expected_b


def test_action_status_takes_the_latest_update_by_the_date(small_store):
    engine, _ = small_store
    with engine.connect() as c:
        march = queries.action_status(c, date(2024, 3, 31))
        july = queries.action_status(c, date(2024, 7, 31))
    assert march.select("action_id", "status", "progress_pct", "overdue").rows() == [
        (1, "on_track", 30, False),
        (2, "on_track", 0, False),
    ]
    assert march["last_update"].to_list() == [date(2024, 1, 15), None]
    assert july.select("action_id", "status", "overdue").rows() == [
        (1, "off_track", True),
        (2, "at_risk", False),
    ]


def test_rag_by_quarter_counts_started_actions(small_store):
    engine, _ = small_store
    with engine.connect() as c:
        frame = queries.rag_by_quarter(c, [date(2024, 3, 31), date(2024, 6, 30)])
    assert frame.rows() == [
        (date(2024, 3, 31), "on_track", 1),
        (date(2024, 6, 30), "at_risk", 1),
        (date(2024, 6, 30), "off_track", 1),
    ]


def test_user_values_are_bound_not_pasted(small_store):
    engine, _ = small_store
    hostile = "EAST' OR '1'='1"
    with engine.connect() as c:
        frame = queries.referral_counts(c, Scope(JAN, JUN, area_code=hostile), ["month"])
    assert frame.height == 0


def test_dataset_dates_and_reference_lists(small_store):
    engine, _ = small_store
    with engine.connect() as c:
        assert queries.data_from(c) == date(2024, 1, 1)
        assert queries.data_as_of(c) == date(2024, 6, 30)
        wards = queries.wards(c)
        areas = queries.area_committees(c)
        vintages = queries.ward_vintages(c)
    assert wards.height == 30
    assert sorted(wards["area_name"].unique().to_list()) == sorted(areas["name"].to_list())
    assert wards.group_by("area_code").len()["len"].to_list() == [6] * 5
    assert vintages["vintage"].to_list() == ["2004"]
