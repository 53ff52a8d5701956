"""The public tier's views of the Overview, Map, Trends and Services pages (Area Committee role).

Every number is a cell of the current public release, and the widgets offer only the release's
periods and places: the district, the member's own area and its wards; the 12 months to the
release month and the 12 before, financial quarters, and month ends for children at risk. No free
month ranges, no postcode districts, no per-level maps: nothing that could be combined with the
release to work out a hidden number.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import cache, map_charts, release_cache, theme, ui, url_state
from dashboard.release_charts import (
    HIDDEN_NOTE,
    period_label,
    release_bars,
    release_stacked,
    release_table,
)
from dashboard.services_charts import SERVICE_COLOURS
from domain.chart_text import ranked_summary
from domain.formatting import format_change, format_count
from domain.frames import mapped
from domain.mapdata import map_table
from domain.months import month_label
from domain.release_space import (
    ALL,
    DISTRICT_CODE,
    MEASURES,
    Period,
    financial_quarters,
    month_ends,
    periods_for,
    years,
)
from domain.roles import RoleScope
from domain.services import SERVICE_SHORT
from domain.vocab import EXPLOITATION_TYPES, PLACEMENT_TYPES, RISK_LEVELS

FLOW = ("referrals", "missing_episodes", "missing_children")


def is_public(role: RoleScope) -> bool:
    """The Area Committee role sees the public tier (meetings in public)."""
    return role.role == "area_committee"


def public_note(what: str) -> None:
    """Says what the public view offers, and why it offers no more."""
    month = release_cache.release().release_month
    st.info(
        f"Public view: {what}, from the public release for {month:%B %Y}. Numbers are shown only "
        "as they appear in that release, so that no combination of views can reveal a child.",
        icon="🔒",
    )


def legend() -> None:
    st.caption(HIDDEN_NOTE + ". Every number on this page is a cell of the public release "
               f"for {release_cache.release().release_month:%B %Y}.")  # fmt: skip


def _place_picker(
    role: RoleScope, key: str, wards: bool = False, param: str = "area"
) -> tuple[str, str, str]:
    """(level, code, name): the member's own area, the district, or (optionally) one of its wards."""
    areas = cache.area_committees()
    area_name = areas.filter(pl.col("code") == role.area_code)["name"].item()
    places = {role.area_code: ("area", area_name), DISTRICT_CODE: ("district", "Bradford District")}
    if wards:
        ward_list = cache.wards().filter(pl.col("area_code") == role.area_code).sort("name")
        places |= {c: ("ward", f"{n} ward") for c, n in ward_list.select("code", "name").rows()}
    code = url_state.selectbox("Place", list(places), format_func=lambda c: places[c][1],
                               key=key, param=param, role_bound=True)  # fmt: skip
    return places[code][0], code, places[code][1]


def _value(frame: pl.DataFrame, **where: object) -> int | None:
    row = frame.filter(pl.all_horizontal([pl.col(k) == v for k, v in where.items()]))
    return row["value"].item() if row.height == 1 else None


def _change(now: int | None, before: int | None) -> str | None:
    if now is None or before is None:
        return None
    pct = None if before == 0 else 100 * (now - before) / before
    return format_change(now - before, pct)


def overview(role: RoleScope) -> None:
    """Children at risk at a month end, and the latest 12 months against the 12 before."""
    month = release_cache.release().release_month
    ends = [(p.start, p.end) for p in month_ends(month)]
    with st.sidebar:
        level, code, name = _place_picker(role, "overview-public-place")
        end = url_state.selectbox("Month end", [e for e, _ in reversed(ends)],
                                  format_func=lambda d: f"{d:%B %Y}", key="overview-public-month",
                                  param="month")  # fmt: skip
    ui.audit_filters("Overview", {"place": code, "month_end": end})
    public_note("month ends and the latest 12 months against the 12 before")
    place = [(level, code)]
    st.subheader(f"Children at risk of exploitation at the end of {month_label(end)}, {name}")
    totals = release_cache.cells(role, "children_at_risk", place, ends)
    by_level = release_cache.cells(role, "children_at_risk", place, ends, "risk_level")
    earlier = [e for e, _ in ends if e < end]
    before = earlier[-1] if earlier else None
    columns = st.columns(4)
    for column, level_code in zip(columns, [*RISK_LEVELS, ALL], strict=True):
        frame = totals if level_code == ALL else by_level
        now = _value(frame, period_start=end, category=level_code)
        then = _value(frame, period_start=before, category=level_code) if before else None
        change = _change(now, then)
        column.metric(
            "All children at risk" if level_code == ALL else f"{RISK_LEVELS[level_code]} risk",
            format_count(now),
            delta=None if change is None else f"{change} on end of {before:%b %Y}",
            delta_color="inverse" if change and change != "no change" else "off",
            border=True,
        )
    previous, current = years(month)
    st.subheader(f"{current.label()} against the 12 months before, {name}")
    columns = st.columns(3)
    for column, key in zip(columns, FLOW, strict=True):
        cells = release_cache.cells(role, key, place, [(previous.start, previous.end),
                                                        (current.start, current.end)])  # fmt: skip
        now = _value(cells, period_start=current.start)
        then = _value(cells, period_start=previous.start)
        change = _change(now, then)
        column.metric(
            MEASURES[key].label, format_count(now),
            delta=None if change is None else f"{change} on the 12 months before",
            delta_color="inverse", border=True,
        )  # fmt: skip
    _services_headline(role, place, name, end, before, current, previous)
    legend()
    frame = pl.concat([by_level, totals]).with_columns(pl.col("category").replace(ALL, "Total"))
    _numbers(
        release_stacked(frame, RISK_LEVELS, theme.RISK_LEVEL_COLOURS,
                        f"Children at risk at month ends by risk level, {name}",
                        "Children at risk (month end)", cache.chart_context()),
        release_table(frame, RISK_LEVELS), "children-at-risk-by-level", "overview-cohort",
        role, level, name, ends,
    )  # fmt: skip


def _services_headline(role: RoleScope, place: list, name: str, end: date, before: date | None,
                       current: Period, previous: Period) -> None:  # fmt: skip
    """Children in a service at the month end and cases taken on in the latest 12 months."""
    st.subheader(f"Services: children being helped at the end of {month_label(end)}, {name}")
    ends = [(end, end)] + ([(before, before)] if before else [])
    open_cells = release_cache.cells(role, "service_open_cases", place, ends)
    now, then = _value(open_cells, period_start=end), None
    if before:
        then = _value(open_cells, period_start=before)
    years_ = [(previous.start, previous.end), (current.start, current.end)]
    new_cells = release_cache.cells(role, "service_new_cases", place, years_)
    new_now = _value(new_cells, period_start=current.start)
    new_then = _value(new_cells, period_start=previous.start)
    left, right = st.columns(2)
    change = _change(now, then)
    left.metric("Children in a service (month end)", format_count(now),
                delta=None if change is None else f"{change} on end of {before:%b %Y}",
                delta_color="normal" if change and change != "no change" else "off", border=True)  # fmt: skip
    change = _change(new_now, new_then)
    right.metric(f"Cases taken on, {current.label()}", format_count(new_now),
                 delta=None if change is None else f"{change} on the 12 months before",
                 delta_color="off", border=True)  # fmt: skip
    st.caption("Trusted Relationships, Turnaround, SFAYC and Breaking the Cycle: one-to-one "
               "casework (cases whose address is withheld are not in the public release).")  # fmt: skip


def services(role: RoleScope) -> None:
    """Caseloads by service: children in a service at month ends, cases taken on by quarter."""
    ui.page_header(
        "Services",
        "Who Trusted Relationships, Turnaround, Supporting Families against Youth Crime (SFAYC) "
        "and Breaking the Cycle are helping: children in each service at month ends and cases "
        "taken on each financial quarter.",
    )
    month = release_cache.release().release_month
    with st.sidebar:
        level, code, name = _place_picker(role, "services-public-place", wards=True)
    ui.audit_filters("Services", {"place": code})
    public_note("caseloads at month ends and by financial quarter")
    st.caption("Who the services reach (age, gender, ethnicity) and the coverage map are shown "
               "in closed meetings only: at area level they would reveal individual children.")  # fmt: skip
    place, context = [(level, code)], cache.chart_context()
    for key, spans, x_title, title, y_title in (
        ("service_open_cases", [(p.start, p.end) for p in month_ends(month)], "Month end",
         f"Children in a service at month ends, {name}", "Children (month end)"),
        ("service_new_cases", [(q.start, q.end) for q in financial_quarters(month)],
         "Financial quarter", f"Service cases taken on each quarter, {name}", "Cases per quarter"),
    ):  # fmt: skip
        totals = release_cache.cells(role, key, place, spans)
        if level == "ward":
            figure = release_bars(totals, title, y_title, context, theme.DARK_BLUE, x_title)
            _numbers(figure, release_table(totals), key, f"services-public-{key}", role, level,
                     name, spans)  # fmt: skip
            continue
        parts = release_cache.cells(role, key, place, spans, "service")
        frame = pl.concat([parts, totals.with_columns(pl.col("category").replace(ALL, "Total"))])
        _numbers(
            release_stacked(frame, SERVICE_SHORT, SERVICE_COLOURS, title, y_title, context,
                            x_title),
            release_table(frame, SERVICE_SHORT), key, f"services-public-{key}", role, level,
            name, spans,
        )  # fmt: skip
    legend()


def _numbers(figure, table: pl.DataFrame, stem: str, key: str, role: RoleScope,  # noqa: ANN001
             level: str, name: str, spans: list) -> None:  # fmt: skip
    """The chart and its table with a download that names its place and periods."""
    ui.chart_with_numbers(
        figure, table, stem, key,
        area_code=role.area_code if level in ("area", "ward") else None,
        period=(min(s for s, _ in spans), max(e for _, e in spans)),
        filters={"Ward": name} if level == "ward" else None,
    )  # fmt: skip


def not_in_release(role: RoleScope, title: str) -> None:
    """A page whose measures are not yet cells of the public release shows no numbers to the
    public tier: a notice instead (the data layer refuses the free queries anyway)."""
    del role
    st.info(
        f"{title} figures are not yet part of the public release, so they are not shown in the "
        "public view. Strategic leads and MACE members see them; ask the data team to add them to "
        "the release (docs/disclosure.md).",
        icon="🔒",
    )


def _period_options(measure: str, month: date) -> list[Period]:
    return list(reversed(periods_for(MEASURES[measure], month)))


def map_view(role: RoleScope) -> None:
    """The member's own wards for one measure and one release period, and a ward's quarters."""
    ui.page_header(
        "Map",
        "Where children at risk, referrals and missing episodes are, ward by ward in your area. "
        "Pick a ward below the map to see it in every period of the public release.",
    )
    month = release_cache.release().release_month
    with st.sidebar:
        measure = st.selectbox("Measure", list(MEASURES), format_func=lambda k: MEASURES[k].label,
                               key="map-public-measure")  # fmt: skip
        period = st.selectbox("Period", _period_options(measure, month),
                              format_func=Period.label, key="map-public-period")  # fmt: skip
    ui.audit_filters("Map", {"measure": measure, "period": period.label()})
    public_note("your area's wards, for the release's periods")
    wards = cache.wards().filter(pl.col("area_code") == role.area_code)
    names = dict(zip(wards["code"].to_list(), wards["name"].to_list(), strict=True))
    area_name = wards["area_name"][0]
    span = [(period.start, period.end)]
    cells = release_cache.cells(role, measure, [("ward", c) for c in names], span)
    values = cells.select(pl.col("geography_code").alias("code"), "value",
                          pl.col("value").is_null().alias("suppressed"))  # fmt: skip
    table = map_table(values, names)
    area_frame = release_cache.cells(
        role, measure, [("area", role.area_code), ("district", DISTRICT_CODE)], span
    )
    spec = MEASURES[measure]
    title = f"{spec.label} by ward, {area_name}, {period.label()}"
    codes = frozenset(names)
    layer = cache.layer_geojson("ward")
    figure = map_charts.shape_choropleth(
        {"type": "FeatureCollection", "features": [f for f in layer["features"] if f["id"] in codes]},
        table, title, spec.unit.capitalize(), cache.chart_context(),
        outline=cache.area_outline("ward", codes, "2004"),
        context_geojson={"type": "FeatureCollection",
                         "features": [f for f in layer["features"] if f["id"] not in codes]},
    )  # fmt: skip
    summary = ranked_summary(
        title, list(zip(table["name"].to_list(), table["value"].to_list(), strict=True)), spec.unit
    )
    map_column, table_column = st.columns([3, 2])
    with map_column:
        ui.chart(figure, "map-public", summary)
    with table_column:
        st.markdown(f"**Ranked: {spec.label.lower()}, {period.label()}**")
        st.dataframe(
            table.select(
                pl.col("rank").cast(pl.String).fill_null("").alias("Rank"),
                pl.col("name").alias("Ward"),
                mapped(table["value"], format_count).fill_null("c").alias(spec.unit.capitalize()),
            ),
            hide_index=True,
        )  # fmt: skip
        area_value = _value(area_frame, geography_level="area")
        district_value = _value(area_frame, geography_level="district")
        st.markdown(f"{area_name}: **{format_count(area_value)}** · Bradford District: "
                    f"**{format_count(district_value)}**")  # fmt: skip
    legend()
    pick = st.selectbox("Show a ward's figures for every period", [None, *sorted(names, key=names.get)],
                        format_func=lambda c: "— choose a ward —" if c is None else names[c],
                        key="map-public-pick")  # fmt: skip
    if pick:
        quarterly = not spec.month_end
        spans = [(p.start, p.end) for p in
                 (financial_quarters(month) if quarterly else month_ends(month))]  # fmt: skip
        series = release_cache.cells(role, measure, [("ward", pick)], spans)
        _numbers(
            release_bars(series, f"{spec.label}, {names[pick]} ward",
                         f"{spec.unit.capitalize()}", cache.chart_context(),
                         x_title="Financial quarter" if quarterly else "Month end"),
            release_table(series), f"ward-{pick}", "map-public-trend", role, "ward",
            names[pick], spans,
        )  # fmt: skip


def trends(role: RoleScope) -> None:
    """Financial quarters (and month ends for the cohort) for the district, the area or a ward."""
    ui.page_header(
        "Trends",
        "How missing episodes, referrals and the risk cohort have changed, financial quarter by "
        "quarter (children at risk at month ends), for your area, one of its wards or the district.",
    )
    month = release_cache.release().release_month
    with st.sidebar:
        level, code, name = _place_picker(role, "trends-public-place", wards=True)
    ui.audit_filters("Trends", {"place": code})
    public_note("financial quarters, and month ends for children at risk")
    quarters = [(q.start, q.end) for q in financial_quarters(month)]
    ends = [(p.start, p.end) for p in month_ends(month)]
    place = [(level, code)]
    context = cache.chart_context()

    def stacked(measure: str, labels: dict, colours: dict, spans: list, x_title: str,
                title: str, y_title: str, key: str) -> None:  # fmt: skip
        totals = release_cache.cells(role, measure, place, spans)
        if level == "ward":  # categories are published for the district and areas only
            figure = release_bars(totals, title.split(" by ")[0] + f", {name}", y_title, context,
                                  theme.DARK_BLUE, x_title)  # fmt: skip
            _numbers(figure, release_table(totals), key, f"trends-public-{key}", role, level,
                     name, spans)  # fmt: skip
            return
        parts = release_cache.cells(role, measure, place, spans, MEASURES[measure].breakdown)
        frame = pl.concat([parts, totals.with_columns(pl.col("category").replace(ALL, "Total"))])
        _numbers(
            release_stacked(frame, labels, colours, title, y_title, context, x_title),
            release_table(frame, labels), key, f"trends-public-{key}", role, level, name, spans,
        )  # fmt: skip

    st.header("Missing episodes")
    stacked("missing_episodes", PLACEMENT_TYPES, theme.PLACEMENT_COLOURS, quarters,
            "Financial quarter", f"Missing episodes each quarter by placement type, {name}",
            "Episodes per quarter", "missing-episodes")  # fmt: skip
    missing = release_cache.cells(role, "missing_children", place, quarters)
    _numbers(
        release_bars(missing, f"Children who went missing each quarter, {name}",
                     "Children per quarter", context, theme.DARK_PINK),
        release_table(missing), "children-missing", "trends-public-children-missing", role,
        level, name, quarters,
    )  # fmt: skip
    st.caption("Each child is counted once in a quarter, in the ward of their first episode.")
    st.header("Referrals")
    stacked("referrals", EXPLOITATION_TYPES, theme.EXPLOITATION_COLOURS, quarters,
            "Financial quarter", f"Referrals each quarter by exploitation type, {name}",
            "Referrals per quarter", "referrals")  # fmt: skip
    st.header("Children at risk (the risk cohort)")
    stacked("children_at_risk", RISK_LEVELS, theme.RISK_LEVEL_COLOURS, ends, "Month end",
            f"Children at risk at month ends by risk level, {name}", "Children at risk",
            "cohort")  # fmt: skip
    st.caption(f"Periods: {', '.join(period_label(s, e) for s, e in quarters)}.")
