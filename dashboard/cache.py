"""The app's caches, in one place: the engine and boundaries as shared resources, query results
as data keyed by their filters (a frozen ``Scope`` and plain strings).

Pages call these and nothing else; each wrapper opens a connection, runs one query from
``data_access.queries`` and returns a Polars frame.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from dashboard.charts import ChartContext
from data_access import queries
from data_access.engine import make_engine
from data_access.sql import Scope
from data_access.store import ensure_store
from geo import boundaries

QUERY_TTL = "15m"


@st.cache_resource(show_spinner="Opening the data store…")
def engine() -> Engine:
    """The one engine; on a fresh machine this also creates the store and loads demo data."""
    store = make_engine()
    ensure_store(store)
    return store


@st.cache_data(ttl=QUERY_TTL)
def dataset_info() -> dict[str, str]:
    with engine().connect() as connection:
        return queries.dataset_info(connection)


@st.cache_data(ttl=QUERY_TTL)
def data_as_of() -> date:
    with engine().connect() as connection:
        return queries.data_as_of(connection)


@st.cache_data(ttl=QUERY_TTL)
def data_from() -> date:
    with engine().connect() as connection:
        return queries.data_from(connection)


def is_synthetic() -> bool:
    return dataset_info().get("is_synthetic") == "true"


@st.cache_data(ttl=QUERY_TTL)
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


@st.cache_data(ttl=QUERY_TTL)
def wards(vintage: str = "2004") -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.wards(connection, vintage)


@st.cache_data(ttl=QUERY_TTL)
def ward_vintages() -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.ward_vintages(connection)


@st.cache_data(ttl=QUERY_TTL)
def area_committees() -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.area_committees(connection)


@st.cache_data(ttl=QUERY_TTL, show_spinner="Counting…")
def cohort_counts(scope: Scope, by: tuple[str, ...]) -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.cohort_counts(connection, scope, by)


@st.cache_data(ttl=QUERY_TTL, show_spinner="Counting…")
def referral_counts(scope: Scope, by: tuple[str, ...]) -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.referral_counts(connection, scope, by)


@st.cache_data(ttl=QUERY_TTL, show_spinner="Counting…")
def missing_counts(scope: Scope, by: tuple[str, ...]) -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.missing_counts(connection, scope, by)


@st.cache_data(ttl=QUERY_TTL, show_spinner="Counting repeat missing…")
def repeat_missing_by_month(scope: Scope) -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.repeat_missing_by_month(connection, scope)


@st.cache_data(ttl=QUERY_TTL, show_spinner="Counting…")
def metric_by_area(
    scope: Scope, metric: str, geography: str, risk_level: str | None
) -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.metric_by_area(connection, scope, metric, geography, risk_level)


@st.cache_data(ttl=QUERY_TTL, show_spinner="Counting…")
def monthly_metric(
    scope: Scope, metric: str, geography: str | None, code: str | None
) -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.monthly_metric(connection, scope, metric, geography, code)


@st.cache_data(ttl=QUERY_TTL)
def action_status(as_of: date) -> pl.DataFrame:
    with engine().connect() as connection:
        return queries.action_status(connection, as_of)


@st.cache_data(ttl=QUERY_TTL)
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
