"""Pure figure builders for the Services page: profiles of a service beside the at-risk cohort
(an age pyramid by gender, ethnicity shares) and the coverage funnel. Data in, figure out.

Profiles are drawn as percentages of each group's total so a service of 147 and a cohort of 900
can be read side by side; a hidden count (c) is a gap, never a zero, and its share is not shown.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard import theme
from dashboard.charts import ChartContext, base_layout
from dashboard.map_charts import FLAG_COLOURS
from domain.disclosure import TOTAL
from domain.services import AGE_BAND_LABELS, AGE_ORDER, GENDER_GROUPS

SERVICE_COLOURS = {
    "trusted_relationships": theme.DARK_BLUE,
    "turnaround": theme.TURQUOISE,
    "sfayc": theme.ORANGE,
    "breaking_the_cycle": theme.DARK_PINK,
}
PROVIDER_COLOURS = {
    "barnardos": theme.DARK_BLUE,
    "james": theme.TURQUOISE,
    "emerge": theme.DARK_PINK,
    "project_6": theme.ORANGE,
    "ymca": theme.LIGHT_PURPLE,
    "brathay": theme.MID_BLUE,
    "council": theme.OLIVE,
    "other": theme.MID_GREY,
}
DELIVERY_COLOURS = {"one_to_one": theme.DARK_BLUE, "group_work": theme.LIGHT_BLUE}
GROUP_COLOURS = {"service": theme.DARK_BLUE, "at_risk": theme.ORANGE}
GENDER_COLOURS = {"female": theme.DARK_PINK, "male": theme.TURQUOISE}


def shares(table: pl.DataFrame, dims: list[str], value: str = "cases") -> pl.DataFrame:
    """Each visible interior cell as a percentage of its population's visible total (null where
    the cell or the total is hidden)."""
    totals = table.filter(pl.all_horizontal([pl.col(d) == TOTAL for d in dims])).select(
        "population", pl.col(value).alias("_total")
    )
    cells = table.filter(
        (pl.col("population") != TOTAL) & pl.all_horizontal([pl.col(d) != TOTAL for d in dims])
    )
    return (
        cells.join(totals, on="population", how="left")
        .with_columns((100 * pl.col(value) / pl.col("_total")).alias("share"))
        .drop("_total")
    )


def pyramid_figure(
    pyramid: pl.DataFrame, labels: Mapping[str, str], title: str, context: ChartContext
) -> go.Figure:
    """Two age pyramids side by side (females to the left, males to the right), as % of each
    group: ``labels`` names the groups (``service``, ``at_risk``). 'Other or not known' gender
    and unknown ages are left out of the drawing (they are in the table)."""
    data = shares(pyramid, ["age_band", "gender"])
    present = set(pyramid["age_band"].to_list())
    bands = [b for b in AGE_ORDER if b in present and b != "not_known"]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06,
                        subplot_titles=[labels["service"], labels["at_risk"]])  # fmt: skip
    peak = max([s for s in data["share"].to_list() if s is not None] + [10.0])
    for col, group in enumerate(("service", "at_risk"), start=1):
        for gender, sign, pattern in (("female", -1, ""), ("male", 1, "/")):
            part = data.filter((pl.col("population") == group) & (pl.col("gender") == gender))
            by_band = dict(zip(part["age_band"].to_list(), part["share"].to_list(), strict=True))
            x = [None if by_band.get(b) is None else sign * by_band[b] for b in bands]
            fig.add_bar(
                x=x, y=[AGE_BAND_LABELS[b] for b in bands], orientation="h",
                name=GENDER_GROUPS[gender], legendgroup=gender, showlegend=col == 1,
                marker={"color": GENDER_COLOURS[gender],
                        "pattern": {"shape": pattern, "fgcolor": "white", "size": 7,
                                    "fillmode": "overlay"}},
                customdata=[None if v is None else abs(v) for v in x],
                hovertemplate=f"{GENDER_GROUPS[gender]} %{{y}}: %{{customdata:.1f}}%<extra></extra>",
                row=1, col=col,
            )  # fmt: skip
    base_layout(fig, title, "Age (years)", context, x_title="Per cent of the group")
    ticks = [-40, -30, -20, -10, 0, 10, 20, 30, 40]
    limit = min(60.0, peak * 1.15)
    fig.update_xaxes(tickvals=ticks, ticktext=[f"{abs(t)}%" for t in ticks],
                     range=[-limit, limit], title="Per cent of the group (female ← → male)")  # fmt: skip
    labels_in_order = [AGE_BAND_LABELS[b] for b in bands]
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=labels_in_order,
        automargin=True,
        tickformat="",
    )  # "10-11" must not be read as a date
    fig.update_yaxes(title={"text": "Age (years)", "standoff": 14}, row=1, col=1)
    fig.update_yaxes(title=None, row=1, col=2)
    fig.update_layout(barmode="relative", bargap=0.1, hovermode="closest")
    return fig


def ethnicity_figure(
    ethnicity: pl.DataFrame,
    labels: Mapping[str, str],
    order: list[str],
    title: str,
    context: ChartContext,
) -> go.Figure:
    """Share of each group by ethnicity: the service beside the children at risk."""
    data = shares(ethnicity, ["ethnicity"])
    fig = go.Figure()
    for index, group in enumerate(("service", "at_risk")):
        part = data.filter(pl.col("population") == group)
        by_cat = dict(zip(part["ethnicity"].to_list(), part["share"].to_list(), strict=True))
        fig.add_bar(
            y=order, x=[by_cat.get(cat) for cat in order], orientation="h", name=labels[group],
            marker={"color": GROUP_COLOURS[group],
                    "pattern": {"shape": theme.pattern_for(index * 2), "fgcolor": "white",
                                "fillmode": "overlay"}},
            hovertemplate="%{y}: %{x:.1f}%<extra>" + labels[group] + "</extra>",
        )  # fmt: skip
    base_layout(fig, title, "", context, x_title="Per cent of the group (ethnicity as recorded)")
    fig.update_yaxes(
        type="category", autorange="reversed", tickformat="", automargin=True, title=None
    )
    fig.update_xaxes(ticksuffix="%")
    fig.update_layout(barmode="group", hovermode="closest", height=max(520, 60 + 34 * len(order)))
    return fig


def coverage_funnel(
    flagged: pl.DataFrame,
    curve: pl.DataFrame,
    flag_labels: Mapping[str, str],
    flag_markers: Mapping[str, str],
    title: str,
    context: ChartContext,
) -> go.Figure:
    """Children in a service per 100 children at risk against the number at risk, with the
    district ratio and exact Poisson 95% / 99.8% limits. Flags differ by marker and label."""
    fig = go.Figure()
    x = curve["population"].to_list()
    for name, dash in (("99.8", "dash"), ("95", "dot")):
        for side in ("upper", "lower"):
            fig.add_scatter(
                x=x, y=curve[f"{side}_{name}"].to_list(), mode="lines", hoverinfo="skip",
                line={"color": theme.DARK_GREY, "dash": dash, "width": 1.5},
                name=f"{name}% control limits", legendgroup=name, showlegend=side == "upper",
            )  # fmt: skip
    if flagged.height:
        district = float(flagged["district_ratio"][0])
        fig.add_scatter(x=[x[0], x[-1]], y=[district, district], mode="lines", hoverinfo="skip",
                        name="District ratio", line={"color": "#0B0C0C", "width": 2})  # fmt: skip
    for flag, label in flag_labels.items():
        part = flagged.filter(pl.col("flag") == flag)
        if not part.height:
            continue
        labelled = flag in ("low_998", "low_95")
        fig.add_scatter(
            x=part["at_risk"].to_list(), y=part["ratio"].to_list(),
            mode="markers+text" if labelled else "markers",
            text=part["name"].to_list() if labelled else None, textposition="bottom center",
            marker={"symbol": flag_markers[flag], "size": 13, "color": FLAG_COLOURS[flag],
                    "line": {"color": "white", "width": 1}},
            name=label,
            customdata=list(zip(part["name"].to_list(), part["in_service"].to_list(), strict=True)),
            hovertemplate="<b>%{customdata[0]}</b><br>%{y:,.0f} in a service per 100 at risk<br>"
            "In a service: %{customdata[1]:,}<br>At risk: %{x:,}<extra></extra>",
        )  # fmt: skip
    base_layout(fig, title, "Children in a service per 100 at risk", context,
                x_title="Children at risk at month end in the area")  # fmt: skip
    fig.update_layout(hovermode="closest")
    top = max([*flagged["ratio"].to_list(), 0.0]) if flagged.height else 100.0
    district = float(flagged["district_ratio"][0]) if flagged.height else 50.0
    fig.update_yaxes(tickformat=",.0f", range=[0, max(top * 1.15, district * 2.5)])
    return fig
