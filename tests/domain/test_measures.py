"""Pure rules for education, modern slavery and investigations: years, windows, change, stages."""

from __future__ import annotations

from datetime import date

import polars as pl

from domain.measures import (
    academic_year,
    complete_years,
    financial_year,
    partial_month_counts,
    pct_change,
    period_totals,
    pipeline_stage,
    stage_at_month_ends,
    window_counts,
)


def test_change_is_against_the_earlier_figure():
    assert pct_change(12, 24) == 100.0  # the report's "+50%" is wrong
    assert pct_change(24, 12) == -50.0
    assert pct_change(0, 5) is None and pct_change(None, 5) is None


def test_academic_and_financial_years():
    assert academic_year(date(2019, 9, 1)) == "2019/20"
    assert academic_year(date(2020, 8, 1)) == "2019/20"
    assert academic_year(date(2020, 9, 1)) == "2020/21"
    assert financial_year(date(2019, 4, 1)) == "2019/20"
    assert financial_year(date(2020, 3, 1)) == "2019/20"
    assert financial_year(date(1999, 12, 1)) == "1999/00"


def test_year_totals_hide_a_year_with_a_hidden_month_and_skip_part_years():
    months = [f"{y}-{m:02d}" for y, m in [(2018, 9), (2018, 10), (2018, 11), (2018, 12)]
              + [(2019, m) for m in range(1, 13)] + [(2020, m) for m in range(1, 9)]]  # fmt: skip
    values = [10] * len(months)
    values[months.index("2020-02")] = None
    totals = period_totals(pl.DataFrame({"month": months, "value": values}), "value")
    assert totals.rows() == [("2018/19", 120), ("2019/20", None)]
    part = period_totals(pl.DataFrame({"month": months, "value": [1] * len(months)}), "value",
                         "financial", complete_only=False)  # fmt: skip
    assert dict(part.rows()) == {"2018/19": 7, "2019/20": 12, "2020/21": 5}


def test_six_week_windows_end_on_the_day_given():
    end = date(2020, 9, 30)
    days = [date(2020, 9, 30), date(2020, 8, 20), date(2020, 8, 19), date(2020, 7, 9),
            date(2020, 7, 8), date(2020, 10, 1)]  # fmt: skip
    assert window_counts(days, end) == (2, 2)


def test_complete_years_inside_a_range():
    assert complete_years(date(2018, 9, 1), date(2020, 8, 1)) == ["2019/20", "2018/19"]
    assert complete_years(date(2018, 10, 1), date(2020, 7, 1)) == []
    assert complete_years(date(2019, 1, 1), date(2021, 3, 1), "financial") == ["2020/21", "2019/20"]


def test_stage_at_month_ends_takes_each_investigations_latest_update():
    updates = pl.DataFrame(
        {
            "investigation": ["A", "A", "B"],
            "updated_on": [date(2020, 1, 15), date(2020, 3, 1), date(2020, 2, 29)],
            "stage": ["live", "charged", "live"],
        }
    )
    months = [date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)]
    rows = stage_at_month_ends(updates, months).sort("month", "investigation")
    assert rows.select("month", "investigation", "stage").rows() == [
        ("2020-01", "A", "live"),
        ("2020-02", "A", "live"),
        ("2020-02", "B", "live"),
        ("2020-03", "A", "charged"),
        ("2020-03", "B", "live"),
    ]


def test_pipeline_puts_live_cases_at_their_furthest_step():
    assert pipeline_stage("live", cps_lawyer=True, victim_disclosure=False) == "live_cps_lawyer"
    assert pipeline_stage("live", False, True) == "live_victim_disclosure"
    assert pipeline_stage("live", False, False) == "live_investigation"
    assert pipeline_stage("pending_trial", True, False) == "pending_trial"


def test_partial_months_of_a_window_are_what_subtraction_would_reveal():
    days = [date(2020, 8, 19), date(2020, 8, 20), date(2020, 8, 31), date(2020, 9, 5)]
    assert partial_month_counts(days, date(2020, 8, 20), date(2020, 9, 30)) == [2]  # Sep is whole
    assert sorted(partial_month_counts(days, date(2020, 7, 9), date(2020, 8, 19))) == [0, 1]
