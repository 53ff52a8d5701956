"""Hot-spot statistics: rates per 10,000 children, funnel-plot control limits, the rising test.

Control limits are exact Poisson limits (the chi-squared form, as in the Public Health England
funnel-plot tools), so they stay right for the small counts of a single ward:
for an expected count E the limits on the observed count are
``chi2.ppf(a/2, 2E)/2`` and ``chi2.ppf(1 - a/2, 2(E + 1))/2``, computed as the inverse regularised
gamma functions they equal (``scipy.special``: the same numbers without loading ``scipy.stats``,
about 45 MB more in every app server).

The rising test compares the last 3 months with the 12 before. If the monthly rate had not
changed, each of the n events in those 15 months would fall in the last 3 with probability 3/15,
so the last-3 count is Binomial(n, 0.2); "rising" means the one-sided exact p-value
P(X >= last 3) is below 0.05.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from scipy.special import bdtrc, gammaincinv

PER = 10_000
LEVELS = {"95": 0.95, "99.8": 0.998}
FLAG_LABELS = {
    "high_998": "Above 99.8% limit (very high)",
    "high_95": "Above 95% limit (high)",
    "within": "Within limits",
    "low_95": "Below 95% limit (low)",
    "low_998": "Below 99.8% limit (very low)",
}
FLAG_MARKERS = {
    "high_998": "triangle-up",
    "high_95": "diamond",
    "within": "circle",
    "low_95": "square",
    "low_998": "triangle-down",
}


def poisson_limits(expected: float, level: float) -> tuple[float, float]:
    """Exact Poisson control limits (on the count) around an expected count."""
    alpha = 1 - level
    lower = 0.0 if expected <= 0 else float(gammaincinv(expected, alpha / 2))
    upper = float(gammaincinv(expected + 1, 1 - alpha / 2))
    return lower, upper


def rising_p_value(last3: int, previous12: int) -> float:
    """One-sided exact p-value that the last 3 months are above the previous 12's rate."""
    total = last3 + previous12
    if total == 0:
        return 1.0
    return float(bdtrc(last3 - 1, total, 3 / 15))  # P(X >= last3), X ~ Binomial(total, 0.2)


def is_rising(last3: int, previous12: int, alpha: float = 0.05) -> bool:
    return last3 > 0 and rising_p_value(last3, previous12) < alpha


def flag_areas(frame: pl.DataFrame) -> pl.DataFrame:
    """Add rate, expected count, limits and a flag to ``code, name, count, population``
    (and, if present, ``last3``, ``previous12`` for the rising test)."""
    total_count = frame["count"].sum()
    total_population = frame["population"].sum()
    district_rate = total_count / total_population if total_population else 0.0
    rows = []
    for row in frame.iter_rows(named=True):
        population = row["population"]
        expected = district_rate * population
        limits = {name: poisson_limits(expected, level) for name, level in LEVELS.items()}
        count = row["count"]
        if count > limits["99.8"][1]:
            flag = "high_998"
        elif count > limits["95"][1]:
            flag = "high_95"
        elif count < limits["99.8"][0]:
            flag = "low_998"
        elif count < limits["95"][0]:
            flag = "low_95"
        else:
            flag = "within"
        last3, previous12 = row.get("last3"), row.get("previous12")
        rising = None if last3 is None else is_rising(last3, previous12)
        rows.append(
            {
                **row,
                "rate": PER * count / population if population else None,
                "expected": expected,
                "flag": flag,
                "rising": rising,
                "rising_p": None if last3 is None else rising_p_value(last3, previous12),
            }
        )
    out = pl.DataFrame(rows)
    return out.with_columns(pl.lit(PER * district_rate).alias("district_rate"))


def worse_and_getting_worse(flagged: pl.DataFrame) -> pl.DataFrame:
    """Areas both significantly high (above the 95% limit) and rising, the highest rate first."""
    return flagged.filter(
        pl.col("flag").is_in(["high_95", "high_998"]) & pl.col("rising").fill_null(False)
    ).sort("rate", descending=True)


def funnel_curve(
    district_rate_per: float, populations: Sequence[float], points: int = 80
) -> pl.DataFrame:
    """Control limits as rates per 10,000 across the population range, for drawing the funnel."""
    low, high = max(min(populations) * 0.8, 1.0), max(populations) * 1.1
    step = (high - low) / (points - 1)
    rows = []
    for i in range(points):
        population = low + i * step
        expected = district_rate_per / PER * population
        row = {"population": population}
        for name, level in LEVELS.items():
            lower, upper = poisson_limits(expected, level)
            row[f"lower_{name}"] = PER * lower / population
            row[f"upper_{name}"] = PER * upper / population
        rows.append(row)
    return pl.DataFrame(rows)
