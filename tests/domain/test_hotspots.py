"""Hot-spot statistics against hand-computed values, and flags on a fixture with a known answer."""

from __future__ import annotations

import math

import polars as pl
import pytest

from domain.hotspots import (
    flag_areas,
    funnel_curve,
    is_rising,
    poisson_limits,
    rising_p_value,
    worse_and_getting_worse,
)


def poisson_cdf(k: int, mu: float) -> float:
    return sum(math.exp(-mu) * mu**i / math.factorial(i) for i in range(k + 1))


def test_exact_poisson_limits_match_textbook_values():
    assert poisson_limits(4, 0.95) == pytest.approx((1.0899, 10.2416), abs=1e-4)
    assert poisson_limits(0, 0.95) == pytest.approx((0.0, 3.6889), abs=1e-4)
    assert poisson_limits(10, 0.998) == pytest.approx((2.9605, 24.1339), abs=1e-3)


@pytest.mark.parametrize("count", [1, 3, 7, 15])
def test_limits_are_the_exact_poisson_tail_points(count):
    """The upper limit U for count k satisfies P(X <= k | mu = U) = 2.5%, computed by summing the
    Poisson probabilities directly (no chi-squared involved)."""
    lower, upper = poisson_limits(count, 0.95)
    assert poisson_cdf(count, upper) == pytest.approx(0.025, abs=1e-6)
    assert 1 - poisson_cdf(count - 1, lower) == pytest.approx(0.025, abs=1e-6)


def test_rising_test_is_an_exact_one_sided_binomial():
    expected = sum(math.comb(22, k) * 0.2**k * 0.8 ** (22 - k) for k in range(10, 23))
    assert rising_p_value(10, 12) == pytest.approx(expected, rel=1e-9)
    assert is_rising(10, 12)
    assert not is_rising(3, 12)  # exactly the expected share: not rising
    assert rising_p_value(0, 0) == 1.0 and not is_rising(0, 0)
    assert rising_p_value(0, 5) == 1.0  # P(X >= 0) whatever the counts


def test_flags_on_a_fixture_with_a_known_answer():
    frame = pl.DataFrame(
        {
            "code": ["A", "B", "C", "D", "E", "F"],
            "name": ["A", "B", "C", "D", "E", "F"],
            "count": [110, 110, 110, 110, 160, 0],
            "population": [10_000] * 5 + [1_000],
            "last3": [22, 22, 22, 22, 60, 0],
            "previous12": [88, 88, 88, 88, 100, 0],
        }
    )
    flagged = flag_areas(frame)
    flags = dict(zip(flagged["code"], flagged["flag"], strict=True))
    assert flags["E"] == "high_998"
    assert all(flags[c] == "within" for c in "ABCD")
    # F: expected 1,000 x 600/51,000 = 11.8; zero is below even the 99.8% lower limit
    assert flags["F"] == "low_998"
    assert flagged.filter(pl.col("code") == "A")["rate"].item() == pytest.approx(110.0)
    assert flagged["district_rate"][0] == pytest.approx(10_000 * 600 / 51_000)
    assert worse_and_getting_worse(flagged)["code"].to_list() == ["E"]
    calmer = flag_areas(
        frame.with_columns(
            pl.when(pl.col("code") == "E").then(32).otherwise(pl.col("last3")).alias("last3")
        )
    )
    assert worse_and_getting_worse(calmer).height == 0  # high, but not rising


def test_funnel_narrows_as_population_grows():
    curve = funnel_curve(100.0, [1_000, 20_000])
    widths = (curve["upper_95"] - curve["lower_95"]).to_list()
    assert widths[0] > widths[-1] > 0
    assert (curve["upper_99.8"] >= curve["upper_95"]).all()
