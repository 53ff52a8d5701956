"""Monthly aggregate tables: what every page reads, so a page's cost does not grow with the events.

Each row is already resolved to a ward of one vintage, a postcode district and an Area Committee
(through ``area_lookup`` and ``ward`` at refresh time), so a page query is a short scan of a few
thousand rows with no join. They are kept in step with the events by
:func:`data_access.aggregates.refresh`, in the same transaction as every write that changes them.

Distinct children cannot be added up across groups in general (a child can be in two places in
one month). So the count tables hold only children who sit in exactly one group that month; the
few who sit in more than one are marked ``shared`` in the child × month presence tables and are
counted distinctly from there. Both parts together are exact, to the child.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models import Base


class AggregateState(Base):
    """The months the aggregates cover (``first_month``, ``last_month`` as YYYY-MM)."""

    __tablename__ = "agg_state"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(40))


class RiskPresence(Base):
    """A child at risk at any time in a month, where and at what level; ``at_month_end`` if the
    assessment was still open at the month end; ``shared_end`` if the child was in more than one
    group at that month end."""

    __tablename__ = "agg_risk_child_month"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    vintage: Mapped[str] = mapped_column(String(16), primary_key=True)
    child_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    postcode_district: Mapped[str] = mapped_column(String(4), primary_key=True)
    risk_level: Mapped[str] = mapped_column(String(12), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16))
    at_month_end: Mapped[bool] = mapped_column(Boolean)
    shared_end: Mapped[bool] = mapped_column(Boolean)
    __table_args__ = (
        Index("ix_agg_risk_child_month_vintage", "vintage", "month"),
        Index("ix_agg_risk_child_month_shared", "vintage", "shared_end", "month"),
    )


class RiskProfileMonth(Base):
    """Children at risk in each month and place by gender, age (-1 unknown) and ethnicity
    (``kind`` "present"), and those coming (back) to risk with their previous month at risk
    there (``kind`` "entry", ``prev`` "" if never): see ``aggregates_profile``. ``place_level``
    is district (code "") or area."""

    __tablename__ = "agg_risk_profile_month"
    vintage: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    place_level: Mapped[str] = mapped_column(String(8), primary_key=True)
    place_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    prev: Mapped[str] = mapped_column(String(7), primary_key=True)
    gender: Mapped[str] = mapped_column(String(8), primary_key=True)
    age: Mapped[int] = mapped_column(Integer, primary_key=True)
    ethnicity: Mapped[str] = mapped_column(String(40), primary_key=True)
    children: Mapped[int] = mapped_column(Integer)
    # Covering: a period's profile is read from the index alone (30 ms to 10 ms at 100x volume).
    __table_args__ = (
        Index("ix_agg_risk_profile_month_place", "vintage", "place_level", "place_code", "kind",
              "month", "prev", "gender", "age", "ethnicity", "children"),
    )  # fmt: skip


class CohortTypeMonth(Base):
    """Children at risk at each month end by exploitation type (a child counts once per type)."""

    __tablename__ = "agg_cohort_type_month"
    vintage: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    ward_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    postcode_district: Mapped[str] = mapped_column(String(4), primary_key=True)
    risk_level: Mapped[str] = mapped_column(String(12), primary_key=True)
    exploitation_type: Mapped[str] = mapped_column(String(24), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16))
    children: Mapped[int] = mapped_column(Integer)


class MissingPresence(Base):
    """A child with missing episodes starting in a month, where and from which placement;
    ``shared`` if the child was in more than one group that month."""

    __tablename__ = "agg_missing_child_month"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    vintage: Mapped[str] = mapped_column(String(16), primary_key=True)
    child_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    postcode_district: Mapped[str] = mapped_column(String(4), primary_key=True)
    placement_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16))
    episodes: Mapped[int] = mapped_column(Integer)
    shared: Mapped[bool] = mapped_column(Boolean)
    # The earliest episode start in the group, so "the ward of a child's first episode in a
    # period" (the public release's missing-children atoms) needs no event read.
    first_started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    __table_args__ = (
        Index("ix_agg_missing_child_month_vintage", "vintage", "month"),
        Index("ix_agg_missing_child_month_shared", "vintage", "shared", "month"),
    )


class MissingWindow(Base):
    """Episodes per child and place in the trailing window to each month end, kept only for
    children with at least ``REPEAT_MIN_EPISODES`` in the window in all (the repeat measure)."""

    __tablename__ = "agg_missing_window"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    vintage: Mapped[str] = mapped_column(String(16), primary_key=True)
    child_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    postcode_district: Mapped[str] = mapped_column(String(4), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16))
    episodes: Mapped[int] = mapped_column(Integer)


class RepeatMissingMonth(Base):
    """Children with ``REPEAT_MIN_EPISODES``+ episodes in the trailing window to each month end,
    counted per place: the district (``place_level`` "district", code ""), each Area Committee
    area and each ward (with its area in ``area_code``). A child counts in a place when the
    episodes in that place alone reach the threshold, as the Trends page asks."""

    __tablename__ = "agg_repeat_missing_month"
    vintage: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    place_level: Mapped[str] = mapped_column(String(8), primary_key=True)
    place_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16))
    repeat_children: Mapped[int] = mapped_column(Integer)


# ---------------------------------------------------------------- count tables and roll-ups

DIMENSION_TYPES = {
    "ward_code": String(9),
    "postcode_district": String(4),
    "area_code": String(16),
    "risk_level": String(12),
    "exploitation_type": String(24),
    "referring_agency": String(40),
    "outcome": String(40),
    "placement_type": String(16),
    "service": String(24),
    "delivery": String(16),
    "provider": String(24),
    "gender": String(8),
    "age": Integer(),
    "ethnicity": String(40),
    "source": String(16),
    "category": String(32),
}
PLACE = ("ward_code", "postcode_district", "area_code")
# A service case is counted by who took the child on and how, and by the child's age, gender and
# ethnicity as the service recorded them. A case whose address is withheld has ward and area ""
# and postcode district "confidential" (counted in district totals, never on a map).
SERVICE_CASE = ("service", "delivery", "provider")
SERVICE_PROFILE = ("gender", "age", "ethnicity")
SERVICE_TYPES = {"postcode_district": String(12)}  # room for "confidential"


@dataclass(frozen=True)
class CountTable:
    """One count table of a measure: its grain (the dimensions after vintage and month)."""

    measure: str
    table: Table
    dims: tuple[str, ...]
    values: tuple[str, ...]


def _count_table(name: str, measure: str, dims: tuple[str, ...], values: tuple[str, ...],
                 ward_index: bool = False, wider: dict | None = None) -> CountTable:  # fmt: skip
    types = {**DIMENSION_TYPES, **(wider or {})}
    columns = [
        Column("vintage", String(16), primary_key=True),
        Column("month", String(7), primary_key=True),
        *(Column(dim, types[dim], primary_key=True) for dim in dims),
        *(Column(value, Integer, nullable=False) for value in values),
    ]
    indexes = [Index(f"ix_{name}_ward", "vintage", "ward_code", "month")] if ward_index else []
    return CountTable(measure, Table(name, Base.metadata, *columns, *indexes), dims, values)


# Finest grain first: it is built from the events (or the presence tables); every other table
# of the measure is a roll-up of it, and a query reads the smallest one that has what it needs.
COUNT_TABLES: dict[str, list[CountTable]] = {
    "cohort": [
        _count_table("agg_cohort_month", "cohort", (*PLACE, "risk_level"), ("children",), True),
        _count_table("agg_cohort_area", "cohort", ("area_code", "risk_level"), ("children",)),
    ],
    "referrals": [
        _count_table(
            "agg_referral_month",
            "referrals",
            (*PLACE, "exploitation_type", "referring_agency", "outcome"),
            ("referrals",),
            True,
        ),  # fmt: skip
        _count_table("agg_referral_place", "referrals", PLACE, ("referrals",)),
        _count_table(
            "agg_referral_area_type",
            "referrals",
            ("area_code", "exploitation_type"),
            ("referrals",),
        ),  # fmt: skip
        _count_table(
            "agg_referral_area_agency",
            "referrals",
            ("area_code", "referring_agency"),
            ("referrals",),
        ),  # fmt: skip
    ],
    "missing": [
        _count_table(
            "agg_missing_month",
            "missing",
            (*PLACE, "placement_type"),
            ("episodes", "children"),
            True,
        ),  # fmt: skip
        _count_table("agg_missing_place", "missing", PLACE, ("episodes", "children")),
        _count_table(
            "agg_missing_area", "missing", ("area_code", "placement_type"), ("episodes", "children")
        ),  # fmt: skip
    ],
    "service_new": [
        _count_table("agg_service_new_month", "service_new",
                     (*PLACE, *SERVICE_CASE, *SERVICE_PROFILE), ("cases",), wider=SERVICE_TYPES),
        _count_table("agg_service_new_place", "service_new", (*PLACE, *SERVICE_CASE), ("cases",),
                     wider=SERVICE_TYPES),
        # who a service took on, by area (the Services page's profile)
        _count_table("agg_service_new_profile", "service_new",
                     ("area_code", "service", "delivery", *SERVICE_PROFILE), ("cases",)),
    ],
    "service_open": [
        _count_table("agg_service_open_month", "service_open",
                     (*PLACE, *SERVICE_CASE, *SERVICE_PROFILE), ("cases", "children"),
                     wider=SERVICE_TYPES),
        _count_table("agg_service_open_place", "service_open", (*PLACE, *SERVICE_CASE),
                     ("cases", "children"), wider=SERVICE_TYPES),
    ],
    # Dated records whose place is optional (children missing education, modern slavery,
    # disruption): ``source`` says which, ``category`` what (a measure, an activity type, or
    # "referrals" / "found" for missing education). No place: ward, district and area "".
    "dated": [
        _count_table("agg_dated_month", "dated", (*PLACE, "source", "category"), ("records",)),
        _count_table("agg_dated_area", "dated", ("area_code", "source", "category"),
                     ("records",)),
    ],
}  # fmt: skip


class ServicePresence(Base):
    """A child with cases open at a month end in more than one group of the finest service
    count table (two services, say): counted distinctly from here, never from ``children``."""

    __tablename__ = "agg_service_child_month"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    vintage: Mapped[str] = mapped_column(String(16), primary_key=True)
    child_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    postcode_district: Mapped[str] = mapped_column(String(12), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    service: Mapped[str] = mapped_column(String(24), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(16), primary_key=True)
    provider: Mapped[str] = mapped_column(String(24), primary_key=True)
    gender: Mapped[str] = mapped_column(String(8), primary_key=True)
    age: Mapped[int] = mapped_column(Integer, primary_key=True)
    ethnicity: Mapped[str] = mapped_column(String(40), primary_key=True)
    __table_args__ = (Index("ix_agg_service_child_month_vintage", "vintage", "month"),)


def smallest_table(measure: str, needed: set[str]) -> CountTable:
    """The count table with the fewest rows that still has every dimension in ``needed``."""
    candidates = [t for t in COUNT_TABLES[measure] if needed <= set(t.dims)]
    if not candidates:
        raise ValueError(f"no aggregate of {measure} has {sorted(needed)}")
    return min(candidates, key=lambda t: len(t.dims))


AGGREGATE_TABLES = (
    RiskPresence.__table__,
    CohortTypeMonth.__table__,
    MissingPresence.__table__,
    MissingWindow.__table__,
    RepeatMissingMonth.__table__,
    ServicePresence.__table__,
    RiskProfileMonth.__table__,
    *(t.table for tables in COUNT_TABLES.values() for t in tables),
)
