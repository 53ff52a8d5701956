"""The atoms of the public release, one function per measure, read from the monthly aggregates.

An atom is the finest count the release is made of: (measure, period start, period end, ward,
category). For measures that add up over months the period is one month; for the others each
published period has its own atoms. Every published cell is a sum of atoms, so the release's
numbers always add up exactly as the manifest says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import polars as pl
from sqlalchemy import Connection, select

from data_access import queries, services
from data_access.aggregate_tables import MissingPresence
from data_access.sql import Scope, read_frame
from domain.release_space import ALL, AtomKey, Period
from domain.vocab import PLACEMENT_TYPES

VINTAGE = "2004"  # the public tier uses the default ward set only
Atoms = dict[AtomKey, int]


def _month(label: str) -> date:
    year, month = label.split("-")
    return date(int(year), int(month), 1)


def _span(periods: Iterable[Period]) -> tuple[date, date]:
    periods = list(periods)
    return min(p.start for p in periods), max(p.end for p in periods)


def referral_atoms(connection: Connection, periods: Iterable[Period]) -> Atoms:
    """Referrals by (month, ward, exploitation type)."""
    start, end = _span(periods)
    frame = queries.referral_counts(
        connection, Scope(start, end, vintage=VINTAGE), ["month", "ward_code", "exploitation_type"]
    )
    return {
        ("referrals", _month(mo), _month(mo), ward, cat): int(n)
        for mo, ward, cat, n in frame.iter_rows()
    }


def missing_episode_atoms(connection: Connection, periods: Iterable[Period]) -> Atoms:
    """Missing episodes started, by (month, ward, placement type)."""
    start, end = _span(periods)
    frame = queries.missing_counts(
        connection, Scope(start, end, vintage=VINTAGE), ["month", "ward_code", "placement_type"]
    )
    return {
        ("missing_episodes", _month(mo), _month(mo), ward, cat): int(episodes)
        for mo, ward, cat, episodes, _children in frame.iter_rows()
        if cat in PLACEMENT_TYPES
    }


def _first_episodes(connection: Connection, start: date, end: date) -> pl.DataFrame:
    """Each child's missing months and wards in the span, with the earliest episode start in
    each, from the child × month presence table (no event is read)."""
    p = MissingPresence.__table__
    statement = select(p.c.child_id, p.c.month, p.c.ward_code, p.c.first_started_at).where(
        p.c.vintage == VINTAGE,
        p.c.month.between(start.strftime("%Y-%m"), end.strftime("%Y-%m")),
    )
    schema = {
        "child_id": pl.Int64,
        "month": pl.String,
        "ward_code": pl.String,
        "first_started_at": pl.Datetime,
    }
    return read_frame(connection, statement, schema)


def missing_children_atoms(connection: Connection, periods: Iterable[Period]) -> Atoms:
    """Children who went missing in each period, each counted once, in the ward of their first
    episode in the period (so wards add up to areas and the district exactly)."""
    periods = list(periods)
    start, end = _span(periods)
    presence = _first_episodes(connection, start, end)
    atoms: Atoms = {}
    for period in periods:
        first_label, last_label = period.start.strftime("%Y-%m"), period.end.strftime("%Y-%m")
        first = (
            presence.filter(pl.col("month").is_between(pl.lit(first_label), pl.lit(last_label)))
            .sort("first_started_at", "ward_code")
            .group_by("child_id")
            .first()
            .group_by("ward_code")
            .len()
        )
        for ward, n in first.iter_rows():
            atoms[("missing_children", period.start, period.end, ward, ALL)] = int(n)
    return atoms


def cohort_atoms(connection: Connection, periods: Iterable[Period]) -> Atoms:
    """Children at risk at each month end, by (month end, ward, risk level)."""
    periods = list(periods)
    wanted = {p.start for p in periods}
    start, end = _span(periods)
    frame = queries.cohort_counts(
        connection, Scope(start, end, vintage=VINTAGE), ["month", "ward_code", "risk_level"]
    )
    return {
        ("children_at_risk", _month(mo), _month(mo), ward, level): int(n)
        for mo, ward, level, n in frame.iter_rows()
        if _month(mo) in wanted
    }


def _service_atoms(connection: Connection, periods: Iterable[Period], measure: str) -> Atoms:
    periods = list(periods)
    start, end = _span(periods)
    frame = services.case_counts(
        connection, Scope(start, end, vintage=VINTAGE), ("month", "ward_code", "service"), measure
    ).filter(pl.col("ward_code").is_not_null())
    wanted = {p.start for p in periods}
    key = f"service_{measure}"
    return {
        (key, _month(mo), _month(mo), ward, service): int(n)
        for mo, ward, service, n in frame.iter_rows()
        if measure == "new_cases" or _month(mo) in wanted
    }


def service_open_atoms(connection: Connection, periods: Iterable[Period]) -> Atoms:
    """Children with a one-to-one service case open at each month end, by (ward, service).
    Cases whose address is withheld have no ward and are not in the release."""
    return _service_atoms(connection, periods, "open_cases")


def service_new_atoms(connection: Connection, periods: Iterable[Period]) -> Atoms:
    """One-to-one service cases taken on, by (month, ward, service)."""
    return _service_atoms(connection, periods, "new_cases")


ATOM_FUNCTIONS: dict[str, Callable[[Connection, Iterable[Period]], Atoms]] = {
    "children_at_risk": cohort_atoms,
    "referrals": referral_atoms,
    "missing_episodes": missing_episode_atoms,
    "missing_children": missing_children_atoms,
    "service_open_cases": service_open_atoms,
    "service_new_cases": service_new_atoms,
}


def wards_by_area(connection: Connection) -> dict[str, list[str]]:
    """The 2004 wards of each Area Committee area, in code order."""
    frame = queries.wards(connection, VINTAGE).sort("code")
    out: dict[str, list[str]] = {}
    for code, area in frame.select("code", "area_code").iter_rows():
        out.setdefault(area, []).append(code)
    return out
