"""Widgets and blocks shared by several pages (layout only: no queries, no rules)."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import cache
from dashboard.csv_safe import to_safe_csv
from dashboard.months import add_months, month_label, months_between
from geo.boundaries import ATTRIBUTION

SYNTHETIC_BANNER = (
    "**Synthetic demo data.** Every child, referral and missing episode shown here is invented by "
    "the demo generator: no real person is described. Figures are shaped to match the published "
    "district totals only."
)


ENTRYPOINT_FLAG = "_entrypoint_ran"


def mark_entrypoint() -> None:
    """Called by app.py: the page is running inside ``st.navigation``."""
    st.session_state[ENTRYPOINT_FLAG] = True


def ensure_entrypoint() -> None:
    """Rerun through app.py when Streamlit ran a page script on its own.

    With a ``pages/`` folder, the first request after a server start that opens a page by URL is
    run in Streamlit's legacy folder mode, skipping app.py (no banner, no page list). Switching the
    flag off and rerunning sends it through ``st.navigation`` like every later request.
    """
    if not st.session_state.get(ENTRYPOINT_FLAG):
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()


def page_header(title: str, intro: str) -> None:
    """Page title, one plain-English line on what it is for, and the data-as-of date."""
    ensure_entrypoint()
    data_banner()
    st.title(title)
    st.markdown(intro)
    st.caption(f"Data as of **{cache.data_as_of():%-d %B %Y}**")


def data_banner() -> None:
    if cache.is_synthetic():
        st.warning(SYNTHETIC_BANNER, icon="⚠️")


def sidebar_footer() -> None:
    with st.sidebar:
        st.divider()
        st.caption(ATTRIBUTION)


def area_filter(key: str, label: str = "Area Committee") -> str | None:
    """Area Committee picker; None means the whole district."""
    areas = cache.area_committees()
    options = [None, *areas["code"].to_list()]
    names = dict(zip(areas["code"].to_list(), areas["name"].to_list(), strict=True))
    return st.selectbox(
        label,
        options,
        format_func=lambda code: "Whole district" if code is None else names[code],
        key=key,
    )


def ward_filter(key: str, area_code: str | None, vintage: str = "2004") -> str | None:
    wards = cache.wards(vintage)
    if area_code:
        wards = wards.filter(pl.col("area_code") == area_code)
    names = dict(zip(wards["code"].to_list(), wards["name"].to_list(), strict=True))
    return st.selectbox(
        "Ward",
        [None, *names],
        format_func=lambda code: "All wards" if code is None else names[code],
        key=key,
    )


def month_range(key: str, default_months: int = 36) -> tuple[date, date]:
    """A from-to month slider over the whole data period (default: the last ``default_months``)."""
    last = cache.data_as_of().replace(day=1)
    months = months_between(cache.data_from(), last)
    start = max(months[0], add_months(last, -(default_months - 1)))
    chosen = st.select_slider(
        "Months shown",
        options=months,
        value=(start, last),
        format_func=month_label,
        key=key,
    )
    return chosen[0], chosen[1]


def chart_with_numbers(figure: go.Figure, table: pl.DataFrame, file_stem: str, key: str) -> None:
    """The chart, then its numbers in a table and a CSV download (escaped for spreadsheets)."""
    st.plotly_chart(figure, theme=None, key=f"{key}-chart")
    with st.expander("Show the numbers behind this chart"):
        st.dataframe(table, hide_index=True)
        st.download_button(
            "Download these numbers (CSV)",
            data=to_safe_csv(table),
            file_name=f"{file_stem}-{cache.data_as_of():%Y-%m-%d}.csv",
            mime="text/csv",
            key=f"{key}-csv",
        )
