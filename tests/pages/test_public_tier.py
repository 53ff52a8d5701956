"""AppTest walks every widget value the Area Committee pages offer, for each area, and finds every
number on each page among the published cells of the release that area may see."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from data_access.engine import make_engine
from data_access.release.atoms import wards_by_area
from data_access.release.read import current_release, release_frame
from domain.release_space import DISTRICT_CODE
from domain.roles import RoleScope
from geo.areas import AREA_COMMITTEES
from tests.conftest import REPO_ROOT

NUMBER = re.compile(r"(?<![\w.+-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w%.])")
DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b|\b\d{4}-\d{2}\b|Q\d"
)
SKIP_COLUMNS = ("Period", "Rank", "Ward", "Measure")
ACTION_METRICS = ("●", "▲", "■", "✔", "Overdue")


def published_values(url: str, area: str) -> set[int]:
    """Every published value of the cells this area's members may see (district, area, wards)."""
    with make_engine(url).connect() as connection:
        frame = release_frame(connection, current_release(connection).id)
        wards = wards_by_area(connection)[area]
    visible = frame.filter(
        (pl.col("geography_code") == DISTRICT_CODE)
        | (pl.col("geography_code") == area)
        | pl.col("geography_code").is_in(wards)
    )
    return set(visible["value"].drop_nulls().to_list())


def numbers_in_text(text: str) -> list[int]:
    text = DATE.sub(" ", text)
    text = re.sub(r"[+-]?\d+(?:\.\d+)?%", " ", text)  # percentages are not counts
    return [int(n.replace(",", "")) for n in NUMBER.findall(text)]


def page_numbers(at: AppTest, notes: bool = True) -> list[int]:
    """Every count on the page: metric values, table cells, chart values, bold figures and
    sentences (``notes`` false skips the data-notes slide, whose "1 to 4" is not a count)."""
    found: list[int] = []
    for metric in at.metric:
        if not metric.label.startswith(ACTION_METRICS):
            found += numbers_in_text(metric.value)
    for frame in at.dataframe:
        for column in frame.value.columns:
            if column in SKIP_COLUMNS:
                continue
            for cell in frame.value[column].tolist():
                found += numbers_in_text(str(cell)) if cell is not None else []
    for table in at.table:
        for column in table.value.columns:
            if "Change" in column:
                continue
            for cell in table.value[column].tolist():
                found += numbers_in_text(str(cell))
    for chart in at.get("plotly_chart"):  # numbers written on the charts (the ward map's labels)
        for note in json.loads(chart.proto.spec)["layout"].get("annotations", []):
            if not str(note.get("text", "")).startswith("Source:"):
                found += numbers_in_text(re.sub(r"<[^>]+>", " ", str(note.get("text", ""))))
    for markdown in at.markdown:
        body = markdown.value
        if (notes and body.startswith("- ")) or ("**" in body and "Bradford" in body):
            found += numbers_in_text(body)
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            if trace.get("hoverinfo") == "skip" or trace.get("name") == "Number hidden":
                continue
            if trace.get("fill") == "toself":  # a ward's outline: coordinates, not counts
                continue
            if "meta" in trace and "customdata" in trace:  # a shape map's area: x and y are
                value = trace["meta"][2]  # places, its count is in meta (None when hidden)
                found += [int(value)] if isinstance(value, (int, float)) else []
                continue
            key = "z" if trace["type"] == "choroplethmap" else "y"
            found += [int(v) for v in trace.get(key) or [] if isinstance(v, (int, float))]
    return found


def check(at: AppTest, allowed: set[int], where: str, notes: bool = True) -> int:
    assert not at.exception, (where, [e.value for e in at.exception])
    numbers = page_numbers(at, notes)
    strangers = sorted({n for n in numbers if n not in allowed})
    assert not strangers, (where, strangers[:10])
    return len(numbers)


def start(role: RoleScope, page: str | None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["demo-role"] = role
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def walk(at: AppTest, key: str, allowed: set[int], where: str) -> int:
    """Every option of one selectbox, in turn; returns how many numbers were checked."""
    seen = 0
    for index, option in enumerate(at.selectbox(key=key).options):
        at.selectbox(key=key).select_index(index).run()
        seen += check(at, allowed, f"{where} {key}={option}")
    return seen


@pytest.mark.parametrize("area", list(AREA_COMMITTEES))
def test_every_number_on_the_area_committee_pages_is_a_release_cell(app_env, area):
    role = RoleScope("area_committee", area)
    allowed = published_values(app_env, area)
    checked = 0

    at = start(role, None)  # Overview
    checked += walk(at, "overview-public-month", allowed, "overview")
    checked += walk(at, "overview-public-place", allowed, "overview")

    at = start(role, "pages/map.py")
    assert not [s for s in at.selectbox if s.key in ("map-geography", "map-level", "map-vintage")]
    for index, measure in enumerate(at.selectbox(key="map-public-measure").options):
        at.selectbox(key="map-public-measure").select_index(index).run()
        checked += walk(at, "map-public-period", allowed, f"map {measure}")
    checked += walk(at, "map-public-pick", allowed, "map")

    at = start(role, "pages/trends.py")
    checked += walk(at, "trends-public-place", allowed, "trends")

    at = start(role, "pages/services.py")
    checked += walk(at, "services-public-place", allowed, "services")

    at = start(role, "pages/briefing.py")
    for slide in range(6):
        at.session_state["briefing-slide"] = slide
        at.run()
        checked += check(at, allowed, f"briefing slide {slide}", notes=slide != 5)
    assert checked > 500  # the walk really read numbers


def test_the_walk_would_notice_a_number_from_outside_the_release(app_env):
    """The check is not vacuous: a strategic lead's free monthly views show numbers that are
    not cells of the release."""
    allowed = published_values(app_env, "SOUTH")
    at = start(RoleScope("strategic_lead"), "pages/trends.py")
    assert {n for n in page_numbers(at) if n not in allowed}
