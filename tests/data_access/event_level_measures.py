"""The event-level count of dated records the aggregate replaced (children missing education,
modern slavery, disruption), kept as the oracle ``measure_sql.dated_counts`` is tested against."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, and_, func, select
from sqlalchemy.sql import ColumnElement

from data_access import models as m
from data_access.sql import Scope, in_scope, read_frame, year_month


def dated_counts(
    connection: Connection,
    scope: Scope,
    model,  # noqa: ANN001 - an ORM class with lsoa_code / postcode_sector columns
    day: ColumnElement,
    by: Sequence[str],
    value: ColumnElement | None = None,
    where: Sequence[ColumnElement] = (),
) -> pl.DataFrame:
    """Records per ``by`` (month, ward_code, area_code, postcode_district or a column of
    ``model``) dated in the scope's months; ``value`` defaults to counting rows."""
    lookup, ward = m.AreaLookup, m.Ward
    columns = {
        "month": year_month(day),
        "ward_code": lookup.ward_code,
        "area_code": ward.area_committee_code,
        "postcode_district": lookup.postcode_district,
    }
    dims = [(columns[n] if n in columns else getattr(model, n)).label(n) for n in by]
    statement = (
        select(*dims, (value if value is not None else func.count()).label("value"))
        .select_from(model)
        .outerjoin(
            lookup,
            and_(
                lookup.postcode_sector == model.postcode_sector,
                lookup.lsoa_code == model.lsoa_code,
                lookup.vintage == scope.vintage,
            ),
        )
        .outerjoin(ward, and_(ward.vintage == lookup.vintage, ward.code == lookup.ward_code))
        .where(
            day >= scope.start.replace(day=1),
            day < scope.end_exclusive,
            *in_scope(scope, lookup.ward_code, ward.area_committee_code),
            *where,
        )
        .group_by(*dims)
        .order_by(*dims)
    )
    schema = {**{n: pl.String for n in by}, "value": pl.Int64}
    return read_frame(connection, statement, schema)
