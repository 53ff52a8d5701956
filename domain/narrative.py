"""Plain-English sentences for the briefing, generated from the (already suppressed) figures.

Rules: never state a number that disclosure control hides, and word every hidden number the same
way ("not published"), whether it is a small count or hidden to protect another: telling them
apart would tell the reader which hidden numbers are 1 to 4. Percentages only where both numbers
are shown and the earlier one is not zero.
"""

from __future__ import annotations

from domain.briefing_figures import BriefingFigures, Figure, Headline
from domain.formatting import format_count
from domain.months import month_label


def amount(figure: Figure, threshold: int = 5) -> str | None:
    """How a figure may be written: '1,234', or None when hidden (never described)."""
    del threshold  # kept for callers; no hidden number is ever described by size
    if figure.value is not None:
        return format_count(figure.value)
    return None


def percent_change(before: Figure, after: Figure) -> float | None:
    if before.value is None or after.value is None or before.value == 0:
        return None
    return 100.0 * (after.value - before.value) / before.value


def signed_percent(pct: float) -> str:
    """'+13%', '-2%'; a change that rounds to 0% is 'no change'."""
    if round(pct) == 0:
        return "no change"
    return f"{'+' if pct > 0 else '-'}{abs(pct):.0f}%"


def change_sentence(headline: Headline, area_name: str, threshold: int) -> str:
    """'Referrals in Bradford South rose from 212 to 240 (+13%) against +4% across the district.'"""
    subject = f"{headline.label} in {area_name}"
    before = amount(headline.area["previous"], threshold)
    after = amount(headline.area["current"], threshold)
    if before is None or after is None:
        if after is not None:
            return (
                f"{subject}: {after} in the latest 12 months; the earlier figure is not published (c), "
                "to protect children's privacy."
            )
        return f"{subject}: not published (c), to protect children's privacy."
    area_pct = percent_change(headline.area["previous"], headline.area["current"])
    old, new = headline.area["previous"].value, headline.area["current"].value
    if old is not None and new is not None and old == new:
        sentence = f"{subject} were unchanged at {after}"
    elif old is not None and new is not None:
        verb = "rose" if new > old else "fell"
        sentence = f"{subject} {verb} from {before} to {after}"
        if area_pct is not None and round(area_pct) != 0:
            sentence += f" ({signed_percent(area_pct)})"
    else:
        sentence = f"{subject} went from {before} to {after}"
    district_pct = percent_change(headline.district["previous"], headline.district["current"])
    if district_pct is not None:
        sentence += f", against {signed_percent(district_pct)} across the district"
    return sentence + "."


def cohort_sentence(figures: BriefingFigures, threshold: int) -> str:
    """Children at risk at the period end, with significant risk and a year earlier."""
    cohort = figures.cohort
    now = amount(cohort.area["current"], threshold)
    month = month_label(figures.period.end)
    if now is None:
        return (
            f"At the end of {month}, the number of children in {figures.area_name} assessed as at "
            "risk of exploitation is not published (c), to protect children's privacy."
        )
    sentence = (
        f"At the end of {month}, {now} children in {figures.area_name} were assessed as at risk "
        "of exploitation"
    )
    significant = amount(figures.cohort_by_level["significant"], threshold)
    if significant is not None:
        sentence += f" ({significant} at significant risk)"
    before = amount(cohort.area["previous"], threshold)
    if before is not None:
        sentence += f", against {before} a year earlier"
    district = amount(cohort.district["current"], threshold)
    if district is not None:
        sentence += f"; {district} across the whole district"
    return sentence + "."


def narrative(figures: BriefingFigures, threshold: int = 5) -> list[str]:
    """The paragraph under the headline slide, one sentence per measure."""
    return [cohort_sentence(figures, threshold)] + [
        change_sentence(headline, figures.area_name, threshold) for headline in figures.headlines
    ]
