"""Trends: monthly series with a 3-month rolling average, against the same month last year."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import cache, public_views, theme, ui, url_state
from dashboard.tables import split_table, suppressed_series_table, suppressed_wide
from data_access.sql import Scope
from domain.months import add_months
from domain.trends import blank_incomplete_windows
from domain.vocab import EXPLOITATION_TYPES, PLACEMENT_TYPES, REFERRING_AGENCIES, RISK_LEVELS

TOPICS = {
    "missing": "Missing episodes",
    "referrals": "Referrals",
    "cohort": "Children at risk",
    "all": "All three",
}

ui.ensure_entrypoint()
role = ui.role()
if public_views.is_public(role):  # Area Committee: cells of the public release only
    public_views.trends(role)
    st.stop()

ui.page_header(
    "Trends",
    "How missing episodes, referrals and the risk cohort have changed month by month. Dashed "
    "lines mark the first Covid-19 lockdown and the Philomena Protocol launch.",
)
with st.sidebar:
    area = ui.area_filter("trends-area")
    ward = ui.ward_filter("trends-ward", area)
    start, end = ui.month_range("trends-range", default_months=120)
ui.audit_filters("Trends", {"area": area, "ward": ward, "start": start, "end": end})

# A year more than shown, so 'same month last year' exists for the first months on screen.
history = Scope(max(add_months(start, -12), cache.data_from()), end, area_code=area, ward_code=ward)
context = cache.chart_context()
place = "Bradford District"
if ward:
    place = cache.wards().filter(pl.col("code") == ward)["name"].item() + " ward"
elif area:
    place = cache.area_committees().filter(pl.col("code") == area)["name"].item()
shown_from = start.strftime("%Y-%m")
download_context = {"area_code": area, "period": (start, end),
                    "filters": {"Ward": place if ward else ""}}  # fmt: skip
in_range = pl.col("month") >= shown_from
if role.policy.suppress:
    st.info(
        "Numbers from 1 to 4, and others that would let them be worked out, are hidden and "
        "shown as **c**; charts leave a gap for them, never a zero.",
        icon="🔒",
    )


def breakdown(table: pl.DataFrame, category: str, value: str, labels: dict, colours: dict,
              title: str, y_title: str, stem: str, key: str) -> None:  # fmt: skip
    """A stacked chart and its table from one suppressed month x category table."""
    cells, totals = split_table(table, "month", category, value)
    ui.chart_with_numbers(
        cache.figure(
            "charts.breakdown_chart",
            cells,
            category,
            value,
            labels,
            colours,
            title,
            y_title,
            context,
            shown_from,
            totals=totals,
        ),  # fmt: skip
        suppressed_wide(table, "month", category, value, labels, keep=in_range),
        stem,
        key,
        **download_context,
    )


def series(frame: pl.DataFrame, title: str, y_title: str, colour: str, stem: str, key: str) -> None:
    ui.chart_with_numbers(
        cache.figure(
            "charts.series_chart",
            frame.select("month", "value"),
            title,
            y_title,
            context,
            colour,
            shown_from,
        ),  # fmt: skip
        suppressed_series_table(frame, in_range),
        stem,
        key,
        **download_context,
    )


# One topic at a time by default: a page of six long charts took seconds to draw on a meeting
# room's laptop; "All three" keeps the long view. The choice is in the link like every filter.
topic = url_state.segmented("Show", list(TOPICS), format_func=TOPICS.get, key="trends-topic",
                            param="show")  # fmt: skip

if topic in ("missing", "all"):
    st.header("Missing episodes")
    breakdown(
        cache.missing_table(role, history, ("month", "placement_type")),
        "placement_type", "episodes", PLACEMENT_TYPES, theme.PLACEMENT_COLOURS,
        f"Missing episodes each month by placement type, {place}", "Episodes per month",
        "missing-episodes-by-placement", "trends-missing-placement",
    )  # fmt: skip
    series(
        cache.monthly_series(role, history, "missing_children", None, None),
        f"Children who went missing each month, {place}", "Children per month", theme.DARK_PINK,
        "children-missing", "trends-missing-children",
    )  # fmt: skip
    repeat = cache.repeat_missing_series(role, history)
    series(
        blank_incomplete_windows(repeat, cache.data_from(), "value"),
        f"Repeat-missing children at each month end, {place}", "Children", theme.ORANGE,
        "repeat-missing-children", "trends-repeat-missing",
    )  # fmt: skip
    st.caption(
        "Repeat missing: a child with 3 or more missing episodes in the 90 days to the month end."
    )

if topic in ("referrals", "all"):
    st.header("Referrals")
    by_type, by_agency = cache.linked_referral_tables(role, history)
    breakdown(
        by_type, "exploitation_type", "referrals", EXPLOITATION_TYPES, theme.EXPLOITATION_COLOURS,
        f"Referrals each month by exploitation type, {place}", "Referrals per month",
        "referrals-by-type", "trends-referrals-type",
    )  # fmt: skip
    breakdown(
        by_agency, "referring_agency", "referrals", REFERRING_AGENCIES, theme.AGENCY_COLOURS,
        f"Referrals each month by referring agency, {place}", "Referrals per month",
        "referrals-by-agency", "trends-referrals-agency",
    )  # fmt: skip

if topic in ("cohort", "all"):
    st.header("Children at risk (the risk cohort)")
    breakdown(
        cache.cohort_table(role, history, ("month", "risk_level")),
        "risk_level", "children", RISK_LEVELS, theme.RISK_LEVEL_COLOURS,
        f"Children at risk at each month end by risk level, {place}", "Children at risk",
        "cohort-by-level", "trends-cohort",
    )  # fmt: skip
