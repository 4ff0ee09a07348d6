"""Lift over chance: how much better a rule's alerts are than alerts naming people at random.

For a rule ``r`` with unsuppressed alerts ``A`` (each at a time ``t_a`` naming ``m_a`` persons),
its precision is ``P(r) = |{a in A : a hits}| / |A|`` (a *hit* as in :mod:`._sim_rules`: one of
the alert's persons took part in an incident of a kind the rule claims, within the horizon).
Its *chance* alerts keep each alert's time and size but name ``m_a`` people drawn uniformly
without replacement from the pool the rule watches on the alert's day ``d_a = t_a // 1440``
(the members of any of its lists on that day; everyone when it has no list). Then::

    chance precision  C(r) = E[ |{a in A : chance(a) hits}| ] / |A|
    lift over chance  L(r) = P(r) / C(r)

``C`` is estimated from ``replicates`` independent draws of every alert, scored by the same
matching as the rule's own precision (:func:`._sim_rules.rule_metrics`), so the two differ only
in who is named. ``L = 1``: the rule does no better than picking listed people at random at
those moments; ``L = 3``: three times better. ``L`` is undefined (None) when the rule has no
alert or ``C = 0`` (no chance alert hit). An alert whose pool is empty has no chance version and
is left out of ``C``'s denominator; a pool smaller than ``m_a`` is named whole. Red-listed people
stay in the pool and chance alerts are never suppressed (the red list acts on the real alerts).

The same chance alerts give the **status base rate** of a rule that claims an administrative
status (a crowded rental): ``B(r)`` = the share of chance alerts matching such a status, the
share a rule naming random pool members would find; ``status lift`` = status precision /
``B(r)``. Both are undefined for a rule claiming no administrative status.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.audit.sim._lists import prepare_spells
from custodiet.audit.sim._rules import (
    ALERT_HITS,
    DEFAULT_HORIZON,
    Claims,
    alert_hits,
    claim_of,
    rule_metrics,
)
from custodiet.engine import Session
from custodiet.schema import ADMINISTRATIVE_INCIDENT_KINDS, ALERTS, MINUTES_PER_DAY

#: Draws of every alert's chance version (assumption: the standard error of ``C`` is then at
#: most ``0.5 / sqrt(20 |A|)``, under 1.2 percentage points for a rule with 100 alerts).
DEFAULT_REPLICATES: int = 20

LIFT = pa.schema([
    ("rule", pa.string()), ("alerts", pa.int64()), ("precision", pa.float64()),
    ("chance_alerts", pa.int64()), ("chance_precision", pa.float64()), ("lift", pa.float64()),
    ("status_precision", pa.float64()), ("status_base_rate", pa.float64()),
    ("status_lift", pa.float64()),
])
"""One row per rule: its unsuppressed alerts and precision, the chance alerts scored (alerts
with a non-empty pool × replicates), their precision and the ratio; its status precision, the
chance alerts' status precision (the base rate) and their ratio (NULL when undefined)."""


def sample_subsets(pool: np.ndarray, sizes: np.ndarray, rng: np.random.Generator
                   ) -> pa.ListArray:
    """For each size ``m`` in ``sizes``, ``min(m, len(pool))`` distinct members of ``pool``
    drawn uniformly and sorted (Floyd's algorithm, vectorised over the draws; a loop over the
    few distinct sizes only)."""
    p = len(pool)
    lens = np.minimum(sizes, p).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(lens)])
    flat = np.empty(int(offsets[-1]), np.int64)
    for k in np.unique(lens):
        rows = np.flatnonzero(lens == k)
        chosen = np.empty((rows.size, int(k)), np.int64)
        for i, j in enumerate(range(p - int(k), p)):
            t = rng.integers(0, j + 1, rows.size)
            dup = (chosen[:, :i] == t[:, None]).any(axis=1)
            chosen[:, i] = np.where(dup, j, t)
        flat[offsets[rows][:, None] + np.arange(int(k))] = np.sort(pool[chosen], axis=1)
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), pa.array(flat))


def _pools(con: duckdb.DuckDBPyConnection, lists: Sequence[str], days: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Members of any of ``lists`` on each of ``days``: (day, person) sorted, from the
    registry's membership spells."""
    rows = con.execute("""
        SELECT DISTINCT d.day, s.person FROM spells s
        JOIN (SELECT unnest($days) AS day) d ON s.start <= d.day AND s."end" > d.day
        WHERE s.list IN (SELECT unnest($lists)) ORDER BY d.day, s.person""",
                       {"lists": list(lists), "days": [int(d) for d in days]}).fetchnumpy()
    return np.asarray(rows["day"], np.int64), np.asarray(rows["person"], np.int64)


def chance_alerts(con: duckdb.DuckDBPyConnection, *, rule: str, lists: Sequence[str],
                  days: int, replicates: int = DEFAULT_REPLICATES, seed: int = 0) -> pa.Table:
    """``replicates`` chance versions of each unsuppressed alert of ``rule`` in ``con``
    (``schema.ALERTS``; alert ids numbered afresh): same time, place and size, random pool
    members (the place is kept so that a detection is matched where its alert was)."""
    alerts = con.execute("SELECT t, place, len(persons) AS m FROM alerts WHERE rule = $rule "
                         "AND NOT suppressed_by_redlist ORDER BY alert_id",
                         {"rule": rule}).fetchnumpy()
    t = np.asarray(alerts["t"], np.int64)
    place = np.asarray(alerts["place"], np.int64)
    m = np.asarray(alerts["m"], np.int64)
    day = np.clip(t // MINUTES_PER_DAY, 0, days - 1)
    everyone = np.asarray(con.execute("SELECT person_id FROM persons ORDER BY person_id")
                          .fetchnumpy()["person_id"], np.int64)
    rng = np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(rule.encode())]))
    times: list[np.ndarray] = []
    places: list[np.ndarray] = []
    persons: list[pa.ListArray] = []
    on_days = np.unique(day)
    if lists:
        pool_day, pool_person = _pools(con, lists, on_days)
    for d in on_days:
        if lists:
            lo, hi = np.searchsorted(pool_day, [d, d + 1])
            pool = pool_person[lo:hi]
        else:
            pool = everyone
        if pool.size == 0:
            continue
        at = np.flatnonzero(day == d)
        persons.append(sample_subsets(pool, np.tile(m[at], replicates), rng))
        times.append(np.tile(t[at], replicates))
        places.append(np.tile(place[at], replicates))
    named = pa.chunked_array(persons, pa.list_(pa.int64()))
    n = len(named)
    return pa.table({
        "alert_id": np.arange(n, dtype=np.int64),
        "rule": pa.repeat(pa.scalar(rule, pa.string()), n),
        "t": np.concatenate(times) if times else np.zeros(0, np.int64),
        "persons": named,
        "place": np.concatenate(places) if places else np.zeros(0, np.int64),
        "suppressed_by_redlist": np.zeros(n, bool),
    }, schema=ALERTS)


def lift_over_chance(source: Session | duckdb.DuckDBPyConnection, *,
                     rules: Claims, lists: Mapping[str, Sequence[str]],
                     days: int, horizon: int = DEFAULT_HORIZON,
                     replicates: int = DEFAULT_REPLICATES, seed: int = 0,
                     metrics: pa.Table | None = None) -> pa.Table:
    """Each rule's precision, chance precision and lift over chance (see the module docstring).

    ``source`` holds ``alerts``, ``incidents``, ``persons`` and, when a rule has lists,
    ``list_changes`` (a run store's tables, or the same relations registered as Arrow tables);
    ``rules`` maps each rule to its claim, ``lists`` each rule to the lists it watches
    (missing or empty: everyone); ``metrics``, the rules' :func:`rule_metrics` on ``source``
    when the caller has it already. Deterministic for a given ``seed``.
    """
    return lift_with_hits(source, rules=rules, lists=lists, days=days, horizon=horizon,
                          replicates=replicates, seed=seed, metrics=metrics)[0]


def lift_with_hits(source: Session | duckdb.DuckDBPyConnection, *,
                   rules: Claims, lists: Mapping[str, Sequence[str]],
                   days: int, horizon: int = DEFAULT_HORIZON,
                   replicates: int = DEFAULT_REPLICATES, seed: int = 0,
                   metrics: pa.Table | None = None) -> tuple[pa.Table, pa.Table]:
    """:func:`lift_over_chance`, and every real and chance alert's outcome
    (:data:`ALERT_HITS` plus ``chance``), which a clustered interval of the lift resamples."""
    if days < 1:
        raise ValueError("days must be at least 1")
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    con = source.con if isinstance(source, Session) else source
    if any(lists.get(r) for r in rules):
        prepare_spells(con, days=days)
    real = metrics if metrics is not None else rule_metrics(con, rules=rules, days=days,
                                                            horizon=horizon)
    incidents = con.execute("SELECT * FROM incidents").to_arrow_table()
    parts = [chance_alerts(con, rule=r, lists=lists.get(r, ()), days=days,
                           replicates=replicates, seed=seed) for r in rules]
    offset = 0
    for i, part in enumerate(parts):
        parts[i] = part.set_column(0, "alert_id", pc.add(part.column("alert_id"), offset))
        offset += part.num_rows
    chance_hits = chance_alert_hits(con, parts, incidents, rules=rules, horizon=horizon)
    hits = pa.concat_tables([
        t.append_column("chance", pa.array(np.full(t.num_rows, flag), pa.bool_()))
        for t, flag in ((alert_hits(con, rules=rules, horizon=horizon), False),
                        (chance_hits, True))])
    return _lift_rows(real, chance_figures(chance_hits, rules)), hits


def _involved(incidents: pa.Table, kinds: Sequence[str]) -> np.ndarray:
    """The persons (sorted, distinct) who took part in an incident of one of ``kinds``."""
    of_kind = pc.fill_null(pc.is_in(pc.cast(incidents.column("kind"), pa.string()),
                                    value_set=pa.array(list(kinds), pa.string())), False)
    named = incidents.filter(of_kind).column("persons")
    return np.unique(pc.list_flatten(named).to_numpy()) if len(named) else np.zeros(0, np.int64)


def _misses(part: pa.Table, involved: np.ndarray) -> tuple[pa.Table, pa.Table]:
    """``part``'s alerts split into those naming someone in ``involved`` (which SQL must
    match) and the outcomes (:data:`ALERT_HITS`) of the others, which name nobody an incident
    could match: a miss each, in the cluster of the lowest id it names (an alert naming
    nobody has no outcome, as in the SQL)."""
    named = part.column("persons").combine_chunks()
    flat = pc.list_flatten(named).to_numpy().astype(np.int64, copy=False)
    owner = pc.list_parent_indices(named).to_numpy().astype(np.int64, copy=False)
    size = np.bincount(owner, minlength=len(named))
    candidate = np.bincount(owner[np.isin(flat, involved)], minlength=len(named)) > 0
    nonempty = size > 0
    miss = nonempty & ~candidate
    # the lowest id of each non-empty alert (segments of the flattened names), then the misses'
    lowest = (np.minimum.reduceat(flat, (np.cumsum(size) - size)[nonempty]) if len(flat)
              else np.zeros(0, np.int64))
    first = lowest[miss[nonempty]]
    n = int(miss.sum())
    outcomes = pa.table({
        "alert_id": part.column("alert_id").filter(pa.array(miss)),
        "rule": part.column("rule").filter(pa.array(miss)), "cluster": first,
        "hit": np.zeros(n, bool), "lawful": np.zeros(n, bool), "status": np.zeros(n, bool),
    }).cast(ALERT_HITS)
    return part.filter(pa.array(candidate)), outcomes


def chance_alert_hits(con: duckdb.DuckDBPyConnection, parts: Sequence[pa.Table],
                      incidents: pa.Table, *, rules: Claims,
                      horizon: int = DEFAULT_HORIZON) -> pa.Table:
    """The outcomes (:data:`ALERT_HITS`) of chance alerts (``parts``, one table a rule, with
    distinct ids), as :func:`alert_hits` gives them: only the alerts naming someone who took
    part in an incident of a kind their rule claims are matched in SQL (a fifth of a million
    or so); every other is a miss without matching."""
    kinds = {r: claim_of(c).kinds for r, c in rules.items()}
    to_match, outcomes = [], []
    for part in parts:
        if part.num_rows == 0:
            continue
        rule = part.column("rule")[0].as_py()
        if rule not in kinds:
            continue
        candidates, misses = _misses(part, _involved(incidents, kinds[rule]))
        to_match.append(candidates)
        outcomes.append(misses)
    scratch = con.cursor()  # the same database, its own relations: the chance alerts
    try:
        scratch.register("alerts", pa.concat_tables(to_match) if to_match
                         else ALERTS.empty_table())
        scratch.register("incidents", incidents)
        # chance alerts name distinct people (drawn without replacement) under distinct ids
        outcomes.append(alert_hits(scratch, rules=rules, horizon=horizon, distinct=True))
    finally:
        scratch.close()
    return pa.concat_tables(outcomes).sort_by("alert_id")


def chance_figures(hits: pa.Table, rules: Claims) -> dict[str, dict]:
    """Each rule's ``alerts``, ``precision`` and ``status_precision`` over its chance alerts'
    outcomes (``ALERT_HITS``), as :func:`rule_metrics` computes them over the chance alerts
    (which would match them all again): a ratio is None when the rule has no chance alert,
    and the status precision also when the rule claims no administrative status."""
    coded = hits.column("rule").combine_chunks().dictionary_encode()
    code = coded.indices.to_numpy(zero_copy_only=False)
    size = len(coded.dictionary)
    count = np.bincount(code, minlength=size)
    true = np.bincount(code, weights=hits.column("hit").to_numpy(zero_copy_only=False),
                       minlength=size)
    found = np.bincount(code, weights=hits.column("status").to_numpy(zero_copy_only=False),
                        minlength=size)
    at = {name: i for i, name in enumerate(coded.dictionary.to_pylist())}
    out = {}
    for name, kinds in rules.items():
        i = at.get(name)
        n = int(count[i]) if i is not None else 0
        claims_status = any(k in ADMINISTRATIVE_INCIDENT_KINDS for k in claim_of(kinds).kinds)
        out[name] = {"alerts": n,
                     "precision": int(true[i]) / n if n else None,
                     "status_precision": (int(found[i]) / n
                                          if n and claims_status else None)}
    return out


def _lift_rows(real: pa.Table, chance: Mapping[str, dict]) -> pa.Table:
    rows = []
    for row in real.to_pylist():
        c = chance[row["rule"]]
        p, cp = row["precision"], c["precision"]
        sp, sb = row["status_precision"], c["status_precision"]
        rows.append({"rule": row["rule"], "alerts": row["alerts"], "precision": p,
                     "chance_alerts": c["alerts"], "chance_precision": cp,
                     "lift": p / cp if p is not None and cp else None,
                     "status_precision": sp, "status_base_rate": sb,
                     "status_lift": sp / sb if sp is not None and sb else None})
    return pa.Table.from_pylist(rows, schema=LIFT)
