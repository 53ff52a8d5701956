"""Hot spots (MACE): areas with high and rising rates, and locations of concern on the map."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import cache, live, map_charts, ui, url_state
from domain.chart_text import flag_summary
from domain.hotspots import (
    FLAG_LABELS,
    FLAG_MARKERS,
    flag_areas,
    funnel_curve,
    worse_and_getting_worse,
)
from domain.months import add_months, month_label, months_between
from domain.vocab import LOCATION_STATUSES, LOCATION_TYPES
from geo import boundaries

GEOGRAPHIES = {"ward": "Wards", "district": "Postcode districts"}


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


MEASURES = {"referrals": "Referrals", "missing_episodes": "Missing episodes"}


def hot_spot_table(flagged: pl.DataFrame, measure: str) -> pl.DataFrame:
    """The funnel plot's and flag map's numbers, one row per area."""
    return flagged.sort("rate", descending=True).select(
        pl.col("name").alias("Area"), pl.col("code").alias("Code"),
        pl.col("population").alias("Children aged 0-17"), pl.col("count").alias(measure),
        pl.col("rate").round(1).alias("Rate per 10,000"),
        pl.col("flag").replace_strict(FLAG_LABELS).alias("Flag"),
    )  # fmt: skip


ui.page_header(
    "Hot spots (MACE)",
    "Which wards and postcode districts have high rates per 10,000 children and are rising, and "
    "where the locations of concern are. Confidential to MACE members.",
)
role = ui.role()
latest = cache.data_as_of().replace(day=1)
meetings = cache.mace_meetings()
with st.sidebar:
    geography = url_state.segmented("Show by", list(GEOGRAPHIES), format_func=GEOGRAPHIES.get,
                                    key="hot-geography", param="by")  # fmt: skip
    measure = url_state.selectbox("Measure", list(MEASURES), format_func=MEASURES.get,
                                  key="hot-measure", param="measure")  # fmt: skip
    end = url_state.selectbox("Twelve months to", list(reversed(months_between(add_months(latest, -12), latest))),
                              format_func=month_label, key="hot-end", param="end")  # fmt: skip
    st.divider()
    types = url_state.multiselect("Location type", list(LOCATION_TYPES),
                                  format_func=lambda t: LOCATION_TYPES[t][0], key="hot-types",
                                  param="type")  # fmt: skip
    statuses = url_state.multiselect("Status", list(LOCATION_STATUSES), default=["open", "monitoring"],
                                     format_func=LOCATION_STATUSES.get, key="hot-statuses",
                                     param="status")  # fmt: skip
    new_only = url_state.flag(st.checkbox, "New since the last MACE only", key="hot-new",
                              param="new")  # fmt: skip
ui.audit_filters("Hot spots (MACE)", {"geography": geography, "measure": measure, "end": end,
                                     "types": types, "statuses": statuses, "new": new_only})  # fmt: skip

PAGE = "Hot spots (MACE)"
period = f"{month_label(add_months(end, -11))} to {month_label(end)}"


def flagged_areas() -> pl.DataFrame:
    """Every area with its rate, control-limit flag and rising test (from the versioned cache)."""
    names = boundaries.names(geography)
    counts = cache.hot_spot_counts(role, end, measure, geography)
    named = counts.with_columns(pl.col("code").replace_strict(names, default=None).alias("name"))
    return flag_areas(
        named.filter(pl.col("name").is_not_null() & (pl.col("population") > 0))
    ).with_columns(pl.lit(bool(counts["synthetic"].any())).alias("synthetic"))


def places_shown() -> pl.DataFrame:
    """Locations of concern after the sidebar filters."""
    last_meeting = max([d for d in meetings if d <= cache.data_as_of()], default=None)
    places = cache.locations(role).with_columns(
        pl.col("location_type")
        .replace_strict({k: v[0] for k, v in LOCATION_TYPES.items()})
        .alias("type_label")
    )
    if types:
        places = places.filter(pl.col("location_type").is_in(types))
    if statuses:
        places = places.filter(pl.col("status").is_in(statuses))
    if new_only and last_meeting:
        places = places.filter(pl.col("first_reported") > last_meeting)
    return places


def marked_locations() -> pl.DataFrame:
    """The filtered locations as a table, marked where new or changed since the member looked."""
    return live.mark_changes(PAGE, "locations", places_shown().select(
        "id", pl.col("name").alias("Location"), pl.col("type_label").alias("Type"),
        pl.col("status").replace_strict(LOCATION_STATUSES).alias("Status"),
        pl.col("ward").alias("Ward"), pl.col("postcode_sector").alias("Sector"),
        pl.col("first_reported").alias("Reported"), pl.col("last_reviewed").alias("Reviewed"),
        pl.col("linked_children").alias("Children"), pl.col("disruption").fill_null("").alias("Disruption"),
    ), ["id"]).drop("id")  # short headers: the table fits 1440 px  # fmt: skip


def drawn_from(flagged: pl.DataFrame, places: pl.DataFrame) -> int:
    """A fingerprint of what the charts show, to tell when they are out of date."""
    return hash((tuple(flagged.rows()), tuple(places.select("id", "status", "lat", "lon").rows())))


@live.live_fragment
def worse_now() -> None:
    """The alerts, re-read every few seconds; the charts below redraw on request (redrawing a
    map under a member who has zoomed into it would lose their place)."""
    status = st.container()
    flagged = flagged_areas()
    worse = live.mark_changes(PAGE, "worse", worse_and_getting_worse(flagged), ["code"])
    st.subheader("Worse and getting worse")
    for row in worse.iter_rows(named=True):
        mark = (
            f"**{row[live.MARK_COLUMN]}** since you opened this page: "
            if row.get(live.MARK_COLUMN)
            else ""
        )
        code = f" ({row['code']})" if row["code"] != row["name"] else ""  # never "BD5 (BD5)"
        st.error(
            f"{mark}**{row['name']}**{code}: {row['rate']:,.1f} {MEASURES[measure].lower()} per "
            f"10,000 children in {period} against {row['district_rate']:,.1f} for the district "
            f"({FLAG_LABELS[row['flag']].lower()}); {row['last3']:,} in the last 3 months against "
            f"{row['previous12']:,} in the 12 before (rising: {p_text(row['rising_p'])}).",
            icon="🔺",
        )  # fmt: skip
    if not worse.height:
        st.success("No area is both significantly high and rising.", icon="✅")
    st.caption(
        "**High**: the rate is above the 95% (or 99.8%) exact Poisson control limit for an area of "
        "its size, if it had the district's rate. **Rising**: the last 3 months hold more of the "
        "last 15 months' events than 3/15 would give by chance (one-sided exact binomial test, "
        "p < 0.05). Population aged 0-17 by LSOA "
        + ("(synthetic denominators for the demo)." if bool(flagged["synthetic"].any()) else "(ONS).")
    )  # fmt: skip
    if drawn_from(flagged, places_shown()) != st.session_state.get("hot-drawn"):
        st.info("The data behind the funnel plot and the map below changed after they were drawn.",
                icon="🔄")  # fmt: skip
        if st.button("Redraw the charts", key="hot-redraw"):
            st.rerun(scope="app")
    with status:  # counts the alerts and the locations table further down
        live.status_line(PAGE, live.count_marked(worse) + live.count_marked(marked_locations()))


flagged = flagged_areas()
places = places_shown()
st.session_state["hot-drawn"] = drawn_from(flagged, places)  # what the charts below will show
worse_now()

context = cache.chart_context()
curve = funnel_curve(float(flagged["district_rate"][0]), flagged["population"].to_list())
funnel_title = f"{MEASURES[measure]} per 10,000 children aged 0-17 by {GEOGRAPHIES[geography].lower()[:-1]}, {period}"
flag_rows = list(
    zip(
        flagged["name"].to_list(),
        flagged["flag"].replace_strict(FLAG_LABELS).to_list(),
        strict=True,
    )
)
ui.chart_with_numbers(
    map_charts.funnel_chart(flagged, curve, FLAG_LABELS, FLAG_MARKERS, funnel_title,
                            f"{MEASURES[measure]} per 10,000 children", context),
    hot_spot_table(flagged, MEASURES[measure]), f"hot-spots-{measure}-{geography}", "hot-funnel",
    flag_summary(funnel_title, flag_rows),
)  # fmt: skip
ui.download_table(
    flagged.select([c for c in flagged.columns if c not in ("district_rate",)]),
    f"{MEASURES[measure]} per 10,000 children aged 0-17 by {GEOGRAPHIES[geography].lower()[:-1]}, {period}",
    f"hot-spots {measure} by {geography}", "hot-rates", period=(add_months(end, -11), end),
    label="Download the rates and flags (CSV)",
)  # fmt: skip

flag_order = list(FLAG_LABELS)
map_table = flagged.with_columns(
    pl.col("flag").replace_strict({f: i for i, f in enumerate(flag_order)}).alias("value"),
    pl.col("flag").replace_strict(FLAG_LABELS).alias("rank"),
).select("code", "name", "value", "rank")
view = boundaries.view_of(geography)
figure = map_charts.choropleth(
    cache.layer_geojson(geography), map_table,
    f"Flags by {GEOGRAPHIES[geography].lower()[:-1]} and locations of concern", "Flag", context,
    view.center, view.zoom,
)  # fmt: skip
figure.data[-1].update(
    colorscale=[[i / 4, map_charts.FLAG_COLOURS[f]] for i, f in enumerate(flag_order)], zmin=0, zmax=4,
    showscale=False, hovertemplate="<b>%{customdata[0]}</b><br>ONS code: %{location}<br>%{customdata[1]}<extra></extra>",
)  # fmt: skip
map_charts.add_flag_legend(figure, FLAG_LABELS)
map_charts.add_location_points(figure, places, LOCATION_STATUSES)
map_title = f"Flags by {GEOGRAPHIES[geography].lower()[:-1]} and locations of concern"
ui.chart_with_numbers(
    figure, hot_spot_table(flagged, MEASURES[measure]), f"hot-spot-flags-{geography}", "hot-map",
    flag_summary(map_title, flag_rows) + f" {places.height:,} locations of concern shown.",
    numbers=False,
)  # fmt: skip
st.caption(
    "Areas: dark pink = above 99.8% limit, orange = above 95%, grey = within limits, blue = below "
    "(the legend above the map). Points: locations of concern at their postcode's centre (never "
    "an exact address); the larger the dot the more active: open, monitoring, closed. The "
    "numbers for each area are under the funnel plot; each location is in the table below."
)


@live.live_fragment
def locations_table() -> None:
    """The locations table, re-read every few seconds with what changed since the member looked."""
    table = marked_locations()
    st.subheader(f"Locations of concern ({table.height:,} shown)")
    ui.show_table(table)
    ui.download_table(
        table.drop(live.MARK_COLUMN, strict=False), "Locations of concern",
        "hot-spots locations of concern", "table-hot-spots-locations-of-concern",
        filters={"Type": [LOCATION_TYPES[t][0] for t in types], "Status": [LOCATION_STATUSES[s] for s in statuses],
                 "New since the last MACE only": new_only},
    )  # fmt: skip
    live.status_line(PAGE, live.count_marked(table), key="locations")


locations_table()
