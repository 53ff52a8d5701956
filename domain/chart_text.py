"""One plain-English sentence per chart: its text alternative for screen readers (aria-label).

Pure rules. The sentence says what the chart is, the period, the latest value and the highest and
lowest, and how many values are hidden, never a hidden number itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.formatting import format_count
from domain.months import month_label, parse_month


def _month(text: str) -> str:
    """'2026-10' → 'Oct 2026'; other labels ('Q3 2025') as they are."""
    return month_label(parse_month(text)) if re.fullmatch(r"\d{4}-\d{2}", text) else text


def series_summary(
    title: str, points: Sequence[tuple[str, int | float | None]], unit: str = ""
) -> str:
    """'Chart: Referrals each month, Keighley. 24 months, Nov 2024 to Oct 2026. Latest (Oct 2026):
    45 referrals. Highest: 60 in Mar 2025; lowest: 20 in Aug 2025. 2 months hidden (c).'"""
    unit = f" {unit}" if unit else ""
    if not points:
        return f"Chart: {title}. No data for this selection."
    shown = [(label, value) for label, value in points if value is not None]
    hidden = len(points) - len(shown)
    text = f"Chart: {title}. {len(points)} point{'s' if len(points) != 1 else ''}, {_month(points[0][0])} to {_month(points[-1][0])}."
    last_label, last_value = points[-1]
    text += f" Latest ({_month(last_label)}): {format_count(last_value)}{unit}."
    if shown:
        high = max(shown, key=lambda p: p[1])
        low = min(shown, key=lambda p: p[1])
        text += (
            f" Highest: {format_count(high[1])} in {_month(high[0])}; "
            f"lowest: {format_count(low[1])} in {_month(low[0])}."
        )
    if hidden:
        text += f" {hidden} value{'s' if hidden != 1 else ''} hidden (c) to protect privacy."
    return text


def ranked_summary(
    title: str, rows: Sequence[tuple[str, int | float | None]], unit: str = ""
) -> str:
    """For maps and ranked charts: the highest and lowest areas and how many are hidden."""
    unit = f" {unit}" if unit else ""
    shown = sorted(((n, v) for n, v in rows if v is not None), key=lambda r: -r[1])
    hidden = len(rows) - len(shown)
    text = f"Chart: {title}. {len(rows)} areas."
    if shown:
        top = "; ".join(f"{name} {format_count(value)}" for name, value in shown[:3])
        text += f" Highest: {top}{unit}. Lowest: {shown[-1][0]} {format_count(shown[-1][1])}."
    if hidden:
        text += f" {hidden} area{'s' if hidden != 1 else ''} hidden (c) to protect privacy."
    return text


def flag_summary(title: str, flags: Sequence[tuple[str, str]]) -> str:
    """For the funnel plot and the flag map: which areas are above or below the limits."""
    groups: dict[str, list[str]] = {}
    for name, label in flags:
        groups.setdefault(label, []).append(name)
    parts = [
        f"{label}: {len(names)} ({', '.join(sorted(names)[:6])}{', …' if len(names) > 6 else ''})"
        for label, names in groups.items()
    ]
    return f"Chart: {title}. {len(flags)} areas. " + "; ".join(parts) + "."
