"""The five Area Committee areas and which 2004 wards each one holds.

The grouping is the one Area Committees use (one area per 2010-2024 parliamentary constituency);
it is a fact about the partnership, not about the boundary files, so it lives in code.
"""

from __future__ import annotations

AREA_COMMITTEES: dict[str, str] = {
    "EAST": "Bradford East",
    "SOUTH": "Bradford South",
    "WEST": "Bradford West",
    "KEIGHLEY": "Keighley",
    "SHIPLEY": "Shipley",
}

WARDS_BY_AREA_2004: dict[str, tuple[str, ...]] = {
    "EAST": (
        "Bolton and Undercliffe",
        "Bowling and Barkerend",
        "Bradford Moor",
        "Eccleshill",
        "Idle and Thackley",
        "Little Horton",
    ),
    "SOUTH": ("Great Horton", "Queensbury", "Royds", "Tong", "Wibsey", "Wyke"),
    "WEST": (
        "City",
        "Clayton and Fairweather Green",
        "Heaton",
        "Manningham",
        "Thornton and Allerton",
        "Toller",
    ),
    "KEIGHLEY": (
        "Craven",
        "Ilkley",
        "Keighley Central",
        "Keighley East",
        "Keighley West",
        "Worth Valley",
    ),
    "SHIPLEY": (
        "Baildon",
        "Bingley",
        "Bingley Rural",
        "Shipley",
        "Wharfedale",
        "Windhill and Wrose",
    ),
}

DEFAULT_WARD_VINTAGE = "2004"
LOCAL_AUTHORITY_CODE = "E08000032"

# Postcode districts that are PO-box only (no territory); they never get a polygon.
NON_GEOGRAPHIC_DISTRICTS = frozenset({"BD97", "BD98", "BD99"})


def area_for_ward_name(ward_name: str) -> str:
    """Area committee code for a 2004 ward name; KeyError for a name outside the district."""
    for area, wards in WARDS_BY_AREA_2004.items():
        if ward_name in wards:
            return area
    raise KeyError(ward_name)
