"""The services headline the Overview page shows (one call, so the shared page changes by a
line)."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import services_cache
from data_access.sql import Scope
from domain.disclosure import TOTAL
from domain.formatting import format_change, format_count
from domain.months import add_months, month_label
from domain.overview import cell_value, headline_measures
from domain.roles import RoleScope


def overview_headline(role: RoleScope, month: date, area: str | None, area_name: str) -> None:
    """Children in a service at the month end (against last month) and cases taken on in the
    month (against the 12 before), one-to-one casework across the four services."""
    st.subheader(f"Services: children being helped at the end of {month_label(month)}, {area_name}")
    scope = Scope(add_months(month, -12), month, area_code=area)
    this, last = month.strftime("%Y-%m"), add_months(month, -1).strftime("%Y-%m")
    open_cases = services_cache.caseload_table(role, scope, "open_cases", ("month",))
    new_cases = services_cache.caseload_table(role, scope, "new_cases", ("month",))
    now = cell_value(open_cases, {"month": this}, "cases")
    before = cell_value(open_cases, {"month": last}, "cases")
    delta = None if now is None or before is None else now - before
    left, right = st.columns(2)
    left.metric(
        "Children in a service (month end)", format_count(now),
        delta=None if delta is None else f"{format_change(delta, None)} on last month",
        delta_color="normal" if delta else "off", border=True,
    )  # fmt: skip
    series = new_cases.filter(pl.col("month") != TOTAL).select(
        "month", pl.col("cases").alias("value"), "suppressed"
    )
    measure = headline_measures(series, this)
    right.metric(
        f"Cases taken on in {month_label(month)}", format_count(measure.current),
        delta=None if measure.delta is None else
        f"{format_change(measure.delta, measure.pct)} vs 12-month average "
        f"({format_count(measure.average)})",
        delta_color="off", border=True,
    )  # fmt: skip
    st.caption(
        "Trusted Relationships, Turnaround, SFAYC and Breaking the Cycle: one-to-one casework. "
        "More children helped is shown in green. See the Services page for who they are and "
        "where risk has little provision."
    )
