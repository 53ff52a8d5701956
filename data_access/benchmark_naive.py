"""The naive path the benchmark measures the aggregates against: read the raw event rows with
pandas ``read_sql`` and group them in memory, as a quick analysis script would.

Each function returns the total of the numbers the page shows, so the benchmark can also check
that both paths agree (for unsuppressed roles). Benchmark use only; no page calls these.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, text

from data_access.sql import Scope
from domain.months import month_end, months_between

_PLACE = """JOIN area_lookup lk ON lk.postcode_sector = e.postcode_sector
              AND lk.lsoa_code = e.lsoa_code AND lk.vintage = :vintage
            JOIN ward w ON w.vintage = lk.vintage AND w.code = lk.ward_code"""


def _rows(connection: Connection, columns: str, table: str, scope: Scope) -> pd.DataFrame:
    """Every raw row of an event table with its ward and area (filtered to the scope's area)."""
    sql = f"SELECT {columns}, lk.ward_code, w.area_committee_code AS area FROM {table} e {_PLACE}"  # noqa: S608 - fixed names
    frame = pd.read_sql(text(sql), connection, params={"vintage": scope.vintage})
    if scope.area_code:
        frame = frame[frame["area"] == scope.area_code]
    if scope.ward_code:
        frame = frame[frame["ward_code"] == scope.ward_code]
    return frame


def cohort_total(connection: Connection, scope: Scope, by_ward: bool = False) -> int:
    """Children at risk at each month end of the scope, summed over months (and levels)."""
    frame = _rows(connection, "e.child_id, e.assessed_on, e.closed_on, e.risk_level",
                  "risk_assessment", scope)  # fmt: skip
    assessed = pd.to_datetime(frame["assessed_on"])
    closed = pd.to_datetime(frame["closed_on"])
    total = 0
    for month in months_between(scope.start, scope.end):
        end = pd.Timestamp(month_end(month))
        open_rows = frame[(assessed <= end) & (closed.isna() | (closed > end))]
        keys = ["ward_code", "risk_level"] if by_ward else ["risk_level"]
        total += int(open_rows.groupby(keys)["child_id"].nunique().sum())
    return total


def referral_total(connection: Connection, scope: Scope, by: str = "exploitation_type") -> int:
    frame = _rows(connection, f"e.referred_on, e.{by}", "referral", scope)
    on = pd.to_datetime(frame["referred_on"])
    inside = frame[(on >= pd.Timestamp(scope.start)) & (on < pd.Timestamp(scope.end_exclusive))]
    month = pd.to_datetime(inside["referred_on"]).dt.strftime("%Y-%m")
    return int(inside.groupby([month, inside[by]]).size().sum())


def missing_total(connection: Connection, scope: Scope) -> int:
    frame = _rows(connection, "e.started_at, e.placement_type", "missing_episode", scope)
    started = pd.to_datetime(frame["started_at"])
    inside = frame[
        (started >= pd.Timestamp(scope.start_dt)) & (started < pd.Timestamp(scope.end_dt))
    ]
    month = pd.to_datetime(inside["started_at"]).dt.strftime("%Y-%m")
    return int(inside.groupby([month, inside["placement_type"]]).size().sum())


def repeat_missing_total(connection: Connection, scope: Scope, window_days: int = 90) -> int:
    frame = _rows(connection, "e.child_id, e.started_at", "missing_episode", scope)
    started = pd.to_datetime(frame["started_at"])
    total = 0
    for month in months_between(scope.start, scope.end):
        window_end = datetime.combine(month_end(month) + timedelta(days=1), datetime.min.time())
        start = window_end - timedelta(days=window_days)
        inside = frame[(started >= pd.Timestamp(start)) & (started < pd.Timestamp(window_end))]
        total += int((inside.groupby("child_id").size() >= 3).sum())
    return total


def at_risk_by_ward_total(connection: Connection, scope: Scope) -> int:
    """One month: children at risk at its end, by ward (the map)."""
    return cohort_total(connection, scope, by_ward=True)


def briefing_total(connection: Connection, area_code: str, end: date) -> int:
    """The briefing's headline counts: referrals and missing episodes over the year by area,
    the cohort at the year end (the raw rows read once per measure, as a script would)."""
    year = Scope(date(end.year - 1, end.month, 1), end)
    return (
        referral_total(connection, year, "referring_agency")
        + missing_total(connection, year)
        + cohort_total(connection, Scope(end, end))
    )


_SERVICE_PLACE = """LEFT JOIN area_lookup lk ON lk.postcode_sector = e.postcode_sector
              AND lk.lsoa_code = e.lsoa_code AND lk.vintage = :vintage
            LEFT JOIN ward w ON w.vintage = lk.vintage AND w.code = lk.ward_code"""


def _service_rows(connection: Connection, scope: Scope) -> pd.DataFrame:
    """Every service case with its ward and area (none when the address is withheld)."""
    columns = "e.child_id, e.service, e.delivery, e.started_on, e.closed_on, lk.ward_code"
    sql = f"SELECT {columns}, w.area_committee_code AS area FROM service_case e {_SERVICE_PLACE}"  # noqa: S608 - fixed names
    frame = pd.read_sql(text(sql), connection, params={"vintage": scope.vintage})
    if scope.area_code:
        frame = frame[frame["area"] == scope.area_code]
    return frame


def service_open_total(connection: Connection, scope: Scope) -> int:
    """One-to-one children with a case open at each month end, by service, summed over months."""
    frame = _service_rows(connection, scope)
    frame = frame[frame["delivery"] == "one_to_one"]
    started, closed = pd.to_datetime(frame["started_on"]), pd.to_datetime(frame["closed_on"])
    total = 0
    for month in months_between(scope.start, scope.end):
        end = pd.Timestamp(month_end(month))
        open_rows = frame[(started <= end) & (closed.isna() | (closed > end))]
        total += int(open_rows.groupby("service")["child_id"].nunique().sum())
    return total


def in_service_by_ward_total(connection: Connection, scope: Scope) -> int:
    """Children with any case open at the scope's last month end, by ward (the coverage map)."""
    frame = _service_rows(connection, scope).dropna(subset=["ward_code"])
    started, closed = pd.to_datetime(frame["started_on"]), pd.to_datetime(frame["closed_on"])
    end = pd.Timestamp(month_end(scope.end))
    open_rows = frame[(started <= end) & (closed.isna() | (closed > end))]
    return int(open_rows.groupby("ward_code")["child_id"].nunique().sum())


def profile_total(connection: Connection, scope: Scope, service: str) -> int:
    """A service's profile beside the cohort's: cases it took on in the period plus children at
    risk at any time in it (each profile's grand total)."""
    cases = _service_rows(connection, scope)
    started = pd.to_datetime(cases["started_on"])
    taken_on = cases[(cases["service"] == service) & (cases["delivery"] == "one_to_one")
                     & (started >= pd.Timestamp(scope.start))
                     & (started < pd.Timestamp(scope.end_exclusive))]  # fmt: skip
    risk = _rows(connection, "e.child_id, e.assessed_on, e.closed_on", "risk_assessment", scope)
    assessed, closed = pd.to_datetime(risk["assessed_on"]), pd.to_datetime(risk["closed_on"])
    at_risk = risk[(assessed < pd.Timestamp(scope.end_exclusive))
                   & (closed.isna() | (closed >= pd.Timestamp(scope.start)))]  # fmt: skip
    return len(taken_on) + int(at_risk["child_id"].nunique())
