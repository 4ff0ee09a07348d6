"""Figures pooled over the seeds of a study (each seed a fresh city): per rule and per system,
alerts and true alerts added up, precision with a Wilson 95% interval on the pooled alerts,
lift over chance on the pooled chance alerts, and the administrative statuses found apart
(status precision with its interval, the status base rate of chance alerts); the list feedback
loop per list, who is on which list by category, and the officers' workload, added up over
seeds."""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from custodiet.audit import ClusteredSample
from custodiet.audit.sim._burden import LISTED_CATEGORIES
from custodiet.audit.sim._pooled_innocents import (
    INTERVAL_REPLICATES,
    counted,
    finite,
    innocents_interval,
    innocents_per_day_interval,
)
from custodiet.audit.sim._pooled_rows import (
    AlertShare,
    KindEffect,
    Knowability,
    ListCategoryShare,
    ListTotals,
    PooledLists,
    PooledRule,
    PooledSystem,
    Spread,
)
from custodiet.audit.sim._sections import (
    PetitionTrips,
    RedList,
    RedListCounts,
    Stopped,
    Suppressed,
)
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


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


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

    def rows(self, rules: set[str], chance: bool) -> np.ndarray:
        """Row numbers, ascending, of the real (or chance) alerts of ``rules``."""
        parts = [self._order[self._edges[k]:self._edges[k + 1]]
                 for k in sorted(2 * self._index[r] + int(chance) for r in rules
                                 if r in self._index)]
        if len(parts) == 1:
            return parts[0]
        return np.sort(np.concatenate(parts)) if parts else np.zeros(0, np.int64)


_Cities = list[tuple[int, _Outcomes]]

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


def _outcomes(audits: Sequence[SeedAudit]) -> _Cities | None:
    """Every seed's alert outcomes, split once; None unless every seed has them."""
    tables = [(a.seed, a.alert_hits) for a in audits if a.alert_hits is not None]
    if not tables or len(tables) < len(audits):
        return None
    return [(s, _split(t)) for s, t in tables]


def _clustered(cities: _Cities | None, rules: set[str]) -> dict[str, Any]:
    return _intervals(cities, rules) if cities is not None else {}


def clustered_intervals(tables: Sequence[tuple[int, pa.Table]], rules: set[str], *,
                        seed: int = 0) -> dict[str, Any]:
    """Precision and lift of the alerts of ``rules`` over every city (seed, alert outcomes
    as :func:`lift_with_hits` gives them), with intervals from the bootstrap nested by city
    and person (:class:`custodiet.audit.ClusteredSample`): repeated alerts on the same people
    widen them. Empty when no alert was raised. The report and the workbench both use it."""
    return _intervals([(s, _Outcomes(t)) for s, t in tables], rules, seed=seed)


def _sample(cities: _Cities, rules: set[str], *, chance: bool = False,
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


def _intervals(cities: _Cities, rules: set[str], *, seed: int = 0) -> dict[str, Any]:
    """:func:`clustered_intervals` over outcomes already split by rule."""
    real, chance = _sample(cities, rules), _sample(cities, rules, chance=True)
    if not real.n_units:
        return {}
    low, high, design_effect = share_interval(real, seed=seed)
    out: dict[str, Any] = {"precision_low": low, "precision_high": high,
                           "precision_design_effect": finite(design_effect)}
    if chance.n_units:
        lift = real.ratio_of_ratios(chance, replicates=INTERVAL_REPLICATES, seed=seed)
        c_low, c_high = wilson(int(chance.num.sum()), chance.n_units)
        lift_low = min(lift.low, low / c_high) if c_high else lift.low
        lift_high = max(lift.high, high / c_low) if c_low else math.inf
        out.update({"lift": finite(lift.estimate),
                    "lift_low": finite(lift_low), "lift_high": finite(lift_high),
                    "lift_lower_bound_only": math.isinf(lift_high)})
    return out


def _pool(rows: Iterable[Any], lift: Iterable[Any] = ()) -> dict[str, Any]:
    """The pooled figures of ``rows`` (fields of :class:`PooledFigures`)."""
    rows, lift = list(rows), list(lift)
    alerts = sum(r.alerts for r in rows)
    true = sum(r.true_alerts for r in rows)
    innocents = sum(r.innocents_flagged for r in rows)
    low, high = wilson(true, alerts)
    out: dict[str, Any] = {
        "alerts": alerts, "true_alerts": true, "precision": _ratio(true, alerts),
        "precision_low": low, "precision_high": high, "innocents_flagged": innocents,
        "persons_flagged": sum(r.persons_flagged for r in rows),
        "innocents_per_true_alert": _ratio(innocents, true),
        "innocents_per_day": _ratio(sum(r.innocents_per_day for r in rows), len(rows)),
        "lawful_alerts": sum(r.lawful_alerts for r in rows),
        "lawful_share": _ratio(sum(r.lawful_alerts for r in rows), alerts),
        "suppressed": sum(r.suppressed for r in rows), "with_chance": bool(lift)}
    if lift:
        chance_n = sum(x.chance_alerts for x in lift)
        chance_true = sum((x.chance_precision or 0.0) * x.chance_alerts for x in lift)
        cp = _ratio(chance_true, chance_n)
        out["chance_precision"] = cp
        out["lift"] = out["precision"] / cp if out["precision"] is not None and cp else None
    out.update(_status(rows, lift))
    return out


def _status(rows: list[Any], lift: list[Any]) -> dict[str, Any]:
    """The administrative statuses found apart: status alerts, status precision with its
    Wilson interval (undefined when no rule claims a status), the people flagged for one, and
    with chance alerts the status base rate and the status lift."""
    claims = any(r.status_precision is not None for r in rows) or \
        any(x.status_base_rate is not None for x in lift)
    found = sum(r.status_alerts for r in rows)
    alerts = sum(r.alerts for r in rows)
    low, high = wilson(found, alerts) if claims else (None, None)
    sp = _ratio(found, alerts) if claims else None
    out: dict[str, Any] = {
        "status_alerts": found, "status_precision": sp, "status_precision_low": low,
        "status_precision_high": high,
        "status_persons_flagged": sum(r.status_persons_flagged for r in rows)}
    if lift:
        n = sum(x.chance_alerts for x in lift)  # a rule claiming no status: chance finds none
        base = _ratio(sum((x.status_base_rate or 0.0) * x.chance_alerts for x in lift), n) \
            if claims else None
        out["status_base_rate"] = base
        out["status_lift"] = sp / base if sp is not None and base else None
    return out


def rules_pooled(audits: Sequence[SeedAudit]) -> list[PooledRule]:
    """Per rule (name order): the pooled figures (see the module docstring)."""
    names = sorted({r.rule for a in audits for r in a.rules if r.rule is not None})
    cities, out = _outcomes(audits), []
    for n in names:
        rows = [r for a in audits for r in a.rules if r.rule == n]
        lift = [x for a in audits for x in (a.lift or []) if x.rule == n]
        pooled = _pool(rows, lift)
        out.append(PooledRule(rule=n, **{**pooled, **_clustered(cities, {n}),
                                         **innocents_interval(audits, rules={n},
                                                              expected=counted(pooled))}))
    return out


def wrongdoing_pooled(audits: Sequence[SeedAudit]) -> PooledSystem | None:
    """The rules that claim some wrongdoing, together, over the seeds: the figures the
    headline's precision and innocents pool, with the nested-bootstrap intervals of their
    precision, innocents per true alert and per day, and the share of alerts that caught only
    a lawful act; None when no seed says which rules they are."""
    if not audits or any(a.wrongdoing_rules is None for a in audits):
        return None
    names = sorted({r for a in audits for r in (a.wrongdoing_rules or [])})
    cities = _outcomes(audits)
    pooled = _pool([a.overall for a in audits])
    clustered = _clustered(cities, set(names))
    return PooledSystem(system="(rules claiming wrongdoing)", rules=names,
                        **{**pooled, **clustered, **innocents_interval(audits),
                           **innocents_per_day_interval(
                               audits, expected=pooled["innocents_per_day"]),
                           **_lawful_interval(cities, set(names), pooled),
                           **_true_precision(audits),
                           "with_chance": "lift_low" in clustered})


def _true_precision(audits: Sequence[SeedAudit]) -> dict[str, Any]:
    """The precision of the rules claiming wrongdoing against the twin without any response,
    pooled over the seeds, with its nested-bootstrap interval (:func:`share_interval`); empty
    unless every seed kept those alerts' outcomes there, adding up to its own counts."""
    hits = [a.twins.true_hits if a.twins is not None else None for a in audits]
    if not audits or any(h is None for h in hits):
        return {}
    alerts = sum(a.overall.alerts for a in audits)
    true = sum(round((a.twins.precision_true or 0.0) * a.overall.alerts) for a in audits)
    city = [np.full(h.num_rows, a.seed, np.int64) for a, h in zip(audits, hits, strict=True)]
    sample = ClusteredSample.from_arrays(
        np.concatenate(city),
        np.concatenate([h["cluster"].to_numpy(zero_copy_only=False) for h in hits]),
        np.concatenate([h["hit"].to_numpy(zero_copy_only=False) for h in hits]
                       ).astype(np.float64),
        cities=np.asarray([a.seed for a in audits], np.int64))
    if not alerts or (sample.n_units, int(sample.num.sum())) != (alerts, true):
        return {}
    low, high, _ = share_interval(sample)
    return {"precision_true": true / alerts, "precision_true_low": low,
            "precision_true_high": high}


def _lawful_interval(cities: _Cities | None, rules: set[str], pooled: dict[str, Any]
                     ) -> dict[str, Any]:
    """The share of the alerts of ``rules`` that caught only a lawful act, with its
    nested-bootstrap interval (:func:`share_interval`); empty without alert outcomes, or when
    they do not add up to the pooled counts."""
    if cities is None or any("lawful" not in o.outcome for _, o in cities):
        return {}
    sample = _sample(cities, rules, outcome="lawful")
    if not sample.n_units or (sample.n_units, int(sample.num.sum())) != (
            pooled["alerts"], pooled["lawful_alerts"]):
        return {}
    low, high, _ = share_interval(sample)
    return {"lawful_share_low": low, "lawful_share_high": high}


def status_pooled(audits: Sequence[SeedAudit]) -> AlertShare | None:
    """The share of every rule's alerts that found an administrative status over the seeds,
    with its nested-bootstrap interval (:func:`share_interval`); None when no rule claims a
    status, or the seeds kept no alert outcomes that add up to the rules' counts."""
    rows = [r for a in audits for r in a.rules]
    if not any(r.status_precision is not None for r in rows):
        return None
    cities = _outcomes(audits)
    if cities is None or any("status" not in o.outcome for _, o in cities):
        return None
    alerts, found = sum(r.alerts for r in rows), sum(r.status_alerts for r in rows)
    names = {r.rule for r in rows if r.rule is not None}
    sample = _sample(cities, names, outcome="status")
    if not alerts or (sample.n_units, int(sample.num.sum())) != (alerts, found):
        return None
    low, high, design_effect = share_interval(sample)
    return AlertShare(alerts=alerts, counted=found, share=found / alerts, low=low, high=high,
                      design_effect=finite(design_effect))


def systems_pooled(audits: Sequence[SeedAudit]) -> list[PooledSystem]:
    """Per system: its rules and the pooled figures over its rules' alerts."""
    names = sorted({s.system for a in audits for s in (a.systems or [])})
    cities, out = _outcomes(audits), []
    for n in names:
        rows = [s for a in audits for s in (a.systems or []) if s.system == n]
        members = set(rows[0].rules)
        lift = [x for a in audits for x in (a.lift or []) if x.rule in members]
        pooled = _pool(rows, lift)
        out.append(PooledSystem(system=n, rules=rows[0].rules,
                                **{**pooled, **_clustered(cities, members),
                                   **innocents_interval(audits, rules=members,
                                                        expected=counted(pooled))}))
    return out


def lists_pooled(audits: Sequence[SeedAudit]) -> PooledLists:
    """Per list: members on the first and last day, those listed only because of a contact at
    the end, growth, alerts and actions on contact-listed people; who is on which list by
    category (members ever on it and those in each category), all added over seeds."""
    per_list: dict[str, dict[str, int]] = {}
    cats: dict[tuple[str, str], list[int]] = {}
    for a in audits:
        if a.lists is None:
            continue
        for name in {r.list for r in a.lists.sizes}:
            rows = [r for r in a.lists.sizes if r.list == name]
            acc = per_list.setdefault(name, dict.fromkeys(
                ("start", "end", "from_contact_at_end", "alerts", "alerts_on_contact_listed",
                 "actions_on_contact_listed"), 0))
            acc["start"] += rows[0].members if rows[0].day == 0 else 0
            acc["end"] += rows[-1].members
            acc["from_contact_at_end"] += rows[-1].from_contact
        for f in a.lists.by_list:
            acc = per_list.setdefault(f.list, dict.fromkeys(
                ("start", "end", "from_contact_at_end", "alerts", "alerts_on_contact_listed",
                 "actions_on_contact_listed"), 0))
            acc["alerts"] += f.alerts
            acc["alerts_on_contact_listed"] += f.alerts_on_contact_listed
            acc["actions_on_contact_listed"] += f.actions_on_contact_listed
        for c in a.lists.by_category:
            cell = cats.setdefault((c.list, c.category), [0, 0])
            cell[0] += c.members
            cell[1] += c.in_category
    by_list = [ListTotals(list=k, **v, growth=_ratio(v["end"], v["start"]),
                          contact_listed_alert_share=_ratio(v["alerts_on_contact_listed"],
                                                            v["alerts"]))
               for k, v in sorted(per_list.items())]
    order = {c: i for i, c in enumerate(LISTED_CATEGORIES)}
    by_cat = [ListCategoryShare(li, c, m, n, _ratio(n, m))
              for (li, c), (m, n) in sorted(cats.items(),
                                            key=lambda kv: (kv[0][0], order.get(kv[0][1], 99)))]
    return PooledLists(by_list, by_cat)


def _added(parts: Sequence[Any]) -> dict[str, int]:
    """Rows of counts (sections with ``to_dict()``) added field by field over seeds."""
    dicts = [p.to_dict() for p in parts]
    return {k: sum(d[k] for d in dicts) for k in dicts[0]}


def redlist_pooled(audits: Sequence[SeedAudit]) -> RedList | None:
    """The red-list figures added over seeds (``without_redlist`` and the unseen incidents
    followed into the twin, ``hidden`` among them, when the twin without the red list ran for
    every seed)."""
    reds = [a.redlist for a in audits if a.redlist is not None]
    if not reds:
        return None

    out: dict[str, Any] = {"redlisted_persons": sum(r.redlisted_persons for r in reds),
                           "alerts_suppressed": sum(r.alerts_suppressed for r in reds),
                           "with_redlist": RedListCounts(**_added([r.with_redlist
                                                                  for r in reds]))}
    if all(r.suppressed is not None for r in reds):
        out["suppressed"] = Suppressed(**_added([r.suppressed for r in reds]))
    if all(r.without_redlist is not None for r in reds):
        out["without_redlist"] = RedListCounts(**_added([r.without_redlist for r in reds]))
        for name in ("hidden", "unseen_in_twin_too", "not_in_twin"):
            out[name] = sum(getattr(r, name) or 0 for r in reds)
            unlawful = [getattr(r, f"{name}_unlawful") for r in reds]
            if None not in unlawful:  # absent from stores written before the split
                out[f"{name}_unlawful"] = sum(unlawful)
    return RedList(**out)


def trips_pooled(audits: Sequence[SeedAudit]) -> PetitionTrips | None:
    """Petition trips and what saw them, added over seeds (each count is a sum)."""
    parts = [a.trips for a in audits if a.trips is not None]
    return PetitionTrips(**_added(parts)) if parts else None


def stopped_pooled(audits: Sequence[SeedAudit]) -> Stopped | None:
    """What acting on alerts stopped, in total over the seeds (each city's distinct
    incidents and people added: the cities are different cities); None unless every seed's
    twin without response ran."""
    parts = [a.twins.stopped for a in audits if a.twins is not None]
    if not audits or len(parts) < len(audits) or any(p is None for p in parts):
        return None
    return Stopped(**_added(parts))


def knowability_pooled(audits: Sequence[SeedAudit]) -> list[Knowability] | None:
    """Per rule, over seeds: alerts, true alerts the police can see (matched against what still
    happened) and true alerts against the twin without response, with both precisions."""
    rows = [r for a in audits if a.twins is not None for r in (a.twins.precision_by_rule or [])]
    if not rows:
        return None
    out = []
    for name in sorted({r.rule for r in rows}):
        mine = [r for r in rows if r.rule == name]
        n = sum(r.alerts for r in mine)
        seen = sum(r.true_alerts_seen for r in mine)
        true = sum(r.true_alerts_true for r in mine)
        out.append(Knowability(name, n, seen, true, _ratio(seen, n), _ratio(true, n),
                               true - seen, sum(r.lawful_alerts_seen for r in mine),
                               sum(r.lawful_alerts_true for r in mine)))
    return out


def effects_by_kind(audits: Sequence[SeedAudit]) -> list[KindEffect] | None:
    """Per incident kind, over seeds: deterrence (``no_system`` − ``no_response``) and
    interception (``no_response`` − ``watch``), each only the part by touched persons and
    the spillover, and their sum, the total effect of the system; mean with intervals and range."""
    from custodiet.audit.sim._summary import summarise

    twins = [a.twins for a in audits if a.twins is not None and
             a.twins.interception_by_kind is not None]
    if not twins:
        return None
    kinds = sorted({r.kind for t in twins for r in t.interception_by_kind or []} |
                   {r.kind for t in twins for r in t.deterrence_by_kind or []})
    out = []
    for k in kinds:
        def part(rows: Sequence[Any] | None, k: str = k) -> int | None:
            if rows is None:
                return None
            return sum(r.effect for r in rows if r.kind == k)

        lawful = any(r.lawful for t in twins for r in (t.interception_by_kind or [])
                     + (t.deterrence_by_kind or []) if r.kind == k)
        det = [part(t.deterrence_by_kind) for t in twins]
        inter = [part(t.interception_by_kind) for t in twins]
        total = [None if d is None or i is None else d + i for d, i in zip(det, inter,
                                                                             strict=True)]
        out.append(KindEffect(k, lawful, Spread(**summarise(det)),
                              Spread(**summarise(inter)), Spread(**summarise(total))))
    return out
