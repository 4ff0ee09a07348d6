"""Lift over chance on hand-built tables: the chance precision against its exact expectation,
chance alerts drawn only from the pool of the alert's day, and the subset sampler's contract."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet import schema
from custodiet.audit.sim._lift import chance_alerts, lift_over_chance, sample_subsets
from custodiet.audit.sim._lists import prepare_spells
from custodiet.engine import Session
from custodiet.watch import LIST_CHANGES
from tests._tables import table_of

DAY = schema.MINUTES_PER_DAY


def _persons(n: int) -> pa.Table:
    return pa.table({"person_id": np.arange(n, dtype=np.int64)})


def _session(alerts: list[tuple], incidents: list[tuple], changes: list[tuple],
             people: int) -> Session:
    s = Session()
    s.register("alerts", table_of(schema.ALERTS, alerts))
    s.register("incidents", table_of(schema.INCIDENTS, incidents))
    s.register("list_changes", table_of(LIST_CHANGES, changes))
    s.register("persons", _persons(people))
    return s


def test_chance_precision_matches_its_exact_expectation() -> None:
    # 100 listed people (ids 0..99), 10 of whom (0..9) dealt drugs on day 1; 900 others never
    # listed. 50 alerts at day 1, each naming one dealer: precision 1. A chance alert names one
    # random member: it hits with probability 10 / 100, so C = 0.1 and L = 10.
    members = [(0, "users", p, "attribute") for p in range(100)]
    incidents = [(i, "drug_deal", [i], DAY + 60, 5, False) for i in range(10)]
    alerts = [(a, "hotel", DAY + 30, [a % 10], 5, False) for a in range(50)]
    s = _session(alerts, incidents, members, 1000)
    reps = 200
    row = lift_over_chance(s, rules={"hotel": ["drug_deal"]}, lists={"hotel": ["users"]},
                           days=3, replicates=reps, seed=4).to_pylist()[0]
    n = 50 * reps
    assert row["precision"] == 1.0
    assert row["chance_alerts"] == n
    se = math.sqrt(0.1 * 0.9 / n)
    assert abs(row["chance_precision"] - 0.1) < 4 * se
    assert abs(row["lift"] - 1.0 / row["chance_precision"]) < 1e-12


def test_two_person_alerts_follow_the_without_replacement_probability() -> None:
    # Pool of 20 members, 4 guilty; a chance alert names 2 distinct members: it misses only
    # when both are innocent, P(miss) = C(16, 2) / C(20, 2) = 120 / 190.
    members = [(0, "l", p, "attribute") for p in range(20)]
    incidents = [(i, "protest", [i], 100, 1, False) for i in range(4)]  # unlawful protests
    alerts = [(a, "park", 100, [0, 1], 1, False) for a in range(40)]
    s = _session(alerts, incidents, members, 20)
    reps = 250
    row = lift_over_chance(s, rules={"park": ["protest"]}, lists={"park": ["l"]}, days=1,
                           replicates=reps, seed=1).to_pylist()[0]
    expected = 1 - 120 / 190
    se = math.sqrt(expected * (1 - expected) / (40 * reps))
    assert abs(row["chance_precision"] - expected) < 4 * se


def test_chance_alerts_name_only_that_days_members() -> None:
    # person 7 is on the list from day 0 and removed on day 2; person 8 joins after a contact
    # on day 2. Alerts on day 0 may only name 7; on day 3 only 8.
    changes = [(0, "l", 7, "attribute"), (2, "l", 7, "removed"), (2, "l", 8, "contact")]
    alerts = [(0, "r", 10, [1], -1, False), (1, "r", 3 * DAY + 10, [1], -1, False)]
    s = _session(alerts, [], changes, 10)
    prepare_spells(s.con, days=5)
    chance = chance_alerts(s.con, rule="r", lists=["l"], days=5, replicates=30, seed=0)
    named = dict(zip(chance.column("t").to_pylist(),
                     chance.column("persons").to_pylist(), strict=False))
    assert named[10] == [7]
    assert named[3 * DAY + 10] == [8]
    assert chance.num_rows == 60


def test_no_list_means_everyone_and_suppressed_alerts_are_left_out() -> None:
    alerts = [(0, "r", 10, [1], -1, False), (1, "r", 10, [2], -1, True)]
    s = _session(alerts, [], [], 6)
    chance = chance_alerts(s.con, rule="r", lists=[], days=1, replicates=600, seed=2)
    assert chance.num_rows == 600
    seen = np.array([p[0] for p in chance.column("persons").to_pylist()])
    assert set(seen) == set(range(6))


def test_no_alert_or_no_chance_hit_leaves_the_lift_undefined() -> None:
    # both people in town (0 and 1) burgled together: chance does as well as the rule
    s = _session([(0, "r", 10, [1], -1, False)], [(0, "burglary", [0, 1], 10, 1, False)], [],
                 2)
    row = lift_over_chance(s, rules={"r": ["burglary"], "quiet": ["burglary"]}, lists={},
                           days=1, replicates=5).to_pylist()
    by = {r["rule"]: r for r in row}
    assert by["r"]["lift"] == pytest.approx(1.0)
    assert by["quiet"]["alerts"] == 0 and by["quiet"]["lift"] is None
    s2 = _session([(0, "r", 10, [1], -1, False)], [(0, "burglary", [1], 10, 1, False)],
                  [(0, "l", 3, "attribute")], 5)
    row2 = lift_over_chance(s2, rules={"r": ["burglary"]}, lists={"r": ["l"]}, days=1,
                            replicates=5).to_pylist()[0]
    assert row2["precision"] == 1.0 and row2["chance_precision"] == 0.0
    assert row2["lift"] is None


def test_deterministic_for_a_seed() -> None:
    members = [(0, "l", p, "attribute") for p in range(50)]
    alerts = [(a, "r", 100, [a], -1, False) for a in range(30)]
    s = _session(alerts, [(0, "drug_deal", [3], 100, 1, False)], members, 50)
    prepare_spells(s.con, days=1)
    a = chance_alerts(s.con, rule="r", lists=["l"], days=1, seed=9)
    b = chance_alerts(s.con, rule="r", lists=["l"], days=1, seed=9)
    c = chance_alerts(s.con, rule="r", lists=["l"], days=1, seed=10)
    assert a.equals(b)
    assert not a.equals(c)


@settings(max_examples=60, deadline=None)
@given(pool_size=st.integers(1, 40), sizes=st.lists(st.integers(1, 8), min_size=1, max_size=30),
       seed=st.integers(0, 2**32 - 1))
def test_subsets_are_distinct_sorted_members_of_the_pool(pool_size, sizes, seed) -> None:
    pool = np.arange(100, 100 + 3 * pool_size, 3, dtype=np.int64)
    out = sample_subsets(pool, np.array(sizes), np.random.default_rng(seed)).to_pylist()
    for m, picked in zip(sizes, out, strict=True):
        assert len(picked) == min(m, pool_size)
        assert picked == sorted(set(picked))
        assert set(picked) <= set(pool.tolist())


def test_subsets_are_uniform() -> None:
    # Each of P members is in a random m-subset with probability m / P.
    pool = np.arange(12, dtype=np.int64)
    draws = 6000
    out = sample_subsets(pool, np.full(draws, 3), np.random.default_rng(3))
    flat = np.asarray(out.flatten())
    freq = np.bincount(flat, minlength=12) / draws
    se = math.sqrt(0.25 * 0.75 / draws)
    assert np.all(np.abs(freq - 0.25) < 4.5 * se)
