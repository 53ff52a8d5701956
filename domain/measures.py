"""Education, modern slavery and disrupt-and-prosecute: their vocabularies and pure rules.

The report (2.17, 2.22, 2.23) counts these by academic year (education), financial year
(offences) and six-week windows (intelligence); these rules turn monthly numbers and dated
records into those periods the same way on every page, export and test.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import polars as pl

from domain.frames import mapped
from domain.months import add_months, month_end, parse_month

REPORT_DATE = date(2020, 9, 30)  # the Area Committee report's "as at" date
SIX_WEEKS = timedelta(weeks=6)
ONE_DAY = timedelta(days=1)

EDUCATION_MEASURES: dict[str, str] = {
    "cme_referrals": "Children missing education referred to the LA",
    "cme_whereabouts_found": "Of those referrals, whereabouts since found",
    "ehe_registered": "Children electively home educated (at month end)",
}

MSHT_MEASURES: dict[str, str] = {
    "offences": "Recorded modern slavery and trafficking offences",
    "nrm_child_referrals": "National Referral Mechanism referrals of children",
    "intelligence_submissions": "Partnership-intelligence submissions (modern slavery)",
}

MSHT_SHORT: dict[str, str] = {  # table headings
    "offences": "Offences",
    "nrm_child_referrals": "NRM referrals (children)",
    "intelligence_submissions": "Intelligence submissions",
}

# Exclusive stages of a non-recent CSE investigation (Operation Dalesway). "Live" is everything
# not yet charged; within it, a CPS complex-case lawyer may be allocated, and victims may still be
# at the disclosure stage (two flags on the live cases, not stages of their own).
INVESTIGATION_STAGES: dict[str, str] = {
    "live": "Live (not yet charged)",
    "charged": "Charged",
    "pending_trial": "Pending trial",
    "concluded": "Concluded",
    "discontinued": "Discontinued",
}
# The pipeline a lead reads: live split by where the case has got to, then the later stages.
PIPELINE_STAGES: dict[str, str] = {
    "live_victim_disclosure": "Live: victims at disclosure stage",
    "live_investigation": "Live: under investigation",
    "live_cps_lawyer": "Live: CPS complex-case lawyer allocated",
    "charged": "Charged",
    "pending_trial": "Pending trial",
    "concluded": "Concluded",
    "discontinued": "Discontinued",
}

DISRUPTION_TYPES: dict[str, str] = {
    "cawn": "Child Abduction Warning Notices",
    "shpo": "Sexual Harm Prevention Orders",
    "stro": "Slavery and Trafficking Risk Orders",
    "arrest": "Arrests",
    "closure": "Closures of locations of concern",
    "licensing": "Licensing actions (premises, taxis)",
}


def pct_change(before: float | None, after: float | None) -> float | None:
    """Per cent change from ``before`` to ``after`` (12 → 24 is +100%, never +50%)."""
    if before is None or after is None or before == 0:
        return None
    return 100.0 * (after - before) / before


def academic_year(month: date) -> str:
    """'2019/20' for Sep 2019 – Aug 2020: the reporting year for schools."""
    first = month.year if month.month >= 9 else month.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def financial_year(month: date) -> str:
    """'2019/20' for Apr 2019 – Mar 2020: the police recording year."""
    first = month.year if month.month >= 4 else month.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def period_totals(
    frame: pl.DataFrame, value: str, period: str = "academic", complete_only: bool = True
) -> pl.DataFrame:
    """Sum a monthly series (``month`` YYYY-MM, nullable ``value``) into years.

    A year with a hidden (null) month is hidden too: its total would give the month away. With
    ``complete_only`` a year without all twelve months is left out (a part year is not a year).
    """
    label = academic_year if period == "academic" else financial_year
    years = frame.with_columns(
        mapped(frame["month"], lambda m: label(parse_month(m))).alias("year")
    )
    totals = (
        years.group_by("year")
        .agg(
            pl.len().alias("months"),
            pl.col(value).null_count().alias("hidden"),
            pl.col(value).sum().alias(value),
        )
        .with_columns(
            pl.when(pl.col("hidden") > 0).then(None).otherwise(pl.col(value)).alias(value)
        )
        .sort("year")
    )
    if complete_only:
        totals = totals.filter(pl.col("months") == 12)
    return totals.select("year", value)


def window_counts(
    days: Iterable[date], end: date, window: timedelta = SIX_WEEKS
) -> tuple[int, int]:
    """Records in the window ending on ``end`` (inclusive) and in the same-length window before."""
    current_start = end - window + timedelta(days=1)
    previous_start = current_start - window
    current = previous = 0
    for day in days:
        if current_start <= day <= end:
            current += 1
        elif previous_start <= day < current_start:
            previous += 1
    return previous, current


def partial_month_counts(days: Iterable[date], first: date, last: date) -> list[int]:
    """Counts of ``days`` in the parts of months that ``first``..``last`` only partly covers
    (what subtracting the published whole months from the window's count would reveal)."""
    chosen = [d for d in days if first <= d <= last]
    parts = []
    for month in {d.replace(day=1) for d in (first, last)}:
        whole = first <= month and month_end(month) <= last
        if not whole:
            parts.append(sum(1 for d in chosen if d.replace(day=1) == month))
    return parts


def stage_at_month_ends(updates: pl.DataFrame, months: list[date]) -> pl.DataFrame:
    """Each investigation's latest update on or before each month end.

    ``updates`` has ``investigation``, ``updated_on`` and the update's fields; the result has
    ``month`` (YYYY-MM) plus those fields, one row per investigation open by that month end.
    """
    if updates.height == 0 or not months:
        return updates.clear().with_columns(pl.lit("").alias("month"))
    ends = pl.DataFrame({"month_end": [month_end(m) for m in months]}).sort("month_end")
    parts = []
    for _, part in updates.sort("updated_on").group_by("investigation", maintain_order=True):
        latest = ends.join_asof(part, left_on="month_end", right_on="updated_on")
        parts.append(latest.filter(pl.col("updated_on").is_not_null()))
    result = pl.concat(parts)
    return result.with_columns(pl.col("month_end").dt.strftime("%Y-%m").alias("month")).drop(
        "month_end"
    )


def pipeline_stage(stage: str, cps_lawyer: bool, victim_disclosure: bool) -> str:
    """Where a case sits in the pipeline chart: live cases by their furthest step."""
    if stage != "live":
        return stage
    if cps_lawyer:
        return "live_cps_lawyer"
    if victim_disclosure:
        return "live_victim_disclosure"
    return "live_investigation"


def month_labels(first: date, last: date) -> list[str]:
    """'YYYY-MM' for every month from ``first`` to ``last``."""
    labels, current = [], first.replace(day=1)
    while current <= last:
        labels.append(current.strftime("%Y-%m"))
        current = add_months(current, 1)
    return labels


def complete_years(first: date, last: date, period: str = "academic") -> list[str]:
    """Academic (Sep-Aug) or financial (Apr-Mar) years lying wholly within ``first``..``last``
    (month precision), latest first: the years a by-ward table can offer."""
    start_month = 9 if period == "academic" else 4
    label = academic_year if period == "academic" else financial_year
    years, month = [], first.replace(day=1)
    while month <= last:
        if month.month == start_month and add_months(month, 11) <= last.replace(day=1):
            years.append(label(month))
        month = add_months(month, 1)
    return list(reversed(years))
