"""Service caseloads: the queries behind the Services page, the coverage map, the Overview
headline, the briefing's services slide and ``services_by_month.csv``.

Raw counts (``case_counts``, ``cohort_profile``) are read from the monthly aggregates (cases
new in and open at the end of each month; the risk presence table), so a page's cost does not
grow with the cases stored;
everything a page can reach goes through a ``*_table`` function that checks the role and applies
disclosure control first, exactly as ``data_access.protected`` does for the other measures.
Case-level rows never leave this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import polars as pl
from sqlalchemy import Connection, Table, distinct, func, select, union_all
from sqlalchemy.sql import ColumnElement

from data_access import models as m
from data_access import queries
from data_access.access import authorise_aggregate
from data_access.aggregate_tables import (
    RiskPresence,
    RiskProfileMonth,
    ServicePresence,
    smallest_table,
)
from data_access.aggregates_profile import UNKNOWN_AGE
from data_access.aggregates_services import UNPLACED
from data_access.sql import Scope, in_scope, read_frame
from domain.disclosure import TOTAL, suppress
from domain.frames import mapped
from domain.months import months_between
from domain.roles import RoleScope
from domain.services import (
    DELIVERIES,
    FINE_BANDS,
    GENDER_GROUPS,
    PROVIDERS,
    PUBLIC_BANDS,
    SERVICES,
    age_band,
    group_small_ethnicities,
)

CASE_DIMENSIONS = ("month", "service", "delivery", "provider", "gender", "age", "ethnicity",
                   "postcode_district", "ward_code", "area_code")  # fmt: skip
LEVELS = {"service": list(SERVICES), "delivery": list(DELIVERIES), "provider": list(PROVIDERS)}


def _dimension(table: Table, name: str) -> ColumnElement:
    """A dimension as the pages see it: no ward or area (not "") for a case with no ward."""
    column = table.c[name]
    return func.nullif(column, UNPLACED) if name in ("ward_code", "area_code") else column


def _counted(
    connection: Connection,
    measure: str,
    scope: Scope,
    by: Sequence[str],
    values: Sequence[str],
    services: Sequence[str] | None,
    delivery: str | None,
    placed_only: bool = False,
) -> pl.DataFrame:
    """Sums of ``values`` over ``by`` from the smallest service count table that can answer."""
    needed = {name for name in by if name != "month"}
    needed |= {name for name, used in (("area_code", scope.area_code or placed_only),
               ("ward_code", scope.ward_code or placed_only), ("service", services),
               ("delivery", delivery)) if used}  # fmt: skip
    table = smallest_table(measure, needed).table
    return _grouped(connection, table, scope, by, [func.sum(table.c[v]).label(v) for v in values],
                    services, delivery, placed_only)  # fmt: skip


def _grouped(
    connection: Connection,
    table: Table,
    scope: Scope,
    by: Sequence[str],
    values: list[ColumnElement],
    services: Sequence[str] | None,
    delivery: str | None,
    placed_only: bool = False,
) -> pl.DataFrame:
    dims = [_dimension(table, name).label(name) for name in by]
    clauses = [table.c.vintage == scope.vintage,
               table.c.month.between(scope.start.strftime("%Y-%m"), scope.end.strftime("%Y-%m")),
               *in_scope(scope, table.c.get("ward_code"), table.c.get("area_code"))]  # fmt: skip
    if placed_only:  # only cases with a ward (and so an area) in the scope's vintage
        clauses += [table.c.ward_code != UNPLACED, table.c.area_code != UNPLACED]
    if services:
        clauses.append(table.c.service.in_(list(services)))
    if delivery:
        clauses.append(table.c.delivery == delivery)
    statement = select(*dims, *values).where(*clauses)
    if dims:
        statement = statement.group_by(*dims)
    schema = {name: (pl.Int64 if name == "age" else pl.String) for name in by}
    frame = read_frame(connection, statement, {**schema, **{v.name: pl.Int64 for v in values}})
    return frame.with_columns(pl.col(v.name).fill_null(0) for v in values)


def _open_children(
    connection: Connection,
    scope: Scope,
    by: Sequence[str],
    services: Sequence[str] | None,
    delivery: str | None,
    placed_only: bool = False,
) -> pl.DataFrame:
    """Distinct children with a case open at each month end over ``by`` (``children``): those in
    one group that month from the count tables, the few in several from the presence table."""
    counted = _counted(connection, "service_open", scope, by, ["children"], services, delivery,
                       placed_only)  # fmt: skip
    p = ServicePresence.__table__
    shared = _grouped(connection, p, scope, by,
                      [func.count(distinct(p.c.child_id)).label("children")], services, delivery,
                      placed_only)  # fmt: skip
    both = pl.concat([counted, shared])
    if not by:
        return both.select(pl.col("children").sum())
    return both.group_by(list(by)).agg(pl.col("children").sum())


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
    and one-to-one together. Read from the monthly service aggregates.
    """
    unknown = set(by) - set(CASE_DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimension(s) {sorted(unknown)}")
    if measure == "new_cases":
        frame = _counted(connection, "service_new", scope, by, ["cases"], services, delivery)
    elif measure == "open_cases" and "month" in by:
        frame = _open_children(connection, scope, by, services, delivery).rename(
            {"children": "cases"}
        )
    elif measure == "open_cases":
        at_end = replace(scope, start=scope.end)
        frame = _counted(connection, "service_open", at_end, by, ["cases"], services, delivery)
    else:
        raise ValueError(f"unknown measure {measure!r}")
    frame = frame.filter(pl.col("cases") > 0) if by else frame
    return frame.sort(list(by), nulls_last=False) if by else frame


def children_in_service(
    connection: Connection, scope: Scope, by: Sequence[str], services: Sequence[str] | None
) -> pl.DataFrame:
    """Distinct children with any case (of ``services``, any delivery) open at the end of the
    scope's last month, by ``by`` (geography only; cases with no ward left out)."""
    at_end = replace(scope, start=scope.end)
    frame = _open_children(connection, at_end, by, services, None, placed_only=True)
    return frame.filter(pl.col("children") > 0)


def cohort_profile(connection: Connection, scope: Scope) -> pl.DataFrame:
    """Children at risk at any time in the scope's months, counted by gender, age (when first at
    risk in the period: at its start, or when assessed if later, as a service records age when a
    case starts) and ethnicity: the profile a service's is compared with. Read from the profile
    aggregate: those at risk in the first month, plus those who came (back) to risk later in the
    period after last being at risk before it (``aggregates_profile``)."""
    if scope.ward_code:  # no page asks for one ward's profile: counted child by child
        return _ward_cohort_profile(connection, scope)
    t = RiskProfileMonth.__table__
    first, last = scope.start.strftime("%Y-%m"), scope.end.strftime("%Y-%m")
    if scope.area_code:
        level, code = "area", scope.area_code
    else:
        level, code = "district", ""
    keys = [t.c.gender, t.c.age, t.c.ethnicity]
    place = [t.c.vintage == scope.vintage, t.c.place_level == level, t.c.place_code == code]
    # Two reads along the place index (an OR of the two would scan every place's months).
    present = select(*keys, t.c.children).where(*place, t.c.kind == "present", t.c.month == first)
    entries = select(*keys, t.c.children).where(
        *place, t.c.kind == "entry", t.c.month > first, t.c.month <= last, t.c.prev < first
    )
    both = union_all(present, entries).subquery()
    grouped = [both.c.gender, both.c.age, both.c.ethnicity]
    statement = select(*grouped, func.sum(both.c.children)).group_by(*grouped)
    frame = read_frame(connection, statement, {"gender": pl.String, "age": pl.Int64,
                                               "ethnicity": pl.String, "children": pl.Int64})  # fmt: skip
    return frame.with_columns(
        pl.when(pl.col("age") == UNKNOWN_AGE).then(None).otherwise(pl.col("age")).alias("age")
    )


def _ward_cohort_profile(connection: Connection, scope: Scope) -> pl.DataFrame:
    """``cohort_profile`` for one ward, from the presence table: each child's first month at
    risk in the period there, counted one child at a time (a ward is small)."""
    p, child = RiskPresence.__table__, m.Child
    first, last = scope.start.strftime("%Y-%m"), scope.end.strftime("%Y-%m")
    firsts = (
        select(p.c.child_id, func.min(p.c.month).label("first_month"))
        .where(p.c.vintage == scope.vintage, p.c.month.between(first, last),
               *in_scope(scope, p.c.ward_code, p.c.area_code))
        .group_by(p.c.child_id)
        .subquery()
    )  # fmt: skip
    keys = [child.sex, child.birth_month, child.ethnicity, firsts.c.first_month]
    statement = (
        select(*keys, func.count())
        .select_from(firsts)
        .join(child, child.id == firsts.c.child_id)
        .group_by(*keys)
    )
    counts: dict[tuple, int] = {}
    for sex, birth, ethnicity, month, children in connection.execute(statement):
        birth = date.fromisoformat(birth) if isinstance(birth, str) else birth
        year, number = int(month[:4]), int(month[5:7])
        age = None if birth is None else (year - birth.year) - (number < birth.month)
        key = (sex, age, ethnicity)
        counts[key] = counts.get(key, 0) + children
    return pl.DataFrame(
        [(*key, n) for key, n in counts.items()],
        schema={"gender": pl.String, "age": pl.Int64, "ethnicity": pl.String,
                "children": pl.Int64}, orient="row",
    )  # fmt: skip


def _month_levels(scope: Scope) -> list[str]:
    return [mth.strftime("%Y-%m") for mth in months_between(scope.start, scope.end)]


def caseload_table(
    connection: Connection,
    role: RoleScope,
    scope: Scope,
    measure: str,
    by: tuple[str, ...] = ("month", "service"),
    services: tuple[str, ...] | None = None,
    delivery: str | None = "one_to_one",
) -> pl.DataFrame:
    """Caseload by month and service, provider or delivery, checked and suppressed like every
    other public table (columns ``*by, cases, suppressed, reason`` with ``Total`` margins)."""
    authorise_aggregate(connection, role, scope, by)
    counts = case_counts(connection, scope, by, measure, services, delivery)
    levels = {d: LEVELS[d] for d in by if d in LEVELS}
    if "month" in by:
        levels["month"] = _month_levels(scope)
    if services and "service" in levels:
        levels["service"] = [s for s in SERVICES if s in services]
    return suppress(counts, by, "cases", role.policy, levels)


def _gender_group(gender: str) -> str:
    return gender if gender in ("female", "male") else "other"


def profile_tables(
    connection: Connection,
    role: RoleScope,
    scope: Scope,
    service: str,
    cohort: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Who a service took on in the scope's months beside the children at risk in them:
    (age band x gender, ethnicity), each with ``population`` = ``service`` / ``at_risk`` and each
    population suppressed as its own table (they are different counts: no total across them).
    Public views use wider age bands at the ends. Ethnicity is the services' wording, small
    categories folded into their broad group (the same folding for both populations).
    ``cohort`` is ``cohort_profile(connection, scope)`` when the caller already has it (it is
    the same for every service, and the costlier half)."""
    authorise_aggregate(connection, role, scope)
    cases = case_counts(connection, scope, ("gender", "age", "ethnicity"), "new_cases", [service])
    if cohort is None:
        cohort = cohort_profile(connection, scope)
    cohort = cohort.rename({"children": "cases"})
    both = pl.concat([cases.with_columns(population=pl.lit("service")),
                      cohort.with_columns(population=pl.lit("at_risk"))])  # fmt: skip
    both = both.with_columns(
        mapped(both["age"], lambda a: age_band(a, role.policy.suppress),
               skip_nulls=False).alias("age_band"),
        mapped(both["gender"], _gender_group).alias("gender"),
    )  # fmt: skip
    policy = role.policy
    bands = PUBLIC_BANDS if policy.suppress else FINE_BANDS
    ages = {"age_band": list(bands), "gender": list(GENDER_GROUPS)}
    service_counts = dict(cases.group_by("ethnicity").agg(pl.col("cases").sum()).iter_rows())
    folding = group_small_ethnicities(
        {**dict.fromkeys(cohort["ethnicity"].to_list(), 0), **service_counts}, policy.threshold
    )
    both = both.with_columns(pl.col("ethnicity").replace_strict(folding).alias("ethnicity"))
    categories = {"ethnicity": sorted(set(folding.values()))}
    pyramids, ethnicities = [], []
    for population in ("service", "at_risk"):  # two different counts: protected one by one
        part = both.filter(pl.col("population") == population)
        pyramids.append(suppress(
            part.group_by("age_band", "gender").agg(pl.col("cases").sum()),
            ["age_band", "gender"], "cases", policy, ages,
        ).with_columns(population=pl.lit(population)))  # fmt: skip
        ethnicities.append(suppress(
            part.group_by("ethnicity").agg(pl.col("cases").sum()),
            ["ethnicity"], "cases", policy, categories,
        ).with_columns(population=pl.lit(population)))  # fmt: skip
    pyramid = pl.concat(pyramids).select("population", "age_band", "gender", "cases",
                                         "suppressed", "reason")  # fmt: skip
    ethnicity = pl.concat(ethnicities).select("population", "ethnicity", "cases", "suppressed",
                                              "reason")  # fmt: skip
    return pyramid, ethnicity


def coverage_counts(
    connection: Connection,
    role: RoleScope,
    scope: Scope,
    geography: str,
    codes: Sequence[str],
    services: tuple[str, ...] | None = None,
) -> pl.DataFrame:
    """Per ward or postcode district at the end of ``scope.end``: children at risk and children
    in a service (``code, at_risk, in_service`` with ``*_suppressed`` flags and a Total row).
    Each column is suppressed as its own table over the areas; a page must not work out a ratio
    or gap from a hidden one."""
    dim = queries.GEOGRAPHY_COLUMNS[geography]
    authorise_aggregate(connection, role, scope, (dim,))
    month = replace(scope, start=scope.end)
    at_risk = queries.cohort_counts(connection, month, [dim]).rename({dim: "code"})
    in_service = children_in_service(connection, month, [dim], services).rename({dim: "code"})
    levels = {"code": list(codes)}
    a = suppress(at_risk, ["code"], "children", role.policy, levels)
    b = suppress(in_service, ["code"], "children", role.policy, levels)
    return a.select(
        "code", pl.col("children").alias("at_risk"), pl.col("suppressed").alias("at_risk_hidden")
    ).join(
        b.select("code", pl.col("children").alias("in_service"),
                 pl.col("suppressed").alias("in_service_hidden")),
        on="code",
    )  # fmt: skip


def district_coverage(
    connection: Connection, role: RoleScope, month: date, services: tuple[str, ...] | None = None
) -> tuple[int | None, int | None]:
    """District totals at the end of ``month``: children at risk and children in a service (any
    case open, located or not), each None if hidden. Every role may see district totals; they
    are what each area is compared with on the coverage map."""
    scope = Scope(month, month)
    authorise_aggregate(connection, role, scope)
    at_risk = int(queries.cohort_counts(connection, scope, [])["children"].sum())
    in_service = _open_children(connection, scope, (), services, None)["children"].sum()
    return tuple(None if role.policy.hides(v) else v for v in (at_risk, int(in_service)))  # type: ignore[return-value]


def public_atoms(connection: Connection, scope: Scope, geography: str = "ward") -> pl.DataFrame:
    """The services' public-tier counts as atoms for a jointly protected public release:
    ``month`` (YYYY-MM), ``area`` (ward code, or postcode district with ``geography="district"``),
    ``category`` and ``count``.

    Categories are ``services.<service>.new_cases`` (one-to-one cases taken on in the month) and
    ``services.<service>.open_cases`` (children with a case open at the month end). Atoms are
    unsuppressed raw counts: the release must protect them together with everything else it
    publishes (counts 1-4 hidden, and secondary suppression across the tables it builds). Cases
    whose address is withheld have no ward; with ``geography="district"`` they are the area
    ``confidential``.
    """
    dim = queries.GEOGRAPHY_COLUMNS[geography]
    frames = []
    for measure in ("new_cases", "open_cases"):
        counts = case_counts(connection, scope, ("month", dim, "service"), measure)
        frames.append(
            counts.filter(pl.col(dim).is_not_null()).select(
                "month",
                pl.col(dim).alias("area"),
                pl.format("services.{}.{}", "service", pl.lit(measure)).alias("category"),
                pl.col("cases").alias("count"),
            )  # fmt: skip
        )
    return pl.concat(frames).sort("month", "area", "category")


EXPORT_COLUMNS = ("month", "service", "postcode_district", "age", "gender", "ethnicity",
                  "new_cases", "open_cases")  # fmt: skip


def services_by_month(connection: Connection, vintage: str = "2004") -> pl.DataFrame:
    """``services_by_month.csv``: one-to-one and key-worker casework (the caseloads App. F
    counts; group work is on the Services page) by month, service, postcode district, age at
    the start, gender and ethnicity as recorded: cases taken on in the month and cases open at
    its end. Rows where both are zero are left out."""
    scope = Scope(queries.data_from(connection), queries.data_as_of(connection), vintage=vintage)
    by = ("month", "service", "postcode_district", "age", "gender", "ethnicity")
    new = case_counts(connection, scope, by, "new_cases").rename({"cases": "new_cases"})
    opened = case_counts(connection, scope, by, "open_cases").rename({"cases": "open_cases"})
    joined = new.join(opened, on=list(by), how="full", coalesce=True, nulls_equal=True)
    return (
        joined.with_columns(pl.col("new_cases").fill_null(0), pl.col("open_cases").fill_null(0))
        .select(EXPORT_COLUMNS)
        .sort(list(by))
    )


def publication_frame(
    connection: Connection, wards: Sequence[str], vintage: str = "2004"
) -> pl.DataFrame:
    """``services_by_month.csv`` for publication: each month a ward x service table of cases taken
    on and of children open at the month end, with totals, under Area Committee disclosure
    control ("c"). Age, gender, ethnicity and postcode district are left out: at ward level
    almost every cell of them would be hidden."""
    from domain.disclosure import PUBLIC, SUPPRESSED_MARK

    scope = Scope(queries.data_from(connection), queries.data_as_of(connection), vintage=vintage)
    shown = []
    for measure in ("new_cases", "open_cases"):
        counts = case_counts(connection, scope, ("month", "ward_code", "service"), measure)
        counts = counts.filter(pl.col("ward_code").is_not_null())
        parts = []
        for month in _month_levels(scope):
            table = suppress(counts.filter(pl.col("month") == month), ["ward_code", "service"],
                             "cases", PUBLIC, {"ward_code": list(wards), "service": list(SERVICES)})  # fmt: skip
            parts.append(table.with_columns(pl.lit(month).alias("month")))
        combined = pl.concat(parts)
        shown.append(combined.select(
            "month", "ward_code", "service",
            pl.when(pl.col("suppressed")).then(pl.lit(SUPPRESSED_MARK))
            .otherwise(pl.col("cases").cast(pl.String)).alias(measure),
        ))  # fmt: skip
    return (
        shown[0]
        .join(shown[1], on=["month", "ward_code", "service"])
        .sort("month", "ward_code", "service")
    )


def briefing_table(
    connection: Connection, area_code: str, end: date, vintage: str = "2004"
) -> pl.DataFrame:
    """For an Area Committee's services slide: children in each service at the end of ``end``'s
    month and cases taken on in the 12 months to it, in the area and in the whole district,
    always suppressed as for a public meeting. Columns ``measure, geo (area | Total), service,
    cases, suppressed`` with a Total service.

    The area and the district are each protected as their own row of services: the only other
    numbers a councillor sees beside them are district totals, from which the area's hidden
    cells cannot be worked out (the rest of the district is never shown).
    """
    from domain.months import add_months

    public = RoleScope("area_committee", area_code)
    scope = Scope(add_months(end, -11), end, vintage=vintage)
    parts = []
    for measure in ("open_cases", "new_cases"):
        counts = case_counts(connection, scope, ("area_code", "service"), measure)
        for geo, rows in (("area", counts.filter(pl.col("area_code") == area_code)),
                          (TOTAL, counts)):  # fmt: skip
            per_service = rows.group_by("service").agg(pl.col("cases").sum())
            table = suppress(per_service, ["service"], "cases", public.policy,
                             {"service": list(SERVICES)})  # fmt: skip
            parts.append(table.with_columns(measure=pl.lit(measure), geo=pl.lit(geo)))
    return pl.concat(parts).select("measure", "geo", "service", "cases", "suppressed")


__all__ = ["TOTAL", "briefing_table", "caseload_table", "coverage_counts", "profile_tables",
           "public_atoms", "services_by_month"]  # fmt: skip
