"""Load the geography reference tables (areas, wards, districts, LSOAs, lookups) from assets/geo."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, delete, insert

from data_access import models as m
from geo.areas import AREA_COMMITTEES, DEFAULT_WARD_VINTAGE

GEO_ASSETS = Path(__file__).resolve().parent.parent / "assets" / "geo"


def _features(filename: str) -> list[dict]:
    with open(GEO_ASSETS / filename, encoding="utf-8") as handle:
        return [feature["properties"] for feature in json.load(handle)["features"]]


def area_lookup_rows(vintage: str, path: Path) -> list[dict]:
    """One row per (sector, LSOA): the ward holding most of its postcodes, and its district."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            counts[(row["sector"], row["lsoa_code"])][row["ward_code"]] += int(row["postcodes"])
    rows = []
    for (sector, lsoa), by_ward in sorted(counts.items()):
        ward = max(sorted(by_ward), key=lambda code: by_ward[code])
        rows.append(
            {
                "vintage": vintage,
                "postcode_sector": sector,
                "lsoa_code": lsoa,
                "ward_code": ward,
                "postcode_district": sector.split()[0],
                "postcodes": sum(by_ward.values()),
            }
        )
    return rows


def load_reference(connection: Connection) -> None:
    """Replace the reference tables with the committed 2004 ward set and lookups."""
    for table in (m.AreaLookup, m.Ward, m.WardVintage, m.Lsoa, m.PostcodeDistrict, m.AreaCommittee):
        connection.execute(delete(table))
    connection.execute(
        insert(m.AreaCommittee), [{"code": c, "name": n} for c, n in AREA_COMMITTEES.items()]
    )
    connection.execute(
        insert(m.WardVintage),
        [
            {
                "vintage": DEFAULT_WARD_VINTAGE,
                "description": "Wards of the City of Bradford (Electoral Changes) Order 2004, "
                "used for elections 2004-2025",
                "is_default": True,
            }
        ],
    )
    connection.execute(
        insert(m.Ward),
        [
            {
                "vintage": DEFAULT_WARD_VINTAGE,
                "code": p["code"],
                "name": p["name"],
                "area_committee_code": p["area"],
            }
            for p in _features("wards-2004.geojson")
        ],
    )
    lookup = area_lookup_rows(DEFAULT_WARD_VINTAGE, GEO_ASSETS / "sector_lsoa_ward_2004.csv")
    districts = sorted({row["postcode_district"] for row in lookup})
    connection.execute(insert(m.PostcodeDistrict), [{"code": d} for d in districts])
    connection.execute(
        insert(m.Lsoa), [{"code": p["code"], "name": p["name"]} for p in _features("lsoas.geojson")]
    )
    connection.execute(insert(m.AreaLookup), lookup)


def ensure_reference(connection: Connection) -> None:
    """Load the geography reference tables into a store that has none yet (a new real store)."""
    from sqlalchemy import select

    if connection.execute(select(m.Ward.code).limit(1)).first() is None:
        load_reference(connection)
    if connection.execute(select(m.StrategicObjective.number).limit(1)).first() is None:
        from domain.vocab import STRATEGIC_OBJECTIVES

        connection.execute(
            insert(m.StrategicObjective),
            [
                {"number": number, "title": title, "description": "; ".join(bullets)}
                for number, (title, bullets) in STRATEGIC_OBJECTIVES.items()
            ],
        )


def postcodes_by_district() -> dict[str, list[tuple[str, str]]]:
    """(sector, LSOA) of every postcode, grouped by district: where synthetic children 'live'."""
    grouped: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with open(GEO_ASSETS / "postcode_lookup.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            grouped[row["district"]].append((row["sector"], row["lsoa_code"]))
    return dict(grouped)


@lru_cache(maxsize=1)
def _postcode_index() -> dict[str, dict[str, str]]:
    with open(GEO_ASSETS / "postcode_lookup.csv", encoding="utf-8", newline="") as handle:
        return {row["postcode"].replace(" ", ""): row for row in csv.DictReader(handle)}


def postcode_record(postcode: str) -> dict[str, str] | None:
    """The lookup row of a Bradford postcode (any spacing or case), or None if it is not one."""
    compact = "".join((postcode or "").split()).upper()
    return _postcode_index().get(compact)


@lru_cache(maxsize=1)
def known_places() -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    """(sector, LSOA) pairs and LSOA codes of the district, from the committed lookup."""
    pairs, lsoas = set(), set()
    for row in _postcode_index().values():
        pairs.add((row["sector"], row["lsoa_code"]))
        lsoas.add(row["lsoa_code"])
    return frozenset(pairs), frozenset(lsoas)
