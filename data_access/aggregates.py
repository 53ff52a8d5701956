"""Keeping the monthly aggregates (``aggregate_tables``) in step with the events.

:func:`refresh` rebuilds the given months (or all of them) from the event tables with
``INSERT … SELECT`` in the caller's transaction, so a write and its aggregates commit or roll back
together. :func:`months_touched` says which months an import's rows change (old and new values),
so an import refreshes only those.

What a month depends on:
- referrals and missing episodes: the month they happened in;
- the repeat-missing window: every month end whose trailing window holds the episode
  (the episode's month to the month 89 days later);
- risk assessments: every month from the assessment's start to its close (or to the last month
  the aggregates cover, when it is still open);
- service cases: likewise, from the month the case started to the month it closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    String,
    and_,
    case,
    column,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    update,
    values,
)

from data_access import models as m
from data_access.aggregate_tables import (
    AGGREGATE_TABLES,
    COUNT_TABLES,
    AggregateState,
    CohortTypeMonth,
    MissingPresence,
    MissingWindow,
    RepeatMissingMonth,
    RiskPresence,
    ServicePresence,
)
from data_access.aggregates_dated import rebuild_dated
from data_access.aggregates_profile import rebuild_profile
from data_access.aggregates_risk import rebuild_risk
from data_access.aggregates_services import rebuild_services
from data_access.sql import year_month
from domain.months import add_months, month_end, months_between

REPEAT_WINDOW_DAYS = 90
REPEAT_MIN_EPISODES = 3
_CHUNK_MONTHS = 24


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    return value


def covered_months(connection: Connection) -> tuple[date, date] | None:
    """First and last month the events call for: the earliest event to the later of the data's
    as-of date (today when the store does not declare one) and the latest event date (open
    assessments run to that last month)."""
    ra, ref, ep, sc = m.RiskAssessment, m.Referral, m.MissingEpisode, m.ServiceCase
    firsts = [
        connection.execute(select(func.min(ra.assessed_on))).scalar(),
        connection.execute(select(func.min(ref.referred_on))).scalar(),
        connection.execute(select(func.min(ep.started_at))).scalar(),
        connection.execute(select(func.min(sc.started_on))).scalar(),
        *(connection.execute(select(func.min(day))).scalar() for day in _record_days()),
    ]
    lasts = [
        connection.execute(select(func.max(ra.assessed_on))).scalar(),
        connection.execute(select(func.max(ra.closed_on))).scalar(),
        connection.execute(select(func.max(ref.referred_on))).scalar(),
        connection.execute(select(func.max(ep.started_at))).scalar(),
        connection.execute(select(func.max(sc.started_on))).scalar(),
        connection.execute(select(func.max(sc.closed_on))).scalar(),
        *(connection.execute(select(func.max(day))).scalar() for day in _record_days()),
        connection.execute(
            select(m.DatasetInfo.value).where(m.DatasetInfo.key == "data_as_of")
        ).scalar(),
    ]
    firsts = [d for d in map(_as_date, firsts) if d]
    declared_as_of = lasts.pop()
    lasts = [d for d in map(_as_date, lasts) if d]
    if not firsts:
        return None
    # A store that does not declare its as-of date runs to today (``queries.data_as_of``):
    # open assessments are then counted to the current month, as the pages will ask.
    lasts.append(_as_date(declared_as_of) or date.today())
    return min(firsts).replace(day=1), max(lasts).replace(day=1)


def _record_days() -> list:
    return [m.CmeReferral.referred_on, m.MshtRecord.recorded_on, m.DisruptionActivity.occurred_on]


def _stored_range(connection: Connection) -> tuple[date, date] | None:
    state = dict(connection.execute(select(AggregateState.key, AggregateState.value)).all())
    if "first_month" not in state:
        return None
    return (
        date.fromisoformat(state["first_month"] + "-01"),
        date.fromisoformat(state["last_month"] + "-01"),
    )


def refresh(
    connection: Connection, months: Iterable[date] | None = None, measures: set[str] | None = None
) -> int:
    """Rebuild the aggregates for ``months`` (first days of months), or for every month when
    ``None``; only the tables of ``measures`` ("cohort", "referrals", "missing"; all when
    ``None``). Months the covered range grew by are rebuilt for every measure (open assessments
    reach them). Returns the number of months rebuilt."""
    covered = covered_months(connection)
    stored = _stored_range(connection)
    grown: set[date] = set()
    if months is None or stored is None:
        for table in AGGREGATE_TABLES:
            connection.execute(delete(table))
        wanted = set(months_between(*covered)) if covered else set()
        measures = None
    else:
        wanted = {mth.replace(day=1) for mth in months}
        if covered:
            first, last = covered
            old_first, old_last = stored
            grown = {mth for mth in months_between(first, last) if not old_first <= mth <= old_last}
            if last > old_last:  # open assessments now reach further
                grown |= set(months_between(old_last, last))
    if covered:  # nothing outside the covered months: drop what fell out, build nothing beyond
        outside = [f.strftime("%Y-%m") for f in covered]
        for table in AGGREGATE_TABLES:
            connection.execute(
                delete(table).where(or_(table.c.month < outside[0], table.c.month > outside[1]))
            )
        wanted = {mth for mth in wanted if covered[0] <= mth <= covered[1]}
        grown = {mth for mth in grown if covered[0] <= mth <= covered[1]}
    cohort_from: list[date] = []
    for chosen, which in ((sorted(wanted - grown), measures), (sorted(grown), None)):
        for start in range(0, len(chosen), _CHUNK_MONTHS):
            _rebuild(connection, chosen[start : start + _CHUNK_MONTHS], which or set(MEASURES))
        if chosen and "cohort" in (which or MEASURES):
            cohort_from.append(chosen[0])
    if cohort_from:  # the profile's "previous month at risk" runs on: rebuilt to the end
        rebuild_profile(connection, None if months is None or stored is None else min(cohort_from),
                        covered)  # fmt: skip
    connection.execute(delete(AggregateState))
    if covered:
        connection.execute(
            insert(AggregateState),
            [
                {"key": "first_month", "value": covered[0].strftime("%Y-%m")},
                {"key": "last_month", "value": covered[1].strftime("%Y-%m")},
            ],
        )
    return len(wanted | grown)


def _month_values(months: list[date]):  # noqa: ANN202 - a SQLAlchemy CTE
    rows = []
    for month in months:
        window_end = datetime.combine(month_end(month) + timedelta(days=1), datetime.min.time())
        rows.append(
            (
                month.strftime("%Y-%m"),
                month,
                month_end(month),
                window_end - timedelta(days=REPEAT_WINDOW_DAYS),
                window_end,
            )
        )
    return (
        values(
            column("month", String),
            column("month_start", Date),
            column("month_end", Date),
            column("window_start", DateTime),
            column("window_end", DateTime),
            name="agg_months",
        )
        .data(rows)
        .cte("agg_months")
    )


def _place(event):  # noqa: ANN001, ANN202 - an ORM event class with sector and LSOA
    """The lookup and ward joins that turn an event's (sector, LSOA) into every vintage's ward."""
    lookup, ward = m.AreaLookup, m.Ward
    return (
        (lookup, and_(lookup.postcode_sector == event.postcode_sector,
                      lookup.lsoa_code == event.lsoa_code)),
        (ward, and_(ward.vintage == lookup.vintage, ward.code == lookup.ward_code)),
    )  # fmt: skip


def _place_columns() -> list:
    return [
        m.AreaLookup.vintage,
        m.AreaLookup.ward_code,
        m.AreaLookup.postcode_district,
        m.Ward.area_committee_code,
    ]


MEASURES = {
    "cohort": (RiskPresence.__table__, CohortTypeMonth.__table__),
    "referrals": (),
    "missing": (MissingPresence.__table__, MissingWindow.__table__, RepeatMissingMonth.__table__),
    "service_new": (),
    "service_open": (ServicePresence.__table__,),
    "dated": (),
}
KIND_MEASURES: dict[str, set[str]] = {
    "referrals": {"referrals"},
    "missing_episodes": {"missing"},
    "risk_assessments": {"cohort"},
    "service_cases": {"service_new", "service_open"},
    "cme_referrals": {"dated"},
    "msht_records": {"dated"},
    "disruption_activity": {"dated"},
}


def _rebuild(connection: Connection, months: list[date], measures: set[str]) -> None:
    labels = [mth.strftime("%Y-%m") for mth in months]
    for measure in measures:
        for table in (*MEASURES[measure], *(t.table for t in COUNT_TABLES[measure])):
            connection.execute(delete(table).where(table.c.month.in_(labels)))
    if "cohort" in measures:
        rebuild_risk(connection, months)
    if "referrals" in measures:
        _rebuild_referrals(connection, months, labels)
    if "missing" in measures:
        _rebuild_missing(connection, months, labels)
    if measures & {"service_new", "service_open"}:
        rebuild_services(connection, months, measures)
    if "dated" in measures:
        rebuild_dated(connection, months, labels)
    for measure in measures:
        finest, *rollups = COUNT_TABLES[measure]
        for rollup in rollups:
            dims = [finest.table.c[name] for name in ("vintage", "month", *rollup.dims)]
            sums = [func.sum(finest.table.c[value]) for value in rollup.values]
            _insert(connection, rollup.table, ["vintage", "month", *rollup.dims, *rollup.values],
                    select(*dims, *sums).where(finest.table.c.month.in_(labels)).group_by(*dims))  # fmt: skip


def _insert(connection: Connection, table, names: list[str], statement) -> None:  # noqa: ANN001
    connection.execute(insert(table).from_select(names, statement))


def _rebuild_referrals(connection: Connection, months: list[date], labels: list[str]) -> None:
    ref = m.Referral
    (lookup, on_lookup), (ward, on_ward) = _place(ref)
    month = year_month(ref.referred_on)
    keys = [lookup.vintage, month, lookup.ward_code, lookup.postcode_district,
            ref.exploitation_type, ref.referring_agency, ref.outcome, ward.area_committee_code]  # fmt: skip
    _insert(
        connection, COUNT_TABLES["referrals"][0].table,
        ["vintage", "month", "ward_code", "postcode_district", "exploitation_type",
         "referring_agency", "outcome", "area_code", "referrals"],
        select(*keys, func.count())
        .select_from(ref).join(lookup, on_lookup).join(ward, on_ward)
        .where(ref.referred_on >= months[0], ref.referred_on < add_months(months[-1], 1),
               month.in_(labels))
        .group_by(*keys),
    )  # fmt: skip


def _rebuild_missing(connection: Connection, months: list[date], labels: list[str]) -> None:
    ep = m.MissingEpisode
    (lookup, on_lookup), (ward, on_ward) = _place(ep)
    month = year_month(ep.started_at)
    first = datetime.combine(months[0], datetime.min.time())
    after = datetime.combine(add_months(months[-1], 1), datetime.min.time())
    keys = [month, lookup.vintage, ep.child_id, lookup.ward_code, lookup.postcode_district,
            ep.placement_type, ward.area_committee_code]  # fmt: skip
    p = MissingPresence
    _insert(
        connection, p,
        ["month", "vintage", "child_id", "ward_code", "postcode_district", "placement_type",
         "area_code", "episodes", "shared", "first_started_at"],
        select(*keys, func.count(), literal(False), func.min(ep.started_at))
        .select_from(ep).join(lookup, on_lookup).join(ward, on_ward)
        .where(ep.started_at >= first, ep.started_at < after, month.in_(labels))
        .group_by(*keys),
    )  # fmt: skip
    shared = (
        select(p.vintage, p.month, p.child_id).where(p.month.in_(labels))
        .group_by(p.vintage, p.month, p.child_id).having(func.count() > 1)
    )  # fmt: skip
    connection.execute(
        update(p)
        .where(p.month.in_(labels), tuple_(p.vintage, p.month, p.child_id).in_(shared))
        .values(shared=True)
    )
    dims = [p.vintage, p.month, p.ward_code, p.postcode_district, p.placement_type, p.area_code]
    _insert(
        connection, COUNT_TABLES["missing"][0].table,
        ["vintage", "month", "ward_code", "postcode_district", "placement_type", "area_code",
         "episodes", "children"],
        select(*dims, func.sum(p.episodes), func.sum(case((p.shared, 0), else_=1)))
        .where(p.month.in_(labels)).group_by(*dims),
    )  # fmt: skip
    months_cte = _month_values(months)
    window_keys = [months_cte.c.month, lookup.vintage, ep.child_id, lookup.ward_code,
                   lookup.postcode_district, ward.area_committee_code]  # fmt: skip
    per_place = (
        select(
            *window_keys,
            func.count().label("episodes"),
            func.sum(func.count())
            .over(partition_by=[months_cte.c.month, lookup.vintage, ep.child_id])
            .label("in_window"),
        )
        .select_from(months_cte)
        .join(ep, and_(ep.started_at >= months_cte.c.window_start,
                       ep.started_at < months_cte.c.window_end))
        .join(lookup, on_lookup).join(ward, on_ward)
        .group_by(*window_keys)
        .subquery()
    )  # fmt: skip
    _insert(
        connection, MissingWindow,
        ["month", "vintage", "child_id", "ward_code", "postcode_district", "area_code",
         "episodes"],
        select(*[c for c in per_place.c if c.name != "in_window"])
        .where(per_place.c.in_window >= REPEAT_MIN_EPISODES),
    )  # fmt: skip
    _rebuild_repeat_counts(connection, labels)


def _rebuild_repeat_counts(connection: Connection, labels: list[str]) -> None:
    """Repeat-missing children per month for the district, each area and each ward, from the
    window table (a child counts in a place when its episodes there reach the threshold)."""
    w = MissingWindow
    names = ["vintage", "month", "place_level", "place_code", "area_code", "repeat_children"]
    levels = (("district", []), ("area", [w.area_code]), ("ward", [w.ward_code, w.area_code]))
    for level, places in levels:
        per_child = (
            select(w.vintage, w.month, *places, w.child_id)
            .where(w.month.in_(labels))
            .group_by(w.vintage, w.month, *places, w.child_id)
            .having(func.sum(w.episodes) >= REPEAT_MIN_EPISODES)
            .subquery()
        )
        c = per_child.c
        code = c[places[0].key] if places else literal("", String)
        area = c.area_code if places else literal("", String)
        _insert(
            connection, RepeatMissingMonth, names,
            select(c.vintage, c.month, literal(level, String), code, area, func.count())
            .group_by(c.vintage, c.month, *(c[p.key] for p in places)),
        )  # fmt: skip


# ---------------------------------------------------------------- which months an import touches


def _month_span(start: date, end: date | None, last: date) -> set[date]:
    return set(months_between(start.replace(day=1), (end or last).replace(day=1)))


def months_touched(connection: Connection, kind: str, rows: list[dict]) -> set[date]:
    """Months whose aggregates change if ``rows`` (validated rows of one import ``kind``) are
    written: their new dates, and the dates of the rows they replace (read before the write)."""
    covered = covered_months(connection)
    last = max([covered[1]] if covered else [], default=date.today().replace(day=1))
    spans: set[date] = set()
    model, fields = {
        "referrals": (m.Referral, ("referred_on",)),
        "missing_episodes": (m.MissingEpisode, ("started_at",)),
        "risk_assessments": (m.RiskAssessment, ("assessed_on", "closed_on")),
        "service_cases": (m.ServiceCase, ("started_on", "closed_on")),
        "cme_referrals": (m.CmeReferral, ("referred_on",)),
        "msht_records": (m.MshtRecord, ("recorded_on",)),
        "disruption_activity": (m.DisruptionActivity, ("occurred_on",)),
    }.get(kind, (None, ()))
    if model is None:
        return spans
    source_ids = [row["source_id"] for row in rows]
    old: list[tuple] = []
    for start in range(0, len(source_ids), 900):
        chunk = source_ids[start : start + 900]
        columns = [getattr(model, name) for name in fields]
        old.extend(connection.execute(select(*columns).where(model.source_id.in_(chunk))).all())
    new = [tuple(row[name] for name in fields) for row in rows]
    for dates in (*old, *new):
        first = _as_date(dates[0])
        if first is None:
            continue
        if kind in ("risk_assessments", "service_cases"):
            spans |= _month_span(first, _as_date(dates[1]), max(last, first))
        elif kind == "missing_episodes":  # month ends whose trailing window holds the day
            window_reach = first + timedelta(days=REPEAT_WINDOW_DAYS)
            spans |= {first.replace(day=1)}
            spans |= _month_span(first, add_months(window_reach.replace(day=1), -1), last)
        else:
            spans.add(first.replace(day=1))
    return spans
