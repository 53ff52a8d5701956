"""Overview: where things stand this month, for the district or one Area Committee area."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import cache, measure_headlines, public_views, services_blocks, theme, ui, url_state
from dashboard.tables import split_table, suppressed_wide
from data_access.sql import Scope
from domain.disclosure import TOTAL
from domain.formatting import format_change, format_count
from domain.months import add_months, month_label, months_between
from domain.overview import cell_value, headline_measures, rag_summary
from domain.vocab import METRICS, RAG_MARKERS, RAG_STATUSES, RISK_LEVELS

ui.page_header(
    "Overview",
    "Children at risk of exploitation, referrals and missing episodes this month, and how the "
    "partnership's strategic actions are going.",
)

role = ui.role()


def strategic_actions() -> None:
    """Action counts by status (not counts of children: the same for every role)."""
    st.subheader("Strategic actions by progress status")
    actions = cache.action_status(cache.data_as_of())
    summary = rag_summary(actions)
    columns = st.columns(len(RAG_STATUSES) + 1)
    for column, (status, label) in zip(columns, RAG_STATUSES.items(), strict=False):
        column.metric(
            f"{RAG_MARKERS[status]} {label}", format_count(summary.get(status, 0)), border=True
        )
    columns[-1].metric("Overdue", format_count(int(actions["overdue"].sum())), border=True)
    st.caption(
        "Status is each action's latest quarterly update. Overdue: past its due date and not done. "
        "See the Strategic objectives page for the detail."
    )


if public_views.is_public(role):  # Area Committee: cells of the public release only
    public_views.overview(role)
    strategic_actions()
    st.stop()

latest = cache.data_as_of().replace(day=1)
with st.sidebar:
    area = ui.area_filter("overview-area")
    month = url_state.selectbox(
        "Month",
        list(reversed(months_between(add_months(latest, -23), latest))),
        format_func=month_label,
        key="overview-month",
        param="month",
    )
ui.audit_filters("Overview", {"area": area, "month": month})
area_name = "the whole district"
if area:
    area_name = cache.area_committees().filter(pl.col("code") == area)["name"].item()

st.subheader(f"Children at risk of exploitation at the end of {month_label(month)}, {area_name}")
cohort = cache.cohort_table(role, Scope(add_months(month, -23), month, area_code=area),
                            ("month", "risk_level"))  # fmt: skip
this_label, last_label = month.strftime("%Y-%m"), add_months(month, -1).strftime("%Y-%m")
columns = st.columns(4)
for column, level in zip(columns, [*RISK_LEVELS, TOTAL], strict=True):
    now = cell_value(cohort, {"month": this_label, "risk_level": level}, "children")
    before = cell_value(cohort, {"month": last_label, "risk_level": level}, "children")
    delta = None if now is None or before is None else now - before
    column.metric(
        "All children at risk" if level == TOTAL else f"{RISK_LEVELS[level]} risk",
        format_count(now),
        delta=None if delta is None else f"{format_change(delta, None)} on last month",
        delta_color="inverse" if delta else "off",
        border=True,
    )

st.subheader("Referrals and missing episodes this month, against the 12 months before")
year_scope = Scope(add_months(month, -12), month, area_code=area)
columns = st.columns(3)
for column, metric in zip(
    columns, ("referrals", "missing_episodes", "missing_children"), strict=True
):
    series = cache.monthly_series(role, year_scope, metric, None, None)
    measure = headline_measures(series, this_label)
    column.metric(
        f"{METRICS[metric]} in {month_label(month)}",
        format_count(measure.current),
        delta=(
            None
            if measure.delta is None
            else f"{format_change(measure.delta, measure.pct)} vs 12-month average "
            f"({format_count(measure.average)})"
        ),
        delta_color="inverse",
        border=True,
    )
st.caption(
    "Arrows: up means more than the average of the previous 12 months. For these measures more "
    "is not good, so rises are shown in red."
    + (
        " **c**: a small number hidden to protect children's privacy."
        if role.policy.suppress
        else ""
    )
)

services_blocks.overview_headline(role, month, area, area_name)
measure_headlines.show(role, month, area)  # education, modern slavery, investigations

cells, totals = split_table(cohort, "month", "risk_level", "children")
figure = cache.figure(
    "charts.breakdown_chart",
    cells,
    "risk_level",
    "children",
    RISK_LEVELS,
    theme.RISK_LEVEL_COLOURS,
    f"Children at risk at each month end by risk level, {area_name}, last 24 months",
    "Children at risk (month end)",
    cache.chart_context(),
    totals=totals,
)
ui.chart_with_numbers(
    figure,
    suppressed_wide(cohort, "month", "risk_level", "children", RISK_LEVELS),
    "children-at-risk-by-level",
    "overview-cohort",
    area_code=area,
    period=(add_months(month, -23), month),
)

strategic_actions()
