"""Small SQL building blocks shared by the queries, portable between SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl
from sqlalchemy import Connection, Date, DateTime, String, column, values
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.functions import FunctionElement

from domain.months import month_end, months_between


class year_month(FunctionElement):  # noqa: N801 - reads like the SQL function it renders
    """``YYYY-MM`` of a date or timestamp column, in the dialect's own spelling."""

    type = String()
    inherit_cache = True


@compiles(year_month, "sqlite")
def _year_month_sqlite(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(year_month, "postgresql")
def _year_month_postgresql(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@dataclass(frozen=True)
class Scope:
    """What a query is limited to: a ward set, an area or a ward, and a month range (inclusive).

    Frozen and hashable so it can key ``st.cache_data`` entries directly.
    """

    start: date
    end: date
    vintage: str = "2004"
    area_code: str | None = None
    ward_code: str | None = None

    @property
    def start_dt(self) -> datetime:
        return datetime.combine(self.start.replace(day=1), datetime.min.time())

    @property
    def end_exclusive(self) -> date:
        """The day after the last day of the end month: a half-open bound for timestamps."""
        return month_end(self.end) + timedelta(days=1)

    @property
    def end_dt(self) -> datetime:
        return datetime.combine(self.end_exclusive, datetime.min.time())


def month_table(start: date, end: date, window_days: int = 90):
    """A VALUES table of months: label, month start, month end, and a trailing window start."""
    rows = []
    for month in months_between(start, end):
        close = month_end(month)
        window_end = datetime.combine(close + timedelta(days=1), datetime.min.time())
        rows.append(
            (
                month.strftime("%Y-%m"),
                month,
                close,
                window_end - timedelta(days=window_days),
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
            name="months",
        )
        .data(rows)
        .cte("months")
    )


def read_frame(
    connection: Connection, statement: Select, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """Run a statement with bound parameters and return a Polars frame with a fixed schema."""
    result = connection.execute(statement)
    rows = [tuple(row) for row in result]
    return pl.DataFrame(rows, schema=schema, orient="row")


def in_scope(
    scope: Scope, ward_code: ColumnElement, area_code: ColumnElement
) -> list[ColumnElement]:
    """WHERE clauses for the geographic part of a scope."""
    clauses: list[ColumnElement] = []
    if scope.area_code:
        clauses.append(area_code == scope.area_code)
    if scope.ward_code:
        clauses.append(ward_code == scope.ward_code)
    return clauses
