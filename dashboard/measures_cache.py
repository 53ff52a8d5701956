"""Cached queries for the Education, Modern slavery and Disrupt and prosecute pages.

Same rules as :mod:`dashboard.cache`: keyed by the store version, the viewer's role scope and plain filters, every
result already checked and suppressed by the data layer for that role.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from dashboard import live
from dashboard.cache import engine
from data_access import education, investigations, msht
from data_access.sql import Scope
from domain.roles import RoleScope


@live.versioned(max_entries=8)
def education_first_month() -> date | None:
    with engine().connect() as connection:
        return education.first_month(connection)


@live.versioned(show_spinner="Counting…", max_entries=128)
def education_series(role: RoleScope, scope: Scope, measure: str) -> pl.DataFrame:
    with engine().connect() as connection:
        return education.series(connection, role, scope, measure)


@live.versioned(show_spinner="Counting…", max_entries=64)
def education_by_ward(
    role: RoleScope, scope: Scope, measure: str, ward_codes: Sequence[str]
) -> pl.DataFrame:
    with engine().connect() as connection:
        return education.by_ward(connection, role, scope, measure, ward_codes)


@live.versioned(max_entries=16)
def ehe_januaries(role: RoleScope, area_code: str | None) -> pl.DataFrame:
    with engine().connect() as connection:
        return education.ehe_januaries(connection, role, area_code)


@live.versioned(show_spinner="Counting…", max_entries=128)
def msht_series(role: RoleScope, scope: Scope, measure: str) -> pl.DataFrame:
    with engine().connect() as connection:
        return msht.series(connection, role, scope, measure)


@live.versioned(show_spinner="Counting…", max_entries=64)
def msht_by_ward(
    role: RoleScope, scope: Scope, measure: str, ward_codes: Sequence[str]
) -> pl.DataFrame:
    with engine().connect() as connection:
        return msht.by_ward(connection, role, scope, measure, ward_codes)


@live.versioned(max_entries=64)
def six_week_change(
    role: RoleScope, end: date, measure: str, area_code: str | None
) -> tuple[int | None, int | None]:
    with engine().connect() as connection:
        return msht.six_week_change(connection, role, end, measure, area_code)


@live.versioned(show_spinner="Counting…", max_entries=32)
def pipeline_table(role: RoleScope, scope: Scope) -> pl.DataFrame:
    with engine().connect() as connection:
        return investigations.pipeline_table(connection, role, scope)


@live.versioned(max_entries=32)
def stage_summary(role: RoleScope, month: date) -> pl.DataFrame:
    with engine().connect() as connection:
        return investigations.stage_summary(connection, role, month)


@live.versioned(max_entries=8)
def investigation_cases(role: RoleScope, month: date) -> pl.DataFrame:
    """MACE members only (the data layer refuses anyone else)."""
    with engine().connect() as connection:
        return investigations.case_table(connection, role, month)


@live.versioned(show_spinner="Counting…", max_entries=32)
def disruption_table(role: RoleScope, scope: Scope, period: str) -> pl.DataFrame:
    with engine().connect() as connection:
        return investigations.disruption_table(connection, role, scope, period)
