"""Load a new set of ward boundaries (a vintage) beside the 2004 set, at run time.

``python -m data_access load-boundaries FILE --level ward --vintage 2026 --code-field WD26CD
--name-field WD26NM`` reads GeoJSON or GeoPackage, then in one transaction stores the simplified
shapes, the wards (each given the Area Committee most of its postcodes were in), and the
(postcode sector, LSOA) → ward lookup for the new vintage. The Map page then offers it.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Engine, delete, insert, select

from data_access import aggregates, store_version
from data_access import models as m
from data_access.reference import GEO_ASSETS, ensure_reference

BNG = "EPSG:27700"


class BoundaryError(ValueError):
    """The boundary file cannot be used; nothing was changed."""


def _postcode_points() -> gpd.GeoDataFrame:
    with open(GEO_ASSETS / "postcode_lookup.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    frame = pd.DataFrame(rows)
    points = gpd.points_from_xy(
        frame["lon"].astype(float), frame["lat"].astype(float), crs="EPSG:4326"
    )
    return gpd.GeoDataFrame(frame, geometry=points).to_crs(BNG)


def read_boundaries(path: Path, code_field: str, name_field: str) -> gpd.GeoDataFrame:
    """Polygons with ``code`` and ``name``, in British National Grid; clear errors otherwise."""
    if not path.exists():
        raise BoundaryError(f"No such file: {path}")
    try:
        layer = gpd.read_file(path)
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same answer
        raise BoundaryError(
            f"{path.name} is not a GeoJSON or GeoPackage file ({type(error).__name__})."
        ) from None
    for field in (code_field, name_field):
        if field not in layer.columns:
            raise BoundaryError(f"There is no property '{field}' in {path.name}. Properties: "
                                f"{', '.join(c for c in layer.columns if c != 'geometry')}.")  # fmt: skip
    if layer.empty or not layer.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise BoundaryError(f"{path.name} must hold polygons (one per ward).")
    if layer.crs is None:
        layer = layer.set_crs("EPSG:4326")
    layer = layer.rename(columns={code_field: "code", name_field: "name"})[
        ["code", "name", "geometry"]
    ]
    layer["code"] = layer["code"].astype(str)
    if layer["code"].duplicated().any():
        raise BoundaryError(f"Ward codes repeat in {path.name}: each ward needs one polygon.")
    return layer.to_crs(BNG)


def load_boundaries(engine: Engine, path: Path, level: str, vintage: str, code_field: str,
                    name_field: str, replace: bool = False) -> dict[str, int]:  # fmt: skip
    """Store a new ward vintage with its lookup; returns counts. All or nothing."""
    if level != "ward":
        raise BoundaryError("Only ward boundaries come in vintages; postcode districts are fixed.")
    if not vintage or len(vintage) > 16:
        raise BoundaryError("Give the vintage a short name, such as 2026.")
    wards = read_boundaries(path, code_field, name_field)
    points = _postcode_points()
    joined = gpd.sjoin(points, wards, how="inner", predicate="within")
    if len(joined) < 0.5 * len(points):
        raise BoundaryError(f"Only {len(joined):,} of {len(points):,} Bradford postcodes fall inside "
                            f"these boundaries: is {path.name} the right area?")  # fmt: skip
    per_place: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for sector, lsoa, code in joined[["sector", "lsoa_code", "code"]].itertuples(index=False):
        per_place[(sector, lsoa)][code] += 1
    area_votes: dict[str, Counter] = defaultdict(Counter)
    simplified = wards.copy()
    simplified["geometry"] = shapely.set_precision(
        simplified.geometry.simplify_coverage(40).to_numpy(), 1.0
    )
    geojson = simplified.to_crs("EPSG:4326").to_json(drop_id=True)
    with engine.begin() as connection:
        ensure_reference(connection)
        existing = connection.execute(
            select(m.WardVintage.vintage).where(m.WardVintage.vintage == vintage)
        ).first()
        if existing and not replace:
            raise BoundaryError(
                f"Vintage {vintage} is already loaded; use --replace to load it again."
            )
        for model in (m.AreaLookup, m.Ward, m.BoundaryLayer):
            connection.execute(delete(model).where(model.vintage == vintage))
        connection.execute(delete(m.WardVintage).where(m.WardVintage.vintage == vintage))
        old_area = dict(connection.execute(
            select(m.AreaLookup.postcode_sector + "|" + m.AreaLookup.lsoa_code, m.Ward.area_committee_code)
            .join(m.Ward, (m.Ward.vintage == m.AreaLookup.vintage) & (m.Ward.code == m.AreaLookup.ward_code))
            .where(m.AreaLookup.vintage == "2004")).all())  # fmt: skip
        lookup_rows = []
        for (sector, lsoa), votes in sorted(per_place.items()):
            code = sorted(votes, key=lambda c: (-votes[c], c))[0]
            lookup_rows.append({"vintage": vintage, "postcode_sector": sector, "lsoa_code": lsoa,
                                "ward_code": code, "postcode_district": sector.split()[0],
                                "postcodes": sum(votes.values())})  # fmt: skip
            area = old_area.get(f"{sector}|{lsoa}")
            if area:
                area_votes[code][area] += sum(votes.values())
        connection.execute(insert(m.WardVintage), [{
            "vintage": vintage, "description": f"Wards loaded from {path.name}", "is_default": False}])  # fmt: skip
        ward_rows = [
            {"vintage": vintage, "code": code, "name": name,
             "area_committee_code": area_votes[code].most_common(1)[0][0]}
            for code, name in zip(wards["code"], wards["name"], strict=True) if area_votes.get(code)
        ]  # fmt: skip
        connection.execute(insert(m.Ward), ward_rows)
        shown = {row["code"] for row in ward_rows}
        connection.execute(
            insert(m.AreaLookup), [r for r in lookup_rows if r["ward_code"] in shown]
        )
        connection.execute(insert(m.BoundaryLayer), [{
            "level": level, "vintage": vintage, "geojson": geojson, "loaded_at": datetime.now(),
            "source_file": path.name[:255]}])  # fmt: skip
        aggregates.refresh(connection)  # the new wards' monthly aggregates, in this transaction
        store_version.bump(connection)
    return {"wards": len(ward_rows), "lookup_rows": len(lookup_rows), "postcodes": len(joined)}
