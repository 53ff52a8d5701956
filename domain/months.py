"""Calendar-month arithmetic: every figure in the product is monthly."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    """Last day of ``month``'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_between(first: date, last: date) -> list[date]:
    """First day of every month from ``first``'s month to ``last``'s month inclusive."""
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def month_label(month: date) -> str:
    """'Oct 2026': how months are written to people."""
    return month.strftime("%b %Y")


def parse_month(text: str) -> date:
    """'2026-10' → date(2026, 10, 1)."""
    year, month = text.split("-")[:2]
    return date(int(year), int(month), 1)
