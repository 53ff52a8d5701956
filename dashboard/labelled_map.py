"""A ward map drawn as plain shapes on axes, with each ward's name and value written on it.

Used by the briefing slide and the PDF pack: it needs no map tiles and no font glyphs from the
internet (a tile map's text layers fetch glyphs from fonts.openmaptiles.org), so it draws offline,
prints sharply and can carry the ward names a councillor looks for.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
from plotly.colors import sample_colorscale
from shapely.geometry import shape

from dashboard import theme
from dashboard.charts import HIDDEN_FILL, ChartContext
from domain.formatting import format_count


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [polygon[0] for polygon in polygons]


def _xy(rings: list[list[list[float]]]) -> tuple[list[float | None], list[float | None]]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in rings:
        xs += [point[0] for point in ring] + [None]
        ys += [point[1] for point in ring] + [None]
    return xs, ys


def labelled_ward_map(
    features: list[dict],
    rest: list[dict],
    table: pl.DataFrame,
    title: str,
    value_label: str,
    context: ChartContext,
    height: int = 620,
    label_size: int = 14,
) -> go.Figure:
    """``table`` has code, name, value (nullable) and suppressed; hidden wards are hatched grey."""
    rows = {row["code"]: row for row in table.iter_rows(named=True)}
    values = [r["value"] for r in rows.values() if r["value"] is not None and not r["suppressed"]]
    top = max(values + [1])
    fig = go.Figure()
    rest_x, rest_y = _xy([ring for f in rest for ring in _rings(f["geometry"])])
    if rest_x:
        fig.add_scatter(x=rest_x, y=rest_y, fill="toself", fillcolor=theme.CONTEXT_GREY,
                        line={"color": "white", "width": 1}, mode="lines", hoverinfo="skip",
                        name="Rest of the district", showlegend=True)  # fmt: skip
    hidden_shown = False
    for feature in features:
        row = rows.get(feature["id"])
        if row is None:
            continue
        x, y = _xy(_rings(feature["geometry"]))
        hidden = bool(row["suppressed"]) or row["value"] is None
        colour = (
            HIDDEN_FILL if hidden else sample_colorscale(theme.MAP_SCALE, [row["value"] / top])[0]
        )
        fig.add_scatter(
            x=x, y=y, fill="toself", fillcolor=colour, mode="lines",
            line={"color": "#0B0C0C", "width": 1.2},
            fillpattern={"shape": "/", "fgcolor": "#505A5F", "size": 8} if hidden else None,
            name="Number hidden (c)", legendgroup="hidden", showlegend=hidden and not hidden_shown,
            hovertemplate=f"<b>{row['name']}</b><br>{value_label}: "
            f"{format_count(None if hidden else row['value'])}<extra></extra>",
        )  # fmt: skip
        hidden_shown = hidden_shown or hidden
        point = shape(feature["geometry"]).representative_point()
        value_text = "c" if hidden else format_count(row["value"])
        dark = not hidden and row["value"] / top > 0.55
        fig.add_annotation(
            x=point.x, y=point.y, text=f"<b>{row['name']}</b><br>{value_text}", showarrow=False,
            font={"size": label_size, "color": "white" if dark else "#0B0C0C"},
        )  # fmt: skip
    # The colour key: an invisible trace that only draws the colour bar.
    fig.add_scatter(
        x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker={"colorscale": theme.MAP_SCALE, "cmin": 0, "cmax": top, "color": [0],
                "showscale": True,
                "colorbar": {"title": {"text": value_label}, "tickformat": ",d", "thickness": 18}},
    )  # fmt: skip
    # Zoomed to the area's wards; the rest of the district is cut at the frame.
    bounds = [shape(f["geometry"]).bounds for f in features if f["id"] in rows]
    west, south = min(b[0] for b in bounds), min(b[1] for b in bounds)
    east, north = max(b[2] for b in bounds), max(b[3] for b in bounds)
    pad_x, pad_y = (east - west) * 0.06, (north - south) * 0.06
    latitude = (south + north) / 2
    fig.update_xaxes(visible=False, range=[west - pad_x, east + pad_x])
    fig.update_yaxes(
        visible=False, range=[south - pad_y, north + pad_y], scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(latitude)),
    )  # fmt: skip
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 20}},
        font={"family": theme.FONT_FAMILY, "size": theme.FONT_SIZE, "color": "#0B0C0C"},
        height=height, plot_bgcolor="white", paper_bgcolor="white", hovermode="closest",
        margin={"l": 10, "r": 10, "t": 60, "b": 50},
        legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "top", "font": {"size": 14}},
    )  # fmt: skip
    fig.add_annotation(
        text=context.footer.replace("<br>", " · "), xref="paper", yref="paper", x=0, y=-0.08,
        showarrow=False, xanchor="left", yanchor="top", font={"size": 13, "color": "#505A5F"},
    )  # fmt: skip
    return fig
