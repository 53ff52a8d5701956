"""The dated-record aggregates: children missing education, modern slavery and trafficking
records, and disruption activities, counted by month, place and category.

These records may have no postcode. Each is counted once in every boundary vintage (outer-joined
to the ward lookup, as the event-level queries do), so a record with no place still counts in
district totals, with ward, postcode district and area "".
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Connection, and_, cast, func, insert, literal, select, true
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.elements import BindParameter

from data_access import models as m
from data_access.aggregate_tables import COUNT_TABLES
from data_access.sql import year_month
from domain.months import add_months

NO_PLACE = ""


def _sources() -> list[tuple[str, type, ColumnElement, ColumnElement, list[ColumnElement]]]:
    """(source, model, day column, category, extra conditions) for each kind of record."""
    cme, msht, activity = m.CmeReferral, m.MshtRecord, m.DisruptionActivity
    found = [cme.whereabouts_found == cast(True, Boolean)]
    return [
        ("cme", cme, cme.referred_on, literal("referrals"), []),
        ("cme", cme, cme.referred_on, literal("found"), found),
        ("msht", msht, msht.recorded_on, msht.measure, []),
        ("disruption", activity, activity.occurred_on, activity.activity_type, []),
    ]


def rebuild_dated(connection: Connection, months: list[date], labels: list[str]) -> None:
    """Counts for ``months`` (first days; ``labels`` as YYYY-MM) from the record tables."""
    lookup, ward, vintage = m.AreaLookup, m.Ward, m.WardVintage
    table = COUNT_TABLES["dated"][0].table
    for source, model, day, category, where in _sources():
        month = year_month(day)
        # Grouped by the raw columns; "" for a missing place and the source and category
        # constants only in the select list (bound values must not be grouped on in PostgreSQL).
        places = [lookup.ward_code, lookup.postcode_district, ward.area_committee_code]
        grouped = [vintage.vintage, month, *places]
        if not isinstance(category, BindParameter):
            grouped.append(category)
        statement = (
            select(vintage.vintage, month, *(func.coalesce(p, NO_PLACE) for p in places),
                   literal(source), category, func.count())
            .select_from(model)
            .join(vintage, true())
            .outerjoin(lookup, and_(lookup.postcode_sector == model.postcode_sector,
                                    lookup.lsoa_code == model.lsoa_code,
                                    lookup.vintage == vintage.vintage))
            .outerjoin(ward, and_(ward.vintage == lookup.vintage, ward.code == lookup.ward_code))
            .where(day >= months[0], day < add_months(months[-1], 1), month.in_(labels), *where)
            .group_by(*grouped)
        )  # fmt: skip
        names = ["vintage", "month", "ward_code", "postcode_district", "area_code", "source",
                 "category", "records"]  # fmt: skip
        connection.execute(insert(table).from_select(names, statement))
