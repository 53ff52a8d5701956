"""Education: children missing education and children electively home educated (report 2.22)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, measure_ui, ui, url_state
from dashboard import measures_cache as mcache
from dashboard.measure_charts import MEASURE_COLOURS, january_chart
from dashboard.measure_tables import january_table, value_of, ward_table, year_table
from dashboard.tables import suppressed_series_table
from data_access.sql import Scope
from domain.disclosure import TOTAL
from domain.formatting import format_count
from domain.measures import academic_year, complete_years, pct_change
from domain.months import add_months, month_end, month_label, parse_month

ui.page_header(
    "Education",
    "Children missing education (CME) referred to the local authority, how many were found, and "
    "children electively home educated (EHE). The reporting year is the academic year, "
    "September to August; the dashed line marks the first Covid-19 lockdown.",
)
role = ui.role()
first = mcache.education_first_month()
if first is None:
    st.info("No education extracts have been loaded yet (Data page: CME referrals, EHE counts).")
    st.stop()
with st.sidebar:
    area = ui.area_filter("education-area")
    ward = ui.ward_filter("education-ward", area)
    start, end = measure_ui.month_range("education-range", first, default_months=120)
ui.audit_filters("Education", {"area": area, "ward": ward, "start": start, "end": end})
place = measure_ui.place_name(area, ward)
measure_ui.suppression_note()

history = Scope(max(add_months(start, -12), first), end, area_code=area, ward_code=ward)
context = measure_ui.chart_context()
shown_from = start.strftime("%Y-%m")
referrals = mcache.education_series(role, history, "cme_referrals")
found = mcache.education_series(role, history, "cme_whereabouts_found")
ehe = mcache.education_series(role, history, "ehe_registered")

years = year_table({"Referred": referrals, "Whereabouts found": found}, "academic", "Academic year")
st.subheader(f"Where things stand, {place}")
columns = st.columns(3)
if years.height:
    latest = years.row(-1, named=True)
    before = years.row(-2, named=True) if years.height > 1 else None
    now_n = latest["Referred"] if isinstance(latest["Referred"], int) else None
    was_n = before["Referred"] if before and isinstance(before["Referred"], int) else None
    change = pct_change(was_n, now_n)
    columns[0].metric(
        f"Children missing education referred, {latest['Academic year']}",
        format_count(now_n),
        delta=None if change is None else f"{change:+.0f}% on {before['Academic year']} ({format_count(was_n)})",
        delta_color="off", border=True,
    )  # fmt: skip
    found_n = latest["Whereabouts found"] if isinstance(latest["Whereabouts found"], int) else None
    columns[1].metric(
        f"Whereabouts found, {latest['Academic year']} referrals",
        "c" if not (now_n and found_n is not None) else f"{100 * found_n / now_n:.0f}%",
        delta=None if found_n is None else f"{format_count(found_n)} children", delta_color="off",
        border=True,
    )  # fmt: skip
end_label = end.strftime("%Y-%m")
ehe_now = value_of(ehe, {"month": end_label}, "value")
ehe_month = pct_change(
    value_of(ehe, {"month": add_months(end, -1).strftime("%Y-%m")}, "value"), ehe_now
)
ehe_year = pct_change(
    value_of(ehe, {"month": add_months(end, -12).strftime("%Y-%m")}, "value"), ehe_now
)
columns[2].metric(
    f"Electively home educated on {month_end(end):%-d %b %Y}", format_count(ehe_now),
    delta=" · ".join(f"{p:+.0f}% {w}" for p, w in ((ehe_month, "in a month"), (ehe_year, "on a year"))
                     if p is not None) or None,
    delta_color="off", border=True,
)  # fmt: skip
st.caption(
    "A full academic year is September to August; the latest complete one in the months shown is "
    "compared with the year before. Whereabouts found: referrals of that year whose whereabouts "
    "have since been established (in education, or moved out of the district)."
)

st.header("Children missing education")
in_range = pl.col("month") >= shown_from


def series(frame: pl.DataFrame, measure: str, title: str, y_title: str, stem: str) -> None:
    months = frame.filter(pl.col("month") != TOTAL)
    ui.chart_with_numbers(
        charts.series_chart(months.select("month", "value"), title, y_title, context,
                            MEASURE_COLOURS[measure], shown_from),  # fmt: skip
        suppressed_series_table(months, in_range), stem, f"education-{stem}",
    )  # fmt: skip


series(referrals, "cme_referrals", f"Children missing education referred to the LA each month, {place}",
       "Referrals per month", "cme-referrals")  # fmt: skip
shares = years.with_columns(
    pl.when(pl.col("Referred").cast(pl.Int64, strict=False) > 0)
    .then((100 * pl.col("Whereabouts found").cast(pl.Int64, strict=False)
           / pl.col("Referred").cast(pl.Int64, strict=False)).round(0).cast(pl.Int64, strict=False))
    .alias("Found (%)")
)  # fmt: skip
measure_ui.table_with_csv(
    shares, "cme-by-academic-year", "education-years",
    "Complete academic years only. A year with a hidden month is hidden as a whole (c).",
)  # fmt: skip

st.header("Elective home education")
series(ehe, "ehe_registered", f"Children electively home educated at each month end, {place}",
       "Children registered (month end)", "ehe-registered")  # fmt: skip
januaries = mcache.ehe_januaries(role, None if ward else area)
if januaries.height and not ward:
    ui.chart_with_numbers(
        january_chart(januaries, f"Children electively home educated in January of each year, {place}",
                      "Children registered", context),
        january_table(januaries), "ehe-each-january", "education-ehe-januaries",
    )  # fmt: skip
    st.caption(
        "The yearly January figures go back to 2016; returns before September 2018 give a district "
        "total only (no ward), so an area's bars start in 2019."
    )

st.header("By ward")
if role.role == "area_committee" and area is None:
    st.info(
        "Choose your area in the sidebar to see its wards; the district is shown as totals only."
    )
else:
    complete = complete_years(first, end, "academic") or [academic_year(end)]
    chosen = url_state.selectbox("Academic year", complete, key="education-ward-year", param="year")
    year_start = parse_month(f"{chosen[:4]}-09")
    year_scope = Scope(year_start, add_months(year_start, 11), area_code=area)
    names = measure_ui.ward_names(area)
    codes = tuple(names)
    table = ward_table(
        {
            "Referred (CME)": mcache.education_by_ward(role, year_scope, "cme_referrals", codes),
            "Whereabouts found": mcache.education_by_ward(role, year_scope, "cme_whereabouts_found", codes),
            f"EHE on {month_end(year_scope.end):%-d %b %Y}": mcache.education_by_ward(role, year_scope, "ehe_registered", codes),
        },
        names, "All these wards",
    )  # fmt: skip
    measure_ui.table_with_csv(
        table, f"education-by-ward-{chosen.replace('/', '-')}", "education-wards",
        f"Academic year {chosen} ({month_label(year_scope.start)} to {month_label(year_scope.end)}). "
        "Referrals with no address are counted in the district totals only.",
    )  # fmt: skip
