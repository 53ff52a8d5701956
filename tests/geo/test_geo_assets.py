"""The committed geography: real Bradford shapes (checked against official polygons in
../shared/geo, which the product never ships), small payloads, consistent lookups."""

from __future__ import annotations

import csv
import json
import statistics

import geopandas as gpd
import pytest
import shapely

from geo import boundaries
from geo.areas import AREA_COMMITTEES, WARDS_BY_AREA_2004
from geo.build import dissolve_cells, iou, normalise_postcode, simplify_layer, voronoi_cells
from tests.conftest import REPO_ROOT, SHARED

ASSETS = REPO_ROOT / "assets" / "geo"
BNG = "EPSG:27700"


def official(name: str) -> gpd.GeoDataFrame:
    path = SHARED / "geo" / name
    if not path.exists():
        pytest.fail(f"reference data missing: {path} (the shared folder must sit beside the repo)")
    return gpd.read_file(path).to_crs(BNG)


def test_thirty_wards_with_the_2004_codes_and_areas():
    wards = boundaries.frame("ward")
    assert len(wards) == 30
    assert sorted(wards["code"]) == [f"E05001{n}" for n in range(341, 371)]
    for area, names in WARDS_BY_AREA_2004.items():
        assert sorted(wards.loc[wards["area"] == area, "name"]) == sorted(names)
    assert set(wards["area"]) == set(AREA_COMMITTEES)
    assert set(wards["vintage"]) == {"2004"}


def test_derived_wards_match_official_wards():
    derived = boundaries.frame("ward").to_crs(BNG).set_index("code").geometry
    reference = official("bradford-wards-2004.geojson").set_index("WD13CD").geometry
    scores = {code: iou(derived[code], reference[code]) for code in reference.index}
    assert min(scores.values()) >= 0.75, sorted(scores.items(), key=lambda kv: kv[1])[:3]
    assert statistics.median(scores.values()) >= 0.85


def test_derived_postcode_districts_match_official_bd1_to_bd10():
    derived = boundaries.frame("district").to_crs(BNG).set_index("code").geometry
    reference = official("postcode-districts-BD.geojson").set_index("name").geometry
    for number in range(1, 11):
        code = f"BD{number}"
        assert iou(derived[code], reference[code]) >= 0.6, code


def test_layers_are_valid_small_and_share_borders():
    for filename in ("wards-2004.geojson", "postcode-districts.geojson", "lsoas.geojson"):
        assert (ASSETS / filename).stat().st_size < 150_000, filename
    wards = boundaries.frame("ward").to_crs(BNG)
    assert wards.geometry.is_valid.all()
    union_area = shapely.union_all(wards.geometry.to_numpy()).area
    assert abs(wards.geometry.area.sum() - union_area) / union_area < 0.001  # no overlaps
    assert 330e6 < union_area < 400e6  # the district is about 364 km²


def test_lsoa_layer_has_bradfords_310_lsoas():
    lsoas = boundaries.frame("lsoa")
    assert len(lsoas) == 310
    assert lsoas["name"].str.startswith("Bradford ").all()


def test_lookups_are_consistent_with_the_layers():
    ward_codes = set(boundaries.frame("ward")["code"])
    district_codes = set(boundaries.frame("district")["code"])
    lsoa_codes = set(boundaries.frame("lsoa")["code"])
    with open(ASSETS / "postcode_lookup.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert 20_000 < len(rows) < 22_000
    assert {r["ward_code_2004"] for r in rows} == ward_codes
    assert {r["lsoa_code"] for r in rows} <= lsoa_codes
    assert {r["district"] for r in rows} == district_codes
    assert all(r["sector"] == r["postcode"][:-2] for r in rows)
    with open(ASSETS / "ward_district_weights_2004.csv", encoding="utf-8") as handle:
        weights = list(csv.DictReader(handle))
    by_ward: dict[str, float] = {}
    for row in weights:
        by_ward[row["ward_code"]] = by_ward.get(row["ward_code"], 0) + float(row["share_of_ward"])
    assert all(abs(total - 1) < 0.002 for total in by_ward.values())


def test_map_payload_keys_features_by_code():
    payload = boundaries.geojson("ward")
    assert {f["id"] for f in payload["features"]} == set(boundaries.frame("ward")["code"])
    assert json.dumps(payload)  # serialisable for Plotly


def test_view_fits_the_district_and_zooms_in_on_an_area():
    district = boundaries.view_of("ward")
    keighley = boundaries.view_of(
        "ward", codes=frozenset(boundaries.frame("ward").query("area == 'KEIGHLEY'")["code"])
    )
    assert 53.7 < district.lat < 54.0 and -2.1 < district.lon < -1.6
    assert 8.5 < district.zoom < 11
    assert keighley.zoom > district.zoom


def test_outline_of_an_area_is_a_line():
    codes = frozenset(boundaries.frame("ward").query("area == 'SOUTH'")["code"])
    feature = boundaries.outline("ward", codes)
    assert feature["geometry"]["type"] in ("LineString", "MultiLineString")


def test_postcode_normalisation():
    assert normalise_postcode("bd1 1aa") == "BD1 1AA"
    assert normalise_postcode("BD211AA") == "BD21 1AA"
    assert normalise_postcode("LS29 8  AB") == "LS29 8AB"


def test_voronoi_tessellation_covers_the_outline_without_overlap():
    outline = shapely.box(0, 0, 1000, 1000)
    points = gpd.GeoDataFrame(
        {"key": ["a", "a", "b", "b"]},
        geometry=gpd.points_from_xy([100, 300, 700, 900], [500, 500, 500, 500]),
        crs=BNG,
    )
    cells = voronoi_cells(points, outline)
    dissolved = dissolve_cells(cells, points["key"])
    assert dissolved.geometry.area.sum() == pytest.approx(1_000_000)
    a = dissolved.set_index("key").geometry["a"]
    assert a.bounds == pytest.approx((0, 0, 500, 1000))
    simplified = simplify_layer(dissolved, 10)
    assert simplified.geometry.area.sum() == pytest.approx(1_000_000)
