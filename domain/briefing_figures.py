"""What an Area Committee briefing is made of: the period compared, and its published figures.

Plain data shared by the data layer (which fills it) and the narrative and slides (which word and
draw it), so neither depends on the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from domain.months import add_months, month_end, month_label

PERIODS = ("previous", "current")
GEOS = ("area", "rest")
MEASURES = {
    "referrals": "Referrals",
    "missing_episodes": "Missing episodes",
    "missing_children": "Children who went missing",
}


@dataclass(frozen=True)
class BriefingPeriod:
    """Twelve complete months ending with ``end`` (a first-of-month), against the 12 before."""

    end: date

    @property
    def current_start(self) -> date:
        return add_months(self.end, -11)

    @property
    def previous_end(self) -> date:
        return add_months(self.end, -12)

    @property
    def previous_start(self) -> date:
        return add_months(self.end, -23)

    def label(self, which: str = "current") -> str:
        start, end = (
            (self.current_start, self.end)
            if which == "current"
            else (self.previous_start, self.previous_end)
        )
        return f"{month_label(start)} to {month_label(end)}"


def default_period(as_of: date) -> BriefingPeriod:
    """The last 12 complete months: a month counts as complete only when data run to its end."""
    last = as_of.replace(day=1)
    if as_of < month_end(as_of):
        last = add_months(last, -1)
    return BriefingPeriod(last)


@dataclass(frozen=True)
class Figure:
    """One published number: None when hidden, with why (for the narrative's wording)."""

    value: int | None
    reason: str | None = None

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass
class Headline:
    """A measure for the area and the district, in both periods."""

    key: str
    label: str
    area: dict[str, Figure] = field(default_factory=dict)
    district: dict[str, Figure] = field(default_factory=dict)


@dataclass
class BriefingFigures:
    area_code: str
    area_name: str
    period: BriefingPeriod
    as_of: date
    headlines: list[Headline]
    cohort: Headline
    cohort_by_level: dict[str, Figure]
    ward_referrals: pl.DataFrame
    referral_trend: pl.DataFrame
    missing_trend: pl.DataFrame
    cohort_trend: pl.DataFrame
    actions: pl.DataFrame
    services: pl.DataFrame | None = None  # data_access.services.briefing_table, suppressed
