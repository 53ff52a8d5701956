"""The briefing's charts and tables, built once and used by both the slides and the PDF pack."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, map_charts, release_charts, theme
from dashboard.labelled_map import labelled_ward_map
from domain.briefing_figures import BriefingFigures, Headline
from domain.chart_text import ranked_summary, series_summary
from domain.disclosure import TOTAL
from domain.formatting import format_count
from domain.mapdata import map_table
from domain.objectives import objective_summary
from domain.vocab import RAG_MARKERS, RAG_STATUSES, RISK_LEVELS
from geo import boundaries

SLIDE_TITLES = (
    "Headline figures",
    "Where: the area's wards",
    "Trends in the area",
    "What partners are doing",
    "Services reaching the area",
    "Definitions and data notes",
)

SERVICES = (
    ("Trusted Relationships", "one-to-one and group work with young people at risk (Barnardo's, "
     "JAMES, e;merge, Project 6, Bradford YMCA)"),
    ("Turnaround", "early support for children on the edge of the youth justice system"),
    ("Breaking the Cycle", "funded by the Violence Reduction Unit"),
    ("Supporting Families against Youth Crime", "key-worker support for ages 6 to 13"),
    ("Youth Service locality teams", "detached and centre-based youth work in every area"),
    ("Bradford District Police Cyber Team", "online safety sessions for schools and parents"),
)  # fmt: skip

DEFINITIONS = (
    ("Child exploitation (CE)", "An individual or group takes advantage of an imbalance of power "
     "to coerce, control, manipulate or deceive a child under 18, in exchange for something the "
     "child needs or wants, for the gain of the perpetrator, or through violence or its threat. "
     "It can happen online."),
    ("Child sexual exploitation (CSE)", "A form of child sexual abuse: a child is coerced, "
     "manipulated or deceived into sexual activity."),
    ("Child criminal exploitation (CCE)", "A child is coerced, manipulated or deceived into "
     "criminal activity, such as moving drugs or money."),
    ("County lines", "Gangs moving illegal drugs from one area to another using dedicated phone "
     "lines, often using children and vulnerable adults to carry and store drugs and money."),
    ("Cuckooing", "Criminals take over the home of a vulnerable person to use as a base."),
    ("Human trafficking", "Arranging or helping the travel of a person in order to exploit them; "
     "for a child, consent is irrelevant."),
    ("Harmful sexual behaviour", "Sexual behaviour by children and young people that is not "
     "appropriate for their development and may be harmful or abusive."),
    ("Risk levels", "After a referral, professionals use the Risk Assessment Tool to assess a "
     "child as at emerging, moderate or significant risk; the Risk Assessment Meeting tracks "
     "every child at any level."),
)  # fmt: skip


def data_notes(threshold: int, synthetic: bool) -> list[str]:
    notes = [
        f"c: hidden to protect children's privacy. Counts from 1 to {threshold - 1} are hidden, "
        "and further numbers so that no hidden one can be worked out from everything published, "
        "now or before. Zero is shown.",
        "Every number is a cell of the public release: the 12 months to the release month "
        "against the 12 before, financial quarters, and children at risk at month ends.",
        "Children at risk are counted at month end; referrals and missing episodes where they "
        "happened. 'Children who went missing' counts each child once in the period.",
        "Ward shapes are approximate, from ONS postcode points. Contains OS, Royal Mail and ONS "
        "data © Crown copyright and database right; Open Government Licence v3.0.",
    ]
    if synthetic:
        notes.insert(0, "These figures are synthetic demo data. No real child is described.")
    return notes


def headline_rows(figures: BriefingFigures, threshold: int) -> list[list[str]]:
    """Rows of the headline table: measure, area last year, area this year, district both."""

    def shown(figure) -> str:  # noqa: ANN001
        return format_count(figure.value)

    rows = []
    for headline in (figures.cohort, *figures.headlines):
        rows.append(
            [
                headline.label,
                shown(headline.area["previous"]),
                shown(headline.area["current"]),
                _change_text(headline, "area"),
                shown(headline.district["previous"]),
                shown(headline.district["current"]),
                _change_text(headline, "district"),
            ]
        )
    return rows


def _change_text(headline: Headline, where: str) -> str:
    values = headline.area if where == "area" else headline.district
    before, after = values["previous"].value, values["current"].value
    if before is None or after is None:
        return "c"
    if before == 0:
        return "—"
    pct = 100 * (after - before) / before
    return "no change" if round(pct) == 0 else f"{'+' if pct > 0 else '-'}{abs(pct):.0f}%"


def map_figure(figures: BriefingFigures, context: charts.ChartContext) -> go.Figure:
    """The area's wards by referrals in the period, the rest of the district greyed."""
    ward_names = boundaries.names("ward")
    values = figures.ward_referrals.filter(pl.col("code") != TOTAL)
    names = {code: ward_names[code] for code in values["code"].to_list()}
    table = map_table(values, names)
    layer = boundaries.geojson("ward")
    shown = {
        "type": "FeatureCollection",
        "features": [f for f in layer["features"] if f["id"] in names],
    }
    rest = {
        "type": "FeatureCollection",
        "features": [f for f in layer["features"] if f["id"] not in names],
    }
    hidden = frozenset(table.filter(pl.col("suppressed"))["code"].to_list())
    view = boundaries.view_of("ward", codes=frozenset(names))
    return map_charts.choropleth(
        shown,
        table,
        f"Referrals by ward, {figures.area_name}, {figures.period.label()}",
        "Referrals",
        context,
        view.center,
        view.zoom,
        outline=boundaries.outline("ward", frozenset(names)),
        context_geojson=rest,
        hidden_hatch=boundaries.hatch("ward", hidden) if hidden else None,
    )


def _ward_table(figures: BriefingFigures) -> pl.DataFrame:
    ward_names = boundaries.names("ward")
    values = figures.ward_referrals.filter(pl.col("code") != TOTAL)
    return map_table(values, {code: ward_names[code] for code in values["code"].to_list()})


def ward_map_figure(
    figures: BriefingFigures, context: charts.ChartContext, height: int = 620, label_size: int = 14
) -> go.Figure:
    """The area's wards with their names and referrals written on them (no tiles, no glyphs)."""
    table = _ward_table(figures)
    codes = set(table["code"].to_list())
    layer = boundaries.geojson("ward")
    return labelled_ward_map(
        [f for f in layer["features"] if f["id"] in codes],
        [f for f in layer["features"] if f["id"] not in codes],
        table,
        f"Referrals by ward, {figures.area_name}, {figures.period.label()}",
        "Referrals",
        context,
        height=height,
        label_size=label_size,
    )


def ward_table(figures: BriefingFigures) -> pl.DataFrame:
    """The map's numbers as a table ("c" for hidden)."""
    return pl.DataFrame(ward_rows(figures), schema=["Ward", "Referrals"], orient="row")


def ward_map_summary(figures: BriefingFigures) -> str:
    table = _ward_table(figures)
    return ranked_summary(
        f"Referrals by ward, {figures.area_name}, {figures.period.label()}",
        list(zip(table["name"].to_list(), table["value"].to_list(), strict=True)),
        "referrals",
    )


def trend_charts(
    figures: BriefingFigures, context: charts.ChartContext
) -> list[tuple[go.Figure, pl.DataFrame, str]]:
    """Each trend chart with its numbers table ("c" for hidden) and its summary sentence."""
    built = trend_figures(figures, context)
    cohort_totals = figures.cohort_trend.filter(pl.col("category") == "Total")
    tables = [
        release_charts.release_table(figures.referral_trend),
        release_charts.release_table(figures.missing_trend),
        release_charts.release_table(figures.cohort_trend, RISK_LEVELS),
    ]
    series = [figures.referral_trend, figures.missing_trend, cohort_totals]
    units = ["referrals", "episodes", "children"]
    return [
        (figure, table, series_summary(
            str(figure.layout.title.text),
            [(release_charts.period_label(s, e), v)
             for s, e, v in frame.select("period_start", "period_end", "value").iter_rows()],
            unit,
        ))
        for figure, table, frame, unit in zip(built, tables, series, units, strict=True)
    ]  # fmt: skip


def ward_rows(figures: BriefingFigures) -> list[list[str]]:
    ward_names = boundaries.names("ward")
    values = figures.ward_referrals.filter(pl.col("code") != TOTAL)
    table = map_table(values, {c: ward_names[c] for c in values["code"].to_list()})
    return [[name, format_count(value)] for _, name, _, value, _ in table.iter_rows()]


def trend_figures(figures: BriefingFigures, context: charts.ChartContext) -> list[go.Figure]:
    """Referrals, missing episodes (by financial quarter) and the risk cohort (at month ends) for
    the area over two years: cells of the public release, "c" where hidden."""
    name = figures.area_name
    return [
        release_charts.release_bars(
            figures.referral_trend, f"Referrals each financial quarter, {name}",
            "Referrals per quarter", context,
        ),
        release_charts.release_bars(
            figures.missing_trend, f"Missing episodes each financial quarter, {name}",
            "Episodes per quarter", context, theme.DARK_PINK,
        ),
        release_charts.release_stacked(
            figures.cohort_trend, RISK_LEVELS, theme.RISK_LEVEL_COLOURS,
            f"Children at risk at month ends by level, {name}", "Children at risk", context,
        ),
    ]  # fmt: skip


def objectives_rows(
    figures: BriefingFigures, per_objective: int = 3, markers: bool = True
) -> list[dict]:
    """Each objective with its RAG counts and up to three actions (those needing attention first).

    ``markers`` adds the status symbols (● ▲ ■ ✔) for screens; the PDF's standard fonts lack them,
    and the status words are there anyway.
    """

    def mark(status: str) -> str:
        return f"{RAG_MARKERS[status]} " if markers else ""

    summary = objective_summary(figures.actions)
    order = {"off_track": 0, "at_risk": 1, "on_track": 2, "done": 3}
    rows = []
    for card in summary.iter_rows(named=True):
        actions = (
            figures.actions.filter(pl.col("objective_number") == card["objective_number"])
            .with_columns(pl.col("status").replace_strict(order, default=9).alias("_order"))
            .sort("_order", "due_on")
            .head(per_objective)
        )
        rows.append(
            {
                "title": f"{card['objective_number']}. {card['objective']}",
                "counts": " · ".join(
                    f"{mark(s)}{RAG_STATUSES[s]}: {card[s]}" for s in RAG_STATUSES
                ),
                "actions": [
                    f"{mark(a['status'])}{a['action']} ({a['lead_agency']}; "
                    f"{RAG_STATUSES[a['status']].lower()})"
                    for a in actions.iter_rows(named=True)
                ],
            }
        )
    return rows
