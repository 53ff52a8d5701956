"""The partnership's services (App. F of the report) and the pure rules for showing who they reach:
service codes and labels, age bands, ethnicity as the services record it (grouped for display
only where numbers are small) and coverage against the at-risk cohort. No Streamlit, no SQL.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
from scipy.special import pdtr

from domain.frames import mapped_rows
from domain.hotspots import FLAG_LABELS as HOTSPOT_FLAGS
from domain.hotspots import flag_areas, funnel_curve

SERVICES: dict[str, str] = {
    "trusted_relationships": "Trusted Relationships",
    "turnaround": "Turnaround",
    "sfayc": "Supporting Families against Youth Crime",
    "breaking_the_cycle": "Breaking the Cycle",
}
SERVICE_SHORT: dict[str, str] = {
    "trusted_relationships": "Trusted Relationships",
    "turnaround": "Turnaround",
    "sfayc": "SFAYC",
    "breaking_the_cycle": "Breaking the Cycle",
}
SERVICE_WHAT: dict[str, str] = {
    "trusted_relationships": "one-to-one and group work with young people at emerging risk "
    "(Young Lives Bradford consortium: Barnardo's, JAMES, e;merge, Project 6, Bradford YMCA)",
    "turnaround": "therapeutic support for young people at moderate or significant risk, closed "
    "only when the risk has reduced",
    "sfayc": "key workers for children aged 6 to 13 and their families at risk of being drawn "
    "into gangs and youth crime",
    "breaking_the_cycle": "intensive work with young people involved in serious violence, funded "
    "by the Violence Reduction Unit",
}
DELIVERIES: dict[str, str] = {"one_to_one": "One-to-one", "group_work": "Group work"}
PROVIDERS: dict[str, str] = {
    "barnardos": "Barnardo's",
    "james": "JAMES (Motor Education Services)",
    "emerge": "e;merge",
    "project_6": "Project 6 (Keighley)",
    "ymca": "Bradford YMCA",
    "brathay": "Brathay Trust",
    "council": "Bradford Council",
    "other": "Other provider",
}
GENDERS: dict[str, str] = {
    "female": "Female",
    "male": "Male",
    "other": "Other",
    "unknown": "Not known",
}
CONFIDENTIAL = "confidential"  # the postcode district of a case whose address is withheld
MEASURES: dict[str, str] = {
    "open_cases": "Children in the service (open cases at month end)",
    "new_cases": "Cases taken on in the month",
}

AGE_BANDS: dict[str, tuple[int, int]] = {
    "under_10": (0, 9),
    "10_11": (10, 11),
    "12_13": (12, 13),
    "14_15": (14, 15),
    "16_17": (16, 17),
    "18_plus": (18, 200),
}
AGE_BAND_LABELS: dict[str, str] = {
    "under_10": "Under 10",
    "10_11": "10-11",
    "12_13": "12-13",
    "14_15": "14-15",
    "16_17": "16-17",
    "18_plus": "18 and over",
    "not_known": "Not known",
    "under_12": "Under 12",
    "16_plus": "16 and over",
}
# Public (suppressed) views use wider bands at the ends, where an area's numbers are small.
PUBLIC_AGE_BANDS: dict[str, str] = {"under_10": "under_12", "10_11": "under_12",
                                    "16_17": "16_plus", "18_plus": "16_plus"}  # fmt: skip
FINE_BANDS = ("under_10", "10_11", "12_13", "14_15", "16_17", "18_plus", "not_known")
PUBLIC_BANDS = ("under_12", "12_13", "14_15", "16_plus", "not_known")
AGE_ORDER = ("under_10", "under_12", "10_11", "12_13", "14_15", "16_17", "16_plus", "18_plus",
             "not_known")  # fmt: skip
GENDER_GROUPS: dict[str, str] = {"female": "Female", "male": "Male", "other": "Other or not known"}


def age_band(age: int | None, public: bool = False) -> str:
    """The band a whole age in years falls in (bands are fixed so tables line up); ``public``
    gives the wider bands of suppressed views."""
    if age is None:
        return "not_known"
    for band, (low, high) in AGE_BANDS.items():
        if low <= age <= high:
            return PUBLIC_AGE_BANDS.get(band, band) if public else band
    raise ValueError(f"age {age} is negative")


# Ethnicity as the services write it, to the census's broad groups. Only used to fold small
# categories together for display; the recorded wording is what is stored and exported.
BROAD_GROUPS = (
    "White British",
    "White other",
    "Mixed or multiple",
    "Asian or Asian British",
    "Black or Black British",
    "Other ethnic group",
    "Not known",
)
_BROAD: dict[str, str] = {
    "english british": "White British",
    "white british": "White British",
    "eastern european": "White other",
    "slovakian": "White other",
    "roma gypsy": "White other",
    "gypsy or irish traveller": "White other",
    "white other": "White other",
    "white other ethnic group": "White other",
    "white/kurdish": "White other",
    "white irish": "White other",
    "white and asian": "Mixed or multiple",
    "white and black caribbean": "Mixed or multiple",
    "white and black african": "Mixed or multiple",
    "mixed other": "Mixed or multiple",
    "pakistani": "Asian or Asian British",
    "bangladeshi": "Asian or Asian British",
    "indian": "Asian or Asian British",
    "asian other": "Asian or Asian British",
    "african": "Black or Black British",
    "black african": "Black or Black British",
    "black caribbean": "Black or Black British",
    "black other": "Black or Black British",
    "unknown": "Not known",
    "not known": "Not known",
    "not recorded": "Not known",
}


def ethnicity_label(recorded: str) -> str:
    """The recorded wording with '&' written 'and', so "White & Asian" (one service's spelling)
    and "White and Asian" (another's) are one category on screen."""
    return " ".join(recorded.replace("&", " and ").split())


def broad_group(recorded: str) -> str:
    return _BROAD.get(ethnicity_label(recorded).lower(), "Other ethnic group")


def group_small_ethnicities(counts: Mapping[str, int], threshold: int = 5) -> dict[str, str]:
    """Which display category each recorded ethnicity goes in.

    A category is shown as the services word it when it has at least ``threshold`` children;
    smaller ones are folded into "<broad group> (small groups combined)", so a table never lists a row of
    one or two children by their exact ethnicity. Categories are merged first by spelling
    (:func:`ethnicity_label`).
    """
    merged: dict[str, int] = {}
    for recorded, count in counts.items():
        label = ethnicity_label(recorded)
        merged[label] = merged.get(label, 0) + int(count)
    shown = {}
    for recorded in counts:
        label = ethnicity_label(recorded)
        group = broad_group(recorded)
        keep = merged[label] >= threshold or group == label or group == "Not known"
        shown[recorded] = label if keep else f"{group} (small groups combined)"
    return shown


def display_order(labels: list[str]) -> list[str]:
    """Largest broad group first as the census orders them, categories before combined ones."""

    def key(label: str) -> tuple[int, int, str]:
        group = (
            label.removesuffix(" (small groups combined)") if label.endswith("combined)") else None
        )
        broad = group or _BROAD.get(label.lower(), "Other ethnic group")
        rank = BROAD_GROUPS.index(broad) if broad in BROAD_GROUPS else len(BROAD_GROUPS)
        return (rank, 1 if group else 0, label)

    return sorted(set(labels), key=key)


# Coverage: children in a service against children at risk, area by area. The same exact Poisson
# funnel as the Hot spots page, with children at risk as the "population": an area's expected
# number in a service is its children at risk times the district's ratio.
COVERAGE_FLAGS: dict[str, str] = {
    "high_998": "Far more in a service than its risk suggests (above 99.8% limit)",
    "high_95": "More in a service than its risk suggests (above 95% limit)",
    "within": "In line with the district",
    "low_95": "Fewer in a service than its risk suggests (below 95% limit)",
    "low_998": "Far fewer in a service than its risk suggests (below 99.8% limit)",
}
assert set(COVERAGE_FLAGS) == set(HOTSPOT_FLAGS)


def coverage(
    frame: pl.DataFrame, district: tuple[int | None, int | None] | None = None
) -> pl.DataFrame:
    """Ratio, gap and funnel flag per area from ``code, name, at_risk, in_service``.

    ``district`` (children at risk, children in a service) is what every area is compared with;
    by default the areas' own sums (right for the whole district; an Area Committee's wards are
    compared with the district all the same, so pass it then).

    ``ratio`` is children in a service per 100 children at risk; ``gap`` is children at risk
    less children in a service (a rough count of where provision falls short: a child can be in
    a service without being in the at-risk cohort). Areas with no child at risk get no ratio or
    flag. Returns the rows sorted worst first (lowest ratio against its limits).
    """
    usable = frame.filter(pl.col("at_risk") > 0)
    rest = None
    if district and None not in district and usable.height:
        rest_risk = district[0] - usable["at_risk"].sum()
        rest_service = district[1] - usable["in_service"].sum()
        if rest_risk > 0 and rest_service >= 0:
            rest = pl.DataFrame({"code": ["_rest"], "name": ["rest"], "at_risk": [rest_risk],
                                 "in_service": [rest_service]}, schema=usable.schema)  # fmt: skip
    if not usable.height:
        return frame.with_columns(
            ratio=pl.lit(None, pl.Float64), gap=pl.col("at_risk") - pl.col("in_service"),
            expected=pl.lit(None, pl.Float64), flag=pl.lit(None, pl.String),
            district_ratio=pl.lit(None, pl.Float64),
        )  # fmt: skip
    with_rest = usable if rest is None else pl.concat([usable, rest])
    flagged = (
        flag_areas(with_rest.rename({"in_service": "count", "at_risk": "population"}))
        .rename({"count": "in_service", "population": "at_risk"})
        .filter(pl.col("code") != "_rest")
    )
    flagged = flagged.with_columns(
        mapped_rows(flagged, ["flag", "in_service", "expected"], _discrete_low, "flag")
    )
    district_ratio = 100 * with_rest["in_service"].sum() / with_rest["at_risk"].sum()
    out = flagged.select(
        "code", "name", "at_risk", "in_service",
        (100 * pl.col("in_service") / pl.col("at_risk")).alias("ratio"),
        (pl.col("at_risk") - pl.col("in_service")).alias("gap"),
        "expected", "flag", pl.lit(district_ratio).alias("district_ratio"),
    )  # fmt: skip
    order = {
        flag: i for i, flag in enumerate(("low_998", "low_95", "within", "high_95", "high_998"))
    }
    return (
        out.with_columns(pl.col("flag").replace_strict(order).alias("_o"))
        .sort("_o", "ratio")
        .drop("_o")
    )


def _discrete_low(flag: str, count: int, expected: float) -> str:
    """A 'low' flag only where so few is unlikely by chance: the continuous limits put 0 below
    the lower limit for any expected count, yet 0 of an expected 0.7 happens half the time.
    Low needs P(X <= count) under the level's tail (2.5% for 95%, 0.1% for 99.8%)."""
    if flag not in ("low_95", "low_998"):
        return flag
    p = float(pdtr(count, expected))  # P(X <= count), X ~ Poisson(expected)
    if p < 0.001:
        return "low_998"
    return "low_95" if p < 0.025 else "within"


def coverage_curve(district_ratio: float, at_risk: list[int]) -> pl.DataFrame:
    """The funnel's control limits as children in a service per 100 at risk."""
    curve = funnel_curve(district_ratio * 100, at_risk)  # per 10,000 = per 100 x 100
    return curve.with_columns([pl.col(c) / 100 for c in curve.columns if c != "population"])
