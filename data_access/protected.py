"""Page-ready figures: every query here checks the viewer's role, then applies disclosure control,
before the result reaches a page, a cache shared with other roles, or a download.

Tables come back in the shape :func:`domain.disclosure.suppress` gives: every combination of
the dimensions plus a ``Total`` level for each, a nullable count and a ``suppressed`` flag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl
from sqlalchemy import ColumnElement, Connection, and_, case, func, or_, select

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
    RISK_LEVELS_BY_URGENCY,
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


def _open_cases(scope: Scope, levels: Sequence[str], search: str = "") -> list[ColumnElement[bool]]:
    """Where clauses on ``risk_assessment`` for the Case list: open at the end of ``scope.end``, at
    one of ``levels``, in a ward of the scope's vintage (and area), and, with ``search``,
    with a pseudonymous id or a ward name holding that text (any case).

    Level, dates, place and child are all in ``ix_risk_assessment_open``: counting and choosing a
    page read the index alone, one level's children open at the month end, however many
    assessments the store holds.
    """
    ra = m.RiskAssessment
    month_end = scope.end_exclusive
    place = (
        select(1)
        .select_from(m.AreaLookup)
        .join(m.Ward, and_(m.Ward.vintage == m.AreaLookup.vintage,
                           m.Ward.code == m.AreaLookup.ward_code))
        .where(
            m.AreaLookup.vintage == scope.vintage,
            m.AreaLookup.postcode_sector == ra.postcode_sector,
            m.AreaLookup.lsoa_code == ra.lsoa_code,
        )
    )  # fmt: skip
    if scope.area_code:
        place = place.where(m.Ward.area_committee_code == scope.area_code)
    levels = list(levels)
    clauses = [
        ra.risk_level == levels[0] if len(levels) == 1 else ra.risk_level.in_(levels),
        ra.assessed_on < month_end,
        or_(ra.closed_on.is_(None), ra.closed_on >= month_end),
        place.exists(),
    ]
    if search:
        named = select(1).where(
            m.Child.id == ra.child_id, m.Child.pseudo_id.icontains(search, autoescape=True)
        )
        in_ward = place.where(m.Ward.name.icontains(search, autoescape=True))
        clauses.append(or_(named.exists(), in_ward.exists()))
    return clauses


def case_counts(
    connection: Connection, role: RoleScope, scope: Scope, levels: Sequence[str], search: str = ""
) -> dict[str, int]:
    """How many children the Case list holds at each of ``levels`` (most urgent first).

    MACE members only. One count per level: with the level fixed, the database reads only that
    level's open assessments from the index.
    """
    authorise_cases(role)
    ra = m.RiskAssessment
    return {
        level: connection.execute(
            select(func.count()).select_from(ra).where(*_open_cases(scope, [level], search))
        ).scalar_one()
        for level in RISK_LEVELS_BY_URGENCY
        if level in levels
    }


def case_list(
    connection: Connection,
    role: RoleScope,
    scope: Scope,
    levels: Sequence[str] = RISK_LEVELS_BY_URGENCY,
    search: str = "",
) -> pl.DataFrame:
    """Children at risk at the end of ``scope.end``: pseudonymous id, level, types, ward, since;
    the whole list (the download), in the order of :func:`case_page`.

    MACE members only; never cached with or shown to any other role.
    """
    authorise_cases(role)
    levels = [level for level in RISK_LEVELS_BY_URGENCY if level in levels]
    if not levels:
        return pl.DataFrame(schema=CASE_SCHEMA)
    return _case_rows(connection, scope, levels, search)


def case_page(
    connection: Connection,
    role: RoleScope,
    scope: Scope,
    counts: Mapping[str, int],
    search: str = "",
    *,
    offset: int = 0,
    limit: int = 200,
) -> pl.DataFrame:
    """``limit`` rows of the Case list from ``offset``: most urgent first (significant, then
    moderate, then emerging; within a level the longest at it first).

    ``counts`` is :func:`case_counts` for the same filters: each level's share of the page is
    chosen in the database from that level's open assessments alone (from the index), and only
    the page's rows are joined to ids, types and names. MACE members only.
    """
    authorise_cases(role)
    parts, start = [], 0
    for level in RISK_LEVELS_BY_URGENCY:
        size = counts.get(level, 0)
        first, last = max(offset, start), min(offset + limit, start + size)
        if first < last:
            parts.append(
                _case_rows(connection, scope, [level], search, first - start, last - first)
            )
        start += size
    return pl.concat(parts) if parts else pl.DataFrame(schema=CASE_SCHEMA)


def _case_rows(
    connection: Connection,
    scope: Scope,
    levels: Sequence[str],
    search: str,
    offset: int = 0,
    limit: int | None = None,
) -> pl.DataFrame:
    ra, rat = m.RiskAssessment, m.RiskAssessmentType
    urgency = case(
        {level: rank for rank, level in enumerate(RISK_LEVELS_BY_URGENCY)},
        value=ra.risk_level,
        else_=len(RISK_LEVELS_BY_URGENCY),
    )
    picked = (
        select(ra.id, ra.child_id, ra.risk_level, ra.assessed_on, ra.postcode_sector,
               ra.lsoa_code, urgency.label("urgency"))
        .where(*_open_cases(scope, levels, search))
        .order_by(urgency, ra.assessed_on, ra.id)
    )  # fmt: skip
    if limit is not None:
        picked = picked.offset(offset).limit(limit)
    # Worked out on its own, before any join: the database sorts the open assessments from the
    # index instead of walking every assessment at each place.
    picked = picked.cte("picked").prefix_with("MATERIALIZED")
    type_list = (
        func.group_concat(rat.exploitation_type)
        if connection.dialect.name == "sqlite"
        else func.string_agg(rat.exploitation_type, ",")
    )
    types = select(type_list).where(rat.assessment_id == picked.c.id).scalar_subquery()
    statement = (
        select(
            m.Child.pseudo_id,
            picked.c.risk_level,
            types.label("types"),
            m.Ward.name.label("ward"),
            m.AreaCommittee.name.label("area"),
            picked.c.assessed_on,
        )
        .select_from(picked)
        .join(m.Child, m.Child.id == picked.c.child_id)
        .join(
            m.AreaLookup,
            and_(
                m.AreaLookup.postcode_sector == picked.c.postcode_sector,
                m.AreaLookup.lsoa_code == picked.c.lsoa_code,
                m.AreaLookup.vintage == scope.vintage,
            ),
        )
        .join(m.Ward, and_(m.Ward.vintage == scope.vintage, m.Ward.code == m.AreaLookup.ward_code))
        .join(m.AreaCommittee, m.AreaCommittee.code == m.Ward.area_committee_code)
        .order_by(picked.c.urgency, picked.c.assessed_on, picked.c.id)
    )
    return read_frame(connection, statement, CASE_SCHEMA)


CASE_SCHEMA = {
    "pseudo_id": pl.String,
    "risk_level": pl.String,
    "types": pl.String,
    "ward": pl.String,
    "area": pl.String,
    "assessed_on": pl.Date,
}
