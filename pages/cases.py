"""Case list (MACE members only): children at risk at a month end, by pseudonymous id."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import streamlit as st

from dashboard import cache, ui, url_state
from data_access.sql import Scope
from domain.frames import mapped
from domain.months import add_months, month_label, months_between
from domain.vocab import EXPLOITATION_TYPES, RISK_LEVELS

ui.page_header(
    "Case list (MACE)",
    "Children open to the Risk Assessment Meeting at a month end, by pseudonymous id, for the "
    "MACE meeting's review. Confidential: not for Area Committees or publication.",
)
role = ui.role()
latest = cache.data_as_of().replace(day=1)
with st.sidebar:
    month = url_state.selectbox(
        "At the end of",
        list(reversed(months_between(add_months(latest, -23), latest))),
        format_func=month_label,
        key="cases-month",
        param="month",
    )
    area = ui.area_filter("cases-area")
    levels = url_state.multiselect(
        "Risk level", list(RISK_LEVELS), default=["significant"], format_func=RISK_LEVELS.get,
        key="cases-levels", param="level",
    )  # fmt: skip
ui.audit_filters("Case list (MACE)", {"month": month, "area": area, "levels": levels})

cases = cache.case_list(role, Scope(month, month, area_code=area))
if levels:
    cases = cases.filter(pl.col("risk_level").is_in(levels))
as_at = cache.data_as_of() if month == latest else add_months(month, 1) - timedelta(days=1)
table = cases.select(
    pl.col("pseudo_id").alias("Pseudonymous id"),
    pl.col("risk_level").replace_strict(RISK_LEVELS, default="").alias("Risk level"),
    mapped(
        cases["types"].fill_null(""),
        lambda codes: ", ".join(
            EXPLOITATION_TYPES.get(c, c) for c in sorted(codes.split(",")) if c
        ),
    ).alias("Exploitation types"),
    pl.col("ward").alias("Ward"),
    pl.col("area").alias("Area"),
    pl.col("assessed_on").alias("Level since"),
    ((pl.lit(as_at) - pl.col("assessed_on")).dt.total_days()).alias("Days at level"),
)
st.metric(f"Children listed at the end of {month_label(month)}", f"{table.height:,}")
ui.show_table(table)
ui.download_table(
    table, f"Children at risk at the end of {month_label(month)} (pseudonymous ids)",
    "case list", "cases", area_code=area, period=(month, month),
    filters={"Risk level": [RISK_LEVELS[level] for level in levels]},
)  # fmt: skip
st.caption(
    "Ids are pseudonymous: they cannot be turned back into a name without the source systems. "
    "This page is not cached and is available to MACE members only."
)
