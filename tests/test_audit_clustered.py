"""The nested bootstrap's intervals: coverage on a population with known clustering, why the
clustering matters, and the bounds it gives where counts are zero."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from custodiet.audit import ClusteredSample

TRUE_PRECISION = 0.2
# Repetitions for a coverage check: the coverage estimate's standard error at 95% is
# sqrt(0.95 * 0.05 / R); the pass band 93-97% is 2 points either side, and 2 points must be at
# least 2.5 standard errors: R >= 0.95 * 0.05 * (2.5 / 0.02)**2 = 742.2, so 800 (SE 0.77 points:
# the band is 2.6 SE either side).
REPS = math.ceil(0.95 * 0.05 * (2.5 / 0.02) ** 2 / 100) * 100
REPLICATES = 400  # the 2.5% percentile is the 10th of 400: Monte Carlo noise well under the band


def population(rng: np.random.Generator, cities: int, people: int, city_spread: float | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Alerts in ``cities`` cities of ``people`` flagged people each. A city's precision is
    Beta with mean 0.2 and concentration ``city_spread`` (None: exactly 0.2); a person's is Beta
    around the city's with concentration 2 (intra-person correlation 1/3); each person raises
    1 + Poisson(2) alerts, independent of their precision, so the expected ratio of true alerts
    to alerts is exactly 0.2."""
    mu = TRUE_PRECISION
    if city_spread is None:
        p_city = np.full(cities, mu)
    else:
        p_city = rng.beta(city_spread * mu, city_spread * (1 - mu), size=cities)
    city = np.repeat(np.arange(cities), people)
    p_person = rng.beta(2.0 * p_city[city], 2.0 * (1 - p_city[city]))
    alerts = 1 + rng.poisson(2.0, size=len(p_person))
    true = rng.binomial(alerts, p_person)
    row_person = np.repeat(np.arange(len(p_person)), alerts)
    rank = np.arange(alerts.sum()) - np.repeat(np.cumsum(alerts) - alerts, alerts)
    is_true = (rank < np.repeat(true, alerts)).astype(np.float64)
    return np.repeat(city, alerts), row_person, is_true


def wilson(k: float, n: float, z: float = float(norm.ppf(0.975))) -> tuple[float, float]:
    centre = (k + z * z / 2) / (n + z * z)
    half = z * math.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
    return centre - half, centre + half


def coverage(cities: int, people: int, city_spread: float | None, seed: int
             ) -> tuple[float, float]:
    """Share of REPS populations whose nested-bootstrap and whose Wilson 95% intervals hold the
    true precision."""
    rng = np.random.default_rng(seed)
    nested = independent = 0
    for r in range(REPS):
        city, person, is_true = population(rng, cities, people, city_spread)
        iv = ClusteredSample.from_arrays(city, person, is_true).ratio(
            replicates=REPLICATES, seed=r)
        nested += iv.low <= TRUE_PRECISION <= iv.high
        lo, hi = wilson(is_true.sum(), len(is_true))
        independent += lo <= TRUE_PRECISION <= hi
    return nested / REPS, independent / REPS


def test_one_city_covers_and_wilson_does_not():
    """One city of 400 flagged people: the person-level cluster bootstrap. Alerts as
    independent (Wilson) under-cover: the design effect here is about 1.8, so Wilson's z of
    1.96 is really 1.96 / √1.8, coverage 2Φ(1.46) - 1 ≈ 86%; below 90% is more than 3 SE under
    the band. (With 150 people the percentile interval, like the linearised one, covered 92%:
    a skewed person effect needs a few hundred people before either is at 95%.)"""
    nested, independent = coverage(cities=1, people=400, city_spread=None, seed=11)
    assert 0.93 <= nested <= 0.97, nested
    assert independent < 0.90, independent


def test_several_cities_with_a_city_effect_cover():
    """Five cities of 80 flagged people with a city effect (city precision sd 0.013, about an
    eighth of a city's sampling variance): resampling cities and then people covers (the cities
    alone covered 83% here, their variance resting on 4 degrees of freedom; both stages at
    full weight 97%)."""
    nested, independent = coverage(cities=5, people=80, city_spread=1000.0, seed=12)
    assert 0.93 <= nested <= 0.97, nested
    assert independent < 0.90, independent


def test_lift_covers():
    """Lift of the five-city rule above (precision 0.2) over chance alerts in the same cities
    (300 people a city, one alert each, true with probability 0.05): the true lift is 4."""
    rng = np.random.default_rng(21)
    hits = 0
    for r in range(REPS):
        city, person, is_true = population(rng, 5, 80, 1000.0)
        chance_city = np.repeat(np.arange(5), 300)
        chance_true = (rng.random(len(chance_city)) < 0.05).astype(np.float64)
        rule = ClusteredSample.from_arrays(city, person, is_true)
        chance = ClusteredSample.from_arrays(chance_city, 10**6 + np.arange(1500), chance_true)
        lift = rule.ratio_of_ratios(chance, replicates=REPLICATES, seed=r)
        hits += lift.low <= TRUE_PRECISION / 0.05 <= lift.high
    assert 0.93 <= hits / REPS <= 0.97, hits / REPS


def test_counts_per_city_cover():
    """Incidents in one city of 2,000 people at risk, 0.02 a person on average with a Gamma
    person effect (shape 0.5: some people account for many): the rows list only the
    incidents, and the Poisson person stage supplies the variation of those not listed.
    (With 5 cities whose rates differ about as much as their counts do by chance, the same
    check covered 89%: a city effect is seen through 4 degrees of freedom.)"""
    rng = np.random.default_rng(31)
    hits = 0
    for r in range(REPS):
        n = rng.poisson(0.02 * rng.gamma(0.5, 1 / 0.5, size=2000))
        person = np.repeat(np.arange(2000), n)
        count = ClusteredSample.from_arrays(np.zeros(len(person)), person, np.ones(len(person)))
        iv = count.per_city(replicates=REPLICATES, seed=r)
        hits += iv.low <= 2000 * 0.02 <= iv.high
    assert 0.93 <= hits / REPS <= 0.97, hits / REPS


def _repeated(people: int, each: int, true_people: int, cities: int = 1) -> ClusteredSample:
    """``people`` people each raising ``each`` identical alerts, ``true_people`` of them true."""
    person = np.repeat(np.arange(people), each)
    is_true = (person < true_people).astype(float)
    return ClusteredSample.from_arrays(person % cities, person, is_true)


def test_repeated_alerts_on_the_same_people_widen_the_interval():
    """300 alerts from 100 people (3 each, all alike) carry the information of 100: the
    interval is √3 ≈ 1.73 times as wide as for 300 people with one alert each."""
    clustered = _repeated(100, 3, 20).ratio(seed=1)
    independent = _repeated(300, 1, 60).ratio(seed=1)
    assert clustered.estimate == independent.estimate == 0.2
    assert 1.5 < clustered.width / independent.width < 2.0
    assert clustered.design_effect == pytest.approx(3.0)
    assert independent.design_effect == pytest.approx(1.0)


def test_many_cities_count_people_once():
    """200 cities of 10 people each, no city effect: as wide as the same people in one city
    (the sample variance over 200 cities is within ~10% (√(2/199)), so the width within ~5%);
    resampling both stages at full weight would make it √2 ≈ 1.41 times as wide."""
    rng = np.random.default_rng(3)
    person = np.arange(2000)
    is_true = (rng.random(2000) < 0.2).astype(float)
    many = ClusteredSample.from_arrays(person % 200, person, is_true).ratio(seed=2)
    one = ClusteredSample.from_arrays(np.zeros(2000), person, is_true).ratio(seed=2)
    assert many.n_cities == 200 and one.n_cities == 1
    assert 0.85 < many.width / one.width < 1.2
    assert "200 cities" in many.method and "one city" in one.method


def test_deterministic_given_a_seed():
    s = _repeated(50, 2, 12, cities=3)
    assert s.ratio(seed=5) == s.ratio(seed=5)
    assert s.ratio(seed=5).low != s.ratio(seed=6).low or s.ratio(seed=5).high != s.ratio(
        seed=6).high


def test_no_true_alert_gives_an_upper_bound():
    """10 people, 2 alerts each, none true: exposure 20 alerts / mean cluster size 2 = 10, so
    the one-sided 97.5% bound is -ln(0.025) / 10."""
    iv = _repeated(10, 2, 0).ratio()
    assert (iv.estimate, iv.low) == (0.0, 0.0)
    assert iv.high == pytest.approx(-math.log(0.025) / 10)


def test_every_alert_true_gives_a_lower_bound():
    iv = _repeated(10, 2, 10).ratio()
    assert (iv.estimate, iv.high) == (1.0, 1.0)
    assert iv.low == pytest.approx(1 - (-math.log(0.025) / 10))


def test_lift_against_a_chance_precision_of_zero_is_a_lower_bound():
    rule = _repeated(40, 2, 20)  # precision 0.5
    small, large = _repeated(20, 1, 0), _repeated(400, 1, 0)
    iv = rule.ratio_of_ratios(small)
    assert iv.estimate == math.inf and iv.high == math.inf and iv.lower_bound_only
    assert 0 < iv.low < math.inf
    # the bound is the rule's precision low end over chance's upper bound (each at 98.75%)
    assert iv.low <= 0.5 / (-math.log(0.0125) / 20)
    assert rule.ratio_of_ratios(large).low > 10 * iv.low  # more chance alerts: a higher bound


def test_lift_of_a_rule_whose_every_alert_is_true_is_bounded_on_both_sides():
    """40 of 40 true from 20 people: the bootstrap would call the rule's precision exactly 1;
    its low end is bounded instead (no miss in 40 alerts from 20 people, at 98.75%: 1 minus
    -ln(0.0125) / 20)."""
    rule = _repeated(20, 2, 20)
    chance = _repeated(200, 1, 20)
    lift = rule.ratio_of_ratios(chance)
    assert lift.estimate == pytest.approx(10.0)
    rule_low = 1 - (-math.log(0.0125) / 20)
    assert lift.low < rule_low / 0.1 < lift.estimate < lift.high < math.inf


def test_lift_with_no_event_on_either_side_is_unknown():
    iv = _repeated(20, 1, 0).ratio_of_ratios(_repeated(20, 1, 0))
    assert math.isnan(iv.estimate) and (iv.low, iv.high) == (0.0, math.inf)


def test_lift_and_rate_ratio_estimates():
    rule, chance = _repeated(40, 2, 20), _repeated(100, 1, 10)
    lift = rule.ratio_of_ratios(chance)
    assert lift.estimate == pytest.approx(5.0)
    assert lift.low < 5.0 < lift.high and lift.n_clusters == 100  # people 0-39 in both
    group = ClusteredSample.from_arrays(np.zeros(50), np.arange(50), np.repeat([3.0, 0.0], 25))
    ref = ClusteredSample.from_arrays(np.zeros(500), np.arange(50, 550),
                                      (np.arange(500) < 50).astype(float))
    burden = group.rate_ratio(ref)
    assert burden.estimate == pytest.approx(1.5 / 0.1)
    assert burden.low < 15 < burden.high


def test_counts_per_city_and_totals_count_every_city():
    city = np.array([1, 1, 1, 2])
    s = ClusteredSample.from_arrays(city, np.array([1, 1, 2, 3]), np.ones(4),
                                    cities=np.array([1, 2, 3, 4]))
    assert s.per_city().estimate == 1.0 and s.total().estimate == 4.0
    assert s.per_city().n_cities == 4
    empty = ClusteredSample.from_arrays([], [], [], cities=[1, 2])
    iv = empty.per_city()
    assert (iv.estimate, iv.low) == (0.0, 0.0)
    assert iv.high == pytest.approx(-math.log(0.025) / 2)


def test_share_and_bad_rows():
    with pytest.raises(ValueError, match="exceeds"):
        ClusteredSample.from_arrays([0], [0], [2.0], [1.0]).share()
    with pytest.raises(ValueError, match="one value per row"):
        ClusteredSample.from_arrays([0, 1], [0], [1.0])
    with pytest.raises(ValueError, match="not among"):
        ClusteredSample.from_arrays([5], [0], [1.0], cities=[1])
    with pytest.raises(ValueError, match="negative"):
        ClusteredSample.from_arrays([0], [0], [-1.0])
    nothing = ClusteredSample.from_arrays([], [], [], cities=[0]).ratio()
    assert math.isnan(nothing.estimate) and nothing.n_units == 0


def _clusters_by_definition(samples: list[ClusteredSample]) -> tuple[np.ndarray, ...]:
    """Rows on one cluster space as first written: ranks of ids, then ranks of pairs."""
    cities = np.unique(np.concatenate([s.cities for s in samples]))
    city = np.searchsorted(cities, np.concatenate([s.city for s in samples]))
    ids, member = np.unique(np.concatenate([s.cluster for s in samples]), return_inverse=True)
    pairs, inverse = np.unique(city * max(len(ids), 1) + member.reshape(-1),
                               return_inverse=True)
    return inverse.reshape(-1), pairs // max(len(ids), 1), cities


@pytest.mark.parametrize("span", [3, 5_000, 2**61])
def test_the_cluster_layout_is_the_definition_and_is_kept_per_set_of_samples(span: int) -> None:
    from custodiet.audit._nested import clusters

    rng = np.random.default_rng(span % 97)
    make = [ClusteredSample.from_arrays(rng.integers(0, 4, n), rng.integers(-1, span, n),
                                        rng.random(n), cities=np.arange(6))
            for n in (0, 1, 300, 300)]
    for samples in ([make[2]], [make[2], make[3]], [make[3], make[2]], [make[1], make[0]],
                    [make[0]], [make[2], make[3], make[1]]):
        want = _clusters_by_definition(samples)
        for _ in range(2):  # computed, then kept
            got = clusters(samples)
            assert all(np.array_equal(w, g) for w, g in zip(want, got, strict=True))
    # the same first sample beside another: not the kept layout
    assert len(clusters([make[2], make[1]])[0]) == 301
