"""Reading the public release: the only source of numbers for the public tier.

:func:`public_cells` answers a request for exact cells of the current release and refuses any
request that is not a cell of it (a free month range, a postcode district, a ward by category…),
as well as places outside an Area Committee member's own area.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from sqlalchemy import Connection, func, select

from data_access import models as m
from data_access.release.atoms import wards_by_area
from domain.release_space import ALL, DISTRICT_CODE, TOTAL_BREAKDOWN
from domain.roles import AccessDenied, RoleScope

CELL_SCHEMA = {
    "measure": pl.String,
    "breakdown": pl.String,
    "category": pl.String,
    "geography_level": pl.String,
    "geography_code": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "value": pl.Int64,
    "status": pl.String,
}
CELL_KEYS = ("geography_level", "geography_code", "period_start", "period_end")
CELL_KEY_POSITIONS = tuple(list(CELL_SCHEMA).index(key) for key in CELL_KEYS)


class NotInRelease(AccessDenied):
    """A public-tier read asked for a number that is not a cell of the public release."""


class NoRelease(LookupError):
    """No release has been built yet (run ``python -m data_access release``)."""


@dataclass(frozen=True)
class ReleaseHeader:
    id: int
    release_month: date
    built_at: datetime
    method: str
    parameters: dict

    @property
    def data_as_of(self) -> date:
        return date.fromisoformat(self.parameters["data_as_of"])


def current_release(connection: Connection) -> ReleaseHeader:
    """The newest release (what the public tier shows)."""
    r = m.PublicRelease
    newest = select(func.max(r.id)).scalar_subquery()
    row = connection.execute(
        select(r.id, r.release_month, r.built_at, r.method, r.parameters).where(r.id == newest)
    ).first()
    if row is None:
        raise NoRelease("No public release has been built: run python -m data_access release")
    return ReleaseHeader(row[0], row[1], row[2], row[3], json.loads(row[4]))


def releases(connection: Connection) -> list[ReleaseHeader]:
    r = m.PublicRelease
    rows = connection.execute(
        select(r.id, r.release_month, r.built_at, r.method, r.parameters).order_by(r.id)
    ).all()
    return [ReleaseHeader(a, b, c, d, json.loads(e)) for a, b, c, d, e in rows]


def release_frame(connection: Connection, release_id: int) -> pl.DataFrame:
    """Every cell of one release, in a stable order (for the CSV and the tests)."""
    c = m.PublicReleaseCell
    statement = (
        select(*(getattr(c, name) for name in CELL_SCHEMA))
        .where(c.release_id == release_id)
        .order_by(c.measure, c.breakdown, c.category, c.geography_level, c.geography_code,
                  c.period_start, c.period_end)
    )  # fmt: skip
    rows = [tuple(row) for row in connection.execute(statement)]
    return pl.DataFrame(rows, schema=CELL_SCHEMA, orient="row")


def authorise_place(connection: Connection, role: RoleScope, level: str, code: str) -> None:
    """Area Committee members see the district, their own area and its wards."""
    authorise_places(connection, role, [(level, code)])


def authorise_places(
    connection: Connection, role: RoleScope, places: Sequence[tuple[str, str]]
) -> None:
    """:func:`authorise_place` for several places, reading the area's wards at most once."""
    if not role.sees_aggregates:
        raise AccessDenied(f"{role.label} has no access to dashboard figures")
    if role.role != "area_committee":
        return
    own = role.area_code
    own_wards: list[str] | None = None
    for level, code in places:
        if level == "area" and code != own:
            raise AccessDenied("Area Committee members see their own area and district totals only")
        if level == "ward":
            if own_wards is None:
                own_wards = wards_by_area(connection).get(own or "", [])
            if code not in own_wards:
                raise AccessDenied(
                    "Area Committee members see their own area and district totals only"
                )


def public_cells(
    connection: Connection,
    role: RoleScope,
    measure: str,
    places: Sequence[tuple[str, str]],
    periods: Sequence[tuple[date, date]],
    breakdown: str = TOTAL_BREAKDOWN,
    release_id: int | None = None,
) -> pl.DataFrame:
    """Exactly the cells asked for (every place x period, and every category of ``breakdown``),
    or :class:`NotInRelease` if any of them is not a cell of the release."""
    authorise_places(connection, role, places)
    release_id = release_id or current_release(connection).id
    c = m.PublicReleaseCell
    codes = sorted({code for _, code in places})
    statement = select(*(getattr(c, name) for name in CELL_SCHEMA)).where(
        c.release_id == release_id,
        c.measure == measure,
        c.breakdown == breakdown,
        c.geography_code.in_(codes),
        c.period_start.in_(sorted({s for s, _ in periods})),
    )
    # Matched in plain Python: a few hundred cells, where frame joins cost more than the read.
    wanted = {(level, code, start, end) for level, code in places for start, end in periods}
    rows, found = [], set()
    for row in connection.execute(statement):
        key = tuple(row[i] for i in CELL_KEY_POSITIONS)
        if key in wanted:
            rows.append(tuple(row))
            found.add(key)
    if missing := wanted - found:
        level, code, start, end = min(missing)
        raise NotInRelease(
            f"{measure} by {breakdown} for {level} {code}, {start:%b %Y} to {end:%b %Y}, is not "
            "a cell of the public release: the public tier shows only the release's periods, "
            "places and breakdowns"
        )
    frame = pl.DataFrame(rows, schema=CELL_SCHEMA, orient="row")
    return frame.sort("geography_level", "geography_code", "period_start", "category")


def district_place() -> tuple[str, str]:
    return ("district", DISTRICT_CODE)


def total_of(frame: pl.DataFrame) -> pl.DataFrame:
    """The 'all' cells of a frame (the totals)."""
    return frame.filter(pl.col("category") == ALL)
