"""Weighted rows in the nested bootstrap: a row of weight m is m identical clusters, and gives
exactly the interval (same seed, same draws) of those clusters laid out one by one."""

from __future__ import annotations

import math

import numpy as np
import pytest

from custodiet.audit import ClusteredSample, Interval


def expand(s: ClusteredSample) -> ClusteredSample:
    """The same sample with each cluster of weight m written out as m clusters of weight 1
    (copy k of cluster c becomes cluster c * 10**6 + k: distinct clusters stay distinct)."""
    rows = np.repeat(np.arange(s.n_rows), s.weight)
    copy = np.arange(len(rows)) - np.repeat(np.cumsum(s.weight) - s.weight, s.weight)
    return ClusteredSample.from_arrays(s.city[rows], s.cluster[rows] * 10**6 + copy, s.num[rows],
                                       s.den[rows], cities=s.cities)


def assert_same(weighted: Interval, expanded: Interval) -> None:
    """The same interval: bounds and estimate bit for bit (the bootstrap drew the same
    profiles with the same Poisson means); the design effect up to summation order."""
    assert (weighted.estimate, weighted.low, weighted.high) == \
        (expanded.estimate, expanded.low, expanded.high)
    assert (weighted.n_cities, weighted.n_clusters, weighted.n_units, weighted.method) == \
        (expanded.n_cities, expanded.n_clusters, expanded.n_units, expanded.method)
    if math.isnan(expanded.design_effect):
        assert math.isnan(weighted.design_effect)
    else:
        assert weighted.design_effect == pytest.approx(expanded.design_effect, rel=1e-12)


def _burden(flagged: list[int], people: list[int], cities: list[int], first: int = 0
            ) -> ClusteredSample:
    """Per city, its flagged people (num 1) and the others (num 0), as two weighted rows."""
    city = np.repeat(cities, 2)
    count = np.ravel(np.column_stack([flagged, np.subtract(people, flagged)]))
    return ClusteredSample.from_counts(city, np.tile([1.0, 0.0], len(cities)), count,
                                       cities=[1, 2, 3, 4], first_cluster=first)


def test_burden_counts_give_the_interval_of_one_row_per_person():
    """A flag-rate ratio over 3 cities (and a fourth with nobody) from counts: the interval
    of 3,300 0/1 rows, with 12 rows."""
    yes = _burden([30, 12, 25], [400, 150, 250], [1, 2, 3])
    no = _burden([90, 40, 31], [1000, 800, 700], [1, 2, 3], first=yes.n_rows)
    assert yes.n_rows + no.n_rows == 12 and yes.n_units + no.n_units == 3300
    big_yes, big_no = expand(yes), expand(no)
    assert big_yes.n_rows == 800 and big_yes.n_clusters == yes.n_clusters == 800
    for seed in (0, 7):
        assert_same(yes.rate_ratio(no, replicates=500, seed=seed),
                    big_yes.rate_ratio(big_no, replicates=500, seed=seed))
    assert yes.rate_ratio(no).estimate == pytest.approx((67 / 800) / (161 / 2500))


def test_weighted_clusters_of_several_alerts_match_every_statistic():
    """Clusters of several rows copied whole (weights 1-5) in 3 cities: ratio, share, count
    per city, total and lift as from the written-out clusters."""
    rng = np.random.default_rng(11)
    cluster = np.repeat(np.arange(60), 1 + rng.poisson(1.5, 60))
    weight = (1 + rng.integers(0, 5, 60))[cluster]
    num = (rng.random(len(cluster)) < 0.3).astype(float)
    s = ClusteredSample.from_arrays(cluster % 3, cluster, num, cities=[0, 1, 2, 3],
                                    weight=weight)
    chance = ClusteredSample.from_counts([0, 0, 1, 1, 2, 2], [1.0, 0.0] * 3,
                                         [4, 40, 2, 50, 6, 30], cities=[0, 1, 2, 3],
                                         first_cluster=1000)
    big = expand(s)
    assert big.n_rows == s.n_units > s.n_rows and big.n_clusters == s.n_clusters
    for name in ("ratio", "share", "per_city", "total"):
        assert_same(getattr(s, name)(replicates=300, seed=3),
                    getattr(big, name)(replicates=300, seed=3))
    assert_same(s.ratio_of_ratios(chance, replicates=300, seed=4),
                big.ratio_of_ratios(expand(chance), replicates=300, seed=4))


def test_bounds_from_weighted_rows_match():
    """No event, or every unit an event: the Poisson bounds use the weighted units and
    clusters, so they match the written-out rows too."""
    none = ClusteredSample.from_counts([1, 2], [0.0, 0.0], [300, 200])
    every = ClusteredSample.from_counts([1, 2], [1.0, 1.0], [30, 20], first_cluster=5)
    assert_same(none.ratio(), expand(none).ratio())
    assert_same(every.ratio(), expand(every).ratio())
    assert none.ratio().high == pytest.approx(-math.log(0.025) / 500)
    assert_same(every.rate_ratio(none), expand(every).rate_ratio(expand(none)))


def test_counts_and_weights_are_checked():
    s = ClusteredSample.from_counts([1, 1, 2], [1.0, 0.0, 1.0], [3, 0, 0])
    assert s.n_rows == 1 and s.n_units == 3 and list(s.cities) == [1, 2]
    with pytest.raises(ValueError, match="whole"):
        ClusteredSample.from_counts([1], [1.0], [2.5])
    with pytest.raises(ValueError, match="at least"):
        ClusteredSample.from_counts([1], [1.0], [-1])
    with pytest.raises(ValueError, match="at least 1"):
        ClusteredSample.from_arrays([1], [0], [1.0], weight=[0])
    with pytest.raises(ValueError, match="same weight"):
        ClusteredSample.from_arrays([1, 1], [0, 0], [1.0, 0.0], weight=[2, 3])
    with pytest.raises(ValueError, match="one value per row"):
        ClusteredSample.from_counts([1, 2], [1.0], [3, 4])
