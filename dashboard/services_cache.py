"""Cached wrappers for the services queries (keyed by the store version, role scope and filters,
like cache.py)."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard import live
from dashboard.cache import engine
from data_access import services
from data_access.sql import Scope
from domain.roles import RoleScope


@live.versioned(show_spinner="Counting cases…", max_entries=128)
def caseload_table(
    role: RoleScope,
    scope: Scope,
    measure: str,
    by: tuple[str, ...] = ("month", "service"),
    services_shown: tuple[str, ...] | None = None,
    delivery: str | None = "one_to_one",
) -> pl.DataFrame:
    with engine().connect() as connection:
        return services.caseload_table(
            connection, role, scope, measure, by, services_shown, delivery
        )


@live.versioned(show_spinner="Profiling the children at risk…", max_entries=16)
def cohort_profile(scope: Scope) -> pl.DataFrame:
    """Raw counts, shared by every service's profile (switching service does not recount)."""
    with engine().connect() as connection:
        return services.cohort_profile(connection, scope)


@live.versioned(show_spinner="Comparing profiles…", max_entries=64)
def profile_tables(
    role: RoleScope, scope: Scope, service: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    cohort = cohort_profile(scope)
    with engine().connect() as connection:
        return services.profile_tables(connection, role, scope, service, cohort)


@live.versioned(show_spinner="Comparing risk and provision…", max_entries=64)
def coverage_counts(
    role: RoleScope,
    scope: Scope,
    geography: str,
    codes: tuple[str, ...],
    services_shown: tuple[str, ...] | None,
) -> pl.DataFrame:
    with engine().connect() as connection:
        return services.coverage_counts(connection, role, scope, geography, codes, services_shown)


@live.versioned(max_entries=64)
def district_coverage(
    role: RoleScope, month: date, services_shown: tuple[str, ...] | None
) -> tuple[int | None, int | None]:
    with engine().connect() as connection:
        return services.district_coverage(connection, role, month, services_shown)


@live.versioned(max_entries=32)
def briefing_table(area_code: str, end: date) -> pl.DataFrame:
    """Always suppressed as for a public meeting, so one entry serves every role."""
    with engine().connect() as connection:
        return services.briefing_table(connection, area_code, end)
