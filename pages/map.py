"""Map: which wards or postcode districts have the most, for one month or a range."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import basemap, cache, map_charts, public_views, ui, url_state
from dashboard.tables import suppressed_series_table
from data_access.sql import Scope
from domain.chart_text import ranked_summary
from domain.disclosure import SUPPRESSED_MARK, TOTAL
from domain.mapdata import map_table
from domain.months import add_months, month_label, months_between
from domain.vocab import METRIC_UNITS, METRICS, RISK_LEVELS


def shown_table(table: pl.DataFrame) -> pl.DataFrame:
    """The ranked table as people read it: 'c' for hidden numbers, no rank for them."""
    if not table["suppressed"].any():
        return table.select(
            pl.col("rank").alias("Rank"), pl.col("name").alias("Name"),
            pl.col("value").alias("Value"), pl.col("code").alias("ONS code"),
        )  # fmt: skip
    return table.select(
        pl.col("rank").cast(pl.String).fill_null("").alias("Rank"),
        pl.col("name").alias("Name"),
        pl.when(pl.col("suppressed"))
        .then(pl.lit(SUPPRESSED_MARK))
        .otherwise(pl.col("value").cast(pl.String))
        .alias("Value"),
        pl.col("code").alias("ONS code"),
    )


GEOGRAPHIES = {"ward": "Wards", "district": "Postcode districts"}
BASEMAPS = {"white-bg": "Plain (works offline)", "carto-positron": "Street map (needs internet)"}
PERIODS = {"month": "One month", "range": "A range of months"}

ui.ensure_entrypoint()
role = ui.role()
if public_views.is_public(role):  # Area Committee: cells of the public release only
    public_views.map_view(role)
    st.stop()

ui.page_header(
    "Map",
    "Where children at risk, referrals and missing episodes are, by ward or postcode district. "
    "Click an area on the map (or pick it below the map) to see its last 24 months.",
)

latest = cache.data_as_of().replace(day=1)
all_months = months_between(add_months(latest, -47), latest)
with st.sidebar:
    geography = url_state.segmented(
        "Show by", list(GEOGRAPHIES), format_func=GEOGRAPHIES.get, key="map-geography", param="by"
    )
    vintages = cache.ward_vintages()
    vintage = "2004"
    if geography == "ward" and vintages.height > 1:
        vintage = url_state.selectbox(
            "Ward boundaries", vintages["vintage"].to_list(), key="map-vintage", param="wards"
        )
    metric = url_state.selectbox(
        "Measure", list(METRICS), format_func=METRICS.get, key="map-metric", param="measure"
    )
    risk_level = None
    if metric == "children_at_risk":
        risk_level = url_state.selectbox(
            "Risk level",
            [None, *RISK_LEVELS],
            format_func=lambda level: "All levels" if level is None else RISK_LEVELS[level],
            key="map-level",
            param="level",
        )
    period_kind = url_state.radio(
        "Period", list(PERIODS), format_func=PERIODS.get, key="map-period", param="period"
    )
    if period_kind == "month":
        start = end = url_state.selectbox(
            "Month", list(reversed(all_months)), format_func=month_label, key="map-month",
            param="month",
        )  # fmt: skip
    else:
        start, end = url_state.select_range(
            "Months",
            all_months,
            default=(add_months(latest, -11), latest),
            format_func=month_label,
            key="map-range",
            param="months",
        )
    area = (
        ui.area_filter("map-area", allow_district=False)
        if role.role == "area_committee"
        else ui.area_filter("map-area")
    )
    background = url_state.radio(
        "Background",
        list(BASEMAPS),
        format_func=BASEMAPS.get,
        key="map-basemap",
        param="background",
    )

scope = Scope(start, end, vintage=vintage, area_code=area)
ui.audit_filters(
    "Map",
    {"geography": geography, "vintage": vintage, "metric": metric, "risk_level": risk_level,
     "start": start, "end": end, "area": area},
)  # fmt: skip
names = cache.area_names(geography, vintage)
ward_list = cache.wards(vintage)
area_wards = (
    frozenset(ward_list.filter(pl.col("area_code") == area)["code"].to_list()) if area else None
)
if area and geography == "ward":
    names = {code: name for code, name in names.items() if code in area_wards}
elif area:
    in_area = set(cache.districts_in_area(area, vintage))
    names = {code: name for code, name in names.items() if code in in_area}
values = cache.area_values(role, scope, metric, geography, tuple(names), risk_level)
table = map_table(values.filter(pl.col("code") != TOTAL), names)
hidden_codes = frozenset(table.filter(pl.col("suppressed"))["code"].to_list())

period_text = month_label(start) if start == end else f"{month_label(start)} to {month_label(end)}"
measure_text = METRICS[metric]
if metric == "children_at_risk":
    measure_text = (
        "Children at risk at month end" if start == end else "Children at risk during the period"
    )
    if risk_level:
        measure_text += f" ({RISK_LEVELS[risk_level].lower()} risk)"
place_text = "Bradford District"
if area:
    place_text = cache.area_committees().filter(pl.col("code") == area)["name"].item()
title = f"{measure_text} by {GEOGRAPHIES[geography].lower()[:-1]}, {place_text}, {period_text}"

figure = cache.map_figure(
    geography, vintage, tuple(names), table, title, METRIC_UNITS[metric].capitalize(), basemap.usable(background),
    area_wards if area else None, hidden_codes,
)  # fmt: skip

summary = ranked_summary(
    title, list(zip(table["name"].to_list(), table["value"].to_list(), strict=True)),
    METRIC_UNITS[metric],
)  # fmt: skip
map_column, table_column = st.columns([3, 2])
with map_column:
    event = ui.chart(figure, "map", summary, on_select="rerun", selection_mode="points")
with table_column:
    st.markdown(f"**Ranked: {measure_text.lower()}, {period_text}**")
    st.dataframe(
        shown_table(table),
        hide_index=True,
        height=560,
        column_config={
            "Rank": st.column_config.Column(width=44),
            "Name": st.column_config.TextColumn(width=160),
            "Value": (
                st.column_config.NumberColumn(format="localized", width=64)
                if not hidden_codes
                else st.column_config.TextColumn(width=64)
            ),
            "ONS code": st.column_config.TextColumn(width=92),
        },
    )
    ui.download_table(
        shown_table(table), f"Ranked: {measure_text.lower()}, {period_text}",
        f"{METRICS[metric]} by {geography}", "map-ranked", area_code=area, period=(start, end),
        filters={"Measure": measure_text, "Risk level": RISK_LEVELS.get(risk_level or "", ""),
                 "Ward boundaries": vintage if geography == "ward" else ""},
    )  # fmt: skip
if geography == "district":
    st.caption(
        "Postcode districts do not nest in wards or Area Committee areas. Events are counted in the "
        "district where they happened; with an area chosen, only events inside its wards count."
    )
st.caption(
    "Shapes are derived from ONS postcode points and are approximate. "
    + ("Grey areas lie outside the chosen Area Committee area, outlined in black." if area else "")
)

clicked = map_charts.clicked_area(
    (event.selection.points if event and event.selection else []) or []
)
# The last action wins: a new click on the map moves the picker to that area; picking in the
# box after a click shows the picked area (the old click no longer counts).
if clicked != st.session_state.get("map-last-click"):
    st.session_state["map-last-click"] = clicked
    if clicked in names:
        st.session_state["map-pick"] = clicked
pick = url_state.selectbox(
    "Show the 24-month trend for (or click an area on the map)",
    [None, *table["code"].to_list()],
    format_func=lambda code: "— choose an area —" if code is None else names[code],
    key="map-pick",
    param="trend",
    quiet=True,
)
if pick:
    trend_scope = Scope(add_months(end, -23), end, vintage=vintage, area_code=area)
    series = cache.monthly_series(role, trend_scope, metric, geography, pick)
    figure = cache.figure(
        "charts.series_chart",
        series,
        f"{METRICS[metric]} each month in {names[pick]} ({pick}), last 24 months",
        METRIC_UNITS[metric].capitalize() + " per month",
        cache.chart_context(),
    )
    ui.chart_with_numbers(figure, suppressed_series_table(series), f"trend-{pick}", "map-trend",
                          area_code=area, period=(trend_scope.start, trend_scope.end))  # fmt: skip
