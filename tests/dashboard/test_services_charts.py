"""Figure builders for the Services page: pure, titled, and hidden counts drawn as gaps."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.charts import ChartContext
from dashboard.services_charts import coverage_funnel, ethnicity_figure, pyramid_figure, shares
from dashboard.services_tables import briefing_rows, coverage_table
from domain.disclosure import OPEN, PUBLIC, suppress
from domain.hotspots import FLAG_MARKERS
from domain.services import COVERAGE_FLAGS, coverage, coverage_curve

CONTEXT = ChartContext("Synthetic test data", date(2026, 10, 31))
LABELS = {"service": "Taken on by TR", "at_risk": "Children at risk"}


def pyramid_table(policy) -> pl.DataFrame:  # noqa: ANN001
    rows = [("service", "14_15", "female", 30), ("service", "14_15", "male", 2),
            ("service", "12_13", "female", 10), ("service", "12_13", "male", 8),
            ("at_risk", "14_15", "female", 60), ("at_risk", "14_15", "male", 40),
            ("at_risk", "12_13", "female", 20), ("at_risk", "12_13", "male", 20)]  # fmt: skip
    frame = pl.DataFrame(rows, schema=["population", "age_band", "gender", "cases"], orient="row")
    return suppress(frame, ["population", "age_band", "gender"], "cases", policy,
                    {"population": ["service", "at_risk"]})  # fmt: skip


def test_shares_are_of_each_groups_own_total():
    data = shares(pyramid_table(OPEN), ["age_band", "gender"])
    row = data.filter((pl.col("population") == "service") & (pl.col("age_band") == "14_15")
                      & (pl.col("gender") == "female"))  # fmt: skip
    assert row["share"].item() == 100 * 30 / 50


def test_pyramid_puts_females_left_males_right_and_leaves_hidden_cells_as_gaps():
    fig = pyramid_figure(pyramid_table(PUBLIC), LABELS, "Age and gender", CONTEXT)
    assert fig.layout.title.text == "Age and gender"
    assert "Source: Synthetic test data" in fig.layout.annotations[-1].text
    female, male = fig.data[0], fig.data[1]
    assert all(v is None or v <= 0 for v in female.x) and all(v is None or v >= 0 for v in male.x)
    bands = list(female.y)
    assert None in male.x and male.x[bands.index("14-15")] is None  # the 2 is hidden, not 0
    assert fig.layout.yaxis.type == "category"


def test_pyramid_orders_public_bands_youngest_first():
    rows = [("service", band, "female", 10) for band in ("16_plus", "under_12", "14_15")]
    frame = pl.DataFrame(rows, schema=["population", "age_band", "gender", "cases"], orient="row")
    table = suppress(frame, ["population", "age_band", "gender"], "cases", OPEN)
    fig = pyramid_figure(table, LABELS, "Age", CONTEXT)
    assert list(fig.data[0].y) == ["Under 12", "14-15", "16 and over"]


def test_ethnicity_figure_draws_both_groups_in_the_given_order():
    frame = pl.DataFrame({"population": ["service", "service", "at_risk", "at_risk"],
                          "ethnicity": ["English British", "Pakistani"] * 2,
                          "cases": [30, 10, 50, 50]})  # fmt: skip
    table = suppress(frame, ["population", "ethnicity"], "cases", OPEN,
                     {"population": ["service", "at_risk"]})  # fmt: skip
    fig = ethnicity_figure(table, LABELS, ["English British", "Pakistani"], "Ethnicity", CONTEXT)
    assert [t.name for t in fig.data] == ["Taken on by TR", "Children at risk"]
    assert list(fig.data[0].x) == [75.0, 25.0] and list(fig.data[1].x) == [50.0, 50.0]


def test_coverage_funnel_marks_the_low_areas_by_shape_and_name():
    areas = pl.DataFrame({"code": ["A", "B", "C"], "name": ["Ward A", "Ward B", "Ward C"],
                          "at_risk": [60, 60, 30], "in_service": [2, 30, 12]})  # fmt: skip
    flagged = coverage(areas)
    curve = coverage_curve(float(flagged["district_ratio"][0]), flagged["at_risk"].to_list())
    fig = coverage_funnel(flagged, curve, COVERAGE_FLAGS, FLAG_MARKERS, "Coverage", CONTEXT)
    low = next(t for t in fig.data if t.name == COVERAGE_FLAGS["low_998"])
    assert low.marker.symbol == FLAG_MARKERS["low_998"] and list(low.text) == ["Ward A"]
    assert fig.layout.yaxis.title.text == "Children in a service per 100 at risk"
    table = coverage_table(flagged, pl.DataFrame())
    assert table["Area"][0] == "Ward A" and table["Gap (at risk less in a service)"][0] == "58"


def test_briefing_rows_show_c_for_hidden_numbers():
    table = pl.DataFrame({
        "measure": ["open_cases"] * 2, "geo": ["area", "Total"],
        "service": ["turnaround"] * 2, "cases": [None, 25], "suppressed": [True, False],
    })  # fmt: skip
    rows = {r[0]: r for r in briefing_rows(table)}
    assert rows["Turnaround"][2:4] == ["c", "25"]
