"""Plausible ranges for numbers and dates, per column, checked before anything reaches the store.

A count of 10^20 would pass a "whole number" check and then crash the commit (SQLite integers are
64-bit, PostgreSQL's INTEGER 32-bit); a date of 0001-01-01 or a population year of 3000 is a
typing slip, not data. Each column's range is documented in the data dictionary from
``range_text``, so what is checked and what is written down cannot drift apart.
"""

from __future__ import annotations

from datetime import date

from domain.months import add_months

# The store's whole-number columns are INTEGER: 32-bit on PostgreSQL, the narrower of the two.
STORE_INT_MIN, STORE_INT_MAX = -(2**31), 2**31 - 1
EARLIEST_EVENT = date(2000, 1, 1)


def int_bounds(column, today: date) -> tuple[int, int]:  # noqa: ANN001 - formats.Column
    """Smallest and largest whole number allowed in ``column``."""
    low = STORE_INT_MIN if column.minimum is None else column.minimum
    high = STORE_INT_MAX if column.maximum is None else column.maximum
    if column.years_ahead and column.maximum is None:
        high = today.year + column.years_ahead
    return low, high


def date_bounds(column, today: date) -> tuple[date, date]:  # noqa: ANN001 - formats.Column
    """Earliest and latest date allowed in ``column`` (a month column: first days of months)."""
    if column.kind == "month":
        this_month = today.replace(day=1)
        earliest = (
            add_months(this_month, -12 * (column.max_age_years + 1) + 1)
            if column.max_age_years is not None
            else (column.earliest or EARLIEST_EVENT)
        )
        return earliest, this_month
    earliest = column.earliest or EARLIEST_EVENT
    if not column.future_allowed:
        return earliest, today
    return earliest, _add_years(today, column.years_ahead or 10)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def range_text(column) -> str:  # noqa: ANN001 - formats.Column
    """The range in words, for the data dictionary."""
    if column.kind == "int":
        if column.years_ahead and column.maximum is None:  # a year: no thousands separator
            return f"{column.minimum} to this year + {column.years_ahead}"
        low = "" if column.minimum is None else f"{column.minimum:,}"
        high = "" if column.maximum is None else f"{column.maximum:,}"
        if not low and not high:
            return f"{STORE_INT_MIN:,} to {STORE_INT_MAX:,} (what the store holds)"
        return f"{low or STORE_INT_MIN} to {high or STORE_INT_MAX}"
    if column.kind == "month" and column.max_age_years is not None:
        return f"not in the future; the child aged 0 to {column.max_age_years} today"
    if column.kind in ("date", "datetime", "month"):
        earliest = column.earliest or EARLIEST_EVENT
        if column.future_allowed:
            return f"{earliest:%Y-%m-%d} to {column.years_ahead or 10} years from today"
        return f"{earliest:%Y-%m-%d} to today"
    if column.kind in ("text", "id"):
        return f"at most {column.max_length:,} characters"
    return ""
