"""What the public release contains: a fixed, finite query space (periods, geographies,
breakdowns) and how each published cell is a sum of atoms. Pure rules, no SQL.

The public tier (Area Committee pages, the Area briefing, ``export --for-publication``) shows only
cells listed here, so the protection can be checked over everything it shows at once.

* Periods: the 12 months to the release month and the 12 months before (what the briefing
  compares), the last 8 complete financial quarters, and for the risk cohort single month ends
  (each of those quarter ends, the release month and the same month a year earlier).
* Geography: district -> 5 Area Committee areas -> 30 wards (2004). Postcode districts cut across
  wards, so they are not in the public tier.
* Breakdowns: each measure's total for every geography x period; its categories (exploitation
  type, placement type, risk level, service) only for the district and the areas.

Atoms are the unknowns of the attacker: for measures that add up over months, (month, ward,
category); for the others, (period, ward, category), each period with its own unknowns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from domain.months import add_months, month_label
from domain.services import SERVICES
from domain.vocab import EXPLOITATION_TYPES, PLACEMENT_TYPES, RISK_LEVELS

ALL = "all"
TOTAL_BREAKDOWN = "total"
DISTRICT_CODE = "E08000032"  # Bradford local authority district
LEVELS = ("district", "area", "ward")
CATEGORY_LEVELS = ("district", "area")  # categories are published only this coarse


@dataclass(frozen=True)
class MeasureSpec:
    """A published measure and how it adds up (written to the manifest)."""

    key: str
    label: str
    unit: str
    breakdown: str | None  # the category dimension published at district and area level
    categories: Mapping[str, str]
    month_end: bool  # a count at single month ends (else a count over a period)
    adds_over_months: bool
    adds_over_geography: bool = True
    adds_over_categories: bool = True


MEASURES: dict[str, MeasureSpec] = {
    "children_at_risk": MeasureSpec(
        "children_at_risk", "Children at risk of exploitation (month end)", "children",
        "risk_level", RISK_LEVELS, month_end=True, adds_over_months=False,
    ),
    "referrals": MeasureSpec(
        "referrals", "Referrals", "referrals", "exploitation_type", EXPLOITATION_TYPES,
        month_end=False, adds_over_months=True,
    ),
    "missing_episodes": MeasureSpec(
        "missing_episodes", "Missing episodes", "episodes", "placement_type", PLACEMENT_TYPES,
        month_end=False, adds_over_months=True,
    ),
    "missing_children": MeasureSpec(
        "missing_children", "Children who went missing", "children", None, {},
        month_end=False, adds_over_months=False, adds_over_categories=False,
    ),
    "service_open_cases": MeasureSpec(
        "service_open_cases", "Children in a service (open cases at month end)", "children",
        "service", SERVICES, month_end=True, adds_over_months=False,
    ),
    "service_new_cases": MeasureSpec(
        "service_new_cases", "Service cases taken on", "cases", "service", SERVICES,
        month_end=False, adds_over_months=True,
    ),
}  # fmt: skip


@dataclass(frozen=True, order=True)
class Period:
    """Months ``start`` to ``end`` inclusive (firsts of months); a month end has start == end."""

    start: date
    end: date
    kind: str  # "year", "quarter" or "month_end"

    def label(self) -> str:
        if self.kind == "month_end":
            return f"end of {month_label(self.end)}"
        if self.kind == "quarter":
            return quarter_label(self.start)
        return f"{month_label(self.start)} to {month_label(self.end)}"

    def months(self) -> list[date]:
        out, current = [], self.start
        while current <= self.end:
            out.append(current)
            current = add_months(current, 1)
        return out


def quarter_label(start: date) -> str:
    """'Q2 2025-26 (Jul to Sep 2025)': financial quarters start in April."""
    fy = start.year if start.month >= 4 else start.year - 1
    number = ((start.month - 4) % 12) // 3 + 1
    end = add_months(start, 2)
    return f"Q{number} {fy}-{str(fy + 1)[-2:]} ({start:%b} to {end:%b %Y})"


def financial_quarters(release_month: date, count: int = 8) -> list[Period]:
    """The last ``count`` complete financial quarters ending on or before the release month."""
    first = release_month.replace(day=1)
    while (first.month - 4) % 3 != 0:  # back to a quarter start
        first = add_months(first, -1)
    if add_months(first, 2) > release_month:  # the release month's quarter is not complete
        first = add_months(first, -3)
    starts = [add_months(first, -3 * k) for k in range(count)]
    return [Period(s, add_months(s, 2), "quarter") for s in sorted(starts)]


def years(release_month: date) -> tuple[Period, Period]:
    """(the 12 months before, the 12 months to the release month)."""
    return (
        Period(add_months(release_month, -23), add_months(release_month, -12), "year"),
        Period(add_months(release_month, -11), release_month, "year"),
    )


def month_ends(release_month: date) -> list[Period]:
    """Cohort month ends: each quarter end, the release month and a year before it."""
    months = {q.end for q in financial_quarters(release_month)}
    months |= {release_month, add_months(release_month, -12)}
    return [Period(m, m, "month_end") for m in sorted(months)]


def periods_for(measure: MeasureSpec, release_month: date) -> list[Period]:
    if measure.month_end:
        return month_ends(release_month)
    return [*years(release_month), *financial_quarters(release_month)]


@dataclass(frozen=True, order=True)
class CellKey:
    """One published cell, as stored and exported."""

    measure: str
    breakdown: str  # "total" or the category dimension
    category: str  # "all" for a total
    geography_level: str
    geography_code: str
    period_start: date
    period_end: date


AtomKey = tuple[str, date, date, str, str]  # measure, period start, period end, ward, category


@dataclass(frozen=True)
class Geography:
    """District -> areas -> wards: which wards each published place holds."""

    wards_by_area: Mapping[str, Sequence[str]]

    def places(self) -> list[tuple[str, str]]:
        out = [("district", DISTRICT_CODE)]
        out += [("area", a) for a in sorted(self.wards_by_area)]
        out += [("ward", w) for a in sorted(self.wards_by_area) for w in self.wards_by_area[a]]
        return out

    def wards_of(self, level: str, code: str) -> list[str]:
        if level == "district":
            return [w for a in sorted(self.wards_by_area) for w in self.wards_by_area[a]]
        if level == "area":
            return list(self.wards_by_area[code])
        if level == "ward":
            return [code]
        raise ValueError(f"unknown geography level {level!r}")


def release_cells(release_month: date, geography: Geography) -> list[CellKey]:
    """Every cell of the release for ``release_month``, in a stable order."""
    cells = []
    for measure in MEASURES.values():
        for period in periods_for(measure, release_month):
            for level, code in geography.places():
                cells.append(
                    CellKey(
                        measure.key, TOTAL_BREAKDOWN, ALL, level, code, period.start, period.end
                    )
                )
                if measure.breakdown and level in CATEGORY_LEVELS:
                    cells += [
                        CellKey(measure.key, measure.breakdown, cat, level, code, period.start,
                                period.end)
                        for cat in measure.categories
                    ]  # fmt: skip
    return cells


def cell_atoms(cell: CellKey, geography: Geography) -> list[AtomKey]:
    """The atoms a cell sums: what the attacker writes each published number as."""
    measure = MEASURES[cell.measure]
    categories = list(measure.categories) or [ALL]
    if cell.category != ALL:
        categories = [cell.category]
    wards = geography.wards_of(cell.geography_level, cell.geography_code)
    if measure.adds_over_months:
        spans = [(m, m) for m in Period(cell.period_start, cell.period_end, "x").months()]
    else:
        spans = [(cell.period_start, cell.period_end)]
    return [(cell.measure, s, e, w, c) for s, e in spans for w in wards for c in categories]


def manifest_measures() -> dict[str, dict]:
    """For each measure: what it counts and whether it adds up over months, geography and
    categories (so a reader of the CSV knows which sums are meaningful)."""
    return {
        key: {
            "label": spec.label,
            "unit": spec.unit,
            "breakdown": spec.breakdown,
            "categories": list(spec.categories),
            "periods": "month ends" if spec.month_end else "years and financial quarters",
            "adds_up_over_months": spec.adds_over_months,
            "adds_up_over_geography": spec.adds_over_geography,
            "adds_up_over_categories": spec.adds_over_categories,
        }
        for key, spec in MEASURES.items()
    }
