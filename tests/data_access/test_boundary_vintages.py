"""Loading a new ward vintage beside the 2004 set (reference polygons from ../shared as input)."""

from __future__ import annotations

import json
import shutil
from datetime import date

import geopandas as gpd
import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access import models as m
from data_access import queries
from data_access.boundary_vintages import BoundaryError, load_boundaries
from data_access.engine import make_engine
from data_access.sql import Scope
from tests.conftest import REPO_ROOT, SHARED

WARDS_2004 = SHARED / "geo" / "bradford-wards-2004.geojson"


@pytest.fixture()
def store(demo_db_url, tmp_path):
    copy = tmp_path / "vintage.sqlite"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), copy)
    return make_engine(f"sqlite:///{copy}")


def vintages(engine) -> int:  # noqa: ANN001
    with engine.connect() as c:
        return c.execute(select(func.count()).select_from(m.WardVintage)).scalar()


def test_a_new_vintage_sits_beside_2004_and_counts_agree(store):
    counts = load_boundaries(store, WARDS_2004, "ward", "2004b", "WD13CD", "WD13NM")
    assert counts["wards"] == 30 and counts["postcodes"] > 20_000
    month = Scope(date(2026, 10, 1), date(2026, 10, 1))
    with store.connect() as c:
        assert queries.ward_vintages(c)["vintage"].to_list() == ["2004", "2004b"]
        old = dict(queries.cohort_counts(c, month, ["ward_code"]).iter_rows())
        new = dict(
            queries.cohort_counts(
                c, Scope(month.start, month.end, vintage="2004b"), ["ward_code"]
            ).iter_rows()
        )
        areas = dict(queries.wards(c, "2004b").select("code", "area_code").iter_rows())
        old_areas = dict(queries.wards(c, "2004").select("code", "area_code").iter_rows())
    same = sum(old[code] == new.get(code) for code in old)
    assert same >= 28  # the same polygons: only postcodes on the district's fringe can differ
    assert abs(sum(new.values()) - sum(old.values())) <= 0.02 * sum(old.values())
    assert areas == old_areas  # each ward lands in its own Area Committee


def test_boundary_file_problems_change_nothing(store, tmp_path):
    before = vintages(store)
    with pytest.raises(BoundaryError, match="no property 'CODE'.*WD13CD"):
        load_boundaries(store, WARDS_2004, "ward", "x", "CODE", "WD13NM")
    points = gpd.read_file(WARDS_2004)
    points["geometry"] = points.geometry.centroid
    points.to_file(tmp_path / "points.geojson", driver="GeoJSON")
    with pytest.raises(BoundaryError, match="must hold polygons"):
        load_boundaries(store, tmp_path / "points.geojson", "ward", "x", "WD13CD", "WD13NM")
    moved = gpd.read_file(WARDS_2004)
    moved["geometry"] = moved.geometry.translate(xoff=3.0)  # somewhere in the North Sea
    moved.to_file(tmp_path / "moved.geojson", driver="GeoJSON")
    with pytest.raises(BoundaryError, match="fall inside these boundaries"):
        load_boundaries(store, tmp_path / "moved.geojson", "ward", "x", "WD13CD", "WD13NM")
    (tmp_path / "junk.geojson").write_text("not json at all")
    with pytest.raises(BoundaryError, match="not a GeoJSON or GeoPackage"):
        load_boundaries(store, tmp_path / "junk.geojson", "ward", "x", "WD13CD", "WD13NM")
    with pytest.raises(BoundaryError, match="already loaded"):
        load_boundaries(store, WARDS_2004, "ward", "2004", "WD13CD", "WD13NM")
    assert vintages(store) == before


def test_the_map_offers_the_new_vintage(store, monkeypatch):
    load_boundaries(store, WARDS_2004, "ward", "2004b", "WD13CD", "WD13NM")
    monkeypatch.setenv("DATABASE_URL", str(store.url))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["map-vintage"] = "2004b"
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="map-vintage").options == ["2004", "2004b"]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    areas = {
        trace["meta"][1] for trace in spec["data"] if "meta" in trace and "customdata" in trace
    }
    assert len(areas) == 30  # every ward of the new vintage drawn as its own shape
