"""Widgets shared by the Education, Modern slavery and Disrupt and prosecute pages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import streamlit as st

from dashboard import cache, ui, url_state
from dashboard.charts import ChartContext
from domain.csv_safe import to_safe_csv
from domain.months import add_months, month_label, months_between


def chart_context() -> ChartContext:
    """The shared chart context with only the Covid-19 lockdown marked: the other dates on the
    timeline (the Philomena Protocol) are about missing children, not these measures."""
    context = cache.chart_context()
    return replace(context, events=tuple(e for e in context.events if "Covid" in e[1]))


def mostly_hidden_note(frames: list[pl.DataFrame]) -> None:
    """Say so when most months of a public series are hidden, and where to look instead."""
    months = pl.concat([f.select("suppressed") for f in frames]) if frames else None
    if months is not None and months.height and months["suppressed"].mean() > 0.5:
        st.info(
            "Most months are hidden for this area because the numbers are small. Choose **Whole "
            "district (totals)** in the sidebar, or read the yearly table below.",
            icon="ℹ️",
        )


def month_range(key: str, first: date, default_months: int = 60) -> tuple[date, date]:
    """A from-to month slider from ``first`` (where these measures start) to the data's end."""
    last = cache.data_as_of().replace(day=1)
    months = months_between(first, last)
    start = max(months[0], add_months(last, -(default_months - 1)))
    chosen = url_state.select_range("Months shown", months, default=(start, last),
                                    format_func=month_label, key=key, param="months")  # fmt: skip
    return chosen[0], chosen[1]


def table_with_csv(frame: pl.DataFrame, file_stem: str, key: str, caption: str = "") -> None:
    """A table and its CSV download (escaped for spreadsheets, audited like every export)."""
    numbers = {name: st.column_config.NumberColumn(format="localized")
               for name, dtype in frame.schema.items() if dtype.is_integer()}  # fmt: skip
    st.dataframe(frame, hide_index=True, column_config=numbers)
    if caption:
        st.caption(caption)
    file_name = f"{file_stem}-{cache.data_as_of():%Y-%m-%d}.csv"
    st.download_button("Download this table (CSV)", data=to_safe_csv(frame), file_name=file_name,
                       mime="text/csv", key=f"{key}-csv", on_click=ui._audit_export,
                       args=(file_name,))  # fmt: skip


def suppression_note() -> None:
    if ui.role().policy.suppress:
        st.info(
            "Numbers from 1 to 4, and others that would let them be worked out, are hidden and "
            "shown as **c**; charts leave a gap for them, never a zero.",
            icon="🔒",
        )


def place_name(area: str | None, ward: str | None) -> str:
    if ward:
        return cache.wards().filter(pl.col("code") == ward)["name"].item() + " ward"
    if area:
        return cache.area_committees().filter(pl.col("code") == area)["name"].item()
    return "Bradford District"


def ward_names(area: str | None) -> dict[str, str]:
    """Wards shown in a by-ward table: the area's, or all 30 for the district."""
    wards = cache.wards()
    if area:
        wards = wards.filter(pl.col("area_code") == area)
    return dict(zip(wards["code"].to_list(), wards["name"].to_list(), strict=True))
