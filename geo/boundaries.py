"""Read the committed boundary assets and answer map questions (view, outline, names).

The app reads only ``assets/geo``; nothing is downloaded. Ward layers are named by vintage
(``wards-2004.geojson``) so a later set can be added beside the first.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import shapely

GEO_ASSETS = Path(__file__).resolve().parent.parent / "assets" / "geo"
ATTRIBUTION = (
    "Ward and postcode-district shapes are derived from ONS Postcode Directory points "
    "(Voronoi cells around each postcode, dissolved) and are approximate. LSOA boundaries: ONS. "
    "Contains OS data © Crown copyright and database right 2026; contains Royal Mail data © Royal "
    "Mail copyright and database right 2026; source: Office for National Statistics licensed under "
    "the Open Government Licence v3.0. Ward codes assigned with reference to ONS/OS ward boundaries "
    "(GeoJSON and TopoJSON UK Boundary Data by Martin Chorley, CC BY 4.0)."
)


@dataclass(frozen=True)
class MapView:
    """Where a map is centred and how far it is zoomed."""

    lat: float
    lon: float
    zoom: float

    @property
    def center(self) -> dict[str, float]:
        return {"lat": self.lat, "lon": self.lon}


def layer_path(level: str, vintage: str = "2004") -> Path:
    """File of a layer: ``ward`` (per vintage), ``district`` or ``lsoa``."""
    names = {
        "ward": f"wards-{vintage}.geojson",
        "district": "postcode-districts.geojson",
        "lsoa": "lsoas.geojson",
    }
    return GEO_ASSETS / names[level]


_LOADED_LAYERS: dict[tuple[str, str], str] = {}


def register_layer(level: str, vintage: str, geojson_text: str) -> None:
    """Make a layer loaded at run time (a new ward vintage, kept in the store) available here."""
    _LOADED_LAYERS[(level, vintage)] = geojson_text
    _geojson_text.cache_clear()
    frame.cache_clear()


def available(level: str, vintage: str) -> bool:
    return (level, vintage) in _LOADED_LAYERS or layer_path(level, vintage).exists()


@lru_cache(maxsize=8)
def _geojson_text(level: str, vintage: str) -> str:
    if (level, vintage) in _LOADED_LAYERS:
        return _LOADED_LAYERS[(level, vintage)]
    return layer_path(level, vintage).read_text(encoding="utf-8")


def geojson(level: str, vintage: str = "2004", codes: frozenset[str] | None = None) -> dict:
    """The layer as a GeoJSON dict whose feature ``id`` is the area code (what Plotly keys on)."""
    payload = json.loads(_geojson_text(level, vintage))
    features = []
    for feature in payload["features"]:
        code = feature["properties"]["code"]
        if codes is None or code in codes:
            features.append({**feature, "id": code})
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=8)
def frame(level: str, vintage: str = "2004") -> gpd.GeoDataFrame:
    """The layer as a GeoDataFrame (WGS84), for bounds and unions. Shared: never mutate."""
    import io

    return gpd.read_file(io.StringIO(_geojson_text(level, vintage)))


def names(level: str, vintage: str = "2004") -> dict[str, str]:
    """Area code → display name."""
    layer = frame(level, vintage)
    return dict(zip(layer["code"], layer["name"], strict=True))


def view_for(
    bounds: tuple[float, float, float, float], width_px: int = 560, height_px: int = 520
) -> MapView:
    """Centre and zoom that fit lon/lat bounds into a map of the given size (MapLibre, 512 px tiles)."""
    min_lon, min_lat, max_lon, max_lat = bounds
    lon_span = max(max_lon - min_lon, 1e-4)
    lat_rad = math.radians((min_lat + max_lat) / 2)
    lat_span = max(max_lat - min_lat, 1e-4) / math.cos(lat_rad)
    zoom_x = math.log2(width_px * 360 / (512 * lon_span))
    zoom_y = math.log2(height_px * 360 / (512 * lat_span))
    zoom = round(min(zoom_x, zoom_y) - 0.45, 2)
    return MapView(lat=(min_lat + max_lat) / 2, lon=(min_lon + max_lon) / 2, zoom=zoom)


def view_of(level: str, vintage: str = "2004", codes: frozenset[str] | None = None) -> MapView:
    """The view that fits the given areas (all of the layer when ``codes`` is None)."""
    layer = frame(level, vintage)
    if codes is not None:
        layer = layer[layer["code"].isin(codes)]
    return view_for(tuple(layer.total_bounds))


def outline(level: str, codes: frozenset[str], vintage: str = "2004") -> dict:
    """The outer boundary of a group of areas as GeoJSON lines (to outline an Area Committee)."""
    layer = frame(level, vintage)
    union = shapely.union_all(layer[layer["code"].isin(codes)].geometry.buffer(0).to_numpy())
    boundary = shapely.simplify(union.boundary, 0.0002)
    return {
        "type": "Feature",
        "properties": {},
        "geometry": json.loads(shapely.to_geojson(boundary)),
    }


def hatch(level: str, codes: frozenset[str], vintage: str = "2004", spacing_m: float = 250) -> dict:
    """Diagonal lines over the given areas, as a GeoJSON line feature: the pattern that marks
    areas whose number is hidden, so the map never relies on colour alone."""
    layer = frame(level, vintage)
    chosen = layer[layer["code"].isin(codes)]
    if chosen.empty:
        return {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "MultiLineString", "coordinates": []},
        }
    projected = chosen.to_crs("EPSG:27700")
    area = shapely.union_all(projected.geometry.buffer(0).to_numpy())
    min_x, min_y, max_x, max_y = area.bounds
    span = (max_x - min_x) + (max_y - min_y)
    lines = [
        shapely.LineString([(min_x + offset, min_y), (min_x + offset - span, min_y + span)])
        for offset in range(0, int(2 * span), int(spacing_m))
    ]
    clipped = shapely.intersection(shapely.MultiLineString(lines), area)
    wgs = gpd.GeoSeries([clipped], crs="EPSG:27700").to_crs("EPSG:4326").iloc[0]
    return {"type": "Feature", "properties": {}, "geometry": json.loads(shapely.to_geojson(wgs))}
