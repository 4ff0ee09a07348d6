"""The outcome of every alert of a study's seeds (true, a lawful act only, an administrative
status), split once by rule and by real or chance, and the shares of alerts pooled from them
with intervals from the bootstrap nested by city and person: precision, lift over chance, the
lawful and status shares and the status lift, precision against the twin without response.
Every interval is widened to contain Wilson's for the alerts as independent: clustering only
widens, and a bootstrap of a handful of alerts can collapse."""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from custodiet.audit import ClusteredSample
from custodiet.audit.sim._pooled_figures import AlertShare
from custodiet.audit.sim._pooled_innocents import INTERVAL_REPLICATES, finite
from custodiet.audit.sim._study import SeedAudit

Z95 = 1.959964


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """The Wilson score interval of a proportion ``hits / n`` (None, None when n = 0)."""
    if n <= 0:
        return None, None
    p = hits / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    # At p = 0 (or 1) the bound is exactly 0 (or 1); rounding would put it a hair inside.
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == n else min(1.0, centre + half)
    return low, high


class _Outcomes:
    """One city's alert outcomes (:func:`lift_with_hits`) split once by rule and by real or
    chance (a stable sort), so that the rows of any set of rules are gathered in table order
    without scanning the whole table again for each rule, system and pooled set."""

    def __init__(self, table: pa.Table) -> None:
        # Rule names coded by Arrow in order of appearance (np.unique would sort a million
        # Python strings); the rows of a rule come out the same whatever its code.
        coded = table["rule"].combine_chunks().dictionary_encode()
        names = coded.dictionary.to_pylist()
        code = coded.indices.to_numpy(zero_copy_only=False)
        key = 2 * code.astype(np.int64) + table["chance"].to_numpy(zero_copy_only=False)
        if 2 * len(names) < 2**15:  # numpy's stable sort of 16-bit keys is a radix sort
            key = key.astype(np.int16)
        self._order = np.argsort(key, kind="stable")
        self._edges = np.searchsorted(key[self._order], np.arange(2 * len(names) + 1))
        self._index = {n: i for i, n in enumerate(names)}
        self.cluster = table["cluster"].to_numpy(zero_copy_only=False)
        self.outcome = {name: table[name].to_numpy(zero_copy_only=False)
                        for name in ("hit", "lawful", "status") if name in table.column_names}
        """Per alert: a true alert, caught only a lawful act, found an administrative status
        (``hit`` always; the others where the table has them)."""
        status = self.outcome.get("status")
        self._with_status = ({names[k // 2] for k in np.unique(key[status]).tolist()}
                             if status is not None else set())
        """The rules with an alert, real or by chance, that found an administrative status."""

    def found_status(self, rules: set[str]) -> bool:
        """Whether an alert of ``rules``, real or by chance, found an administrative status."""
        return not self._with_status.isdisjoint(rules)

    def rows(self, rules: set[str], chance: bool) -> np.ndarray:
        """Row numbers, ascending, of the real (or chance) alerts of ``rules``."""
        parts = [self._order[self._edges[k]:self._edges[k + 1]]
                 for k in sorted(2 * self._index[r] + int(chance) for r in rules
                                 if r in self._index)]
        if len(parts) == 1:
            return parts[0]
        return np.sort(np.concatenate(parts)) if parts else np.zeros(0, np.int64)


Cities = list[tuple[int, _Outcomes]]

_SPLIT: dict[int, _Outcomes] = {}
"""Each outcomes table's split, by the table's id, while the table lives: the rules, the
systems and the rules claiming wrongdoing are pooled from the same seeds' tables."""


def _split(table: pa.Table) -> _Outcomes:
    """``table`` split by rule and by real or chance, once while it lives."""
    key = id(table)
    split = _SPLIT.get(key)
    if split is None:
        split = _SPLIT[key] = _Outcomes(table)
        weakref.finalize(table, _SPLIT.pop, key, None)  # before the id can be reused
    return split


def alert_outcomes(audits: Sequence[SeedAudit]) -> Cities | None:
    """Every seed's alert outcomes, split once; None unless every seed has them."""
    tables = [(a.seed, a.alert_hits) for a in audits if a.alert_hits is not None]
    if not tables or len(tables) < len(audits):
        return None
    return [(s, _split(t)) for s, t in tables]


def clustered_figures(cities: Cities | None, rules: set[str]) -> dict[str, Any]:
    """:func:`clustered_intervals` of ``rules`` over split outcomes (empty without them)."""
    return _intervals(cities, rules) if cities is not None else {}


def clustered_intervals(tables: Sequence[tuple[int, pa.Table]], rules: set[str], *,
                        seed: int = 0) -> dict[str, Any]:
    """Precision and lift of the alerts of ``rules`` over every city (seed, alert outcomes
    as :func:`lift_with_hits` gives them), with intervals from the bootstrap nested by city
    and person (:class:`custodiet.audit.ClusteredSample`): repeated alerts on the same people
    widen them. Empty when no alert was raised. The report and the workbench both use it."""
    return _intervals([(s, _Outcomes(t)) for s, t in tables], rules, seed=seed)


def alerts_sample(cities: Cities, rules: set[str], *, chance: bool = False,
                  outcome: str = "hit") -> ClusteredSample:
    """The real (or chance) alerts of ``rules`` in every city, one row per alert in the
    cluster of the person it belongs to, counting 1 where it had ``outcome`` (``hit``,
    ``lawful`` or ``status``)."""
    city, cluster, counted_ = [], [], []
    for s, o in cities:
        at = o.rows(rules, chance)
        city.append(np.full(at.size, s, np.int64))
        cluster.append(o.cluster[at])
        counted_.append(o.outcome[outcome][at])
    return ClusteredSample.from_arrays(
        np.concatenate(city), np.concatenate(cluster),
        np.concatenate(counted_).astype(np.float64),
        cities=np.asarray([s for s, _ in cities], np.int64))


def share_interval(sample: ClusteredSample, *, seed: int = 0) -> tuple[float, float, float]:
    """A share of alerts (true, lawful, status) with its interval from the bootstrap nested by
    city and person, never narrower than Wilson's for the alerts as independent: clustering
    only widens, and a bootstrap of a handful of alerts can collapse (one of two gives 50% to
    50%). Returns (low, high, design effect)."""
    p = sample.ratio(replicates=INTERVAL_REPLICATES, seed=seed)
    w_low, w_high = wilson(int(sample.num.sum()), sample.n_units)
    return min(p.low, w_low), max(p.high, w_high), p.design_effect


def checked_share(sample: ClusteredSample, *, alerts: int, counted: int) -> AlertShare | None:
    """``counted`` of ``alerts`` as a share with :func:`share_interval`'s interval, from rows
    that add up to exactly those counts: rows that do not (or no alert) give None, never an
    interval around another figure."""
    if not alerts or (sample.n_units, int(sample.num.sum())) != (alerts, counted):
        return None
    low, high, design_effect = share_interval(sample)
    return AlertShare(alerts=alerts, counted=counted, share=counted / alerts, low=low,
                      high=high, design_effect=finite(design_effect))


def _intervals(cities: Cities, rules: set[str], *, seed: int = 0) -> dict[str, Any]:
    """:func:`clustered_intervals` over outcomes already split by rule."""
    real, chance = alerts_sample(cities, rules), alerts_sample(cities, rules, chance=True)
    if not real.n_units:
        return {}
    low, high, design_effect = share_interval(real, seed=seed)
    out: dict[str, Any] = {"precision_low": low, "precision_high": high,
                           "precision_design_effect": finite(design_effect)}
    if chance.n_units:
        out.update(_lift(real, chance, (low, high), seed=seed))
    return {**out, **_status_intervals(cities, rules, seed=seed)}


def _lift(real: ClusteredSample, chance: ClusteredSample, bounds: tuple[float, float], *,
          seed: int, name: str = "lift") -> dict[str, Any]:
    """``name`` (real over chance share) with its nested-bootstrap interval, widened to contain
    the ratio of the real share's ``bounds`` to chance's Wilson bounds; against a chance share
    of 0, a lower bound only (``{name}_lower_bound_only``)."""
    lift = real.ratio_of_ratios(chance, replicates=INTERVAL_REPLICATES, seed=seed)
    c_low, c_high = wilson(int(chance.num.sum()), chance.n_units)
    low, high = bounds
    lift_low = min(lift.low, low / c_high) if c_high else lift.low
    lift_high = max(lift.high, high / c_low) if c_low else math.inf
    return {name: finite(lift.estimate), f"{name}_low": finite(lift_low),
            f"{name}_high": finite(lift_high), f"{name}_lower_bound_only": math.isinf(lift_high)}


def _status_intervals(cities: Cities, rules: set[str], *, seed: int = 0) -> dict[str, Any]:
    """The share of the alerts of ``rules`` that found an administrative status and its lift
    over the same share among chance alerts (the status base rate), with nested-bootstrap
    intervals (``status_precision_low``/``_high``: never narrower than Wilson's, which they
    replace); empty where the outcomes say nothing of statuses or none was found, real or by
    chance (a rule claiming no status finds none)."""
    if any("status" not in o.outcome for _, o in cities) or \
            not any(o.found_status(rules) for _, o in cities):
        return {}
    real = alerts_sample(cities, rules, outcome="status")
    chance = alerts_sample(cities, rules, chance=True, outcome="status")
    if not real.n_units or not (real.num.sum() or chance.num.sum()):
        return {}
    low, high, _ = share_interval(real, seed=seed)
    out: dict[str, Any] = {"status_precision_low": low, "status_precision_high": high}
    if chance.n_units:
        lift = _lift(real, chance, (low, high), seed=seed, name="status_lift")
        del lift["status_lift"]  # the pooled figure's own (Σ found / Σ alerts over base)
        out.update(lift)
    return out


def rows_sample(tables: Sequence[tuple[int, pa.Table]], *, cities: Sequence[int]
                ) -> ClusteredSample:
    """One row per alert of each city's table (seed, table with ``cluster`` and ``hit``):
    the alert counting 1 where ``hit``, in the cluster of the person it belongs to."""
    def column(name: str) -> np.ndarray:
        return np.concatenate([t[name].to_numpy(zero_copy_only=False) for _, t in tables])

    return ClusteredSample.from_arrays(
        np.concatenate([np.full(t.num_rows, s, np.int64) for s, t in tables]),
        column("cluster"), column("hit").astype(np.float64),
        cities=np.asarray(cities, np.int64))


def true_precision(audits: Sequence[SeedAudit]) -> dict[str, Any]:
    """The precision of the rules claiming wrongdoing against the twin without any response,
    pooled over the seeds, with its nested-bootstrap interval (:func:`share_interval`); empty
    unless every seed kept those alerts' outcomes there, adding up to its own counts."""
    hits = [a.twins.true_hits if a.twins is not None else None for a in audits]
    if not audits or any(h is None for h in hits):
        return {}
    share = checked_share(
        rows_sample([(a.seed, h) for a, h in zip(audits, hits, strict=True)],
                    cities=[a.seed for a in audits]),
        alerts=sum(a.overall.alerts for a in audits),
        counted=sum(round((a.twins.precision_true or 0.0) * a.overall.alerts)
                    for a in audits))
    if share is None:
        return {}
    return {"precision_true": share.share, "precision_true_low": share.low,
            "precision_true_high": share.high}


def lawful_interval(cities: Cities | None, rules: set[str], pooled: dict[str, Any]
                    ) -> dict[str, Any]:
    """The share of the alerts of ``rules`` that caught only a lawful act, with its
    nested-bootstrap interval (:func:`share_interval`); empty without alert outcomes, or when
    they do not add up to the pooled counts."""
    if cities is None or any("lawful" not in o.outcome for _, o in cities):
        return {}
    share = checked_share(alerts_sample(cities, rules, outcome="lawful"),
                          alerts=pooled["alerts"], counted=pooled["lawful_alerts"])
    return {} if share is None else {"lawful_share_low": share.low,
                                     "lawful_share_high": share.high}


def status_pooled(audits: Sequence[SeedAudit]) -> AlertShare | None:
    """The share of every rule's alerts that found an administrative status over the seeds,
    with its nested-bootstrap interval (:func:`share_interval`); None when no rule claims a
    status, or the seeds kept no alert outcomes that add up to the rules' counts."""
    rows = [r for a in audits for r in a.rules]
    if not any(r.status_precision is not None for r in rows):
        return None
    cities = alert_outcomes(audits)
    if cities is None or any("status" not in o.outcome for _, o in cities):
        return None
    names = {r.rule for r in rows if r.rule is not None}
    return checked_share(alerts_sample(cities, names, outcome="status"),
                         alerts=sum(r.alerts for r in rows),
                         counted=sum(r.status_alerts for r in rows))


def contact_share(audits: Sequence[SeedAudit]) -> AlertShare | None:
    """The share of every unsuppressed alert that named someone listed only because of a
    police contact, over the seeds, with its nested-bootstrap interval; None unless every seed
    with lists kept its per-alert rows, adding up to its per-day counts."""
    listed = [a for a in audits if a.lists is not None]
    if not listed or any(a.contact_alerts is None for a in listed):
        return None
    days = [r for a in listed for r in a.lists.contact_listed_alerts]
    return checked_share(rows_sample([(a.seed, a.contact_alerts) for a in listed],
                                     cities=[a.seed for a in audits]),
                         alerts=sum(r.alerts for r in days),
                         counted=sum(r.contact_listed for r in days))
