"""Whom each system burdens, pooled over a study's seeds: per system (and over all rules) and
listed category, the share of the category's people flagged against everyone else's, and the
ratio of the two with an interval from the bootstrap nested by city, then person
(:class:`custodiet.audit.ClusteredSample`), so that cities that differ widen it.

A person is flagged or not (the ``flag_rate`` of the group metrics), so each person is one
unit and one cluster; the counts per seed are all the bootstrap needs, and it takes them as
such: per city, one row for the people flagged and one for those not, each weighted by its
count (the same interval as one 0/1 row per person, at a fraction of the cost)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from custodiet.audit import ClusteredSample
from custodiet.audit.sim._burden import ALL_RULES, LISTED_CATEGORIES
from custodiet.audit.sim._pooled_rows import PooledBurden
from custodiet.audit.sim._sections import CategoryBurden
from custodiet.audit.sim._study import SeedAudit

#: Bootstrap replicates of the burden ratios' intervals (as for pooled precision and lift).
BURDEN_REPLICATES = 1000


def _sample(parts: Sequence[tuple[int, int, int]], seeds: np.ndarray, offset: int = 0
            ) -> ClusteredSample:
    """(seed, people, flagged) per city as two weighted rows, the flagged (1) and the others
    (0), each person its own cluster (ids from ``offset``, so that two samples' people never
    share a cluster)."""
    city = np.asarray([s for s, _, _ in parts for _ in (0, 1)], np.int64)
    hit = np.tile([1.0, 0.0], len(parts))
    count = np.asarray([c for _, n, f in parts for c in (f, n - f)], np.int64)
    return ClusteredSample.from_counts(city, hit, count, cities=seeds, first_cluster=offset)


def _ratio_of(rows: Sequence[tuple[int, CategoryBurden]], seeds: np.ndarray, seed: int
              ) -> dict[str, float | bool | None]:
    """The flag-rate ratio of the category to everyone else, with its clustered interval."""
    none = {"ratio": None, "ratio_low": None, "ratio_high": None}
    if not any(r.flagged or r.others_flagged for _, r in rows) or \
            not sum(r.people for _, r in rows) or not sum(r.others for _, r in rows):
        return none  # nobody flagged, or nobody on one side: nothing to compare
    yes = _sample([(s, r.people, r.flagged) for s, r in rows], seeds)
    no = _sample([(s, r.others, r.others_flagged) for s, r in rows], seeds,
                 offset=yes.n_rows)
    ci = yes.rate_ratio(no, replicates=BURDEN_REPLICATES, seed=seed)
    if math.isnan(ci.estimate):
        return none
    # only a lower bound when nobody else was flagged; an unbounded upper end otherwise
    # (a handful of others flagged) is an interval with no upper end, not a bound
    bound = bool(no.num_total == 0 and yes.num_total > 0)
    exact_low, exact_high = exact_ratio_interval(
        int(yes.num_total), int(yes.den_total), int(no.num_total), int(no.den_total))
    return {"ratio": _finite(ci.estimate), "ratio_low": _finite(min(ci.low, exact_low)),
            "ratio_high": _finite(max(ci.high, exact_high)), "ratio_lower_bound_only": bound}


def exact_ratio_interval(flagged: int, people: int, others_flagged: int, others: int,
                         confidence: float = 0.95) -> tuple[float, float]:
    """The exact conditional interval of a ratio of two flag rates, people independent: given
    the f + g people flagged on both sides, the category's f is binomial with p = n r1 /
    (n r1 + m r2), so Clopper-Pearson's interval of p maps to r1 / r2 = p / (1 - p) · m / n.
    The bootstrap's percentiles of a handful of rare flags can be far narrower (one other
    person flagged among 11,925: the others' count rarely passes 3 in a resample), so the
    burden interval is never narrower than this one, as pooled precision is never narrower
    than Wilson's."""
    # beta's quantile from scipy.special (what scipy.stats.beta.ppf calls, to the bit),
    # which spares a study importing scipy.stats: about a second of a small study's audit
    from scipy.special import betaincinv

    alpha = 1.0 - confidence
    total = flagged + others_flagged
    if total == 0 or people == 0 or others == 0:
        return math.nan, math.nan
    p_low = betaincinv(flagged, others_flagged + 1, alpha / 2) if flagged else 0.0
    p_high = (betaincinv(flagged + 1, others_flagged, 1 - alpha / 2) if others_flagged
              else 1.0)
    scale = others / people
    low = p_low / (1.0 - p_low) * scale
    high = p_high / (1.0 - p_high) * scale if p_high < 1.0 else math.inf
    return float(low), float(high)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def burden_pooled(audits: Sequence[SeedAudit], *, seed: int = 0) -> list[PooledBurden] | None:
    """Per system (``(all rules)`` first) and listed category, over the seeds: people, those
    flagged, the flag rates and their ratio with its nested-bootstrap interval; None when no
    seed computed it."""
    have = [a for a in audits if a.burden_by_system is not None]
    if not have:
        return None
    seeds = np.asarray([a.seed for a in have], np.int64)
    cells: dict[tuple[str, str], list[tuple[int, CategoryBurden]]] = {}
    for a in have:
        for r in a.burden_by_system or []:
            cells.setdefault((r.system, r.category), []).append((a.seed, r))
    order = {c: i for i, c in enumerate(LISTED_CATEGORIES)}
    out = []
    for (system, category), rows in sorted(
            cells.items(), key=lambda kv: (kv[0][0] != ALL_RULES, kv[0][0],
                                           order.get(kv[0][1], 99), kv[0][1])):
        n, f = sum(r.people for _, r in rows), sum(r.flagged for _, r in rows)
        m, g = sum(r.others for _, r in rows), sum(r.others_flagged for _, r in rows)
        out.append(PooledBurden(system=system, category=category, people=n, flagged=f,
                                flag_rate=f / n if n else None, others=m, others_flagged=g,
                                others_flag_rate=g / m if m else None,
                                **_ratio_of(rows, seeds, seed)))
    return out
