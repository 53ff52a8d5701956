"""Figure builders: titles, axis units, source line, event markers, patterns, map hover."""

from __future__ import annotations

from datetime import date

import polars as pl
import shapely

from dashboard import charts, map_charts, theme
from domain.vocab import RISK_LEVELS
from geo import boundaries

CONTEXT = charts.ChartContext(
    source="Synthetic demo data",
    as_of=date(2026, 10, 31),
    events=((date(2020, 3, 23), "Covid-19 lockdown"), (date(2030, 1, 1), "Far future")),
)


def months(n: int, start: int = 2020) -> list[str]:
    return [f"{start + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def annotation_texts(figure) -> list[str]:  # noqa: ANN001
    return [a.text for a in figure.layout.annotations]


def test_series_chart_has_bars_average_and_last_year_with_source_line():
    frame = pl.DataFrame({"month": months(24, 2019), "value": list(range(24))})
    fig = charts.series_chart(frame, "Referrals each month", "Referrals per month", CONTEXT)
    names = [trace.name for trace in fig.data]
    assert names == ["Monthly", "3-month rolling average", "Same month last year"]
    assert fig.layout.title.text == "Referrals each month"
    assert fig.layout.yaxis.title.text == "Referrals per month"
    assert fig.layout.xaxis.title.text == "Month"
    assert any("Data as of 31 Oct 2026" in t and "Synthetic" in t for t in annotation_texts(fig))
    assert list(fig.data[2].y[12:15]) == [0, 1, 2]


def test_event_markers_only_inside_the_range():
    frame = pl.DataFrame({"month": months(24, 2019), "value": [1] * 24})
    fig = charts.series_chart(frame, "t", "y", CONTEXT)
    texts = annotation_texts(fig)
    assert "Covid-19 lockdown" in texts
    assert "Far future" not in texts
    assert len([s for s in fig.layout.shapes if s.type == "line"]) == 1


def test_breakdown_chart_gives_each_category_its_colour_and_a_pattern():
    rows = [(m, level, 10 + i) for i, m in enumerate(months(15)) for level in RISK_LEVELS]
    frame = pl.DataFrame(rows, schema=["month", "risk_level", "children"], orient="row")
    fig = charts.breakdown_chart(
        frame, "risk_level", "children", RISK_LEVELS, theme.RISK_LEVEL_COLOURS, "Cohort",
        "Children", CONTEXT, show_from="2020-04",
    )  # fmt: skip
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name for b in bars] == list(RISK_LEVELS.values())
    assert [b.marker.color for b in bars] == [theme.RISK_LEVEL_COLOURS[k] for k in RISK_LEVELS]
    assert len({b.marker.pattern.shape for b in bars}) == 3  # never colour alone
    assert all(b.marker.pattern.fillmode == "overlay" for b in bars)  # colour stays visible
    assert len(bars[0].x) == 12  # months before show_from feed the lines only
    last_year = next(t for t in fig.data if t.name == "Total, same month last year")
    assert last_year.y[-1] == 3 * (10 + 2)  # Mar 2021 compares with Mar 2020
    assert fig.layout.barmode == "stack"


def test_status_bars_label_counts():
    frame = pl.DataFrame(
        {"x": ["Q1", "Q1", "Q2"], "status": ["on_track", "done", "done"], "actions": [3, 1, 4]}
    )
    fig = charts.status_bars(
        frame, "x", {"on_track": "On track", "done": "Done"}, theme.RAG_COLOURS, "Actions",
        "Actions", CONTEXT, "Quarter",
    )  # fmt: skip
    assert [list(t.y) for t in fig.data] == [[3, 0], [1, 4]]
    assert list(fig.data[0].text) == ["3", ""]
    assert list(fig.data[1].text) == ["1", "4"]


def test_choropleth_draws_offline_with_name_code_value_and_rank_on_hover():
    geojson = boundaries.geojson("ward")
    codes = [f["id"] for f in geojson["features"]]
    table = pl.DataFrame(
        {"code": codes, "name": ["n"] * len(codes), "value": list(range(len(codes))),
         "rank": list(range(1, len(codes) + 1))}
    )  # fmt: skip
    fig = map_charts.choropleth(geojson, table, "Referrals by ward", "Referrals", CONTEXT,
                            {"lat": 53.8, "lon": -1.85}, 10)  # fmt: skip
    trace = fig.data[-1]
    assert trace.type == "choroplethmap"
    assert fig.layout.map.style == "white-bg"
    for token in ("customdata[0]", "ONS code", "%{location}", "customdata[1]", "of 30"):
        assert token in trace.hovertemplate
    assert fig.layout.title.text == "Referrals by ward"


def test_shape_choropleth_colours_hatches_and_makes_every_ward_clickable():
    geojson = boundaries.geojson("ward")
    codes = [f["id"] for f in geojson["features"]]
    table = pl.DataFrame(
        {"code": codes, "name": [f"ward {i}" for i in range(30)], "value": list(range(30)),
         "rank": list(range(30, 0, -1)), "suppressed": [i == 3 for i in range(30)]}
    )  # fmt: skip
    fig = map_charts.shape_choropleth(geojson, table, "Referrals by ward", "Referrals", CONTEXT)
    assert not fig.layout.xaxis.visible and fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.clickmode == "event+select"
    targets = {t.meta[1]: t for t in fig.data if t.customdata is not None}
    assert set(targets) == set(codes)
    shapes = {f["id"]: shapely.geometry.shape(f["geometry"]) for f in geojson["features"]}
    for code, trace in targets.items():  # a click anywhere in a ward lands on its own points
        assert set(trace.customdata) == {code}
        assert len(trace.x) >= 3
        points = zip(trace.x, trace.y, strict=True)  # (rounded to a metre)
        assert all(shapes[code].distance(shapely.Point(x, y)) < 2e-5 for x, y in points)
    shown = targets[codes[29]]
    for token in ("%{meta[0]}", "ONS code", "%{meta[1]}", "%{meta[2]:,}", "%{meta[3]}", "of 29"):
        assert token in shown.hovertemplate
    assert list(shown.meta) == ["ward 29", codes[29], 29, 1]
    hidden = targets[codes[3]]
    assert hidden.meta[2] is None and "c (hidden" in hidden.hovertemplate
    hatched = next(t for t in fig.data if t.name == "Number hidden")
    assert hatched.fillpattern.shape == "/" and hatched.fillcolor == charts.HIDDEN_FILL
    fills = {t.name: t.fillcolor for t in fig.data if t.fill == "toself"}
    assert fills["ward 29"] == "rgba(18, 67, 109, 0.9)"  # the top of theme.MAP_SCALE
    assert fills["ward 0"] == "rgba(232, 241, 250, 0.9)"  # zero: its bottom
    colour_key = fig.data[-1]
    assert colour_key.marker.showscale and colour_key.marker.cmax == 29
    assert any("Hatched grey" in (a.text or "") for a in fig.layout.annotations)


def test_shape_choropleth_greys_the_rest_and_outlines_the_area():
    geojson = boundaries.geojson("ward")
    south = [f for f in geojson["features"] if f["properties"]["area"] == "SOUTH"]
    rest = [f for f in geojson["features"] if f["properties"]["area"] != "SOUTH"]
    table = pl.DataFrame(
        {"code": [f["id"] for f in south], "name": [f["properties"]["name"] for f in south],
         "value": [5] * len(south), "rank": [1] * len(south)}
    )  # fmt: skip
    codes = frozenset(table["code"].to_list())
    fig = map_charts.shape_choropleth(
        {"type": "FeatureCollection", "features": south}, table, "Referrals", "Referrals", CONTEXT,
        outline=boundaries.outline("ward", codes),
        context_geojson={"type": "FeatureCollection", "features": rest},
    )  # fmt: skip
    assert fig.data[0].name == "Rest of district" and fig.data[0].hoverinfo == "skip"
    assert fig.data[0].fillcolor == theme.CONTEXT_GREY
    outline = next(t for t in fig.data if t.name == "Area outline")
    assert outline.line.width == 4 and len(outline.x) > 10
    assert {t.meta[1] for t in fig.data if t.customdata is not None} == codes
    west, east = fig.layout.xaxis.range  # zoomed to the area, not the district
    assert east - west < 0.3
    assert not any("Hatched grey" in (a.text or "") for a in fig.layout.annotations)


def test_clicked_area_reads_a_shape_or_a_tile_map_point():
    assert map_charts.clicked_area([]) is None
    assert map_charts.clicked_area([{"customdata": "E05001341", "x": -1.8}]) == "E05001341"
    assert map_charts.clicked_area([{"location": "BD21", "customdata": ["Keighley", 3]}]) == "BD21"
    assert map_charts.clicked_area([{"customdata": ["a", 1]}]) is None
