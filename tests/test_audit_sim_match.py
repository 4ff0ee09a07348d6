"""One incident across two twin runs (``custodiet.audit.sim._match``): hand-built cases and
random logs checked against a brute-force pairing."""

from __future__ import annotations

import numpy as np

from custodiet import schema
from custodiet.audit.sim._match import match_incidents
from tests._tables import table_of

D = schema.MINUTES_PER_DAY


def _pairs(a: list[tuple], b: list[tuple]) -> set[tuple[int, int]]:
    got = match_incidents(table_of(schema.INCIDENTS, a), table_of(schema.INCIDENTS, b))
    return set(zip(got["a"].to_pylist(), got["b"].to_pylist(), strict=True))


def _same(i: tuple, j: tuple) -> bool:
    shared = len(set(i[2]) & set(j[2]))
    return (i[1], i[4]) == (j[1], j[4]) and abs(i[3] - j[3]) < D and \
        2 * shared > len(i[2]) and 2 * shared > len(j[2])


def _brute(a: list[tuple], b: list[tuple]) -> set[tuple[int, int]]:
    """Mutual first choices, round after round, by the module's order of preference."""
    def key(i: tuple, j: tuple, other_id: int) -> tuple:
        shared = len(set(i[2]) & set(j[2]))
        return (-shared, len(i[2]) + len(j[2]) - 2 * shared, abs(i[3] - j[3]), other_id)

    pairs: set[tuple[int, int]] = set()
    while True:
        free_a = [i for i in a if i[0] not in {p for p, _ in pairs}]
        free_b = [j for j in b if j[0] not in {q for _, q in pairs}]
        first_a = {i[0]: min((key(i, j, j[0]), j[0]) for j in free_b if _same(i, j))[1]
                   for i in free_a if any(_same(i, j) for j in free_b)}
        first_b = {j[0]: min((key(j, i, i[0]), i[0]) for i in free_a if _same(i, j))[1]
                   for j in free_b if any(_same(i, j) for i in free_a)}
        new = {(p, q) for p, q in first_a.items() if first_b.get(q) == p}
        if not new:
            return pairs
        pairs |= new


def test_a_protest_missing_a_member_is_the_same_a_deal_with_another_buyer_is_not() -> None:
    a = [(0, "protest", [1, 2, 3], D + 60, 5, True),
         (1, "drug_deal", [7, 9], 2 * D + 10, 4, False),
         (2, "pickpocket", [8], 3 * D + 10, 6, False)]
    b = [(10, "drug_deal", [6, 9], 2 * D + 10, 4, False),    # same dealer, another buyer
         (11, "protest", [1, 3], D + 60, 5, True),            # 2 was detained
         (12, "pickpocket", [8], 3 * D + 500, 6, False),      # later the same day
         (13, "pickpocket", [8], 4 * D + 10, 6, False)]       # the next day: another act
    assert _pairs(a, b) == {(0, 11), (2, 12)}


def test_an_act_either_side_of_midnight_is_one_act() -> None:
    """Ten minutes apart across midnight: the same act (a calendar-day bucket split it in
    two); a daily habit's next act, a full day later, is another act, and of two candidates
    within the day the nearer in time is the one."""
    a = [(0, "pickpocket", [8], 2 * D - 5, 6, False), (1, "drug_deal", [3, 4], D + 100, 2, False)]
    b = [(10, "pickpocket", [8], 2 * D + 5, 6, False),
         (11, "drug_deal", [3, 4], 2 * D + 100, 2, False),   # a day later: another deal
         (12, "pickpocket", [8], 3 * D - 5, 6, False)]       # the next night: another act
    assert _pairs(a, b) == {(0, 10)} == _brute(a, b)
    assert _pairs(a[:1], b[::-1]) == {(0, 10)}


def test_two_deals_of_one_dealer_pair_with_their_own_buyers() -> None:
    a = [(0, "drug_deal", [1, 9], D, 4, False), (1, "drug_deal", [2, 9], D, 4, False)]
    b = [(5, "drug_deal", [2, 9], D, 4, False), (6, "drug_deal", [1, 9], D + 1, 4, False)]
    assert _pairs(a, b) == {(0, 6), (1, 5)}


def test_random_logs_pair_as_the_brute_force_does() -> None:
    rng = np.random.default_rng(3)
    kinds = ["protest", "drug_deal"]

    def log(n: int, first: int) -> list[tuple]:
        return [(first + k, kinds[int(rng.integers(2))],
                 sorted({int(p) for p in rng.integers(0, 12, int(rng.integers(1, 5)))}),
                 int(rng.integers(0, 2)) * D + int(rng.integers(0, 50)),
                 int(rng.integers(0, 2)), False) for k in range(n)]

    for _ in range(8):
        a, b = log(int(rng.integers(0, 25)), 0), log(int(rng.integers(0, 25)), 100)
        got = _pairs(a, b)
        assert got == _brute(a, b)
        assert len({p for p, _ in got}) == len(got) == len({q for _, q in got})  # one to one
        by_a, by_b = {i[0]: i for i in a}, {j[0]: j for j in b}
        assert all(_same(by_a[p], by_b[q]) for p, q in got)
        paired_a, paired_b = {p for p, _ in got}, {q for _, q in got}
        # maximal: no two unpaired incidents are the same incident
        assert not any(_same(i, j) for i in a if i[0] not in paired_a
                       for j in b if j[0] not in paired_b)


def _recount_stopped(alerts: list[tuple], twin: list[tuple], watch: list[tuple],
                     claims: dict[str, str], horizon: int) -> dict[str, int]:
    """By hand: alerts (predictions) matched in each run; those right in the twin and not in
    the watch; the twin incidents they pointed to that have no same incident in the watch."""
    def hits(alert: tuple, incidents: list[tuple], lawful: bool) -> list[tuple[int, tuple]]:
        return [(p, i) for p in alert[3] for i in incidents
                if i[1] == claims[alert[1]] and p in i[2] and i[5] is lawful
                and alert[2] <= i[3] <= alert[2] + horizon]

    out = dict.fromkeys(("alerts", "incidents", "persons", "lawful_alerts", "lawful_acts",
                         "lawful_persons"), 0)
    for lawful, (n_alerts, n_acts, n_people) in ((False, ("alerts", "incidents", "persons")),
                                                 (True, ("lawful_alerts", "lawful_acts",
                                                         "lawful_persons"))):
        gone = [a for a in alerts if hits(a, twin, lawful) and not hits(a, watch, lawful)
                and not (lawful and hits(a, twin, False))]
        pointed = {(p, i[0]) for a in gone for p, i in hits(a, twin, lawful)
                   if not any(_same(i, j) for j in watch)}
        out[n_alerts] = len(gone)
        out[n_acts] = len({i for _, i in pointed})
        out[n_people] = len({p for p, _ in pointed})
    return out


def test_what_acting_on_alerts_stopped_counts_acts_and_people_not_alerts() -> None:
    """Two alerts name person 1 before one deal, a group alert names 2 (who deals) and 3 (who
    does not): three alerts look false, two deals by two people were stopped. Person 4's deal
    happened anyway (true in both runs). Person 6 was taken from a protest that still took
    place (not stopped); person 10's protest of two did not happen."""
    import duckdb

    from custodiet.audit.sim._rules import Claim
    from custodiet.audit.sim._stopped import stopped_by_acting

    alerts = [(0, "deal", D, [1], -1, False), (1, "deal", D + 10, [1], -1, False),
              (2, "deal", D, [2, 3], -1, False), (3, "deal", D, [4], -1, False),
              (4, "prot", D, [6], -1, False), (5, "prot", D, [10], -1, False)]
    twin = [(0, "drug_deal", [1, 20], 2 * D, 7, False), (1, "drug_deal", [2, 21], 2 * D, 7, False),
            (2, "drug_deal", [4, 22], 2 * D, 8, False), (3, "protest", [6, 7, 8], 2 * D, 4, True),
            (4, "protest", [10, 11], 2 * D, 5, True)]
    watch = [(7, "drug_deal", [4, 22], 2 * D + 5, 8, False),
             (8, "protest", [7, 8], 2 * D, 4, True)]
    runs = []
    for incidents in (watch, twin):
        c = duckdb.connect()
        c.register("incidents", table_of(schema.INCIDENTS, incidents))
        c.register("alerts", table_of(schema.ALERTS, alerts))
        runs.append(c)
    rules = {"deal": Claim(("drug_deal",)), "prot": Claim(("protest",))}
    got = stopped_by_acting(runs[0], runs[1], rules=rules, horizon=3 * D)
    assert got == {"alerts": 3, "incidents": 2, "persons": 2, "lawful_alerts": 2,
                   "lawful_acts": 1, "lawful_persons": 1}
    assert got == _recount_stopped(alerts, twin, watch, {"deal": "drug_deal",
                                                         "prot": "protest"}, 3 * D)
