"""Overview headlines for education, modern slavery and investigations: one line on the
Overview, the detail on their own pages."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import measures_cache as mcache
from data_access.sql import Scope
from domain.disclosure import TOTAL
from domain.formatting import format_change, format_count
from domain.months import add_months, month_label
from domain.overview import headline_measures
from domain.roles import RoleScope


def show(role: RoleScope, month: date, area: str | None) -> None:
    """CME referrals and MSHT offences this month against their 12-month average, and
    non-recent CSE investigations live at the month end (district-wide)."""
    st.subheader("Education, modern slavery, disrupt and prosecute")
    columns = st.columns(3)
    scope = Scope(add_months(month, -12), month, area_code=area)
    for column, (series, measure, title, page) in zip(columns, (
        (mcache.education_series, "cme_referrals", "Missing education referrals", "pages/education.py"),
        (mcache.msht_series, "offences", "Modern slavery offences", "pages/msht.py"),
    ), strict=False):  # fmt: skip
        frame = series(role, scope, measure).filter(pl.col("month") != TOTAL)
        headline = headline_measures(frame, month.strftime("%Y-%m"))
        column.metric(
            f"{title}, {month_label(month)}", format_count(headline.current),
            delta=None if headline.delta is None else
            f"{format_change(headline.delta, headline.pct)} vs 12-month average ({format_count(headline.average)})",
            delta_color="off", border=True,
        )  # fmt: skip
        column.page_link(page, label="More on this", icon=":material/arrow_forward:")
    stages = mcache.pipeline_table(role, Scope(month, month))
    live = stages.filter(pl.col("stage").str.starts_with("live"))
    value = None if live["suppressed"].any() else int(live["investigations"].sum())
    columns[2].metric(
        "Non-recent CSE investigations live", format_count(value), border=True,
        help=f"At the end of {month_label(month)}: Operation Dalesway, district-wide (not placed by ward).",
    )  # fmt: skip
    columns[2].page_link("pages/disrupt.py", label="More on this", icon=":material/arrow_forward:")
