"""The event-level service queries the aggregates replaced, kept as the oracle the aggregate
reads are tested against (they read ``service_case`` and ``risk_assessment`` rows directly)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from sqlalchemy import Connection, and_, distinct, func, literal, or_, select

from data_access import models as m
from data_access.sql import Scope, in_scope, month_table, read_frame
from domain.months import month_end
from domain.services import CONFIDENTIAL

CASE_DIMENSIONS = ("month", "service", "delivery", "provider", "gender", "age", "ethnicity",
                   "postcode_district", "ward_code", "area_code")  # fmt: skip


def _case_columns(sc, lookup, ward, months):  # noqa: ANN001, ANN202 - ORM classes and a CTE
    return {
        "month": months.c.month,
        "service": sc.service,
        "delivery": sc.delivery,
        "provider": sc.provider,
        "gender": sc.gender,
        "age": sc.age_at_start,
        "ethnicity": sc.ethnicity,
        "postcode_district": func.coalesce(lookup.postcode_district, literal(CONFIDENTIAL)),
        "ward_code": lookup.ward_code,
        "area_code": ward.area_committee_code,
    }


def case_counts(
    connection: Connection,
    scope: Scope,
    by: Sequence[str],
    measure: str,
    services: Sequence[str] | None = None,
    delivery: str | None = "one_to_one",
) -> pl.DataFrame:
    """Cases by ``by``: ``new_cases`` (started in each month) or ``open_cases`` (distinct children
    with a case open at each month end). Without ``month`` in ``by``, new cases are those started
    in the scope's months and open cases are counted at the end of its last month.

    A case whose address is withheld has no ward: it counts in district totals (postcode district
    ``confidential``) and drops out of any area or ward view. ``delivery=None`` counts group work
    and one-to-one together.
    """
    unknown = set(by) - set(CASE_DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimension(s) {sorted(unknown)}")
    sc, lookup, ward = m.ServiceCase, m.AreaLookup, m.Ward
    months = month_table(scope.start if "month" in by or measure == "new_cases" else scope.end,
                         scope.end)  # fmt: skip
    columns = _case_columns(sc, lookup, ward, months)
    dims = [columns[name].label(name) for name in by]
    if measure == "new_cases":
        when = and_(sc.started_on >= months.c.month_start, sc.started_on <= months.c.month_end)
        value = func.count(sc.id)
    elif measure == "open_cases":
        when = and_(
            sc.started_on <= months.c.month_end,
            or_(sc.closed_on.is_(None), sc.closed_on > months.c.month_end),
        )
        value = func.count(distinct(sc.child_id)) if "month" in by else func.count(sc.id)
    else:
        raise ValueError(f"unknown measure {measure!r}")
    where = list(in_scope(scope, lookup.ward_code, ward.area_committee_code))
    if services:
        where.append(sc.service.in_(list(services)))
    if delivery:
        where.append(sc.delivery == delivery)
    statement = (
        select(*dims, value.label("cases"))
        .select_from(months)
        .join(sc, when)
        .outerjoin(lookup, and_(lookup.postcode_sector == sc.postcode_sector,
                                lookup.lsoa_code == sc.lsoa_code, lookup.vintage == scope.vintage))
        .outerjoin(ward, and_(ward.vintage == lookup.vintage, ward.code == lookup.ward_code))
        .where(*where)
        .group_by(*dims)
        .order_by(*dims)
    )  # fmt: skip
    schema = {name: (pl.Int64 if name == "age" else pl.String) for name in by}
    return read_frame(connection, statement, {**schema, "cases": pl.Int64})


def children_in_service(
    connection: Connection, scope: Scope, by: Sequence[str], services: Sequence[str] | None
) -> pl.DataFrame:
    """Distinct children with any case (of ``services``, any delivery) open at the end of the
    scope's last month, by ``by`` (geography only)."""
    sc, lookup, ward = m.ServiceCase, m.AreaLookup, m.Ward
    end = month_end(scope.end)
    columns = _case_columns(sc, lookup, ward, month_table(scope.end, scope.end))
    dims = [columns[name].label(name) for name in by]
    where = [sc.started_on <= end, or_(sc.closed_on.is_(None), sc.closed_on > end),
             *in_scope(scope, lookup.ward_code, ward.area_committee_code)]  # fmt: skip
    if services:
        where.append(sc.service.in_(list(services)))
    statement = (
        select(*dims, func.count(distinct(sc.child_id)).label("children"))
        .select_from(sc)
        .join(lookup, and_(lookup.postcode_sector == sc.postcode_sector,
                           lookup.lsoa_code == sc.lsoa_code, lookup.vintage == scope.vintage))
        .join(ward, and_(ward.vintage == lookup.vintage, ward.code == lookup.ward_code))
        .where(*where)
        .group_by(*dims)
    )  # fmt: skip
    return read_frame(connection, statement, {**{n: pl.String for n in by}, "children": pl.Int64})


def cohort_profile(connection: Connection, scope: Scope) -> pl.DataFrame:
    """Children at risk at any time in the scope's months, counted by gender, age (when first at
    risk in the period: at its start, or when assessed if later, as a service records age when a
    case starts) and ethnicity: the profile a service's is compared with."""
    ra, child = m.RiskAssessment, m.Child
    first = (
        select(child.id, child.sex, child.birth_month, child.ethnicity,
               func.min(ra.assessed_on).label("first_assessed"))
        .select_from(ra)
        .join(child, child.id == ra.child_id)
        .join(m.AreaLookup, and_(m.AreaLookup.postcode_sector == ra.postcode_sector,
                                 m.AreaLookup.lsoa_code == ra.lsoa_code,
                                 m.AreaLookup.vintage == scope.vintage))
        .join(m.Ward, and_(m.Ward.vintage == m.AreaLookup.vintage,
                           m.Ward.code == m.AreaLookup.ward_code))
        .where(ra.assessed_on < scope.end_exclusive,
               or_(ra.closed_on.is_(None), ra.closed_on >= scope.start),
               *in_scope(scope, m.AreaLookup.ward_code, m.Ward.area_committee_code))
        .group_by(child.id, child.sex, child.birth_month, child.ethnicity)
    )  # fmt: skip
    counts: dict[tuple, int] = {}
    period_start = scope.start.replace(day=1)
    for _id, sex, birth, ethnicity, assessed in connection.execute(first):
        birth, assessed = (date.fromisoformat(v) if isinstance(v, str) else v
                           for v in (birth, assessed))  # fmt: skip
        when = max(period_start, assessed)
        age = None if birth is None else (when.year - birth.year) - (when.month < birth.month)
        key = (sex, age, ethnicity)
        counts[key] = counts.get(key, 0) + 1
    return pl.DataFrame(
        [(*key, n) for key, n in counts.items()],
        schema={"gender": pl.String, "age": pl.Int64, "ethnicity": pl.String,
                "children": pl.Int64}, orient="row",
    )  # fmt: skip


def children_in_service_anywhere(
    connection: Connection, month: date, services: Sequence[str] | None
) -> int:
    """Distinct children with a case open at the end of ``month``, located or not."""
    sc = m.ServiceCase
    end = month_end(month)
    where = [sc.started_on <= end, or_(sc.closed_on.is_(None), sc.closed_on > end)]
    if services:
        where.append(sc.service.in_(list(services)))
    return connection.execute(select(func.count(distinct(sc.child_id))).where(*where)).scalar_one()
