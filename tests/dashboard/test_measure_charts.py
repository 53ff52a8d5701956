"""Figure builders for the education, modern slavery and disrupt pages: titles, units, source
line, patterns, gaps for hidden counts, the report's yearly changes labelled."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard import charts
from dashboard.measure_charts import january_chart, period_bars, stage_chart
from domain.measures import DISRUPTION_TYPES, INVESTIGATION_STAGES

CONTEXT = charts.ChartContext("Synthetic demo data", date(2026, 10, 31),
                              ((date(2020, 3, 23), "Covid-19 lockdown"),))  # fmt: skip


def footer(figure) -> str:  # noqa: ANN001
    return " ".join(a.text for a in figure.layout.annotations)


def test_january_chart_labels_each_years_change():
    frame = pl.DataFrame({"month": ["2016-01", "2017-01", "2018-01", "2019-01"],
                          "value": [295, None, 481, 515]})  # fmt: skip
    fig = january_chart(frame, "EHE in January", "Children registered", CONTEXT)
    bar = fig.data[0]
    assert list(bar.x) == ["2016", "2017", "2018", "2019"]
    assert bar.text[1] == "c" and bar.text[3] == "515<br>+7% on a year"
    assert bar.text[2] == "481"  # no change shown against a hidden year
    assert fig.layout.yaxis.title.text == "Children registered"
    assert "Data as of 31 Oct 2026" in footer(fig)


def test_stage_chart_stacks_stages_with_patterns_and_leaves_gaps():
    table = pl.DataFrame({
        "month": ["2020-02", "2020-02", "2020-03", "2020-03"],
        "stage": ["live", "pending_trial", "live", "pending_trial"],
        "investigations": [12, None, 11, 5],
    })  # fmt: skip
    labels = {k: INVESTIGATION_STAGES[k] for k in ("live", "pending_trial")}
    fig = stage_chart(
        table, labels, "Investigations by stage", "Investigations (month end)", CONTEXT
    )
    assert [t.name for t in fig.data] == list(labels.values())
    assert list(fig.data[1].y) == [None, 5]  # hidden is a gap, never zero
    assert fig.data[0].marker.pattern.shape != fig.data[1].marker.pattern.shape
    assert fig.layout.barmode == "stack" and fig.layout.xaxis.title.text == "Month end"
    assert "Covid-19 lockdown" in footer(fig)


def test_period_bars_one_trace_per_activity_type():
    table = pl.DataFrame({"period": ["2020 Q1", "2020 Q2"], "activity_type": ["cawn", "arrest"],
                          "activities": [7, None]})  # fmt: skip
    fig = period_bars(table, "activity_type", "activities", DISRUPTION_TYPES, {}, "Disruption",
                      "Activities", CONTEXT, "Calendar quarter")  # fmt: skip
    assert len(fig.data) == len(DISRUPTION_TYPES)
    arrests = next(t for t in fig.data if t.name == "Arrests")
    assert list(arrests.y) == [None, None] and list(fig.data[0].y) == [7, None]
    assert fig.layout.xaxis.title.text == "Calendar quarter"
