"""Every page runs under AppTest, with default and non-default filters, against the demo store."""

from __future__ import annotations

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui import ALL_NUMBERS_KEY
from data_access import queries
from data_access.sql import Scope
from tests.conftest import REPO_ROOT

PAGES = ["pages/overview.py", "pages/map.py", "pages/trends.py", "pages/objectives.py"]


def open_page(page: str, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_defaults(app_env, page):
    at = open_page(page)
    assert at.title[0].value
    assert any("Synthetic demo data" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) >= 1
    for spec in plotly_specs(at):
        assert spec["layout"]["title"]["text"]


def test_overview_figures_match_the_store(app_env, demo_engine):
    at = open_page("pages/overview.py")
    with demo_engine.connect() as c:
        month = queries.data_as_of(c).replace(day=1)
        cohort = queries.cohort_counts(c, Scope(month, month), ["risk_level"])
    by_level = dict(cohort.iter_rows())
    values = {metric.label: metric.value for metric in at.metric}
    assert values["Emerging risk"] == f"{by_level['emerging']:,}"
    assert values["Significant risk"] == f"{by_level['significant']:,}"
    assert values["All children at risk"] == f"{sum(by_level.values()):,}"


def test_overview_for_an_area_and_an_earlier_month(app_env, demo_engine):
    at = open_page(
        "pages/overview.py", {"overview-area": "SOUTH", "overview-month": date(2025, 5, 1)}
    )
    with demo_engine.connect() as c:
        cohort = queries.cohort_counts(
            c, Scope(date(2025, 5, 1), date(2025, 5, 1), area_code="SOUTH"), ["month"]
        )
    values = {metric.label: metric.value for metric in at.metric}
    assert values["All children at risk"] == f"{cohort['children'].item():,}"
    assert "Bradford South" in at.subheader[0].value


def map_areas(spec: dict) -> dict[str, object]:
    """Area code → value on a plain-background map (SVG shapes): each area's click points carry
    its code as customdata and [name, code, value, rank] as meta."""
    return {t["meta"][1]: t["meta"][2] for t in spec["data"] if "meta" in t and "customdata" in t}


def test_map_by_ward_shows_thirty_wards_and_a_ranked_table(app_env):
    at = open_page("pages/map.py")
    spec = plotly_specs(at)[0]
    areas = map_areas(spec)
    assert len(areas) == 30
    assert "map" not in spec["layout"]  # the plain background: shapes on hidden axes, no tiles
    assert spec["layout"]["xaxis"]["visible"] is False
    for trace in spec["data"]:
        if "meta" in trace:  # every click point names its own ward
            assert set(trace["customdata"]) == {trace["meta"][1]}
    table = at.dataframe[0].value
    assert len(table) == 30
    assert list(table["Rank"])[0] == 1
    assert dict(zip(table["ONS code"], table["Value"], strict=True)) == areas


def test_map_on_the_street_background_stays_a_tile_map(app_env, monkeypatch):
    monkeypatch.setattr("dashboard.basemap.street_map_reachable", lambda url: True)
    at = open_page("pages/map.py", {"map-basemap": "carto-positron"})
    spec = plotly_specs(at)[0]
    assert spec["data"][-1]["type"] == "choroplethmap"
    assert len(spec["data"][-1]["locations"]) == 30
    assert spec["layout"]["map"]["style"] == "carto-positron"


def test_map_by_district_for_a_range_in_one_area_with_a_trend(app_env):
    at = open_page(
        "pages/map.py",
        {
            "map-geography": "district",
            "map-metric": "referrals",
            "map-period": "A range of months",
            "map-area": "KEIGHLEY",
            "map-pick": "BD21",
        },
    )
    specs = plotly_specs(at)
    map_spec = specs[0]
    shown = map_areas(map_spec)
    assert "BD21" in shown and "BD3" not in shown  # Keighley's districts, not the city's
    assert map_spec["data"][0]["hoverinfo"] == "skip"  # the greyed rest of the district
    assert map_spec["data"][0]["fillcolor"] == "#D9D9D9"
    outline = [t for t in map_spec["data"] if t.get("name") == "Area outline"]
    assert outline and outline[0]["line"]["width"] == 4  # the area outline
    assert len(specs) == 2
    assert "BD21" in specs[1]["layout"]["title"]["text"]


def test_map_children_at_risk_for_one_level(app_env, demo_engine):
    at = open_page("pages/map.py", {"map-level": "significant"})
    month = date(2026, 10, 1)
    with demo_engine.connect() as c:
        frame = queries.metric_by_area(
            c, Scope(month, month), "children_at_risk", "ward", "significant"
        )
    spec = plotly_specs(at)[0]
    shown = map_areas(spec)
    assert shown
    for code, value in frame.iter_rows():
        assert shown[code] == value


def test_trends_for_a_ward_and_a_short_range(app_env):
    at = open_page(
        "pages/trends.py",
        {
            "trends-area": "WEST",
            "trends-ward": "E05001359",
            "trends-range": (date(2020, 1, 1), date(2021, 6, 1)),
            "trends-topic": "all",
            ALL_NUMBERS_KEY: True,
        },
    )
    specs = plotly_specs(at)
    assert len(specs) == 6
    assert all("Manningham" in s["layout"]["title"]["text"] for s in specs)
    assert len(at.get("download_button")) == 6


@pytest.mark.parametrize(
    ("topic", "titles"),
    [
        (None, ["Missing episodes each month", "Children who went missing", "Repeat-missing"]),
        (
            "referrals",
            ["Referrals each month by exploitation", "Referrals each month by referring"],
        ),
        ("cohort", ["Children at risk at each month end"]),
    ],
)
def test_trends_show_one_topic_at_a_time_and_keep_it_in_the_link(app_env, topic, titles):
    at = open_page("pages/trends.py", {"trends-topic": topic} if topic else {})
    shown = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert len(shown) == len(titles)
    assert all(title in text for title, text in zip(titles, shown, strict=True))
    assert at.query_params.get("show") == (topic or "missing")


def test_objectives_cards_and_filtered_table(app_env):
    at = open_page("pages/objectives.py", {"objectives-status": ["off_track"]})
    table = at.dataframe[0].value
    assert len(table) >= 1
    assert {status.split(",")[0] for status in table["Status"]} == {"■ Off track"}
    assert len(at.get("plotly_chart")) == 1
    assert sum("Identify and understand" in m.value for m in at.markdown) == 1


def test_numbers_sections_are_drawn_when_opened_and_the_switch_opens_them_all(app_env):
    """A page of charts sends no tables on its first draw; a section opened (a rerun) shows its
    table and CSV download, and the sidebar switch opens every one."""
    at = open_page("pages/trends.py")
    sections = [e for e in at.expander if e.label == "Show the numbers behind this chart"]
    assert len(sections) == len(at.get("plotly_chart")) == 3
    assert not at.dataframe and not at.get("download_button")

    at.session_state["trends-missing-placement-numbers"] = True  # as a click on the first
    at.run()
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["Download these numbers (CSV)"] and len(at.dataframe) == 1
    assert "Living at home" in at.dataframe[0].value.columns

    at.session_state[ALL_NUMBERS_KEY] = True  # as the sidebar switch (tested on the Overview)
    at.run()
    assert len(at.dataframe) == len(at.get("download_button")) == 3
    assert all(e.proto.expanded for e in at.expander if e.label.startswith("Show the numbers"))


def test_the_switch_for_every_table_is_in_the_sidebar_and_off_by_default(app_env):
    at = open_page("pages/overview.py")
    switch = at.sidebar.toggle(key=ALL_NUMBERS_KEY)
    assert switch.label == "Show the numbers under every chart" and switch.value is False
    assert not at.get("download_button")
    switch.set_value(True).run()
    assert at.get("download_button") and at.dataframe
