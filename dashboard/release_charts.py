"""Charts of public-release cells: one bar per published period (quarters or month ends), stacked
by category where the release has one; a hidden cell is a gap marked "c", never a zero."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import plotly.graph_objects as go
import polars as pl

from dashboard import theme
from dashboard.charts import HIDDEN_FILL, ChartContext, base_layout
from domain.frames import mapped, mapped_rows
from domain.months import month_label
from domain.release_space import quarter_label

HIDDEN_NOTE = "c: hidden to protect children's privacy"


def axis_label(start: date, end: date) -> str:
    """A period on a chart axis, on two lines so eight quarters fit without turning."""
    return period_label(start, end).replace(" ", "<br>", 1)


def period_label(start: date, end: date) -> str:
    """How a release period is written on an axis: 'Q1 2025-26', 'Sep 2026', 'Nov 2025 to Oct 2026'."""
    if start == end:
        return month_label(start)
    if (start.month - 4) % 3 == 0 and (end.year * 12 + end.month) - (
        start.year * 12 + start.month
    ) == 2:
        return quarter_label(start).split(" (")[0]
    return f"{month_label(start)} to {month_label(end)}"


def _hidden_marks(fig: go.Figure, labels: list[str]) -> None:
    for label in labels:
        fig.add_annotation(x=label, y=0, yref="y", text="<b>c</b>", showarrow=False,
                           yanchor="bottom", font={"size": 15, "color": theme.DARK_GREY})  # fmt: skip


def release_bars(
    frame: pl.DataFrame,
    title: str,
    y_title: str,
    context: ChartContext,
    colour: str = theme.DARK_BLUE,
    x_title: str = "Financial quarter",
) -> go.Figure:
    """One bar per period from cells (``period_start``, ``period_end``, ``value`` nullable)."""
    data = frame.sort("period_start")
    labels = [axis_label(s, e) for s, e in data.select("period_start", "period_end").iter_rows()]
    values = data["value"].to_list()
    fig = go.Figure()
    fig.add_bar(x=labels, y=values, name=y_title, marker_color=colour, text=[
        "" if v is None else f"{v:,}" for v in values], textposition="outside",
        hovertemplate="%{y:,}<extra></extra>")  # fmt: skip
    _hidden_marks(fig, [lab for lab, v in zip(labels, values, strict=True) if v is None])
    base_layout(fig, title, y_title, context, x_title=x_title)
    fig.update_layout(showlegend=False)
    fig.update_xaxes(type="category")
    return fig


def release_stacked(
    frame: pl.DataFrame,
    labels: Mapping[str, str],
    colours: Mapping[str, str],
    title: str,
    y_title: str,
    context: ChartContext,
    x_title: str = "Month end",
) -> go.Figure:
    """Stacked bars by category for each period, with the total as a marker above each bar.

    ``frame`` has ``period_start``, ``period_end``, ``category`` (codes and "Total") and
    ``value`` (null where hidden). A hidden category is left out of its bar; a hidden total is
    marked "c".
    """
    data = frame.sort("period_start")
    periods = data.select("period_start", "period_end").unique(maintain_order=True).rows()
    x = [axis_label(s, e) for s, e in periods]
    fig = go.Figure()
    for index, code in enumerate(labels):
        part = dict(data.filter(pl.col("category") == code).select(
            "period_start", "value").iter_rows())  # fmt: skip
        fig.add_bar(
            x=x, y=[part.get(s) for s, _ in periods], name=labels[code],
            marker={"color": colours.get(code, theme.MID_GREY), "pattern": {
                "shape": theme.pattern_for(index), "fillmode": "overlay", "fgcolor": "white",
                "size": 7}, "line": {"width": 0}},
            hovertemplate="%{y:,}",
        )  # fmt: skip
    totals = dict(data.filter(pl.col("category") == "Total").select(
        "period_start", "value").iter_rows())  # fmt: skip
    shown = data.filter(pl.col("category").is_in(list(labels)))
    visible = dict(shown.group_by("period_start").agg(pl.col("value").sum()).iter_rows())
    hidden_any = set(shown.filter(pl.col("value").is_null())["period_start"].to_list())
    rest = [
        (totals[s] - visible.get(s, 0)) if s in hidden_any and totals.get(s) is not None else None
        for s, _ in periods
    ]
    if any(r for r in rest):  # the total less the shown parts: no new number, but an honest bar
        fig.add_bar(x=x, y=rest, name="Hidden categories (c)", hoverinfo="skip",
                    marker={"color": HIDDEN_FILL, "line": {"width": 0}})  # fmt: skip
    fig.add_scatter(
        x=x, y=[totals.get(s) for s, _ in periods], name="Total", mode="markers+text",
        marker={"symbol": "line-ew-open", "size": 18, "color": "#0B0C0C"},
        text=["" if totals.get(s) is None else f"{totals[s]:,}" for s, _ in periods],
        textposition="top center", hovertemplate="%{y:,}",
    )  # fmt: skip
    _hidden_marks(
        fig, [lab for lab, (s, _) in zip(x, periods, strict=True) if totals.get(s) is None]
    )
    fig.update_layout(barmode="stack", bargap=0.25)
    base_layout(fig, title, y_title, context, x_title=x_title)
    fig.update_xaxes(type="category")
    return fig


def release_table(frame: pl.DataFrame, labels: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Cells as people read them: one row per period, a column per category (and Total),
    "c" where hidden."""
    data = frame.sort("period_start")
    data = data.with_columns(
        mapped_rows(data, ["period_start", "period_end"], period_label, "Period"),
        mapped(data["value"], lambda v: f"{v:,}").fill_null("c").alias("shown"),
    )
    if "category" not in data.columns or labels is None:
        return data.select("Period", pl.col("shown").alias("Value"))
    wide = data.pivot(on="category", index="Period", values="shown", maintain_order=True)
    columns = [c for c in [*labels, "Total"] if c in wide.columns]
    return wide.select("Period", *columns).rename(dict(labels))
