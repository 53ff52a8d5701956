"""Pure figure builders for the Education, Modern slavery and Disrupt and prosecute pages.

Same look as :mod:`dashboard.charts`: titled, axes with units, source and as-of footer, a
pattern as well as a colour for every category, hidden (suppressed) counts left as gaps.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl

from dashboard import theme
from dashboard.charts import ChartContext, _month_dates, add_event_markers, base_layout
from domain.measures import pct_change

STAGE_COLOURS = {
    "live": theme.DARK_BLUE,
    "live_victim_disclosure": theme.LIGHT_BLUE,
    "live_investigation": theme.DARK_BLUE,
    "live_cps_lawyer": theme.MID_BLUE,
    "charged": theme.ORANGE,
    "pending_trial": theme.DARK_PINK,
    "concluded": theme.TURQUOISE,
    "discontinued": theme.MID_GREY,
}
DISRUPTION_COLOURS = {
    "cawn": theme.DARK_BLUE,
    "shpo": theme.DARK_PINK,
    "stro": theme.DARK_GREY,
    "arrest": theme.TURQUOISE,
    "closure": theme.ORANGE,
    "licensing": theme.LIGHT_PURPLE,
}
MEASURE_COLOURS = {
    "cme_referrals": theme.DARK_BLUE,
    "cme_whereabouts_found": theme.TURQUOISE,
    "ehe_registered": theme.DARK_PINK,
    "offences": theme.DARK_GREY,
    "nrm_child_referrals": theme.DARK_PINK,
    "intelligence_submissions": theme.TURQUOISE,
}


def _bar_marker(colour: str, index: int) -> dict:
    return {
        "color": colour,
        "pattern": {"shape": theme.pattern_for(index), "fillmode": "overlay", "fgcolor": "white",
                    "size": 7},
        "line": {"width": 0},
    }  # fmt: skip


def january_chart(
    frame: pl.DataFrame, title: str, y_title: str, context: ChartContext
) -> go.Figure:
    """One bar per January (``month`` YYYY-01, nullable ``value``), each labelled with its change
    on the January before, as the report compares them."""
    data = frame.sort("month")
    years = [m[:4] for m in data["month"].to_list()]
    values = data["value"].to_list()
    labels = []
    for index, value in enumerate(values):
        change = pct_change(values[index - 1], value) if index else None
        text = "c" if value is None else f"{value:,}"
        if change is not None:
            text += f"<br>{'+' if change >= 0 else '−'}{abs(change):.0f}% on a year"
        labels.append(text)
    fig = go.Figure()
    fig.add_bar(x=years, y=values, name="Registered in January", text=labels,
                textposition="outside", marker=_bar_marker(theme.DARK_PINK, 0),
                hovertemplate="%{y:,}")  # fmt: skip
    base_layout(fig, title, y_title, context, x_title="January of each year")
    fig.update_layout(showlegend=False)
    fig.update_xaxes(type="category")
    return fig


def stage_chart(
    table: pl.DataFrame,
    labels: Mapping[str, str],
    title: str,
    y_title: str,
    context: ChartContext,
) -> go.Figure:
    """Investigations at each month end stacked by stage (``month``, ``stage``,
    ``investigations`` nullable): a hidden count is a gap, never a zero."""
    months = sorted(table["month"].unique().to_list())
    x = _month_dates(months)
    fig = go.Figure()
    for index, code in enumerate(labels):
        part = table.filter(pl.col("stage") == code)
        by_month = dict(zip(part["month"].to_list(), part["investigations"].to_list(), strict=True))
        fig.add_bar(x=x, y=[by_month.get(m) for m in months], name=labels[code],
                    marker=_bar_marker(STAGE_COLOURS.get(code, theme.MID_GREY), index),
                    hovertemplate="%{y:,}")  # fmt: skip
    fig.update_layout(barmode="stack", bargap=0.15)
    base_layout(fig, title, y_title, context, x_title="Month end")
    return add_event_markers(fig, context, months)


def period_bars(
    table: pl.DataFrame,
    category: str,
    value: str,
    labels: Mapping[str, str],
    colours: Mapping[str, str],
    title: str,
    y_title: str,
    context: ChartContext,
    x_title: str,
) -> go.Figure:
    """Stacked bars of categories per period (``period``, ``category``, nullable ``value``)."""
    periods = sorted(table["period"].unique().to_list())
    fig = go.Figure()
    for index, code in enumerate(labels):
        part = table.filter(pl.col(category) == code)
        counts = dict(zip(part["period"].to_list(), part[value].to_list(), strict=True))
        fig.add_bar(x=periods, y=[counts.get(p) for p in periods], name=labels[code],
                    marker=_bar_marker(colours.get(code, theme.MID_GREY), index),
                    hovertemplate="%{y:,}")  # fmt: skip
    fig.update_layout(barmode="stack", bargap=0.2)
    base_layout(fig, title, y_title, context, x_title=x_title)
    fig.update_xaxes(type="category")
    return fig
