"""The app's caches, in one place: the engine and boundaries as shared resources, query results
as data keyed by the store version (read once per rerun, see ``dashboard/live.py``) and their
filters (a frozen ``Scope`` and plain strings). Every new query cache uses ``@live.versioned``.

Pages call these and nothing else; each wrapper opens a connection, runs one query from
``data_access.queries`` and returns a Polars frame.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import streamlit as st

from dashboard import charts, live, map_charts
from dashboard.basemap import PLAIN as PLAIN_BASEMAP
from dashboard.charts import ChartContext
from data_access import audit, mace, protected, queries, users
from data_access.access import authorise_audit
from data_access.engine import make_engine
from data_access.imports import log as imports_log
from data_access.sql import Scope
from data_access.store import ensure_store
from domain.roles import RoleScope, Viewer
from geo import boundaries

if TYPE_CHECKING:  # the engine passes through; only data_access speaks SQLAlchemy
    from sqlalchemy import Engine

QUERY_TTL = live.QUERY_TTL  # a memory bound: every cached query is also keyed by the store version


@st.cache_resource(show_spinner="Opening the data store…")
def engine() -> Engine:
    """The one engine; on a fresh machine this also creates the store and loads demo data."""
    store = make_engine()
    ensure_store(store)
    return store


@live.versioned(max_entries=4)
def dataset_info() -> dict[str, str]:
    with engine().connect() as connection:
        return queries.dataset_info(connection)


@live.versioned(max_entries=4)
def data_as_of() -> date:
    with engine().connect() as connection:
        return queries.data_as_of(connection)


@live.versioned(max_entries=4)
def data_from() -> date:
    with engine().connect() as connection:
        return queries.data_from(connection)


def is_synthetic() -> bool:
    return dataset_info().get("is_synthetic") == "true"


@live.versioned(max_entries=4)
def timeline_events() -> tuple[tuple[date, str], ...]:
    with engine().connect() as connection:
        frame = queries.timeline_events(connection)
    return tuple(zip(frame["event_on"].to_list(), frame["label"].to_list(), strict=True))


def chart_context() -> ChartContext:
    """Source line, as-of date and event markers shared by every chart."""
    source = (
        "Synthetic demo data (not real children), Bradford partnership dashboard"
        if is_synthetic()
        else "Bradford partnership: children's social care, West Yorkshire Police, RAM tracker"
    )
    return ChartContext(source=source, as_of=data_as_of(), events=timeline_events())


@live.versioned(max_entries=16)
def wards(vintage: str = "2004") -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.wards(connection, vintage)


@live.versioned(max_entries=64)
def districts_in_area(area_code: str, vintage: str = "2004") -> list[str]:
    with engine().connect() as connection:
        return queries.districts_in_area(connection, area_code, vintage)


@st.cache_resource
def hatch(level: str, codes: frozenset[str], vintage: str = "2004") -> dict:
    return boundaries.hatch(level, codes, vintage)


@live.versioned(max_entries=4)
def ward_vintages() -> pl.DataFrame:
    """Ward sets in the store; layers loaded at run time are registered with geo.boundaries."""
    with engine().connect() as connection:
        for level, vintage, text in queries.boundary_layers(connection):
            boundaries.register_layer(level, vintage, text)
        return queries.ward_vintages(connection)


@live.versioned(max_entries=4)
def area_committees() -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.area_committees(connection)


@live.versioned(show_spinner="Counting…", max_entries=256)
def cohort_table(role: RoleScope, scope: Scope, by: tuple[str, ...]) -> pl.DataFrame:
    with engine().connect() as connection:
        return protected.cohort_table(connection, role, scope, by)


@live.versioned(show_spinner="Counting…", max_entries=256)
def missing_table(role: RoleScope, scope: Scope, by: tuple[str, ...]) -> pl.DataFrame:
    with engine().connect() as connection:
        return protected.missing_table(connection, role, scope, by)


@live.versioned(show_spinner="Counting…", max_entries=128)
def linked_referral_tables(role: RoleScope, scope: Scope) -> tuple[pl.DataFrame, pl.DataFrame]:
    with engine().connect() as connection:
        return protected.linked_referral_tables(connection, role, scope)


@live.versioned(show_spinner="Counting…", max_entries=256)
def monthly_series(
    role: RoleScope, scope: Scope, metric: str, geography: str | None, code: str | None
) -> pl.DataFrame:
    with engine().connect() as connection:
        return protected.monthly_series(connection, role, scope, metric, geography, code)


@live.versioned(show_spinner="Counting repeat missing…", max_entries=128)
def repeat_missing_series(role: RoleScope, scope: Scope) -> pl.DataFrame:
    with engine().connect() as connection:
        return protected.repeat_missing_series(connection, role, scope)


@live.versioned(show_spinner="Counting…", max_entries=256)
def area_values(
    role: RoleScope,
    scope: Scope,
    metric: str,
    geography: str,
    codes: tuple[str, ...],
    risk_level: str | None,
) -> pl.DataFrame:
    with engine().connect() as connection:
        return protected.area_values(connection, role, scope, metric, geography, codes, risk_level)


# The Case list is not cached: case-level rows never sit in a cache another role could reach.
# Each rerun reads the counts and one page (both from an index, a few milliseconds each).


def case_counts(
    role: RoleScope, scope: Scope, levels: tuple[str, ...], search: str = ""
) -> dict[str, int]:
    with engine().connect() as connection:
        return protected.case_counts(connection, role, scope, levels, search)


def case_page(role: RoleScope, scope: Scope, counts: dict[str, int], search: str = "", *,
              offset: int = 0, limit: int = 200) -> pl.DataFrame:  # fmt: skip
    with engine().connect() as connection:
        return protected.case_page(connection, role, scope, counts, search,
                                   offset=offset, limit=limit)  # fmt: skip


def case_list_reader(
    role: RoleScope, scope: Scope, levels: tuple[str, ...], search: str = ""
) -> Callable[[], pl.DataFrame]:
    """The whole filtered list, read only when called: the download builds it on click, on a
    thread of Streamlit's own, so the engine is taken now, in the page run."""
    store = engine()

    def read() -> pl.DataFrame:
        with store.connect() as connection:
            return protected.case_list(connection, role, scope, levels, search)

    return read


@live.versioned(show_spinner="Finding hot spots…", max_entries=64)
def hot_spot_counts(role: RoleScope, end: date, metric: str, geography: str) -> pl.DataFrame:
    with engine().connect() as connection:
        return mace.hot_spot_counts(connection, role, end, metric, geography)


@live.versioned(max_entries=8)
def locations(role: RoleScope) -> pl.DataFrame:
    with engine().connect() as connection:
        return mace.locations(connection, role)


@live.versioned(max_entries=8)
def mace_meetings() -> list[date]:
    with engine().connect() as connection:
        return mace.meetings(connection)


@live.versioned(max_entries=32)
def meeting_view(role: RoleScope, held_on: date) -> mace.MeetingView:
    with engine().connect() as connection:
        return mace.meeting_view(connection, role, held_on)


@live.versioned(max_entries=64, show_spinner=False)
def location_notes(role: RoleScope, location_id: int) -> pl.DataFrame:
    with engine().connect() as connection:
        return mace.notes_for(connection, role, location_id)


@live.versioned(max_entries=16, show_spinner=False)
def latest_notes(role: RoleScope, limit: int = 15) -> pl.DataFrame:
    with engine().connect() as connection:
        return mace.latest_notes(connection, role, limit)


@live.versioned(max_entries=16, show_spinner=False)
def actions_agreed_at(role: RoleScope, held_on: date) -> pl.DataFrame:
    with engine().connect() as connection:
        return mace.actions_agreed_at(connection, role, held_on)


def mace_write(function, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
    """Run one MACE write in its own transaction (the write bumps the store version, so every
    session on every server sees it on its next rerun), then use the new version for the rest of
    this rerun."""
    with engine().begin() as connection:
        result = function(connection, *args, **kwargs)
    live.after_write()
    return result


def import_log() -> pl.DataFrame:
    """Not cached: a data manager expects to see the import they just made."""
    with engine().connect() as connection:
        return imports_log.import_log(connection)


def roles_for(email: str) -> list[RoleScope]:
    with engine().connect() as connection:
        return users.roles_for(connection, email)


def record_audit(viewer: Viewer, action: str, page: str, parameters: dict | None = None) -> None:
    """Append to the audit trail (never cached: every call is written)."""
    with engine().begin() as connection:
        audit.record(connection, viewer.email, viewer.audit_role, action, page, parameters)


def audit_events(role: RoleScope, **filters) -> pl.DataFrame:  # noqa: ANN003
    authorise_audit(role)
    with engine().connect() as connection:
        return audit.events(connection, **filters)


@live.versioned(max_entries=32)
def action_status(as_of: date) -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.action_status(connection, as_of)


@live.versioned(max_entries=32)
def rag_by_quarter(quarter_ends: tuple[date, ...]) -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.rag_by_quarter(connection, quarter_ends)


@st.cache_resource
def layer_geojson(level: str, vintage: str = "2004") -> dict:
    """Boundaries as GeoJSON, shared by every session (read-only)."""
    return boundaries.geojson(level, vintage)


@st.cache_resource
def area_outline(level: str, codes: frozenset[str], vintage: str = "2004") -> dict:
    return boundaries.outline(level, codes, vintage)


def clear_all() -> None:
    """Drop every cached query and resource (after a reload of the data)."""
    st.cache_data.clear()
    st.cache_resource.clear()


# ---------------------------------------------------------------- figures, built once per inputs

_FIGURE_BUILDERS = {"charts": charts, "map_charts": map_charts}


@st.cache_resource(max_entries=512, show_spinner=False)
def figure(builder: str, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - a Plotly figure
    """A chart from ``charts`` or ``map_charts`` (``"charts.series_chart"``), built once for the
    same inputs (small frames and options, hashed by Streamlit) and shared by every session.

    Building a Plotly figure costs more than reading the aggregates; a rerun that changes nothing
    in a chart's inputs reuses it. Only for figures nobody changes after they are built.
    """
    module, name = builder.split(".")
    return getattr(_FIGURE_BUILDERS[module], name)(*args, **kwargs)


@st.cache_resource(max_entries=32, show_spinner=False)
def area_names(level: str, vintage: str = "2004") -> dict[str, str]:
    return boundaries.names(level, vintage)


@st.cache_resource(max_entries=256, show_spinner=False)
def map_figure(
    geography: str,
    vintage: str,
    codes: tuple[str, ...],
    table: pl.DataFrame,
    title: str,
    unit: str,
    basemap: str,
    area_wards: frozenset[str] | None,
    hidden_codes: frozenset[str],
):  # noqa: ANN201 - a Plotly figure
    """The map's choropleth for its inputs: the layer cut to the areas shown (the rest grey
    around an Area Committee), the area outline and the hatching of hidden areas, built once.

    On the plain background the areas are drawn as SVG shapes (``map_charts.shape_choropleth``):
    the browser rebuilds a chart whenever its figure changes, and a tile map costs it a new WebGL
    context each time. The street map needs the tiles, so it stays a tile map."""
    layer, shown_codes = layer_geojson(geography, vintage), set(codes)
    shown = {"type": "FeatureCollection",
             "features": [f for f in layer["features"] if f["id"] in shown_codes]}  # fmt: skip
    context_layer = None
    if area_wards:
        context_layer = {"type": "FeatureCollection",
                         "features": [f for f in layer["features"] if f["id"] not in shown_codes]}  # fmt: skip
    outline = area_outline("ward", area_wards, vintage) if area_wards else None
    if basemap == PLAIN_BASEMAP:
        return map_charts.shape_choropleth(
            shown,
            table,
            title,
            unit,
            chart_context(),
            outline=outline,
            context_geojson=context_layer,
        )
    view = (
        boundaries.view_of("ward", vintage, area_wards)
        if area_wards
        else boundaries.view_of(geography, vintage)
    )
    return map_charts.choropleth(
        shown, table, title, unit, chart_context(), view.center, view.zoom, map_style=basemap,
        outline=outline,
        context_geojson=context_layer,
        hidden_hatch=hatch(geography, hidden_codes, vintage) if hidden_codes else None,
    )  # fmt: skip
