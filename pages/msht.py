"""Modern slavery and human trafficking: offences, NRM referrals of children and partnership
intelligence (report 2.23), with the same trend tools as the Trends page."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import cache, charts, measure_ui, ui, url_state
from dashboard import measures_cache as mcache
from dashboard.measure_charts import MEASURE_COLOURS
from dashboard.measure_tables import ward_table, year_table
from dashboard.tables import suppressed_series_table
from data_access.sql import Scope
from domain.disclosure import TOTAL
from domain.formatting import format_count
from domain.measures import (
    MSHT_MEASURES,
    MSHT_SHORT,
    REPORT_DATE,
    SIX_WEEKS,
    complete_years,
    financial_year,
    pct_change,
)
from domain.months import add_months, month_end, month_label, months_between

ui.page_header(
    "Modern slavery and human trafficking",
    "Recorded modern slavery and trafficking offences, National Referral Mechanism (NRM) "
    "referrals of children, and modern-slavery intelligence submitted through the Partnership "
    "Intelligence Portal: each month with its 3-month average and the same month last year. "
    "Offences are counted by police financial year (April to March).",
)
role = ui.role()
first = cache.data_from()
if role.role == "area_committee":
    st.session_state.setdefault("msht-area", None)  # one area's monthly numbers are mostly small
with st.sidebar:
    area = ui.area_filter("msht-area")
    ward = ui.ward_filter("msht-ward", area)
    start, end = measure_ui.month_range("msht-range", first, default_months=120)
ui.audit_filters("Modern slavery", {"area": area, "ward": ward, "start": start, "end": end})
place = measure_ui.place_name(area, ward)
measure_ui.suppression_note()

history = Scope(max(add_months(start, -12), first), end, area_code=area, ward_code=ward)
context = measure_ui.chart_context()
shown_from = start.strftime("%Y-%m")
tables = {code: mcache.msht_series(role, history, code) for code in MSHT_MEASURES}

st.subheader(f"Partnership intelligence: the last six weeks against the six before, {place}")
as_of = cache.data_as_of()
ends = [month_end(m) for m in reversed(months_between(first + 2 * SIX_WEEKS, as_of))]
window_end = url_state.selectbox(
    "Six weeks ending", ends, format_func=lambda d: f"{d:%-d %B %Y}", key="msht-window-end",
    param="weeks-to",
    help=f"The report compared the six weeks to {REPORT_DATE:%-d %B %Y} with the six before.",
)  # fmt: skip
previous, current = mcache.six_week_change(role, window_end, "intelligence_submissions", area)
change = pct_change(previous, current)
columns = st.columns(3)
columns[0].metric(f"Six weeks to {window_end:%-d %b %Y}", format_count(current), border=True)
columns[1].metric("The six weeks before", format_count(previous), border=True)
columns[2].metric(
    "Change", "—" if change is None else f"{change:+.0f}%",
    delta=None if change is None or previous is None or current is None
    else f"{format_count(previous)} → {format_count(current)}",
    delta_color="off", border=True,
)  # fmt: skip
st.caption(
    "Change is (now − before) ÷ before: 12 → 24 submissions is **+100%** (the report called it "
    "+50%). Submissions without a location count in district figures only."
)

in_range = pl.col("month") >= shown_from
if role.policy.suppress:
    measure_ui.mostly_hidden_note(
        [t.filter(pl.col("month") >= shown_from) for t in tables.values()]
    )
for code, y_title in (("offences", "Offences per month"), ("nrm_child_referrals", "Referrals per month"),
                      ("intelligence_submissions", "Submissions per month")):  # fmt: skip
    months = tables[code].filter(pl.col("month") != TOTAL)
    st.header(MSHT_MEASURES[code])
    ui.chart_with_numbers(
        charts.series_chart(months.select("month", "value"), f"{MSHT_MEASURES[code]} each month, {place}",
                            y_title, context, MEASURE_COLOURS[code], shown_from),  # fmt: skip
        suppressed_series_table(months, in_range), f"msht-{code.replace('_', '-')}", f"msht-{code}",
    )  # fmt: skip

st.header("By financial year")
measure_ui.table_with_csv(
    year_table({MSHT_SHORT[c]: tables[c] for c in MSHT_MEASURES}, "financial", "Financial year"),
    "msht-by-financial-year", "msht-years",
    "Complete financial years (April to March) only; a year with a hidden month is hidden (c).",
)  # fmt: skip

st.header("By ward")
if role.role == "area_committee" and area is None:
    st.info(
        "Choose your area in the sidebar to see its wards; the district is shown as totals only."
    )
else:
    years = complete_years(first, end, "financial") or [financial_year(end)]
    chosen = url_state.selectbox("Financial year", years, key="msht-ward-year", param="year")
    year_start = date(int(chosen[:4]), 4, 1)
    year_scope = Scope(year_start, add_months(year_start, 11), area_code=area)
    names = measure_ui.ward_names(area)
    measure_ui.table_with_csv(
        ward_table({MSHT_SHORT[c]: mcache.msht_by_ward(role, year_scope, c, tuple(names))
                    for c in MSHT_MEASURES}, names, "All these wards"),  # fmt: skip
        f"msht-by-ward-{chosen.replace('/', '-')}", "msht-wards",
        f"Financial year {chosen} ({month_label(year_scope.start)} to {month_label(year_scope.end)}). "
        "Records with no location are counted in the district totals only.",
    )  # fmt: skip
