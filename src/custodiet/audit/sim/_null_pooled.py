"""The null world pooled over a study's seeds: per rule, the null-world ratio (alerts in the
null world over alerts in the no-response twin) and the police response's share of the watched
run's alerts, each with a 95% interval; and the rules aimed at unlawful acts together
(``custodiet.audit.sim._null`` says what the null world is and how a rule's aim is read)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.audit import ClusteredSample
from custodiet.audit.sim._alert_shares import wilson
from custodiet.audit.sim._null import ACT_AIM, WORLD
from custodiet.audit.sim._pooled_innocents import INTERVAL_REPLICATES
from custodiet.audit.sim._pooled_rows import NullRule, NullWorld
from custodiet.audit.sim._sections import NullWorldAlerts
from custodiet.audit.sim._study import SeedAudit


def _sample(tables: Sequence[tuple[int, pa.Table]], rules: set[str], top: str, bottom: str,
            seeds: np.ndarray) -> ClusteredSample:
    """One row per alert of ``rules``: an alert of run ``top`` counts 1 in the numerator, one
    of ``bottom`` 1 in the denominator, clustered by city and lowest named person."""
    city, cluster, num, den = [], [], [], []
    wanted = pa.array(sorted(rules), pa.string())
    for s, t in tables:
        # compared in Arrow: the columns never become Python strings
        keep = pc.and_(pc.is_in(t["rule"], value_set=wanted),
                       pc.is_in(t["run"], value_set=pa.array([top, bottom], pa.string())))
        kept = t.filter(keep)
        city.append(np.full(kept.num_rows, s, np.int64))
        cluster.append(kept["cluster"].to_numpy())
        num.append(pc.equal(kept["run"], top).to_numpy(zero_copy_only=False).astype(np.float64))
        den.append(pc.equal(kept["run"], bottom).to_numpy(zero_copy_only=False)
                   .astype(np.float64))
    return ClusteredSample.from_arrays(np.concatenate(city), np.concatenate(cluster),
                                       np.concatenate(num), np.concatenate(den), cities=seeds)


def count_ratio(tables: Sequence[tuple[int, pa.Table]], rules: set[str], top: str,
                bottom: str, *, seeds: Sequence[int], replicates: int = INTERVAL_REPLICATES
                ) -> tuple[float | None, float | None, float | None, float | None]:
    """The alerts of ``rules`` in run ``top`` over those in run ``bottom`` of the same cities
    (``tables``: each seed's ``_null.NULL_ALERTS``), with its 95% interval from the bootstrap
    nested by city and person and its design effect: (ratio, low, high, design effect). The
    two runs are twins (the same people, the same draws), so a person's alerts in one go with
    theirs in the other, and resampling people keeps the pair together: alerts that come
    anyway cancel out, and only those one run has and the other lacks widen the interval.
    None when ``bottom`` raised none; ``high`` None when nothing bounds it."""
    sample = _sample(tables, rules, top, bottom, np.asarray(seeds, np.int64))
    n_top, n_bottom = int(sample.num.sum()), int(sample.den.sum())
    if n_bottom == 0:
        return None, None, None, None
    iv = sample.ratio(replicates=replicates)
    f_low, f_high = _paired_floor(sample)
    low = min(iv.low, f_low) if math.isfinite(iv.low) else f_low
    high = max(iv.high, f_high) if not math.isnan(iv.high) else f_high
    return n_top / n_bottom, _finite(low), _finite(high), _finite(iv.design_effect)


def _pair_index(city: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    """Each row's (city, cluster) pair numbered in sorted order, as ``np.unique(axis=0,
    return_inverse=True)`` numbers them, by one lexsort instead of a sort of row views."""
    order = np.lexsort((cluster, city))
    c, k = city[order], cluster[order]
    new = np.r_[True, (c[1:] != c[:-1]) | (k[1:] != k[:-1])] if len(order) else \
        np.zeros(0, bool)
    index = np.empty(len(order), np.int64)
    index[order] = np.cumsum(new) - 1
    return index


def _paired_floor(s: ClusteredSample) -> tuple[float, float]:
    """The interval below which the bootstrap's may not go, as the clustered precision is
    never narrower than Wilson's: a handful of alerts on one or two people cannot vary in a
    resample. Per (city, person), the alerts both runs have (``C``, the smaller count) come
    anyway; the excess of one run over the other is discordant, ``N'`` on top and ``B'`` below,
    treated as two Poisson counts: Wilson's interval of ``N' / (N' + B')`` mapped through
    ``(C + p M) / (C + (1 - p) M)``, ``M = N' + B'``. No discordant alert: no width."""
    inverse = _pair_index(s.city, s.cluster)
    top = np.bincount(inverse, weights=s.num)
    bottom = np.bincount(inverse, weights=s.den)
    both = float(np.minimum(top, bottom).sum())
    n_top, n_bottom = float((top - np.minimum(top, bottom)).sum()), \
        float((bottom - np.minimum(top, bottom)).sum())
    m = n_top + n_bottom
    if m == 0:
        return 1.0, 1.0
    low, high = wilson(round(n_top), round(m))
    assert low is not None and high is not None

    def ratio(p: float) -> float:
        den = both + (1 - p) * m
        return (both + p * m) / den if den > 0 else math.inf

    return ratio(low), ratio(high)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _pair(tables: Sequence[tuple[int, pa.Table]], rules: set[str], top: str, bottom: str,
          counts: tuple[int, int], seeds: np.ndarray
          ) -> tuple[float | None, float | None, float | None, float | None]:
    """A ratio of two runs' alert counts, with its interval where every seed kept its alerts
    (the counts alone otherwise)."""
    if not counts[1]:
        return None, None, None, None
    if not tables:
        return counts[0] / counts[1], None, None, None
    return count_ratio(tables, rules, top, bottom, seeds=list(seeds))


def _pool_rule(name: str, aim: str, rows: list[NullWorldAlerts], members: list[str],
            tables: Sequence[tuple[int, pa.Table]], seeds: np.ndarray) -> NullRule:
    """``members`` (one rule, or several together) over the seeds' ``rows``: counts added up,
    the null-world ratio and the response share with their intervals where the no-response
    twin ran for every seed."""
    alerts = sum(r.alerts for r in rows)
    null = sum(r.null_world_alerts for r in rows)
    based = all(r.baseline_alerts is not None for r in rows)
    base = sum(r.baseline_alerts or 0 for r in rows) if based else None
    out: dict[str, Any] = {}
    if base is not None:
        ratio, low, high, deff = _pair(tables, set(members), "null", "base", (null, base), seeds)
        out.update(ratio=ratio, ratio_low=low, ratio_high=high, ratio_design_effect=deff)
        r, r_low, r_high, _ = _pair(tables, set(members), "base", "watch", (base, alerts),
                                    seeds)
        # share = 1 - base / watch, decreasing in the ratio base / watch
        out.update(response_share=None if r is None else 1 - r,
                   response_share_low=None if r_high is None else 1 - r_high,
                   response_share_high=None if r_low is None else 1 - r_low)
    return NullRule(rule=name, aim=aim, alerts=alerts, baseline_alerts=base,
                    null_world_alerts=null, rules=members, **out)


def null_world_pooled(audits: Sequence[SeedAudit]) -> NullWorld | None:
    """Each rule against the null world over the seeds, and the rules aimed at unlawful acts
    together; None when no seed ran the null world."""
    per_seed = [a for a in audits if a.twins is not None
                and a.twins.null_world_alerts_by_rule is not None]
    if not per_seed:
        return None
    seeds = np.asarray([a.seed for a in per_seed], np.int64)
    tables = [(a.seed, a.null_alerts) for a in per_seed if a.null_alerts is not None]
    if len(tables) < len(per_seed):
        tables = []
    rows = [r for a in per_seed for r in a.twins.null_world_alerts_by_rule]
    names = sorted({r.rule for r in rows})
    aim = {r.rule: r.aim for r in rows}
    out = [_pool_rule(n, aim[n], [r for r in rows if r.rule == n], [n], tables, seeds)
           for n in names]
    acts = sorted(n for n in names if aim[n] == ACT_AIM)
    together = _pool_rule("(rules aimed at unlawful acts)", ACT_AIM,
                       [r for r in rows if r.rule in acts], acts, tables, seeds) if acts else None
    return NullWorld(world=WORLD, rules=out, acts=together)
