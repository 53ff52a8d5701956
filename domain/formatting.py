"""Numbers written the same way everywhere: thousands separators, 'c' for suppressed."""

from __future__ import annotations

SUPPRESSED = "c"


def format_count(value: float | int | None) -> str:
    """'1,234'; None (a suppressed or unavailable count) is shown as 'c'."""
    if value is None:
        return SUPPRESSED
    return f"{round(value):,d}"


def format_decimal(value: float | None, places: int = 1) -> str:
    if value is None:
        return SUPPRESSED
    return f"{value:,.{places}f}"


def format_change(delta: float | None, pct: float | None) -> str:
    """'+28 (+13%)', '-5 (-2%)', 'no change'; unknown change is an em dash."""
    if delta is None:
        return "—"
    if round(delta) == 0:
        return "no change"
    sign = "+" if delta > 0 else "-"
    text = f"{sign}{abs(round(delta)):,d}"
    if pct is not None:
        text += f" ({sign}{abs(pct):.0f}%)"
    return text


def format_pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"
