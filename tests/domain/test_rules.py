"""Pure domain rules: months, trends, formatting, CSV escaping, map ranking, objectives."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from domain.csv_safe import neutralise, to_safe_csv
from domain.formatting import format_change, format_count, format_pct
from domain.mapdata import map_table
from domain.months import add_months, month_end, month_label, months_between, parse_month
from domain.objectives import objective_summary, quarter_ends, quarter_label, status_label
from domain.overview import headline_measures, rag_summary
from domain.trends import (
    average_of_previous,
    blank_incomplete_windows,
    change,
    ranked,
    with_rolling_average,
    with_same_month_last_year,
)


def monthly(values: list[int | None], start: str = "2023-01") -> pl.DataFrame:
    first = parse_month(start)
    months = [add_months(first, i).strftime("%Y-%m") for i in range(len(values))]
    return pl.DataFrame(
        {"month": months, "value": values}, schema={"month": pl.String, "value": pl.Int64}
    )


def test_month_arithmetic():
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 1)
    assert add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29)
    assert months_between(date(2024, 11, 20), date(2025, 2, 1)) == [
        date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)
    ]  # fmt: skip
    assert month_label(date(2026, 10, 1)) == "Oct 2026"
    assert parse_month("2026-10") == date(2026, 10, 1)


def test_rolling_average_waits_for_a_full_window():
    frame = with_rolling_average(monthly([3, 6, 9, 12]))
    assert frame["rolling_avg"].to_list() == [None, None, 6.0, 9.0]


def test_same_month_last_year_lines_up_by_calendar_month():
    frame = with_same_month_last_year(monthly(list(range(1, 15))))
    assert frame["last_year"].to_list()[:12] == [None] * 12
    assert frame["last_year"].to_list()[12:] == [1, 2]


def test_change_and_average_of_previous():
    assert change(110, 100) == (10, 10.0)
    assert change(5, 0) == (5, None)
    assert change(None, 3) == (None, None)
    series = monthly([10] * 12 + [22])
    assert average_of_previous(series, "2024-01", 12) == 10.0
    assert average_of_previous(series, "2023-06", 12) is None  # not 12 months of history


def test_headline_compares_with_previous_twelve_months():
    headline = headline_measures(monthly([100] * 6 + [130] * 6 + [120]), "2024-01")
    assert headline.current == 120
    assert headline.average == 115.0
    assert headline.delta == 5.0
    assert headline.pct == pytest.approx(4.3478, rel=1e-3)


def test_ranked_gives_ties_the_same_best_rank():
    frame = ranked(pl.DataFrame({"name": ["a", "b", "c", "d"], "value": [5, 9, 5, 1]}))
    assert frame.select("name", "rank").rows() == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]


def test_map_table_fills_zero_for_quiet_areas_and_drops_outsiders():
    values = pl.DataFrame({"code": ["W1", "W3", "ZZ"], "value": [4, 7, 99]})
    table = map_table(values, {"W1": "One", "W2": "Two", "W3": "Three"})
    assert table.rows() == [
        (1, "Three", "W3", 7, False),
        (2, "One", "W1", 4, False),
        (3, "Two", "W2", 0, False),
    ]


def test_incomplete_windows_are_unknown_not_zero():
    frame = pl.DataFrame({"month": ["2019-01", "2019-02", "2019-03", "2019-04"], "n": [0, 0, 4, 5]})
    blanked = blank_incomplete_windows(frame, date(2019, 1, 1), "n", 90)
    assert blanked["n"].to_list() == [None, None, 4, 5]


def test_number_formatting():
    assert format_count(1234567) == "1,234,567"
    assert format_count(None) == "c"
    assert format_count(0) == "0"
    assert format_change(28, 13.2) == "+28 (+13%)"
    assert format_change(-5, -2.4) == "-5 (-2%)"
    assert format_change(0.2, 0.1) == "no change"
    assert format_change(None, None) == "—"
    assert format_pct(None) == "—"


@pytest.mark.parametrize("cell", ["=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\rcmd"])
def test_formula_like_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


def test_safe_csv_escapes_text_but_not_numbers():
    frame = pl.DataFrame({"name": ['=HYPERLINK("x")', "Keighley"], "n": [-3, 4]})
    text = to_safe_csv(frame).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[1].startswith("\"'=HYPERLINK")
    assert lines[1].endswith(",-3")
    assert lines[2] == "Keighley,4"


def test_quarters_and_status_labels():
    assert quarter_ends(date(2021, 4, 1), date(2021, 12, 30)) == [
        date(2021, 6, 30),
        date(2021, 9, 30),
    ]
    assert quarter_label(date(2021, 9, 30)) == "Q3 2021"
    assert status_label("at_risk") == "▲ At risk"


def test_objective_summary_counts_each_status():
    actions = pl.DataFrame(
        {
            "objective_number": [1, 1, 1, 2],
            "objective": ["One", "One", "One", "Two"],
            "status": ["on_track", "done", "on_track", "off_track"],
            "overdue": [False, False, True, True],
            "progress_pct": [50, 100, 30, 10],
        }
    )
    summary = objective_summary(actions)
    first = summary.row(0, named=True)
    assert (first["on_track"], first["done"], first["at_risk"], first["overdue"]) == (2, 1, 0, 1)
    assert first["mean_progress"] == 60.0
    assert summary.row(1, named=True)["off_track"] == 1
    assert rag_summary(actions) == {"on_track": 2, "done": 1, "off_track": 1}


def test_wide_table_orders_labels_fills_zeros_and_totals():
    from dashboard.tables import series_table, wide_table

    frame = pl.DataFrame(
        {"month": ["2024-01", "2024-01", "2024-02"], "risk_level": ["significant", "emerging", "emerging"],
         "children": [2, 5, 4]}
    )  # fmt: skip
    labels = {"emerging": "Emerging", "moderate": "Moderate", "significant": "Significant"}
    table = wide_table(frame, "risk_level", "children", labels)
    assert table.columns == ["Month", "Emerging", "Moderate", "Significant", "Total"]
    assert table.rows() == [("2024-01", 5, 0, 2, 7), ("2024-02", 4, 0, 0, 4)]
    series = series_table(monthly([3, 6, 9]))
    assert series.columns == ["Month", "Value", "3-month average", "Same month last year"]
    assert series["3-month average"].to_list() == [None, None, 6.0]
