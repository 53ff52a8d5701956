"""Pure map and funnel figure builders: choropleths of wards or postcode districts, the hot-spot
funnel plot and locations of concern. Data in, ``plotly.graph_objects.Figure`` out."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
import polars as pl
import shapely
from plotly.colors import sample_colorscale
from shapely.geometry import shape

from dashboard import theme
from dashboard.charts import HIDDEN_FILL, ChartContext, base_layout, wrap_title


def choropleth(
    geojson: dict,
    frame: pl.DataFrame,
    title: str,
    value_label: str,
    context: ChartContext,
    center: dict[str, float],
    zoom: float,
    map_style: str = "white-bg",
    outline: dict | None = None,
    context_geojson: dict | None = None,
    hidden_hatch: dict | None = None,
) -> go.Figure:
    """A MapLibre choropleth of ``frame`` (code, name, value, rank) over ``geojson`` features.

    ``white-bg`` needs no network at all, so the map draws offline; an area outline (the chosen
    Area Committee) is drawn as a thick line layer on top.
    """
    fig = go.Figure()
    if context_geojson is not None:
        ids = [f["id"] for f in context_geojson["features"]]
        fig.add_trace(
            go.Choroplethmap(
                geojson=context_geojson,
                locations=ids,
                z=[0] * len(ids),
                colorscale=[[0, theme.CONTEXT_GREY], [1, theme.CONTEXT_GREY]],
                showscale=False,
                marker={"line": {"color": "white", "width": 1}},
                hoverinfo="skip",
                name="Rest of district",
            )
        )
    if "suppressed" not in frame.columns:
        frame = frame.with_columns(suppressed=pl.lit(False))
    hidden = frame.filter(pl.col("suppressed"))
    frame = frame.filter(~pl.col("suppressed"))
    if hidden.height:
        fig.add_trace(
            go.Choroplethmap(
                geojson=geojson,
                locations=hidden["code"].to_list(),
                z=[0] * hidden.height,
                customdata=hidden["name"].to_list(),
                colorscale=[[0, HIDDEN_FILL], [1, HIDDEN_FILL]],
                showscale=False,
                marker={"line": {"color": "white", "width": 1}},
                hovertemplate=(
                    "<b>%{customdata}</b><br>ONS code: %{location}<br>"
                    + value_label
                    + ": c (hidden to protect children's privacy)<extra></extra>"
                ),
                name="Number hidden",
            )
        )
    codes = frame["code"].to_list()
    values = frame["value"].to_list()
    custom = list(zip(frame["name"].to_list(), frame["rank"].to_list(), strict=True))
    fig.add_trace(
        go.Choroplethmap(
            geojson=geojson,
            locations=codes,
            z=values,
            customdata=custom,
            colorscale=theme.MAP_SCALE,
            zauto=False,
            zmin=0,
            zmax=max([v for v in values if v is not None] + [1]),
            marker={"line": {"color": "white", "width": 1}, "opacity": 0.9},
            colorbar={"title": {"text": value_label}, "tickformat": ",d", "thickness": 18},
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>ONS code: %{location}<br>"
                + value_label
                + ": %{z:,}<br>Rank: %{customdata[1]} of "
                + str(len(codes))
                + "<extra></extra>"
            ),
            name=value_label,
        )
    )
    layers = []
    if hidden_hatch is not None and hidden.height:
        layers.append(
            {"source": hidden_hatch, "type": "line", "color": "#505A5F", "line": {"width": 1.2}}
        )
        fig.add_annotation(
            text="▨ Hatched grey: number hidden (c) to protect children's privacy",
            xref="paper", yref="paper", x=0, y=1.0, showarrow=False, xanchor="left",
            yanchor="top", bgcolor="rgba(255,255,255,0.9)", font={"size": 14, "color": "#0B0C0C"},
        )  # fmt: skip
    if outline is not None:
        layers.append({"source": outline, "type": "line", "color": "#0B0C0C", "line": {"width": 4}})
    title, lines = wrap_title(title, 48)
    fig.update_layout(
        map={"style": map_style, "center": center, "zoom": zoom, "layers": layers},
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 20}},
        font={"family": theme.FONT_FAMILY, "size": theme.FONT_SIZE},
        height=620,
        margin={"l": 0, "r": 0, "t": 34 + 26 * lines, "b": 40},
        clickmode="event+select",
    )
    fig.add_annotation(
        text=context.footer,
        xref="paper",
        yref="paper",
        x=0,
        y=-0.05,
        showarrow=False,
        xanchor="left",
        font={"size": 13, "color": "#505A5F"},
    )
    return fig


HIDDEN_NOTE = "▨ Hatched grey: number hidden (c) to protect children's privacy"
TARGETS_ACROSS = 48  # click points across the map's wider side: a few in the smallest ward


def _rings(geometry: dict) -> list[list[list[float]]]:
    """Outer rings of a Polygon, MultiPolygon or (area outline) LineString/MultiLineString."""
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        return [coordinates[0]]
    if kind == "MultiPolygon":
        return [polygon[0] for polygon in coordinates]
    if kind == "LineString":
        return [coordinates]
    if kind == "MultiLineString":
        return list(coordinates)
    return []


def _xy(rings: list[list[list[float]]]) -> tuple[list[float | None], list[float | None]]:
    """Rings as one x and one y list, broken by None (Plotly draws and fills each part)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in rings:
        xs += [round(point[0], 5) for point in ring] + [None]
        ys += [round(point[1], 5) for point in ring] + [None]
    return xs[:-1], ys[:-1]


def _click_targets(
    geometries: Mapping[str, dict], bounds: tuple[float, float, float, float], stretch: float
) -> dict[str, tuple[list[float], list[float]]]:
    """Points on an even grid inside each area (and one point that is surely inside), so a click
    or a hover anywhere in an area lands near one of its points: a filled shape cannot be
    selected in Plotly, a point can."""
    west, south, east, north = bounds
    step = max((east - west) / stretch, north - south) / TARGETS_ACROSS
    grid_x, grid_y = np.meshgrid(
        np.arange(west + step * stretch / 2, east, step * stretch),
        np.arange(south + step / 2, north, step),
    )
    grid_x, grid_y = grid_x.ravel(), grid_y.ravel()
    targets = {}
    for code, geometry in geometries.items():
        area = shape(geometry)
        xs, ys = grid_x, grid_y
        inside = shapely.contains_xy(area, xs, ys)
        if inside.sum() < 4:  # a small area (a city-centre postcode district): a finer grid
            left, bottom, right, top = area.bounds
            xs, ys = (a.ravel() for a in np.meshgrid(
                np.arange(left, right, step * stretch / 3), np.arange(bottom, top, step / 3)
            ))  # fmt: skip
            inside = shapely.contains_xy(area, xs, ys)
        point = area.representative_point()
        targets[code] = (
            [round(point.x, 5), *np.round(xs[inside], 5).tolist()],
            [round(point.y, 5), *np.round(ys[inside], 5).tolist()],
        )
    return targets


def shape_choropleth(
    geojson: dict,
    frame: pl.DataFrame,
    title: str,
    value_label: str,
    context: ChartContext,
    outline: dict | None = None,
    context_geojson: dict | None = None,
) -> go.Figure:
    """The plain-background choropleth drawn as SVG shapes on hidden axes (no map tiles, no
    WebGL): cheap for the browser to build again whenever the figure changes, and offline.

    ``frame`` has code, name, value and rank (and optionally suppressed). Each area is a filled
    shape coloured on ``theme.MAP_SCALE``; hidden areas are grey and hatched; the rest of the
    district (``context_geojson``) is plain grey and the chosen area is outlined in black. Under
    each area lie invisible points carrying its hover text; clicking one selects it, and the
    point's ``customdata`` is the area's code. Each area's trace has ``meta`` = [name, code,
    value, rank] (value None when hidden).
    """
    if "suppressed" not in frame.columns:
        frame = frame.with_columns(suppressed=pl.lit(False))
    rows = {row["code"]: row for row in frame.iter_rows(named=True)}
    features = [f for f in geojson["features"] if f["id"] in rows]
    geometries = {f["id"]: f["geometry"] for f in features}
    shown = [
        rows[code]["value"]
        for code in geometries
        if not rows[code]["suppressed"] and rows[code]["value"] is not None
    ]
    top = max([*shown, 1])
    bounds = shapely.GeometryCollection([shape(g) for g in geometries.values()]).bounds
    stretch = 1 / math.cos(math.radians((bounds[1] + bounds[3]) / 2))  # lon degrees per lat degree
    fig = go.Figure()
    if context_geojson is not None and context_geojson["features"]:
        rest_x, rest_y = _xy(
            [r for f in context_geojson["features"] for r in _rings(f["geometry"])]
        )
        fig.add_scatter(x=rest_x, y=rest_y, fill="toself", fillcolor=theme.CONTEXT_GREY,
                        mode="lines", line={"color": "white", "width": 1}, hoverinfo="skip",
                        name="Rest of district")  # fmt: skip
    hidden = [
        code for code in geometries if rows[code]["suppressed"] or rows[code]["value"] is None
    ]
    if hidden:
        hidden_x, hidden_y = _xy([r for code in hidden for r in _rings(geometries[code])])
        fig.add_scatter(
            x=hidden_x, y=hidden_y, fill="toself", fillcolor=HIDDEN_FILL, mode="lines",
            line={"color": "white", "width": 1}, hoverinfo="skip", name="Number hidden",
            fillpattern={"shape": "/", "fgcolor": "#505A5F", "bgcolor": HIDDEN_FILL, "size": 9,
                         "solidity": 0.15},
        )  # fmt: skip
    colours = {
        code: HIDDEN_FILL
        if code in hidden
        else sample_colorscale(theme.MAP_SCALE, [rows[code]["value"] / top])[0]
        for code in geometries
    }
    for code in geometries:
        if code in hidden:
            continue
        x, y = _xy(_rings(geometries[code]))
        fill = colours[code].replace("rgb(", "rgba(").replace(")", ", 0.9)")  # as the tile map
        fig.add_scatter(x=x, y=y, fill="toself", fillcolor=fill, mode="lines",
                        line={"color": "white", "width": 1}, hoverinfo="skip",
                        name=rows[code]["name"])  # fmt: skip
    if outline is not None:
        line_x, line_y = _xy(_rings(outline["geometry"]))
        fig.add_scatter(x=line_x, y=line_y, mode="lines", line={"color": "#0B0C0C", "width": 4},
                        hoverinfo="skip", name="Area outline")  # fmt: skip
    count = len(geometries) - len(hidden)
    shown_template = (
        "<b>%{meta[0]}</b><br>ONS code: %{meta[1]}<br>" + value_label
        + ": %{meta[2]:,}<br>Rank: %{meta[3]} of " + str(count) + "<extra></extra>"
    )  # fmt: skip
    hidden_template = (
        "<b>%{meta[0]}</b><br>ONS code: %{meta[1]}<br>" + value_label
        + ": c (hidden to protect children's privacy)<extra></extra>"
    )  # fmt: skip
    for code, (xs, ys) in _click_targets(geometries, bounds, stretch).items():
        row, is_hidden = rows[code], code in hidden
        fig.add_scatter(
            x=xs, y=ys, mode="markers", customdata=[code] * len(xs), name=row["name"],
            meta=[row["name"], code, None if is_hidden else row["value"], row["rank"]],
            hovertemplate=hidden_template if is_hidden else shown_template,
            # Hover and selection read every point; only one is drawn (and that one unseen).
            # The hover box takes the area's colour, as on the tile map.
            marker={"size": 12, "opacity": 0, "maxdisplayed": 1, "color": colours[code]},
        )  # fmt: skip
    # The colour key: a trace with no points that only draws the colour bar.
    fig.add_scatter(
        x=[None], y=[None], mode="markers", hoverinfo="skip", name=value_label,
        marker={"colorscale": theme.MAP_SCALE, "cmin": 0, "cmax": top, "color": [0],
                "showscale": True,
                "colorbar": {"title": {"text": value_label}, "tickformat": ",d", "thickness": 18}},
    )  # fmt: skip
    if hidden:
        fig.add_annotation(
            text=HIDDEN_NOTE, xref="paper", yref="paper", x=0, y=1.0, showarrow=False,
            xanchor="left", yanchor="top", bgcolor="rgba(255,255,255,0.9)",
            font={"size": 14, "color": "#0B0C0C"},
        )  # fmt: skip
    west, south, east, north = bounds
    pad_x, pad_y = (east - west) * 0.03, (north - south) * 0.03
    fig.update_xaxes(visible=False, range=[west - pad_x, east + pad_x])
    fig.update_yaxes(visible=False, range=[south - pad_y, north + pad_y], scaleanchor="x",
                     scaleratio=stretch)  # fmt: skip
    title, lines = wrap_title(title, 48)
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 20}},
        font={"family": theme.FONT_FAMILY, "size": theme.FONT_SIZE},
        height=620,
        margin={"l": 0, "r": 0, "t": 34 + 26 * lines, "b": 40},
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
        hovermode="closest",
        clickmode="event+select",
    )
    fig.add_annotation(
        text=context.footer, xref="paper", yref="paper", x=0, y=-0.05, showarrow=False,
        xanchor="left", font={"size": 13, "color": "#505A5F"},
    )  # fmt: skip
    return fig


def clicked_area(points: list[dict]) -> str | None:
    """The code of the area clicked on a map (Streamlit's selection points): a shape map's
    point carries it as ``customdata``, a tile map's area as ``location``."""
    if not points:
        return None
    point = points[0]
    code = point.get("location") or point.get("customdata")
    return code if isinstance(code, str) else None


def _label_high_areas(fig: go.Figure, flagged: pl.DataFrame, curve: pl.DataFrame) -> None:
    """Names of the areas above the limits, each on its own line of height: labels are stacked
    from the highest rate down at least 8% of the axis apart, with a thin line to their point,
    so two close points never get overlapping names."""
    high = flagged.filter(pl.col("flag").is_in(["high_998", "high_95"])).sort(
        "rate", descending=True
    )
    if not high.height:
        return
    top = max([*flagged["rate"].to_list(), *curve["upper_99.8"].to_list(), 1.0])
    gap, label_y = 0.08 * top, None
    for row in high.iter_rows(named=True):
        wanted = row["rate"] + 0.07 * top
        label_y = wanted if label_y is None else min(wanted, label_y - gap)
        fig.add_annotation(
            x=row["population"], y=row["rate"], ax=row["population"], ay=label_y,
            axref="x", ayref="y", text=row["name"], showarrow=True, arrowhead=0, arrowwidth=1,
            arrowcolor="#6F777B", font={"size": 13, "color": "#0B0C0C"},
            bgcolor="rgba(255,255,255,0.85)",
        )  # fmt: skip


FLAG_COLOURS = {
    "high_998": theme.DARK_PINK,
    "high_95": theme.ORANGE,
    "within": theme.MID_GREY,
    "low_95": theme.LIGHT_BLUE,
    "low_998": theme.DARK_BLUE,
}


def funnel_chart(
    flagged: pl.DataFrame,
    curve: pl.DataFrame,
    flag_labels: Mapping[str, str],
    flag_markers: Mapping[str, str],
    title: str,
    y_title: str,
    context: ChartContext,
) -> go.Figure:
    """Funnel plot: each area's rate against its population of children, the district rate, and
    95% / 99.8% control limits. Flags differ by marker shape and text label, not only colour."""
    fig = go.Figure()
    district = float(flagged["district_rate"][0]) if flagged.height else 0.0
    x = curve["population"].to_list()
    for name, dash in (("99.8", "dash"), ("95", "dot")):
        for side in ("upper", "lower"):
            fig.add_scatter(
                x=x, y=curve[f"{side}_{name}"].to_list(), mode="lines",
                line={"color": theme.DARK_GREY, "dash": dash, "width": 1.5},
                name=f"{name}% control limits", legendgroup=name, showlegend=side == "upper",
                hoverinfo="skip",
            )  # fmt: skip
    fig.add_scatter(
        x=[x[0], x[-1]], y=[district, district], mode="lines", name="District rate",
        line={"color": "#0B0C0C", "width": 2}, hoverinfo="skip",
    )  # fmt: skip
    for flag, label in flag_labels.items():
        part = flagged.filter(pl.col("flag") == flag)
        if not part.height:
            continue
        fig.add_scatter(
            x=part["population"].to_list(),
            y=part["rate"].to_list(),
            mode="markers",
            marker={"symbol": flag_markers[flag], "size": 13, "color": FLAG_COLOURS[flag],
                    "line": {"color": "white", "width": 1}},
            name=label,
            customdata=list(zip(part["name"].to_list(), part["count"].to_list(), strict=True)),
            hovertemplate="<b>%{customdata[0]}</b><br>Rate: %{y:,.1f} per 10,000<br>"
            "Count: %{customdata[1]:,}<br>Children aged 0-17: %{x:,}<extra>" + label + "</extra>",
        )  # fmt: skip
    _label_high_areas(fig, flagged, curve)
    base_layout(fig, title, y_title, context, x_title="Children aged 0-17 in the area")
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(tickformat=",d")
    fig.update_yaxes(tickformat=",.0f")
    return fig


def add_location_points(
    fig: go.Figure, points: pl.DataFrame, status_labels: Mapping[str, str]
) -> go.Figure:
    """Locations of concern as points at their postcode centroid: one trace per status, each
    with its own colour and a letter on the marker (O, M, C) so status never relies on colour."""
    colours = {"open": "#0B0C0C", "monitoring": "#505A5F", "closed": theme.LIGHT_PURPLE}
    sizes = {"open": 18, "monitoring": 13, "closed": 9}
    for status, label in status_labels.items():
        part = points.filter(pl.col("status") == status)
        if not part.height:
            continue
        # Markers only: text on a tile map needs font glyphs from the internet.
        fig.add_trace(
            go.Scattermap(
                lat=part["lat"].to_list(), lon=part["lon"].to_list(), mode="markers",
                marker={"size": sizes.get(status, 12), "color": colours.get(status, theme.MID_GREY),
                        "opacity": 0.9},
                name=f"Location: {label} ({'large' if sizes.get(status, 12) > 15 else 'medium' if sizes.get(status, 12) > 10 else 'small'} dot)",
                customdata=list(zip(part["name"].to_list(), part["type_label"].to_list(),
                                    part["first_reported"].cast(pl.String).to_list(),
                                    part["linked_children"].to_list(),
                                    part["disruption"].fill_null("none yet").to_list(), strict=True)),
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} · " + label
                + "<br>First reported %{customdata[2]}<br>Linked children: %{customdata[3]}"
                "<br>Disruption: %{customdata[4]}<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": 14}},
        title={"yref": "container", "y": 0.97, "yanchor": "top"},
        margin={"t": 190},
        height=700,
    )
    return fig


def add_flag_legend(fig: go.Figure, flag_labels: Mapping[str, str]) -> go.Figure:
    """A legend for the areas' flag colours (the choropleth itself has no colour bar)."""
    for flag, label in flag_labels.items():
        fig.add_trace(
            go.Scattermap(
                lat=[None], lon=[None], mode="markers", name=f"Area: {label}",
                marker={"size": 14, "color": FLAG_COLOURS[flag]}, hoverinfo="skip",
            )
        )  # fmt: skip
    return fig
