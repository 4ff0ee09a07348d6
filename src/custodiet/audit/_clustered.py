"""Intervals for figures counted over clustered alerts, from a bootstrap nested by city, then
person (:mod:`custodiet.audit._nested` says how and why).

Alerts are not independent: the same people are flagged again and again, and a study's cities
(seeds) differ. A :class:`ClusteredSample` holds one row per unit (an alert, a person) with its
city, its cluster (the person), a numerator and a denominator; its methods give a ratio
(precision), a share, a ratio of two ratios (lift, burden ratio) and a count per city, each as
an :class:`Interval` whose width reflects the clustering.

For example, precision and lift of a rule over the seeds of a study::

    rule = ClusteredSample.from_arrays(alert_seed, alert_person, alert_is_true, cities=seeds)
    chance = ClusteredSample.from_arrays(chance_seed, chance_person, chance_is_true,
                                         cities=seeds)
    rule.ratio()                  # precision, people as clusters
    rule.ratio_of_ratios(chance)  # lift; a lower bound when no chance alert was true

An alert naming several people belongs to one cluster: the caller picks it (its first named
person, or a group of people often named together).

Many identical clusters can be given as one row with a weight (:meth:`ClusteredSample.from_counts`:
per city, the people flagged and those not, instead of one 0/1 row per person): the bootstrap
draws such a row as that many clusters, and gives the interval the rows laid out one per
cluster would, for the same seed.

Zero counts get bounds, not degenerate intervals: a bootstrap of 0 events is [0, 0]. With no
event in a sample the upper bound on its ratio is ``-ln(α) / exposure`` (the Poisson bound;
``3.69 / n`` at one-sided 97.5%, close to the "rule of three"), with the exposure divided by the
mean cluster size, the largest design effect clusters of that size can have, since zero events
say nothing of the real one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from custodiet.audit._nested import (
    DEFAULT_REPLICATES,
    Design,
    Interval,
    city_scale,
    cluster_weight,
    clusters,
    design,
    method_text,
    replicate_sums,
)

_ZERO = "no event counted: one-sided Poisson bound, design effect at its largest"


@dataclass(frozen=True, eq=False)
class ClusteredSample:
    """Rows of (city, cluster, numerator, denominator, weight); ``cities`` lists every city of
    the study, including those where nothing was counted (they count in a mean per city). A
    cluster of weight ``m`` stands for ``m`` identical, independent clusters (1: itself)."""

    city: np.ndarray
    cluster: np.ndarray
    num: np.ndarray
    den: np.ndarray
    cities: np.ndarray
    weight: np.ndarray

    @classmethod
    def from_arrays(cls, city: np.ndarray, cluster: np.ndarray, num: np.ndarray,
                    den: np.ndarray | None = None, *, cities: np.ndarray | None = None,
                    weight: np.ndarray | None = None) -> ClusteredSample:
        """Check and hold the rows; ``den`` defaults to 1 per row (an alert, a person),
        ``weight`` to 1 per row (a whole number of at least 1, the same on a cluster's rows)."""
        city, cluster = np.asarray(city, dtype=np.int64), np.asarray(cluster, dtype=np.int64)
        num = np.asarray(num, dtype=np.float64)
        den = np.ones(len(num)) if den is None else np.asarray(den, dtype=np.float64)
        w = np.ones(len(num), np.int64) if weight is None else _multiplicity(weight)
        if not len(city) == len(cluster) == len(num) == len(den) == len(w):
            raise ValueError("city, cluster, num, den and weight must have one value per row")
        if (w < 1).any():
            raise ValueError("a row's weight must be at least 1")
        if not (np.isfinite(num).all() and np.isfinite(den).all()):
            raise ValueError("num and den must be finite")
        if (num < 0).any() or (den < 0).any():
            raise ValueError("num and den must not be negative")
        listed = np.unique(city if cities is None else np.asarray(cities, dtype=np.int64))
        if len(listed) == 0:
            raise ValueError("a sample needs at least one city")
        if not np.isin(city, listed).all():
            raise ValueError("a row's city is not among the listed cities")
        sample = cls(city, cluster, num, den, listed, w)
        if weight is not None and len(w) and (w != 1).any():
            inverse, cluster_city, _ = clusters([sample])
            cluster_weight([sample], inverse, len(cluster_city))  # one weight per cluster
        return sample

    @classmethod
    def from_counts(cls, city: np.ndarray, num: np.ndarray, count: np.ndarray,
                    den: np.ndarray | None = None, *, cities: np.ndarray | None = None,
                    first_cluster: int = 0) -> ClusteredSample:
        """Row ``i`` as ``count[i]`` clusters of one unit each, all with ``num[i]`` and
        ``den[i]`` (per city: the people flagged, num 1, and those not, num 0). Each row is its
        own cluster, numbered from ``first_cluster`` (so that two samples compared share
        none); rows counting 0 are dropped."""
        count = _multiplicity(count, allow_zero=True)
        num = np.asarray(num, dtype=np.float64)
        den = np.ones(len(num)) if den is None else np.asarray(den, dtype=np.float64)
        city = np.asarray(city, dtype=np.int64)
        if not len(city) == len(num) == len(den) == len(count):
            raise ValueError("city, num, den and count must have one value per row")
        keep = count > 0
        return cls.from_arrays(city[keep], first_cluster + np.arange(int(keep.sum())),
                               num[keep], den[keep], cities=city if cities is None else cities,
                               weight=count[keep])

    @property
    def n_rows(self) -> int:
        """Rows held (fewer than units where rows carry weights)."""
        return len(self.num)

    @property
    def n_units(self) -> int:
        """Units counted: each row as many times as its weight."""
        return int(self.weight.sum())

    @property
    def num_total(self) -> float:
        """Σ num over the units (each row times its weight)."""
        return float((self.num * self.weight).sum())

    @property
    def den_total(self) -> float:
        """Σ den over the units (each row times its weight)."""
        return float((self.den * self.weight).sum())

    @property
    def n_clusters(self) -> int:
        return _n_clusters([self])

    @property
    def is_proportion(self) -> bool:
        """Every row's numerator is a part of its denominator (a true alert of an alert)."""
        return bool((self.num <= self.den).all())

    def ratio(self, *, replicates: int = DEFAULT_REPLICATES, seed: int = 0,
              confidence: float = 0.95, proportion: bool | None = None) -> Interval:
        """Σ num / Σ den (precision: true alerts over alerts; a rate: flags per person).
        ``proportion`` says whether the ratio can never pass 1 (None: when no row's num
        exceeds its den), which caps the bound given when no event was counted: say False
        for a rate that can pass 1 however the rows happen to fall (innocents per true
        alert)."""
        return _ratio(self, replicates, seed, confidence,
                      self.is_proportion if proportion is None else proportion)

    def share(self, *, replicates: int = DEFAULT_REPLICATES, seed: int = 0,
              confidence: float = 0.95) -> Interval:
        """A part of a whole (the deterrence share of prevented incidents): num must be part
        of den on every row, so the interval stays within [0, 1]."""
        if not self.is_proportion:
            raise ValueError("a share's numerator exceeds its denominator")
        return _ratio(self, replicates, seed, confidence, True)

    def ratio_of_ratios(self, other: ClusteredSample, *, replicates: int = DEFAULT_REPLICATES,
                        seed: int = 0, confidence: float = 0.95) -> Interval:
        """(Σ num / Σ den) / (other's): lift (precision over chance precision) from two samples
        in the same cities, resampled together. A zero ``other`` ratio gives a lower bound and
        an infinite upper one."""
        return _ratio_of_ratios(self, other, replicates, seed, confidence)

    def rate_ratio(self, reference: ClusteredSample, *,
                   replicates: int = DEFAULT_REPLICATES, seed: int = 0,
                   confidence: float = 0.95) -> Interval:
        """A burden ratio: this group's rate (num per den, one row per person) over the
        reference group's, people as clusters, both groups resampled with their cities."""
        return _ratio_of_ratios(self, reference, replicates, seed, confidence)

    def per_city(self, *, replicates: int = DEFAULT_REPLICATES, seed: int = 0,
                 confidence: float = 0.95) -> Interval:
        """Σ num per city, the mean over every listed city (prevented incidents per city). The
        rows need list only the people counted: the Poisson person stage treats the others as
        a large population at risk (slightly wide when most people at risk were counted)."""
        return _count(self, replicates, seed, confidence, per_city=True)

    def total(self, *, replicates: int = DEFAULT_REPLICATES, seed: int = 0,
              confidence: float = 0.95) -> Interval:
        """Σ num over every listed city (a total, to be labelled as one)."""
        return _count(self, replicates, seed, confidence, per_city=False)


def _multiplicity(values: np.ndarray, *, allow_zero: bool = False) -> np.ndarray:
    """Whole, non-negative counts as int64 (a weight, a count of identical clusters)."""
    v = np.asarray(values, dtype=np.float64)
    if not (np.isfinite(v).all() and (v == np.round(v)).all()):
        raise ValueError("weights and counts must be whole numbers")
    if (v < (0 if allow_zero else 1)).any():
        raise ValueError("weights must be at least 1 and counts at least 0")
    return v.astype(np.int64)


def _n_clusters(samples: list[ClusteredSample]) -> int:
    """Clusters counted, each as many times as its weight."""
    inverse, cluster_city, _ = clusters(samples)
    return int(cluster_weight(samples, inverse, len(cluster_city)).sum())


def _n_cities(samples: list[ClusteredSample]) -> int:
    return len(np.unique(np.concatenate([s.cities for s in samples])))


def _design_effect(parts: list[tuple[ClusteredSample, np.ndarray]]) -> float:
    """Kish's design effect of a linearised statistic: Σ over clusters of the squared summed
    influence, over Σ over units of the squared influence (units independent)."""
    samples = [s for s, _ in parts]
    u = np.concatenate([v for _, v in parts])
    unit = float(np.sum(np.concatenate([s.weight for s in samples]) * (u * u)))
    if len(u) == 0 or unit <= 0.0:
        return math.nan
    inverse, cluster_city, _ = clusters(samples)
    per_cluster = np.bincount(inverse, weights=u)
    weight = cluster_weight(samples, inverse, len(cluster_city))
    return float(np.sum(weight * (per_cluster * per_cluster))) / unit


def _zero_bound(s: ClusteredSample, alpha: float, proportion: bool) -> float:
    """One-sided upper bound at level ``1 - alpha`` on a ratio with no event counted."""
    exposure = s.den_total * s.n_clusters / max(s.n_units, 1)
    bound = -math.log(alpha) / exposure if exposure > 0 else math.inf
    return min(bound, 1.0) if proportion else bound


def _quantiles(stat: np.ndarray, lows: float, highs: float) -> tuple[float, float]:
    """Percentiles of the defined replicates (``nan`` ones dropped; ``inf`` kept)."""
    s = stat[~np.isnan(stat)]
    if len(s) == 0:
        return math.nan, math.nan
    return (float(np.quantile(s, lows, method="inverted_cdf")),
            float(np.quantile(s, highs, method="inverted_cdf")))


def _bootstrap(samples: list[ClusteredSample], influence: Callable[[Design], np.ndarray],
               replicates: int, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Replicate sums (S, B) of numerators and denominators, and the method in words."""
    d = design(samples)
    scale, city_share = city_scale(d, influence(d))
    nums, dens = replicate_sums(d, replicates, seed, scale)
    return nums, dens, method_text(d.n_cities, replicates, scale, city_share)


def _ratio_influence(r: float) -> Callable[[Design], np.ndarray]:
    return lambda d: d.num[0] - r * d.den[0]


def _ratio_replicates(s: ClusteredSample, replicates: int, seed: int
                      ) -> tuple[np.ndarray, str]:
    r = s.num_total / s.den_total
    nums, dens, method = _bootstrap([s], _ratio_influence(r), replicates, seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(dens[0] > 0, nums[0] / dens[0], np.nan), method


def _ratio_bounds(s: ClusteredSample, alpha: float, replicates: int, seed: int,
                  proportion: bool) -> tuple[float, float, str]:
    """(low, high) of a ratio, each one-sided at ``1 - alpha``, bounds where counts are 0."""
    n, d = s.num_total, s.den_total
    if n == 0.0:
        return 0.0, _zero_bound(s, alpha, proportion), _ZERO
    if proportion and n == d:  # every unit an event: bound the misses instead
        ss = ClusteredSample(s.city, s.cluster, s.den - s.num, s.den, s.cities, s.weight)
        return max(0.0, 1.0 - _zero_bound(ss, alpha, True)), 1.0, _ZERO
    stat, method = _ratio_replicates(s, replicates, seed)
    return (*_quantiles(stat, alpha, 1.0 - alpha), method)


def _ratio(s: ClusteredSample, replicates: int, seed: int, confidence: float,
           proportion: bool) -> Interval:
    n, d = s.num_total, s.den_total
    cities, clusters = len(s.cities), s.n_clusters
    if d == 0.0:
        return Interval(math.nan, math.nan, math.nan, confidence, cities, clusters, s.n_units,
                        "nothing counted", math.nan)
    r = n / d
    low, high, method = _ratio_bounds(s, (1.0 - confidence) / 2.0, replicates, seed,
                                      proportion)
    return Interval(r, low, high, confidence, cities, clusters, s.n_units, method,
                    _design_effect([(s, s.num - r * s.den)]))


def _ratio_of_ratios(a: ClusteredSample, b: ClusteredSample, replicates: int, seed: int,
                     confidence: float) -> Interval:
    na, da, nb, db = a.num_total, a.den_total, b.num_total, b.den_total
    cities, clusters = _n_cities([a, b]), _n_clusters([a, b])
    units = a.n_units + b.n_units
    if da == 0.0 or db == 0.0:
        return Interval(math.nan, math.nan, math.nan, confidence, cities, clusters, units,
                        "nothing counted", math.nan)
    if _degenerate(a) or _degenerate(b):
        return _bounded(a, b, replicates, seed, confidence, cities, clusters)
    ra, rb = na / da, nb / db

    def influence(d: Design) -> np.ndarray:
        return (d.num[0] - ra * d.den[0]) / na - (d.num[1] - rb * d.den[1]) / nb

    nums, dens, method = _bootstrap([a, b], influence, replicates, seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = (nums[0] / dens[0]) / (nums[1] / dens[1])
    stat[(dens[0] == 0) | (dens[1] == 0) | ((nums[0] == 0) & (nums[1] == 0))] = np.nan
    alpha = (1.0 - confidence) / 2.0
    low, high = _quantiles(stat, alpha, 1.0 - alpha)
    deff = _design_effect([(a, (a.num - ra * a.den) / na), (b, -(b.num - rb * b.den) / nb)])
    return Interval(ra / rb, low, high, confidence, cities, clusters, units, method, deff)


def _degenerate(s: ClusteredSample) -> bool:
    """No event, or (for a proportion) every unit an event: the bootstrap cannot vary it."""
    n = s.num_total
    return n == 0.0 or (s.is_proportion and n == s.den_total)


def _bounded(a: ClusteredSample, b: ClusteredSample, replicates: int, seed: int,
             confidence: float, cities: int, clusters: int) -> Interval:
    """A ratio of ratios with a side the bootstrap cannot vary (no event, or all events):
    each side bounded one-sided at ``1 - α/4`` (Bonferroni), so each end holds at
    ``1 - α/2``, as the end of a two-sided interval would. No event in ``b`` (chance hits):
    a lower bound only."""
    alpha = (1.0 - confidence) / 4.0
    units = a.n_units + b.n_units
    na, nb = a.num_total, b.num_total
    if na == 0.0 and nb == 0.0:
        return Interval(math.nan, 0.0, math.inf, confidence, cities, clusters, units,
                        "no event in either sample: nothing to compare", math.nan)
    a_low, a_high, _ = _ratio_bounds(a, alpha, replicates, seed, a.is_proportion)
    b_low, b_high, _ = _ratio_bounds(b, alpha, replicates, seed + 1, b.is_proportion)
    estimate = (na / a.den_total) / (nb / b.den_total) if nb else math.inf
    high = a_high / b_low if b_low > 0 else math.inf
    what = "lower bound" if math.isinf(high) else "bounds"
    return Interval(estimate, a_low / b_high, high, confidence, cities, clusters, units,
                    f"{what} from each side's one-sided bounds at {1 - alpha:.4g} "
                    f"(a side with no event, or only events: {_ZERO})", math.nan)


def _count(s: ClusteredSample, replicates: int, seed: int, confidence: float, *,
           per_city: bool) -> Interval:
    cities, scale = len(s.cities), (1.0 / len(s.cities) if per_city else 1.0)
    n = s.num_total
    if n == 0.0:  # nothing happened: a Poisson bound on the study's total
        high = -math.log((1.0 - confidence) / 2.0) * scale
        return Interval(0.0, 0.0, high, confidence, cities, s.n_clusters, s.n_units,
                        "no event counted: one-sided Poisson bound", math.nan)
    nums, _, method = _bootstrap([s], lambda d: d.num[0], replicates, seed)
    alpha = (1.0 - confidence) / 2.0
    low, high = _quantiles(nums[0] * scale, alpha, 1.0 - alpha)
    return Interval(n * scale, low, high, confidence, cities, s.n_clusters, s.n_units,
                    method, _design_effect([(s, s.num)]))
