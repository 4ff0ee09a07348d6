"""Verdicts in words: a figure decides a question only when its interval does, and an undecided
one says how much more data it would take. Hand-built intervals, one per case."""

from __future__ import annotations

import math

import numpy as np
import pytest

from custodiet.audit import (
    EFFECT,
    HALF,
    LIFT,
    ClusteredSample,
    Decision,
    Interval,
    Scale,
    decide,
    more_data_needed,
    quote,
    sentence,
)


def iv(estimate: float, low: float, high: float, *, cities: int = 3, units: int = 100
       ) -> Interval:
    return Interval(estimate, low, high, 0.95, cities, units, units, "hand-built", 1.0)


def test_decided_above_quotes_the_interval():
    v = decide(iv(3.1, 1.8, 5.2), LIFT)
    assert v.decision is Decision.ABOVE and v.decided and v.more_data is None
    assert sentence(v, Scale.TIMES, above="better than chance", below="worse than chance") == (
        "better than chance: 3.1× (95% interval 1.8× to 5.2×)")


def test_decided_below():
    v = decide(iv(0.4, 0.2, 0.8), LIFT)
    assert v.decision is Decision.BELOW
    assert sentence(v, Scale.TIMES, above="a", below="worse than chance").startswith(
        "worse than chance: 0.4×")


def test_percent_quote():
    assert quote(iv(0.123, 0.081, 0.170), Scale.PERCENT) == "12.3% (95% interval 8.1% to 17.0%)"


def test_interval_crossing_one_is_undecided_with_the_data_it_needs():
    """Lift 1.3 (0.6 to 2.9): the low side is 0.7 wide and 0.3 from 1, so it takes
    (0.7 / 0.3)² = 5.4 times as many alerts for the low end to clear 1."""
    v = decide(iv(1.3, 0.6, 2.9), LIFT)
    assert v.decision is Decision.UNDECIDED and not v.decided
    assert v.more_data == pytest.approx((0.7 / 0.3) ** 2)
    assert sentence(v, Scale.TIMES, above="a", below="b") == (
        "too few alerts (or cities) to tell: it would take about 5.4× as many alerts; "
        "1.3× (95% interval 0.6× to 2.9×)")


def test_below_the_threshold_uses_the_high_side():
    """Precision 40% (35% to 60%) against one half: the high side is 0.2 wide, 0.1 away."""
    v = decide(iv(0.40, 0.35, 0.60), HALF)
    assert v.more_data == pytest.approx(4.0)


def test_estimate_on_the_threshold_no_amount_decides():
    v = decide(iv(0.0, -2.0, 2.0), EFFECT)
    assert v.more_data == math.inf
    assert "no amount of data at this effect size would decide it" in sentence(
        v, Scale.COUNT, above="a", below="b")


def test_lower_bound_only():
    """Lift against a chance precision of 0: a lower bound, decided when it clears 1, else
    the bound grows about in proportion to the chance alerts: 1 / 0.5 = 2 times as many."""
    decided = decide(iv(math.inf, 3.1, math.inf), LIFT)
    assert decided.decision is Decision.ABOVE
    assert sentence(decided, Scale.TIMES, above="better than chance", below="b") == (
        "better than chance: at least 3.1× (95% lower bound)")
    open_ = decide(iv(math.inf, 0.5, math.inf), LIFT)
    assert open_.decision is Decision.UNDECIDED and open_.more_data == pytest.approx(2.0)


def test_infinite_upper_end_with_a_finite_estimate():
    """No true alert against some chance hits: lift 0 with no upper limit."""
    v = decide(iv(0.0, 0.0, math.inf), LIFT)
    assert v.decision is Decision.UNDECIDED and v.more_data is None
    text = sentence(v, Scale.TIMES, above="a", below="b")
    assert text == ("too few alerts (or cities) to tell, and too few to say how many more it "
                    "would take; 0.0× (95% interval 0.0× or more)")


def test_nothing_on_either_side():
    v = decide(iv(math.nan, 0.0, math.inf), LIFT)
    assert v.decision is Decision.UNDECIDED and v.more_data is None
    assert quote(v.interval, Scale.TIMES) == "not known (nothing on either side to compare)"


def test_zero_alerts_and_suppressed_figures_are_absent():
    none = decide(iv(math.nan, math.nan, math.nan, units=0), HALF)
    assert none.decision is Decision.ABSENT and not none.decided
    assert sentence(none, Scale.PERCENT, above="a", below="b") == "no alerts: nothing to tell"
    hidden = decide(None, LIFT, absent="suppressed (fewer than 10 people)")
    assert sentence(hidden, Scale.TIMES, above="a", below="b") == (
        "suppressed (fewer than 10 people): nothing to tell")


def test_one_city_is_named_and_large_factors_round():
    v = decide(iv(1.02, 0.5, 1.6, cities=1), LIFT)
    assert v.more_data == pytest.approx((0.52 / 0.02) ** 2)  # 676
    assert sentence(v, Scale.TIMES, above="a", below="b").startswith(
        "too few alerts to tell from one city: it would take about 680× as many alerts")


def test_counts_drop_needless_decimals():
    assert quote(iv(106.0, 90.0, 121.5), Scale.COUNT) == "106 (95% interval 90 to 121.5)"
    assert more_data_needed(5.0, 4.0, 6.0, 5.0) == math.inf


def test_a_handful_of_alerts_from_the_bootstrap_is_undecided():
    """Four alerts in one city, one true, against 100 chance alerts with 5 true: lift 5, but
    the interval reaches below 1, so the words say too few to tell, never "5 times"."""
    rule = ClusteredSample.from_arrays(np.zeros(4), np.arange(4), [1.0, 0, 0, 0])
    chance = ClusteredSample.from_arrays(np.zeros(100), np.arange(100, 200),
                                         (np.arange(100) < 5).astype(float))
    v = decide(rule.ratio_of_ratios(chance, seed=1), LIFT)
    assert v.decision is Decision.UNDECIDED
    assert sentence(v, Scale.TIMES, above="better than chance", below="b").startswith(
        "too few alerts to tell from one city")


def test_a_t_interval_projects_with_the_t_quantile_of_the_larger_number_of_cities() -> None:
    # two cities, estimate 4, t(1) half-width 12.706 (sd sqrt(2)): (12.706 / 4)² ≈ 10 times
    # the data would be ~20 cities; with the t of 3 cities, 4.303 · sqrt(2) / sqrt(3) = 3.51
    # < 4, so 3 cities (1.5 times) decide it
    assert more_data_needed(4.0, 4 - 12.706, 4 + 12.706, 0.0, df=1, cities=2) \
        == pytest.approx(1.5)
    # sd 8 over 2 cities (half 12.706 · 8 / sqrt(2) = 71.9), gap 4: past 30 degrees of
    # freedom the normal: n = (1.96 · 8 / 4)² = 15.4 < 32, so the table's last rows decide:
    # t(n-1) · 8 / sqrt(n) < 4 first at n = 18 (2.110 · 8 / 4.243 = 3.98; n = 17:
    # 2.120 · 8 / 4.123 = 4.11)
    half = 12.706 * 8 / math.sqrt(2)
    assert more_data_needed(4.0, 4 - half, 4 + half, 0.0, df=1, cities=2) \
        == pytest.approx(18 / 2)
    # without df the rough rule stands
    assert more_data_needed(4.0, 4 - 12.706, 4 + 12.706, 0.0) \
        == pytest.approx((12.706 / 4) ** 2)


@pytest.mark.parametrize("unit", ["cities", "city-days"])
def test_a_unit_of_cities_is_not_told_about_cities_twice(unit):
    """A verdict counted in cities (or city-days) says "too few cities to tell", not "too few
    cities (or cities)"; a unit that merely contains the letters does not count as one."""
    v = decide(iv(1.3, 0.6, 2.9), LIFT)
    assert sentence(v, Scale.TIMES, above="a", below="b", unit=unit).startswith(
        f"too few {unit} to tell: it would take about 5.4× as many {unit}")
    assert sentence(v, Scale.TIMES, above="a", below="b", unit="citations").startswith(
        "too few citations (or cities) to tell")
