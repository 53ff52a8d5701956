"""Trends: monthly series with a 3-month rolling average, against the same month last year."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import cache, charts, theme, ui
from dashboard.months import add_months
from dashboard.tables import series_table, wide_table
from dashboard.trends import blank_incomplete_windows
from dashboard.vocab import EXPLOITATION_TYPES, PLACEMENT_TYPES, REFERRING_AGENCIES, RISK_LEVELS
from data_access.sql import Scope

ui.page_header(
    "Trends",
    "How missing episodes, referrals and the risk cohort have changed month by month. Dashed "
    "lines mark the first Covid-19 lockdown and the Philomena Protocol launch.",
)
with st.sidebar:
    area = ui.area_filter("trends-area")
    ward = ui.ward_filter("trends-ward", area)
    start, end = ui.month_range("trends-range", default_months=120)

scope = Scope(start, end, area_code=area, ward_code=ward)
# A year more than shown, so 'same month last year' exists for the first months on screen.
history = Scope(max(add_months(start, -12), cache.data_from()), end, area_code=area, ward_code=ward)
context = cache.chart_context()
place = "Bradford District"
if ward:
    place = cache.wards().filter(pl.col("code") == ward)["name"].item() + " ward"
elif area:
    place = cache.area_committees().filter(pl.col("code") == area)["name"].item()
in_range = pl.col("month") >= start.strftime("%Y-%m")

st.header("Missing episodes")
shown_from = start.strftime("%Y-%m")
missing = cache.missing_counts(history, ("month", "placement_type"))
ui.chart_with_numbers(
    charts.breakdown_chart(
        missing,
        "placement_type",
        "episodes",
        PLACEMENT_TYPES,
        theme.PLACEMENT_COLOURS,
        f"Missing episodes each month by placement type, {place}",
        "Episodes per month",
        context,
        shown_from,
    ),
    wide_table(missing.filter(in_range), "placement_type", "episodes", PLACEMENT_TYPES),
    "missing-episodes-by-placement",
    "trends-missing-placement",
)

children = cache.monthly_metric(history, "missing_children", None, None)
ui.chart_with_numbers(
    charts.series_chart(
        children,
        f"Children who went missing each month, {place}",
        "Children per month",
        context,
        theme.DARK_PINK,
        shown_from,
    ),
    series_table(children, in_range),
    "children-missing",
    "trends-missing-children",
)
repeat = blank_incomplete_windows(
    cache.repeat_missing_by_month(history), cache.data_from(), "repeat_children"
).rename({"repeat_children": "value"})
ui.chart_with_numbers(
    charts.series_chart(
        repeat,
        f"Repeat-missing children at each month end, {place}",
        "Children",
        context,
        theme.ORANGE,
        shown_from,
    ),
    series_table(repeat, in_range),
    "repeat-missing-children",
    "trends-repeat-missing",
)
st.caption(
    "Repeat missing: a child with 3 or more missing episodes in the 90 days to the month end."
)

st.header("Referrals")
by_type = cache.referral_counts(history, ("month", "exploitation_type"))
ui.chart_with_numbers(
    charts.breakdown_chart(
        by_type,
        "exploitation_type",
        "referrals",
        EXPLOITATION_TYPES,
        theme.EXPLOITATION_COLOURS,
        f"Referrals each month by exploitation type, {place}",
        "Referrals per month",
        context,
        shown_from,
    ),
    wide_table(by_type.filter(in_range), "exploitation_type", "referrals", EXPLOITATION_TYPES),
    "referrals-by-type",
    "trends-referrals-type",
)
by_agency = cache.referral_counts(history, ("month", "referring_agency"))
ui.chart_with_numbers(
    charts.breakdown_chart(
        by_agency,
        "referring_agency",
        "referrals",
        REFERRING_AGENCIES,
        theme.AGENCY_COLOURS,
        f"Referrals each month by referring agency, {place}",
        "Referrals per month",
        context,
        shown_from,
    ),
    wide_table(by_agency.filter(in_range), "referring_agency", "referrals", REFERRING_AGENCIES),
    "referrals-by-agency",
    "trends-referrals-agency",
)

st.header("Children at risk (the risk cohort)")
cohort = cache.cohort_counts(history, ("month", "risk_level"))
ui.chart_with_numbers(
    charts.breakdown_chart(
        cohort,
        "risk_level",
        "children",
        RISK_LEVELS,
        theme.RISK_LEVEL_COLOURS,
        f"Children at risk at each month end by risk level, {place}",
        "Children at risk",
        context,
        shown_from,
    ),
    wide_table(cohort.filter(in_range), "risk_level", "children", RISK_LEVELS),
    "cohort-by-level",
    "trends-cohort",
)
