"""The bootstrap nested by city, then person, behind :mod:`custodiet.audit._clustered`.

The bootstrap (``B`` replicates, percentile intervals), for a statistic whose influence on
person ``i`` of city ``c`` is ``u_ci`` (its linearisation: ``num - R den`` for a ratio):

1. Draw the cities with replacement, ``k_c ~ Multinomial(C, 1/C)``, and weight city ``c`` by
   ``W_c = 1 + s (k_c - 1)`` (a rescaled weight after Rao and Wu, JASA 1988; mean 1, never
   negative for ``0 <= s <= 1``).
2. Within each city draw its people with replacement, ``W_c`` times over, as a Poisson
   bootstrap (Hanley and MacGibbon 2006: person ``i`` drawn ``Poisson(W_c)`` times; the
   draws are independent, so one matrix call does them all).

For a linear statistic the bootstrap variance is ``s² S + V_w``, with ``S = Σ_c (U_c - Ū)²``
over the city totals ``U_c`` and ``V_w = Σ u_ci²`` over people. ``V_w`` estimates the people's
share from hundreds of people; ``C/(C - 1) S`` estimates people and cities together, from only
``C - 1`` degrees of freedom. So ``s² = clip((C/(C - 1) S - V_w) / S, 0, 1)``: the city stage
carries only what the cities vary *beyond* their people, and the people's share comes from the
people. (Our own derivation from the variance of a linear statistic: the bootstrap variance
is then ``max(V_w, C/(C - 1) S)``, or ``S + V_w`` where ``s`` reaches 1.) The alternatives fail
at one end or the other. Resampling the clusters and keeping their members (Davison and Hinkley,
*Bootstrap Methods and their Application*, 1997, p. 100; consistent with many clusters under
random-effect models, Field and Welsh, JRSS B 69, 2007) takes the people's variation from
``C - 1`` degrees of freedom: with one city it sees none, and on the coverage test's population
of 5 cities its 95% intervals held the truth 83% of the time (this scheme: 95%). Resampling both
stages at full weight (``s = 1``) counts the people's variation twice (``S + V_w``): 97% there,
and twice the variance the more cities there are.

With one city (``C = 1``, ``s = 0``) it is the person-level cluster bootstrap: it says what
this city's people would give again, not how another city would differ. With few cities a city
effect is seen through ``C - 1`` degrees of freedom only: when cities differ much more than
their people do, the interval is too narrow and only more cities fix it.

Clusters with identical values in a city are interchangeable, so they are drawn as one profile
(its Poisson count is the sum of theirs): a whole population's people cost a handful of draws.
A row may stand for several such clusters at once (its ``weight``, a multiplicity): its profile
then counts it that many times, so a sample given as counts per city draws exactly what its
rows laid out one per cluster would.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

DEFAULT_REPLICATES = 2000
"""Bootstrap replicates: the 2.5% and 97.5% percentiles are then the 50th draw from each end."""

_CHUNK = 256  # replicates drawn at once: bounds memory at CHUNK x profiles


class Rows(Protocol):
    """What the bootstrap reads of a sample (a ``ClusteredSample`` has it)."""

    @property
    def city(self) -> np.ndarray: ...
    @property
    def cluster(self) -> np.ndarray: ...
    @property
    def num(self) -> np.ndarray: ...
    @property
    def den(self) -> np.ndarray: ...
    @property
    def weight(self) -> np.ndarray: ...
    @property
    def cities(self) -> np.ndarray: ...


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval, and what it rests on.

    ``high`` is ``inf`` for a lower bound only (lift against a chance precision of 0);
    ``estimate`` is ``nan`` when nothing decides it (no true alerts and no chance hits).
    ``design_effect`` is Kish's: the variance with people as clusters over the variance with
    every unit independent (1: no clustering; ``nan`` when there is no variation).
    """

    estimate: float
    low: float
    high: float
    confidence: float
    n_cities: int
    n_clusters: int
    n_units: int
    method: str
    design_effect: float

    @property
    def lower_bound_only(self) -> bool:
        """Only a lower bound is known (the upper end is unbounded)."""
        return math.isinf(self.high) and math.isfinite(self.low)

    @property
    def width(self) -> float:
        """``high - low`` (``inf`` for a lower bound only, ``nan`` when undefined)."""
        return self.high - self.low


@dataclass(frozen=True)
class Design:
    """Samples laid on a shared cluster space and collapsed into per-city profiles."""

    n_cities: int
    city_of_profile: np.ndarray  # (P,) city index
    size: np.ndarray  # (P,) clusters with this profile
    num: np.ndarray  # (S, P) per-cluster numerator of each sample
    den: np.ndarray  # (S, P)


def clusters(samples: Sequence[Rows]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The samples' rows (concatenated) on one cluster space: each row's cluster index, each
    cluster's city index, and the sorted cities. A cluster is a (city, cluster id) pair,
    numbered in (city, id) order.

    An interval asks for the same samples' layout several times (its cluster count, its
    bootstrap design, its design effect), and a study's chance alerts run to millions of rows,
    so the layout is kept with the first sample for the same others (held, so that their ids
    stay theirs); the samples' arrays are never changed once made."""
    first, rest = samples[0], tuple(samples[1:])
    memo = _LAYOUTS.get(first)
    if memo is None:
        memo = _LAYOUTS[first] = []
    for others, layout in memo:
        if len(others) == len(rest) and all(a is b for a, b in zip(others, rest, strict=True)):
            return layout
    layout = _layout(samples)
    memo.append((rest, layout))
    del memo[:-_LAYOUTS_KEPT]
    return layout


_LAYOUTS: weakref.WeakKeyDictionary[Any, list[tuple[tuple[Any, ...], Any]]] = \
    weakref.WeakKeyDictionary()
_LAYOUTS_KEPT = 4


def _layout(samples: Sequence[Rows]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`clusters`, computed: the (city, id) pairs as one whole number each, ranked by a
    table of every possible pair where there are few enough (people's ids in a few cities),
    else by one sort (ranks of ids, then of pairs, took two sorts)."""
    cities = np.unique(np.concatenate([s.cities for s in samples]))
    city = np.searchsorted(cities, np.concatenate([s.city for s in samples]))
    ids = np.concatenate([s.cluster for s in samples]).astype(np.int64)
    if len(ids) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), cities
    low = int(ids.min())
    span = int(ids.max()) - low + 1
    if span * len(cities) >= 2**62:  # ids too far apart to pack: rank them first
        _, member = np.unique(ids, return_inverse=True)
        member, low, span = member.reshape(-1), 0, int(member.max()) + 1
        ids = member
    key = city * span + (ids - low)
    size = span * len(cities)
    if size <= 4 * len(key) + 1024:  # a table of every possible pair: ranks without sorting
        present = np.zeros(size, bool)
        present[key] = True
        rank = np.cumsum(present) - 1
        return rank[key], np.flatnonzero(present) // span, cities
    pairs, inverse = np.unique(key, return_inverse=True)
    return inverse.reshape(-1), pairs // span, cities


def cluster_weight(samples: Sequence[Rows], inverse: np.ndarray, n_clusters: int
                   ) -> np.ndarray:
    """How many identical clusters each cluster of :func:`clusters` stands for: the weight of
    its rows, which must agree (a cluster is copied whole or not at all)."""
    w = np.concatenate([s.weight for s in samples]).astype(np.int64)
    first = np.zeros(n_clusters, dtype=np.int64)
    first[inverse] = w
    if not (first[inverse] == w).all():
        raise ValueError("the rows of one cluster must have the same weight")
    return first


def _profiles(table: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``table`` and their summed ``weight``, how many clusters each
    stands for (a lexsort: faster than ``np.unique(axis=0)``)."""
    if len(table) == 0:
        return table, np.zeros(0, dtype=np.int64)
    order = np.lexsort(table.T[::-1])
    ordered = table[order]
    starts = np.flatnonzero(np.r_[True, (np.diff(ordered, axis=0) != 0).any(axis=1)])
    return ordered[starts], np.add.reduceat(weight[order], starts)


def design(samples: Sequence[Rows]) -> Design:
    """Sum each sample's rows per (city, cluster), on the union of the samples' clusters, then
    collapse the clusters with identical values in a city into one profile (a cluster of
    weight ``m`` counting ``m`` times)."""
    inverse, cluster_city, cities = clusters(samples)
    weight = cluster_weight(samples, inverse, len(cluster_city))
    cols = [cluster_city.astype(np.float64)]
    start = 0
    for s in samples:
        part = inverse[start:start + len(s.num)]
        start += len(s.num)
        cols.append(np.bincount(part, weights=s.num, minlength=len(cluster_city)))
        cols.append(np.bincount(part, weights=s.den, minlength=len(cluster_city)))
    profiles, size = _profiles(np.stack(cols, axis=1), weight)
    return Design(len(cities), profiles[:, 0].astype(np.int64), size.astype(np.int64),
                  profiles[:, 1::2].T.copy(), profiles[:, 2::2].T.copy())


def city_scale(d: Design, influence: np.ndarray) -> tuple[float, float]:
    """``s``, the weight of the city stage, and the share of the bootstrap variance it
    carries, from a statistic's influence per profile (per person of it)."""
    if d.n_cities < 2:
        return 0.0, 0.0
    totals = np.bincount(d.city_of_profile, weights=d.size * influence, minlength=d.n_cities)
    spread = float(np.sum((totals - totals.mean()) ** 2))
    within = float(np.sum(d.size * influence * influence))
    if spread <= 0.0:
        return 0.0, 0.0
    share = min(max((d.n_cities / (d.n_cities - 1) * spread - within) / spread, 0.0), 1.0)
    between = share * spread
    return math.sqrt(share), between / (between + within) if between + within > 0 else 0.0


def replicate_sums(d: Design, replicates: int, seed: int, scale: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap sums of every sample's numerator and denominator, each (S, B); ``scale`` is
    the city stage's ``s``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    n_samples = d.num.shape[0]
    num_out = np.empty((n_samples, replicates))
    den_out = np.empty((n_samples, replicates))
    for lo in range(0, replicates, _CHUNK):
        b = min(_CHUNK, replicates - lo)
        k = rng.multinomial(d.n_cities, np.full(d.n_cities, 1.0 / d.n_cities), size=b)
        city_weight = 1.0 + scale * (k - 1.0)
        w = rng.poisson(city_weight[:, d.city_of_profile] * d.size).astype(np.float64)
        num_out[:, lo:lo + b] = d.num @ w.T
        den_out[:, lo:lo + b] = d.den @ w.T
    return num_out, den_out


def method_text(n_cities: int, replicates: int, scale: float, city_share: float) -> str:
    """How an interval was computed, in words for a methods note: with several cities, how
    much of its width rests on how few cities differ."""
    if n_cities == 1:
        return (f"person-level cluster bootstrap, {replicates:,} replicates, percentile "
                "(one city: says nothing of how cities differ)")
    return (f"nested bootstrap, {replicates:,} replicates, percentile: {n_cities} cities with "
            f"replacement (city stage s = {scale:.2f}), then the people within each; how the "
            f"cities differ carries {city_share:.0%} of the variance, from {n_cities - 1} "
            f"degree{'s' if n_cities > 2 else ''} of freedom")
