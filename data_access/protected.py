"""Page-ready figures: every query here checks the viewer's role, then applies disclosure control,
before the result reaches a page, a cache shared with other roles, or a download.

Tables come back in the shape :func:`domain.disclosure.suppress` gives: every combination of
the dimensions plus a ``Total`` level for each, a nullable count and a ``suppressed`` flag.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, and_, func, or_, select

from data_access import models as m
from data_access import queries
from data_access.access import authorise_aggregate, authorise_cases
from data_access.sql import Scope, read_frame
from domain.disclosure import TOTAL, suppress
from domain.months import months_between
from domain.roles import RoleScope
from domain.vocab import (
    EXPLOITATION_TYPES,
    PLACEMENT_TYPES,
    REFERRING_AGENCIES,
    RISK_LEVELS,
)

CATEGORY_LEVELS: dict[str, Sequence[str]] = {
    "risk_level": list(RISK_LEVELS),
    "exploitation_type": list(EXPLOITATION_TYPES),
    "referring_agency": list(REFERRING_AGENCIES),
    "placement_type": list(PLACEMENT_TYPES),
}


def _month_levels(scope: Scope) -> list[str]:
    return [mth.strftime("%Y-%m") for mth in months_between(scope.start, scope.end)]


def _levels(scope: Scope, by: Sequence[str]) -> dict[str, Sequence[str]]:
    levels: dict[str, Sequence[str]] = {}
    for dim in by:
        if dim == "month":
            levels[dim] = _month_levels(scope)
        elif dim in CATEGORY_LEVELS:
            levels[dim] = CATEGORY_LEVELS[dim]
    return levels


def _suppressed_counts(
    connection: Connection, role: RoleScope, scope: Scope, by: tuple[str, ...], count, value: str
) -> pl.DataFrame:  # noqa: ANN001 - count is one of the queries.*_counts functions
    """The one path every aggregate table takes: role check, SQL aggregate, suppression."""
    authorise_aggregate(connection, role, scope, by)
    return suppress(count(connection, scope, by), by, value, role.policy, _levels(scope, by))


def cohort_table(
    connection: Connection, role: RoleScope, scope: Scope, by: tuple[str, ...]
) -> pl.DataFrame:
    """Children at risk at month ends, over ``by`` (e.g. month x risk level), suppressed."""
    return _suppressed_counts(connection, role, scope, by, queries.cohort_counts, "children")


def referral_table(
    connection: Connection, role: RoleScope, scope: Scope, by: tuple[str, ...]
) -> pl.DataFrame:
    return _suppressed_counts(connection, role, scope, by, queries.referral_counts, "referrals")


def missing_table(
    connection: Connection, role: RoleScope, scope: Scope, by: tuple[str, ...]
) -> pl.DataFrame:
    """Missing episodes over ``by``, suppressed (episodes add up; distinct children do not)."""
    return _suppressed_counts(connection, role, scope, by, queries.missing_counts, "episodes")


def linked_referral_tables(
    connection: Connection, role: RoleScope, scope: Scope
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Referrals by type and by agency, shown on one page: their monthly totals are the same
    numbers, so a total hidden in one table is hidden in the other too."""
    by_type, by_agency = ("month", "exploitation_type"), ("month", "referring_agency")
    authorise_aggregate(connection, role, scope, by_type)
    type_counts = queries.referral_counts(connection, scope, by_type)
    agency_counts = queries.referral_counts(connection, scope, by_agency)
    forced: set[tuple[str, str]] = set()
    while True:
        a = suppress(
            type_counts, by_type, "referrals", role.policy, _levels(scope, by_type), forced
        )
        b = suppress(
            agency_counts, by_agency, "referrals", role.policy, _levels(scope, by_agency), forced
        )
        hidden_totals = {
            (month, TOTAL)
            for frame, dim in ((a, "exploitation_type"), (b, "referring_agency"))
            for month in frame.filter(pl.col("suppressed") & (pl.col(dim) == TOTAL))["month"]
        }
        if hidden_totals <= forced:
            return a, b
        forced |= hidden_totals


def monthly_series(
    connection: Connection,
    role: RoleScope,
    scope: Scope,
    metric: str,
    geography: str | None = None,
    code: str | None = None,
) -> pl.DataFrame:
    """``month``, ``value`` (null where hidden) for one metric, suppressed as a 1-way table."""
    by = ("month", queries.GEOGRAPHY_COLUMNS[geography]) if geography else ("month",)
    authorise_aggregate(connection, role, scope, by if code else ())
    series = queries.monthly_metric(connection, scope, metric, geography, code)
    table = suppress(series, ["month"], "value", role.policy, {"month": _month_levels(scope)})
    return table.filter(pl.col("month") != TOTAL).select("month", "value", "suppressed")


def repeat_missing_series(connection: Connection, role: RoleScope, scope: Scope) -> pl.DataFrame:
    authorise_aggregate(connection, role, scope)
    series = queries.repeat_missing_by_month(connection, scope).rename({"repeat_children": "value"})
    table = suppress(series, ["month"], "value", role.policy, {"month": _month_levels(scope)})
    return table.filter(pl.col("month") != TOTAL).select("month", "value", "suppressed")


def area_values(
    connection: Connection,
    role: RoleScope,
    scope: Scope,
    metric: str,
    geography: str,
    codes: Sequence[str],
    risk_level: str | None = None,
) -> pl.DataFrame:
    """One value per area shown on the map (``code``, ``value``, ``suppressed``) plus Total."""
    authorise_aggregate(connection, role, scope, (queries.GEOGRAPHY_COLUMNS[geography],))
    values = queries.metric_by_area(connection, scope, metric, geography, risk_level)
    return suppress(values, ["code"], "value", role.policy, {"code": list(codes)})


def case_list(connection: Connection, role: RoleScope, scope: Scope) -> pl.DataFrame:
    """Children at risk at the end of ``scope.end``: pseudonymous id, level, types, ward, since.

    MACE members only; never cached with or shown to any other role.
    """
    authorise_cases(role)
    ra, rat = m.RiskAssessment, m.RiskAssessmentType
    month_end = scope.end_exclusive
    open_at_end = and_(
        ra.assessed_on < month_end, or_(ra.closed_on.is_(None), ra.closed_on >= month_end)
    )
    types = (
        (
            select(rat.assessment_id, func.group_concat(rat.exploitation_type).label("types"))
            if connection.dialect.name == "sqlite"
            else select(
                rat.assessment_id, func.string_agg(rat.exploitation_type, ",").label("types")
            )
        )
        # Only the assessments open at the month end: aggregating every assessment's types
        # first made this list cost a second at 100x the demo volume.
        .where(rat.assessment_id.in_(select(ra.id).where(open_at_end)))
        .group_by(rat.assessment_id)
        .subquery()
    )
    statement = (
        select(
            m.Child.pseudo_id,
            ra.risk_level,
            types.c.types,
            m.Ward.name.label("ward"),
            m.AreaCommittee.name.label("area"),
            ra.assessed_on,
        )
        .join(m.Child, m.Child.id == ra.child_id)
        .outerjoin(types, types.c.assessment_id == ra.id)
        .join(
            m.AreaLookup,
            and_(
                m.AreaLookup.postcode_sector == ra.postcode_sector,
                m.AreaLookup.lsoa_code == ra.lsoa_code,
                m.AreaLookup.vintage == scope.vintage,
            ),
        )
        .join(m.Ward, and_(m.Ward.vintage == scope.vintage, m.Ward.code == m.AreaLookup.ward_code))
        .join(m.AreaCommittee, m.AreaCommittee.code == m.Ward.area_committee_code)
        .where(open_at_end)
        .order_by(ra.risk_level.desc(), ra.assessed_on.desc(), m.Child.pseudo_id)
    )
    if scope.area_code:
        statement = statement.where(m.Ward.area_committee_code == scope.area_code)
    schema = {
        "pseudo_id": pl.String,
        "risk_level": pl.String,
        "types": pl.String,
        "ward": pl.String,
        "area": pl.String,
        "assessed_on": pl.Date,
    }
    return read_frame(connection, statement, schema)
