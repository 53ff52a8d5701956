"""Caches for the public tier: every number comes from the current public release, keyed by the
release id (a new release, after an import or a rebuild, is read at once)."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard.cache import QUERY_TTL, engine
from data_access import briefing
from data_access.release import read
from domain.briefing_figures import BriefingFigures
from domain.roles import RoleScope


def release() -> read.ReleaseHeader:
    """The current release's header (not cached: one indexed query, so a new one shows at once)."""
    with engine().connect() as connection:
        return read.current_release(connection)


@st.cache_data(ttl=QUERY_TTL, show_spinner="Reading the public release…", max_entries=512)
def public_cells(
    role: RoleScope,
    measure: str,
    places: tuple[tuple[str, str], ...],
    periods: tuple[tuple[date, date], ...],
    breakdown: str,
    release_id: int,
) -> pl.DataFrame:
    with engine().connect() as connection:
        return read.public_cells(
            connection, role, measure, places, periods, breakdown, release_id=release_id
        )


def cells(
    role: RoleScope,
    measure: str,
    places: list[tuple[str, str]],
    periods: list[tuple[date, date]],
    breakdown: str = "total",
) -> pl.DataFrame:
    """Exactly these cells of the current release (the data layer refuses anything else)."""
    return public_cells(role, measure, tuple(places), tuple(periods), breakdown, release().id)


@st.cache_data(ttl=QUERY_TTL, show_spinner="Preparing the briefing…", max_entries=32)
def _briefing(role: RoleScope, area_code: str, release_id: int) -> BriefingFigures:
    del release_id  # the cache key: a new release gives new figures
    with engine().connect() as connection:
        return briefing.briefing_figures(connection, role, area_code)


def briefing_figures(role: RoleScope, area_code: str) -> BriefingFigures:
    """Cells of the public release, the same for every role (the role is checked)."""
    return _briefing(role, area_code, release().id)
