"""Pure rules for the services views: age bands, ethnicity folding, coverage flags."""

from __future__ import annotations

import polars as pl
import pytest

from domain.services import (
    age_band,
    broad_group,
    coverage,
    coverage_curve,
    display_order,
    ethnicity_label,
    group_small_ethnicities,
)
from domain.vocab import OBJECTIVE_MEASURES


def test_age_bands_cover_every_age():
    assert [age_band(a) for a in (6, 9, 10, 13, 15, 17, 18, 24)] == [
        "under_10", "under_10", "10_11", "12_13", "14_15", "16_17", "18_plus", "18_plus",
    ]  # fmt: skip
    assert age_band(None) == "not_known"
    with pytest.raises(ValueError):
        age_band(-1)


def test_ethnicity_keeps_the_services_words_and_folds_only_small_groups():
    assert (
        ethnicity_label("White & Asian") == ethnicity_label("White and Asian") == "White and Asian"
    )
    assert broad_group("Roma Gypsy") == broad_group("Slovakian") == "White other"
    assert broad_group("Something new") == "Other ethnic group"
    folding = group_small_ethnicities(
        {"English British": 97, "Eastern European": 18, "White & Asian": 4, "White and Asian": 4,
         "Black Caribbean": 3, "African": 2, "Unknown": 2}
    )  # fmt: skip
    assert folding["English British"] == "English British"
    assert folding["White & Asian"] == "White and Asian"  # 4 + 4 spelled two ways: 8, kept
    assert (
        folding["Black Caribbean"]
        == folding["African"]
        == ("Black or Black British (small groups combined)")
    )
    assert folding["Unknown"] == "Unknown"  # not-known stays as recorded
    order = display_order(list(set(folding.values())))
    assert (
        order.index("English British")
        < order.index("Eastern European")
        < order.index("White and Asian")
        < order.index("Black or Black British (small groups combined)")
        < order.index("Unknown")
    )


def frame(rows: list[tuple[str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"code": [r[0] for r in rows], "name": [r[0] for r in rows],
         "at_risk": [r[1] for r in rows], "in_service": [r[2] for r in rows]}
    )  # fmt: skip


def test_coverage_flags_areas_with_far_fewer_in_a_service_than_their_risk():
    flagged = coverage(frame([("A", 60, 2), ("B", 60, 30), ("C", 60, 28), ("D", 3, 0),
                              ("E", 0, 4)]))  # fmt: skip
    by_code = {r["code"]: r for r in flagged.iter_rows(named=True)}
    assert by_code["A"]["flag"] == "low_998" and flagged["code"][0] == "A"  # worst first
    assert by_code["A"]["ratio"] == pytest.approx(100 * 2 / 60)
    assert by_code["A"]["gap"] == 58
    assert by_code["B"]["flag"] == "within"
    # 0 in a service of an expected 0.8 is ordinary: not flagged (the continuous limit would)
    assert by_code["D"]["flag"] == "within"
    assert "E" not in by_code  # no child at risk: no ratio
    assert by_code["A"]["district_ratio"] == pytest.approx(100 * 60 / 183)


def test_coverage_compares_an_areas_wards_with_the_whole_district():
    wards = frame([("A", 20, 15), ("B", 20, 15)])
    inside = coverage(wards)
    against_district = coverage(wards, (400, 40))
    assert set(inside["flag"]) == {"within"}
    assert set(against_district["flag"]) == {"high_998"}
    assert against_district["district_ratio"][0] == pytest.approx(10.0)
    assert against_district["expected"][0] == pytest.approx(2.0)


def test_coverage_curve_is_in_children_per_100_at_risk():
    curve = coverage_curve(25.0, [10, 40])
    wide = curve.filter(pl.col("population") == curve["population"].min())
    assert (curve["lower_95"] < 25).all() and (curve["upper_95"] > 25).all()
    assert wide["upper_99.8"].item() > wide["upper_95"].item() > 25


def test_objective_two_links_to_the_services_page():
    assert ("Services and coverage", "services") in OBJECTIVE_MEASURES[2]
