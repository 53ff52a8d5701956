"""Hot spots (MACE): areas with high and rising rates, and locations of concern on the map."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import cache, map_charts, ui
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

ui.page_header(
    "Hot spots (MACE)",
    "Which wards and postcode districts have high rates per 10,000 children and are rising, and "
    "where the locations of concern are. Confidential to MACE members.",
)
role = ui.role()
latest = cache.data_as_of().replace(day=1)
meetings = cache.mace_meetings()
with st.sidebar:
    geography = st.segmented_control("Show by", list(GEOGRAPHIES), format_func=GEOGRAPHIES.get,
                                     default="ward", required=True, key="hot-geography")  # fmt: skip
    measure = st.selectbox("Measure", list(MEASURES), format_func=MEASURES.get, key="hot-measure")
    end = st.selectbox("Twelve months to", list(reversed(months_between(add_months(latest, -12), latest))),
                       format_func=month_label, key="hot-end")  # fmt: skip
    st.divider()
    types = st.multiselect("Location type", list(LOCATION_TYPES),
                           format_func=lambda t: LOCATION_TYPES[t][0], key="hot-types")  # fmt: skip
    statuses = st.multiselect("Status", list(LOCATION_STATUSES), default=["open", "monitoring"],
                              format_func=LOCATION_STATUSES.get, key="hot-statuses")  # fmt: skip
    new_only = st.checkbox("New since the last MACE only", key="hot-new")
ui.audit_filters("Hot spots (MACE)", {"geography": geography, "measure": measure, "end": end,
                                     "types": types, "statuses": statuses, "new": new_only})  # fmt: skip

names = boundaries.names(geography)
counts = cache.hot_spot_counts(role, end, measure, geography)
flagged = flag_areas(
    counts.with_columns(pl.col("code").replace_strict(names, default=None).alias("name")).filter(
        pl.col("name").is_not_null() & (pl.col("population") > 0)
    )
)
worse = worse_and_getting_worse(flagged)
period = f"{month_label(add_months(end, -11))} to {month_label(end)}"

st.subheader("Worse and getting worse")
if worse.height:
    for row in worse.iter_rows(named=True):
        st.error(
            f"**{row['name']}** ({row['code']}): {row['rate']:,.1f} {MEASURES[measure].lower()} per "
            f"10,000 children in {period} against {row['district_rate']:,.1f} for the district "
            f"({FLAG_LABELS[row['flag']].lower()}); {row['last3']:,} in the last 3 months against "
            f"{row['previous12']:,} in the 12 before (rising: {p_text(row['rising_p'])}).",
            icon="🔺",
        )
else:
    st.success("No area is both significantly high and rising.", icon="✅")
st.caption(
    "**High**: the rate is above the 95% (or 99.8%) exact Poisson control limit for an area of "
    "its size, if it had the district's rate. **Rising**: the last 3 months hold more of the "
    "last 15 months' events than 3/15 would give by chance (one-sided exact binomial test, "
    "p < 0.05). Population aged 0-17 by LSOA "
    + ("(synthetic denominators for the demo)." if bool(counts["synthetic"].any()) else "(ONS).")
)

context = cache.chart_context()
curve = funnel_curve(float(flagged["district_rate"][0]), flagged["population"].to_list())
st.plotly_chart(
    map_charts.funnel_chart(
        flagged, curve, FLAG_LABELS, FLAG_MARKERS,
        f"{MEASURES[measure]} per 10,000 children aged 0-17 by {GEOGRAPHIES[geography].lower()[:-1]}, {period}",
        f"{MEASURES[measure]} per 10,000 children", context,
    ),
    theme=None, key="hot-funnel",
)  # fmt: skip
ui.download_table(
    flagged.select([c for c in flagged.columns if c not in ("district_rate",)]),
    f"{MEASURES[measure]} per 10,000 children aged 0-17 by {GEOGRAPHIES[geography].lower()[:-1]}, {period}",
    f"hot-spots {measure} by {geography}", "hot-funnel", period=(add_months(end, -11), end),
    label="Download the rates and flags (CSV)",
)  # fmt: skip

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
map_charts.add_location_points(figure, places, LOCATION_STATUSES)
st.plotly_chart(figure, theme=None, key="hot-map")
st.caption(
    "Areas: dark pink = above 99.8% limit, orange = above 95%, grey = within limits, blue = below. "
    "Points: locations of concern at their postcode's centre (never an exact address), lettered "
    "O (open), M (monitoring), C (closed)."
)

st.subheader(f"Locations of concern ({places.height:,} shown)")
ui.show_table(
    places.select(
        pl.col("name").alias("Location"), pl.col("type_label").alias("Type"),
        pl.col("status").replace_strict(LOCATION_STATUSES).alias("Status"),
        pl.col("ward").alias("Ward"), pl.col("postcode_sector").alias("Postcode sector"),
        pl.col("first_reported").alias("First reported"), pl.col("last_reviewed").alias("Last reviewed"),
        pl.col("linked_children").alias("Linked children"), pl.col("disruption").fill_null("").alias("Disruption actions"),
    ),
    download="Locations of concern", subject="hot-spots locations of concern",
    filters={"Type": [LOCATION_TYPES[t][0] for t in types], "Status": [LOCATION_STATUSES[s] for s in statuses],
             "New since the last MACE only": new_only},
)  # fmt: skip
