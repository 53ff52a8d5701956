"""Pure figure builders: data in, ``plotly.graph_objects.Figure`` out, nothing read or written.

Every chart carries a title that says what it shows, axis titles with units, and a footer line with
the source and the data-as-of date, so a screenshot or export stands on its own.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
import polars as pl

from dashboard import theme
from domain.trends import with_rolling_average, with_same_month_last_year

HIDDEN_FILL = "#BFC1C3"


@dataclass(frozen=True)
class ChartContext:
    """What every chart says about where its numbers come from."""

    source: str
    as_of: date
    events: tuple[tuple[date, str], ...] = ()

    @property
    def footer(self) -> str:
        return f"Source: {self.source}<br>Data as of {self.as_of:%-d %b %Y}"


def wrap_title(text: str, width: int = 70) -> tuple[str, int]:
    """A long title broken over lines (Plotly never wraps, and a cut title loses the month),
    and how many lines it took."""
    lines = textwrap.wrap(text, width, break_on_hyphens=False) or [text]
    return "<br>".join(lines), len(lines)


def _month_dates(months: Sequence[str]) -> list[date]:
    return [date(int(m[:4]), int(m[5:7]), 1) for m in months]


def base_layout(
    fig: go.Figure, title: str, y_title: str, context: ChartContext, x_title: str = "Month"
) -> go.Figure:
    """Title, axes, legend, font and the source footer shared by all charts."""
    title, lines = wrap_title(title)
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 20}},
        font={"family": theme.FONT_FAMILY, "size": theme.FONT_SIZE, "color": "#0B0C0C"},
        height=theme.CHART_HEIGHT,
        margin={"l": 80, "r": 20, "t": 46 + 26 * lines, "b": 130},
        legend={
            "orientation": "v",
            "x": 1.01,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "title": None,
            "font": {"size": 14},
        },
        plot_bgcolor="white",
        paper_bgcolor="white",
        hovermode="x unified",
    )
    fig.update_xaxes(title=x_title, showgrid=False, linecolor="#6F777B", ticks="outside")
    fig.update_yaxes(title=y_title, gridcolor="#E5E5E5", rangemode="tozero", tickformat=",d")
    fig.add_annotation(
        text=context.footer,
        xref="paper",
        yref="paper",
        x=0,
        y=-0.24,
        showarrow=False,
        xanchor="left",
        yanchor="top",
        font={"size": 13, "color": "#505A5F"},
    )
    return fig


def add_event_markers(fig: go.Figure, context: ChartContext, months: Sequence[str]) -> go.Figure:
    """Dashed vertical lines, labelled, for dates such as the 2020 lockdown (when in range)."""
    if not months:
        return fig
    first, last = _month_dates([months[0], months[-1]])
    for index, (day, label) in enumerate(context.events):
        if not first <= day.replace(day=1) <= last:
            continue
        fig.add_shape(
            type="line",
            x0=day,
            x1=day,
            xref="x",
            yref="paper",
            y0=0,
            y1=1,
            line={"color": theme.DARK_GREY, "width": 1.5, "dash": "dash"},
        )
        fig.add_annotation(
            x=day,
            y=1.0 - 0.08 * index,
            xref="x",
            yref="paper",
            text=label,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            bgcolor="rgba(255,255,255,0.85)",
            font={"size": 13, "color": theme.DARK_GREY},
        )
    return fig


def series_chart(
    frame: pl.DataFrame,
    title: str,
    y_title: str,
    context: ChartContext,
    colour: str = theme.DARK_BLUE,
    show_from: str | None = None,
) -> go.Figure:
    """One monthly series: bars for each month, its 3-month rolling average, same month last year.

    ``frame`` has ``month`` (YYYY-MM) and ``value`` (nullable: a suppressed month is a gap, never 0).
    Months before ``show_from`` feed the averages and last year's line but are not drawn.
    """
    data = with_same_month_last_year(with_rolling_average(frame))
    if show_from:
        data = data.filter(pl.col("month") >= show_from)
    x = _month_dates(data["month"].to_list())
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=data["value"].to_list(),
        name="Monthly",
        marker_color=colour,
        opacity=0.45,
        hovertemplate="%{y:,}",
    )
    fig.add_scatter(
        x=x,
        y=data["rolling_avg"].to_list(),
        name="3-month rolling average",
        mode="lines",
        line={"color": colour, "width": 3},
        hovertemplate="%{y:,.1f}",
    )
    fig.add_scatter(
        x=x,
        y=data["last_year"].to_list(),
        name="Same month last year",
        mode="lines+markers",
        line={"color": theme.DARK_GREY, "width": 1.5, "dash": "dot"},
        marker={"symbol": "diamond-open", "size": 6},
        hovertemplate="%{y:,}",
    )
    base_layout(fig, title, y_title, context)
    return add_event_markers(fig, context, data["month"].to_list())


def breakdown_chart(
    frame: pl.DataFrame,
    category: str,
    value: str,
    labels: Mapping[str, str],
    colours: Mapping[str, str],
    title: str,
    y_title: str,
    context: ChartContext,
    show_from: str | None = None,
    totals: pl.DataFrame | None = None,
) -> go.Figure:
    """Stacked monthly bars by category (each its own pattern), the total's 3-month rolling
    average and the total in the same month last year.

    Pass a frame that starts 12 months before ``show_from`` to get last year's line from the first
    month shown; months before ``show_from`` feed the averages but are not drawn. ``totals``
    (``month``, ``value``) comes from a suppressed table: a hidden month is a gap in the bars and
    in every average that includes it, never a zero. Without it the totals are summed here.
    """
    if totals is None:
        totals = (
            frame.group_by("month").agg(pl.col(value).sum().alias("value")).sort("month")
            if frame.height
            else pl.DataFrame(schema={"month": pl.String, "value": pl.Int64})
        )
    totals = totals.select("month", "value").sort("month")
    lines = with_same_month_last_year(with_rolling_average(totals))
    if show_from:
        frame = frame.filter(pl.col("month") >= show_from)
        lines = lines.filter(pl.col("month") >= show_from)
    months = sorted(frame["month"].unique().to_list())
    x = _month_dates(months)
    fig = go.Figure()
    for index, code in enumerate(labels):
        part = frame.filter(pl.col(category) == code)
        by_month = dict(zip(part["month"].to_list(), part[value].to_list(), strict=True))
        if not by_month:
            continue
        fig.add_bar(
            x=x,
            y=[by_month.get(month, 0) for month in months],
            name=labels[code],
            marker={
                "color": colours.get(code, theme.MID_GREY),
                "pattern": {
                    "shape": theme.pattern_for(index),
                    "fillmode": "overlay",
                    "fgcolor": "white",
                    "size": 7,
                },
                "line": {"width": 0},
            },
            hovertemplate="%{y:,}",
        )
    _add_hidden_marks(fig, frame, value, months, x)
    line_x = _month_dates(lines["month"].to_list())
    fig.add_scatter(
        x=line_x,
        y=lines["rolling_avg"].to_list(),
        name="Total, 3-month rolling average",
        mode="lines",
        line={"color": "#0B0C0C", "width": 2.5},
        hovertemplate="%{y:,.1f}",
    )
    fig.add_scatter(
        x=line_x,
        y=lines["last_year"].to_list(),
        name="Total, same month last year",
        mode="lines+markers",
        line={"color": theme.DARK_GREY, "width": 1.5, "dash": "dot"},
        marker={"symbol": "diamond-open", "size": 6},
        hovertemplate="%{y:,}",
    )
    fig.update_layout(barmode="stack", bargap=0.15)
    base_layout(fig, title, y_title, context)
    return add_event_markers(fig, context, months)


def _add_hidden_marks(
    fig: go.Figure,
    frame: pl.DataFrame,
    value: str,
    months: Sequence[str],
    x: Sequence[date],
) -> None:
    """Hidden cells shown as hidden, never silently dropped: a "c" marker sits on top of each
    month's visible stack wherever part of that month is hidden. The marker stands at the sum of
    the shown cells (each 0 or at least the threshold), never at the size of what is hidden, so
    the chart states no small number even where the total is published."""
    hidden = frame.filter(pl.col(value).is_null())
    if not hidden.height:
        return
    hidden_months = set(hidden["month"].to_list())
    shown = dict(
        frame.filter(pl.col(value).is_not_null())
        .group_by("month")
        .agg(pl.col(value).sum())
        .iter_rows()
    )
    marker = [shown.get(month, 0) if month in hidden_months else None for month in months]
    fig.add_scatter(
        x=x, y=marker, mode="markers+text", name="Hidden (c): small numbers",
        marker={"symbol": "square", "size": 11, "color": HIDDEN_FILL,
                "line": {"color": "#505A5F", "width": 1.5}},
        text=["c" if v is not None else "" for v in marker], textposition="top center",
        textfont={"size": 13, "color": "#0B0C0C"},
        hovertemplate="Part of this month is hidden to protect privacy (c)<extra></extra>",
    )  # fmt: skip


def lines_chart(
    frame: pl.DataFrame,
    series: Mapping[str, str],
    title: str,
    y_title: str,
    context: ChartContext,
    colours: Sequence[str] = (theme.DARK_BLUE, theme.DARK_PINK, theme.TURQUOISE),
) -> go.Figure:
    """Several monthly measures as lines, each with its own dash and marker as well as colour."""
    x = _month_dates(frame["month"].to_list())
    fig = go.Figure()
    for index, (column, label) in enumerate(series.items()):
        fig.add_scatter(
            x=x,
            y=frame[column].to_list(),
            name=label,
            mode="lines+markers",
            line={
                "color": colours[index % len(colours)],
                "width": 2.5,
                "dash": theme.LINE_DASHES[index % len(theme.LINE_DASHES)],
            },
            marker={"symbol": theme.marker_for(index), "size": 6},
            hovertemplate="%{y:,}",
        )
    base_layout(fig, title, y_title, context)
    return add_event_markers(fig, context, frame["month"].to_list())


def status_bars(
    frame: pl.DataFrame,
    x: str,
    labels: Mapping[str, str],
    colours: Mapping[str, str],
    title: str,
    y_title: str,
    context: ChartContext,
    x_title: str,
) -> go.Figure:
    """Stacked bars of counts by status (RAG) for each x value, patterned and labelled."""
    xs = sorted(frame[x].unique().to_list())
    fig = go.Figure()
    for index, code in enumerate(labels):
        part = frame.filter(pl.col("status") == code)
        counts = dict(zip(part[x].to_list(), part["actions"].to_list(), strict=True))
        fig.add_bar(
            x=xs,
            y=[counts.get(value, 0) for value in xs],
            name=labels[code],
            marker={
                "color": colours[code],
                "pattern": {
                    "shape": theme.pattern_for(index),
                    "fillmode": "overlay",
                    "fgcolor": "white",
                    "size": 9,
                    "fgopacity": 0.45,
                },
            },
            text=[counts.get(value, 0) or "" for value in xs],
            textposition="inside",
            textangle=0,
            insidetextanchor="middle",
            textfont={"color": "white", "size": 13},
            hovertemplate="%{y:,}",
        )
    # Labels stay level; one that does not fit its segment is left out (the numbers are in the
    # table under the chart) rather than rotated over the hatching.
    fig.update_layout(barmode="stack", uniformtext={"minsize": 12, "mode": "hide"})
    base_layout(fig, title, y_title, context, x_title=x_title)
    return fig
