"""Services: who the partnership's services are helping, how that compares with the children at
risk, and where there is risk but little provision (App. F of the report)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import cache, charts, map_charts, public_views, ui, url_state
from dashboard import services_cache as sc
from dashboard.services_charts import (
    DELIVERY_COLOURS,
    PROVIDER_COLOURS,
    SERVICE_COLOURS,
    coverage_funnel,
    ethnicity_figure,
    pyramid_figure,
)
from dashboard.services_tables import age_row_labels, coverage_table, profile_table
from dashboard.tables import split_table, suppressed_wide
from data_access.sql import Scope
from domain.csv_safe import to_safe_csv
from domain.disclosure import TOTAL
from domain.hotspots import FLAG_MARKERS
from domain.months import month_label, months_between
from domain.services import (
    COVERAGE_FLAGS,
    DELIVERIES,
    MEASURES,
    PROVIDERS,
    SERVICE_SHORT,
    SERVICES,
    coverage,
    coverage_curve,
    display_order,
)
from geo import boundaries

GEOGRAPHIES = {"ward": "Wards", "district": "Postcode districts"}

ui.ensure_entrypoint()
if public_views.is_public(ui.role()):  # Area Committee: cells of the public release only
    public_views.services(ui.role())
    st.stop()

ui.page_header(
    "Services",
    "Who Trusted Relationships, Turnaround, Supporting Families against Youth Crime (SFAYC) and "
    "Breaking the Cycle are helping, how they compare with the children at risk, and where there "
    "is risk but little provision.",
)
role = ui.role()
with st.sidebar:
    area = ui.area_filter("services-area")
    start, end = ui.month_range("services-months", default_months=36)
ui.audit_filters("Services", {"area": area, "start": start, "end": end})
area_name = "the whole district"
if area:
    area_name = cache.area_committees().filter(pl.col("code") == area)["name"].item()
scope = Scope(start, end, area_code=area)
context = cache.chart_context()
period = f"{month_label(start)} to {month_label(end)}"
hidden_note = (
    " **c**: a small number hidden to protect children's privacy." if role.policy.suppress else ""
)

TABS = {"caseload": "Caseload over time", "profiles": "Who is helped: profiles",
        "coverage": "Coverage map: risk and provision"}  # fmt: skip
open_tab, tabs = url_state.tabs(TABS, key="services-tab", param="tab")

if open_tab == "caseload":  # only the open tab runs
    with tabs["caseload"]:
        measure = url_state.radio("Measure", list(MEASURES), format_func=MEASURES.get, horizontal=True,
                                  key="services-measure", param="measure")  # fmt: skip
        table = sc.caseload_table(role, scope, measure)
        cells, totals = split_table(table, "month", "service", "cases")
        figure = charts.breakdown_chart(
            cells, "service", "cases", SERVICE_SHORT, SERVICE_COLOURS,
            f"{MEASURES[measure]} by service, one-to-one casework, {area_name}",
            "Cases" if measure == "new_cases" else "Children (month end)", context, totals=totals,
        )  # fmt: skip
        ui.chart_with_numbers(figure, suppressed_wide(table, "month", "service", "cases", SERVICE_SHORT),
                              f"services-{measure}", "services-caseload")  # fmt: skip
        st.caption(
            "One-to-one and key-worker cases. A child is counted once in each service they are open "
            "to at the month end. SFAYC took no new cases after March 2021 (its funding ended)."
            + hidden_note
        )
        st.subheader("Trusted Relationships by provider and by kind of work")
        tr = ("trusted_relationships",)
        unit = "Cases" if measure == "new_cases" else "Children (month end)"
        for dim, names, colours, title in (
            ("provider", PROVIDERS, PROVIDER_COLOURS, "Trusted Relationships by provider"),
            ("delivery", DELIVERIES, DELIVERY_COLOURS,
             "Trusted Relationships: one-to-one and group work"),
        ):  # fmt: skip
            split = sc.caseload_table(role, scope, measure, ("month", dim), tr, None)
            cells, totals = split_table(split, "month", dim, "cases")
            used = set(cells.filter(pl.col("cases").fill_null(1) > 0)[dim].to_list())
            shown = {k: v for k, v in names.items() if k in used or dim == "delivery"}
            ui.chart_with_numbers(
                charts.breakdown_chart(cells, dim, "cases", shown, colours,
                                       f"{title}, {area_name}", unit, context, totals=totals),
                suppressed_wide(split, "month", dim, "cases", shown),
                f"trusted-relationships-by-{dim}-{measure}", f"services-{dim}",
            )  # fmt: skip

if open_tab == "profiles":  # only the open tab runs
    with tabs["profiles"]:
        service = url_state.selectbox("Service", list(SERVICES), format_func=SERVICES.get,
                                      key="services-profile-service", param="service")  # fmt: skip
        pyramid, ethnicity = sc.profile_tables(role, scope, service)
        labels = {"service": f"Taken on by {SERVICE_SHORT[service]}", "at_risk": "Children at risk"}
        st.markdown(
            f"**{labels['service']}** in {period} (age when the case started), beside **children "
            f"at risk** of exploitation at any time in those months (age when first at risk in them), "
            f"{area_name}. "
            "Shares are of each group's own total, so a bar shorter for the service than for the "
            "children at risk means the service reaches that group less than risk would suggest."
        )
        ui.chart_with_numbers(
            pyramid_figure(pyramid, labels, f"Age and gender: {SERVICE_SHORT[service]} and children "
                           f"at risk, {area_name}, {period}", context),
            profile_table(pyramid, ["age_band", "gender"], labels, age_row_labels()),
            f"profile-age-gender-{service}", "services-pyramid",
        )  # fmt: skip
        order = display_order([c for c in ethnicity["ethnicity"].unique().to_list() if c != TOTAL])
        ui.chart_with_numbers(
            ethnicity_figure(ethnicity, labels, order, f"Ethnicity: {SERVICE_SHORT[service]} and "
                             f"children at risk, {area_name}, {period}", context),
            profile_table(ethnicity, ["ethnicity"], labels, {TOTAL: "All"}),
            f"profile-ethnicity-{service}", "services-ethnicity",
        )  # fmt: skip
        st.caption(
            "Ethnicity is shown in the services' own words; where fewer than 5 children share a "
            "category it is combined with others of its broad (census) group. 'White & Asian' and "
            "'White and Asian' are one category." + hidden_note
        )

if open_tab == "coverage":  # only the open tab runs
    with tabs["coverage"]:
        c1, c2, c3 = st.columns(3)
        geography = c1.segmented_control("Show by", list(GEOGRAPHIES), format_func=GEOGRAPHIES.get,
                                         default="ward", required=True, key="services-geography")  # fmt: skip
        month = c2.selectbox("Month end", list(reversed(months_between(start, end))),
                             format_func=month_label, key="services-coverage-month")  # fmt: skip
        chosen = c3.multiselect("Services", list(SERVICES), format_func=SERVICE_SHORT.get,
                                placeholder="All services", key="services-coverage-services")  # fmt: skip
        cover_area = area or role.area_code
        names = boundaries.names(geography)
        if cover_area and geography == "ward":
            in_area = set(cache.wards().filter(pl.col("area_code") == cover_area)["code"].to_list())
            names = {c: n for c, n in names.items() if c in in_area}
        elif cover_area:
            in_area = set(cache.districts_in_area(cover_area))
            names = {c: n for c, n in names.items() if c in in_area}
        counts = sc.coverage_counts(role, Scope(month, month, area_code=cover_area), geography,
                                    tuple(names), tuple(chosen) or None)  # fmt: skip
        counts = counts.filter(pl.col("code") != TOTAL).with_columns(
            pl.col("code").replace_strict(names, default=None).alias("name")
        )
        hidden = counts.filter(pl.col("at_risk_hidden") | pl.col("in_service_hidden"))
        district = sc.district_coverage(role, month, tuple(chosen) or None)
        flagged = coverage(counts.filter(~pl.col("at_risk_hidden") & ~pl.col("in_service_hidden"))
                           .select("code", "name", "at_risk", "in_service"), district)  # fmt: skip
        usable = flagged.filter(pl.col("flag").is_not_null())
        where = (
            cache.area_committees().filter(pl.col("code") == cover_area)["name"].item()
            if cover_area
            else "Bradford District"
        )
        services_text = ", ".join(SERVICE_SHORT[s] for s in chosen) if chosen else "any service"
        short_of = usable.filter(pl.col("flag").is_in(["low_95", "low_998"]))
        if short_of.height:
            st.warning(
                "**Risk with less provision than the district's**: "
                + "; ".join(
                    f"{r['name']} ({r['in_service']:,} in a service, {r['at_risk']:,} at risk)"
                    for r in short_of.iter_rows(named=True)
                )  # fmt: skip
                + f" at the end of {month_label(month)}.",
                icon="🔻",
            )
        elif usable.height:
            st.success(
                "No area has significantly fewer children in a service than its risk suggests."
            )
        flag_order = list(COVERAGE_FLAGS)
        map_table = usable.with_columns(
            pl.col("flag").replace_strict({f: i for i, f in enumerate(flag_order)}).alias("value"),
            pl.col("flag").replace_strict(COVERAGE_FLAGS).alias("rank"),
        ).select("code", "name", "value", "rank")
        if hidden.height:
            map_table = pl.concat([
                map_table.with_columns(suppressed=pl.lit(False)),
                hidden.select("code", "name", pl.lit(None, pl.Int64).alias("value"),
                              pl.lit("").alias("rank"), pl.lit(True).alias("suppressed")),
            ])  # fmt: skip
        view = (
            boundaries.view_of("ward", codes=frozenset(names))
            if cover_area and geography == "ward"
            else boundaries.view_of(geography)
        )
        layer = cache.layer_geojson(geography)
        shown = {
            "type": "FeatureCollection",
            "features": [f for f in layer["features"] if f["id"] in names],
        }
        figure = map_charts.choropleth(
            shown, map_table,
            f"Children in {services_text} against children at risk by {GEOGRAPHIES[geography].lower()[:-1]}, "
            f"{where}, end of {month_label(month)}",
            "Verdict", context, view.center, view.zoom,
            hidden_hatch=cache.hatch(geography, frozenset(hidden["code"].to_list())) if hidden.height else None,
        )  # fmt: skip
        figure.data[-1].update(
            colorscale=[[i / 4, map_charts.FLAG_COLOURS[f]] for i, f in enumerate(flag_order)],
            zmin=0, zmax=4, showscale=False,
            hovertemplate="<b>%{customdata[0]}</b><br>%{location}<br>%{customdata[1]}<extra></extra>",
        )  # fmt: skip
        table_note = " Each area's numbers are in the table Risk and provision by area, below."
        ui.chart(figure, "services-coverage-map",
                 f"Chart: {str(figure.layout.title.text).replace('<br>', ' ')}." + table_note)  # fmt: skip
        st.caption(
            "Dark blue: far fewer children in a service than the area's children at risk suggest "
            "(below the 99.8% limit); light blue: fewer (below 95%); grey: in line; orange / pink: "
            "more. Each area is compared with the district's ratio using exact Poisson limits for "
            "its number at risk, as on the Hot spots page."
            + (" Postcode districts do not nest in wards; cases are placed by their postcode sector "
               "and LSOA, and cases whose address is withheld are not mapped." if geography == "district" else "")
        )  # fmt: skip
        if usable.height:
            curve = coverage_curve(float(usable["district_ratio"][0]), usable["at_risk"].to_list())
            funnel_title = (f"Children in {services_text} per 100 at risk, {where}, end of "
                            f"{month_label(month)}")  # fmt: skip
            ui.chart(
                coverage_funnel(usable, curve, COVERAGE_FLAGS, FLAG_MARKERS, funnel_title, context),
                "services-coverage-funnel", f"Chart: {funnel_title}." + table_note,
            )  # fmt: skip
        st.subheader("Risk and provision by area (worst first)")
        table = coverage_table(flagged, hidden)
        ui.show_table(table)
        file_name = f"coverage-{geography}-{month:%Y-%m}.csv"
        st.download_button(
            "Download this table (CSV)", data=to_safe_csv(table), file_name=file_name,
            mime="text/csv", key="services-coverage-csv",
            on_click=lambda: cache.record_audit(ui.viewer(), "export", file_name, {"file": file_name}),
        )  # fmt: skip
        st.caption(
            "In a service: children with any case open at the month end (one-to-one or group work). "
            "At risk: children with an open risk assessment at the month end. The gap is at risk less "
            "in a service: a rough guide, since a child can be in a service without being in the "
            "at-risk cohort." + hidden_note
        )
