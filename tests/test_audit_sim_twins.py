"""Twin-run comparisons on hand-built incident logs."""

from __future__ import annotations

import pytest

from custodiet import schema
from custodiet.audit.sim._twins import prevented_by_kind, seen_versus_true_precision
from tests._tables import table_of

DAY = schema.MINUTES_PER_DAY



# Without a response, persons 1 and 2 petition on day 3 and person 4 deals on day 2. With the
# watch, the travel rule flagged 1, 2 and 3 on day 1 and the police blocked their travel: no
# petition happens; the deal (never flagged) still happens.
TWIN = table_of(schema.INCIDENTS, [(0, "petition_trip", [1], 3 * DAY, 9, True),
                                 (1, "petition_trip", [2], 3 * DAY, 9, True),
                                 (2, "drug_deal", [4, 5], 2 * DAY, 7, False)])
ACTUAL = table_of(schema.INCIDENTS, [(0, "drug_deal", [4, 5], 2 * DAY, 7, False)])
ALERTS = table_of(schema.ALERTS, [(0, "travel", DAY, [1], -1, False),
                                (1, "travel", DAY, [2], -1, False),
                                (2, "travel", DAY, [3], -1, False)])


def test_prevented_by_kind() -> None:
    rows = {r["kind"]: r for r in prevented_by_kind(ACTUAL, TWIN).to_pylist()}
    assert rows["petition_trip"] == {"kind": "petition_trip", "lawful": True, "with_watch": 0,
                                     "without_response": 2, "prevented": 2}
    assert rows["drug_deal"]["prevented"] == 0 and rows["drug_deal"]["lawful"] is False


def test_intervention_hides_the_prediction_from_the_police() -> None:
    row = seen_versus_true_precision(ALERTS, ACTUAL, TWIN, rules={"travel": ["petition_trip"]},
                                     days=5).to_pylist()[0]
    # A petition is lawful: never a true alert, but caught, and only the twin shows it.
    assert (row["precision_seen"], row["precision_true"]) == (0.0, 0.0)
    assert (row["lawful_alerts_seen"], row["lawful_alerts_true"]) == (0, 2)
    # The same with an unlawful act the blocked trip would have been for.
    unlawful = table_of(schema.INCIDENTS, [(i, "drug_deal", [p], 3 * DAY, 9, False)
                                           for i, p in enumerate((1, 2))])
    row = seen_versus_true_precision(ALERTS, ACTUAL, unlawful, rules={"travel": ["drug_deal"]},
                                     days=5).to_pylist()[0]
    assert row["precision_seen"] == pytest.approx(0.0)   # nothing happened: all look false
    assert row["precision_true"] == pytest.approx(2 / 3)  # two of three would have gone


def _recount_split(base: list[tuple], other: list[tuple], touched: set[int],
                   ties: list[tuple[int, int]], visited: set[int]) -> dict[str, dict]:
    """The split by brute force: incidents paired across the runs (the brute-force matcher
    of ``tests/test_audit_sim_match.py``) drop out; every participant of an unpaired incident
    (rows of ``schema.INCIDENTS``) carries 1/n of it in their own part, touched before
    spillover; spillover counts co-participants of any incident, paired or not."""
    from fractions import Fraction

    from tests.test_audit_sim_match import _brute

    pairs = _brute(base, other)
    paired_base, paired_other = {a for a, _ in pairs}, {b for _, b in pairs}

    near = {b for a, b in ties if a in visited} | {a for a, b in ties if b in visited}
    s = touched | near
    spill = {b for a, b in ties if a in s} | {a for a, b in ties if b in s}
    for row in base + other:
        if s & set(row[2]):
            spill |= set(row[2])
    spill -= s
    out: dict[str, dict] = {}
    for sign, rows, paired in ((-1, base, paired_base), (1, other, paired_other)):
        for row in rows:
            r = out.setdefault(row[1], {"touched": Fraction(0), "spillover": Fraction(0),
                                        "everyone_else": Fraction(0)})
            if row[0] in paired:
                continue
            for p in row[2]:
                part = "touched" if p in s else "spillover" if p in spill else "everyone_else"
                r[part] += Fraction(sign, len(row[2]))
    return out


def _split_of(base: list[tuple], other: list[tuple], touched: set[int],
              ties: list[tuple[int, int]], visited: set[int]) -> dict[str, dict]:
    import pyarrow as pa

    from custodiet.audit.sim._split import split_difference

    def persons(ids: set[int]) -> pa.Table:
        return pa.table({"person": pa.array(sorted(ids), pa.int64())})

    tie_table = pa.table({"a": pa.array([a for a, _ in ties], pa.int64()),
                          "b": pa.array([b for _, b in ties], pa.int64()),
                          "kind": ["friend"] * len(ties)})
    rows = split_difference(table_of(schema.INCIDENTS, base), table_of(schema.INCIDENTS, other),
                            touched=persons(touched), ties=tie_table, visited=persons(visited))
    return {r["kind"]: r for r in rows.to_pylist()}


def test_split_difference_by_whom_it_concerns() -> None:
    """Person 1 was acted on, 2 is their spouse, 7 a stranger who protests with them. Without
    the response 1 and 2 petition and 7 deals; with it 1 does not, 2 (chilled through the tie)
    does not either, and 7 deals twice."""
    twin = [(0, "petition_trip", [1], DAY, 9, True), (1, "petition_trip", [2], DAY, 9, True),
            (2, "drug_deal", [7, 8], DAY, 3, False)]
    actual = [(0, "drug_deal", [7, 8], DAY, 3, False), (1, "drug_deal", [7, 9], 2 * DAY, 3, False),
              (2, "protest", [1, 2, 7], 2 * DAY, 4, True)]
    ties = [(1, 2), (5, 6)]
    rows = _split_of(actual, twin, {1}, ties, set())
    assert rows["petition_trip"] == {"kind": "petition_trip", "lawful": True, "base": 0,
                                     "other": 2, "touched": 1, "spillover": 1,
                                     "everyone_else": 0}
    # each of the protest's three counts for a third: 1 (touched), 2 (spouse) and 7 (who
    # took part with 1, so spillover, and whose deals count there too); the deal of 7 and 8
    # happened in both runs and counts nowhere; 9, who dealt with 7 in the base run only,
    # carries half of that deal among everyone else
    assert (rows["protest"]["touched"], rows["protest"]["spillover"]) == \
        (pytest.approx(-1 / 3), pytest.approx(-2 / 3))
    assert rows["protest"]["everyone_else"] == 0
    assert (rows["drug_deal"]["base"], rows["drug_deal"]["other"]) == (2, 1)
    assert rows["drug_deal"]["spillover"] == pytest.approx(-1 / 2)
    assert rows["drug_deal"]["everyone_else"] == pytest.approx(-1 / 2)
    for kind, want in _recount_split(actual, twin, {1}, ties, set()).items():
        for part, value in want.items():
            assert rows[kind][part] == pytest.approx(float(value), abs=1e-9), (kind, part)
    # a visit deters the visited person's ties: with person 5 visited, 6 is touched
    far = [(0, "drug_deal", [6], DAY, 3, False)]
    assert _split_of([], far, set(), ties, {5})["drug_deal"]["touched"] == 1
    assert _split_of([], far, {1}, ties, set())["drug_deal"]["everyone_else"] == 1


def test_an_incident_that_happened_in_both_runs_is_no_difference() -> None:
    """A protest of 1-4 without the response and of 2-4 with it (1 acted on) went ahead in
    both: nobody prevented it, so every part is zero (shares of it gave ¼ acted on and −¼
    spillover). A deal that 1 leaves and two others still make is no difference either."""
    twin = [(0, "protest", [1, 2, 3, 4], DAY, 4, True),
            (1, "drug_deal", [1, 5, 6], DAY, 3, False)]
    watch = [(0, "protest", [2, 3, 4], DAY + 30, 4, True),
             (1, "drug_deal", [5, 6], DAY, 3, False)]
    rows = _split_of(watch, twin, {1}, [(1, 9)], set())
    for kind in ("protest", "drug_deal"):
        assert (rows[kind]["base"], rows[kind]["other"]) == (1, 1)
        assert (rows[kind]["touched"], rows[kind]["spillover"], rows[kind]["everyone_else"]) \
            == (0, 0, 0), kind
    # without the protest in the watch run, it was prevented: ¼ acted on, ¾ spillover
    rows = _split_of(watch[1:], twin, {1}, [(1, 9)], set())
    assert (rows["protest"]["touched"], rows["protest"]["spillover"]) == \
        (pytest.approx(1 / 4), pytest.approx(3 / 4))


def test_split_parts_match_a_brute_force_recount_and_add_up() -> None:
    """Random incident logs: each part is the recount's, and the parts add up to the whole
    difference of every kind."""
    import numpy as np

    rng = np.random.default_rng(7)
    kinds = ["protest", "drug_deal", "pickpocket"]

    def log(n: int) -> list[tuple]:
        return [(i, kinds[int(rng.integers(3))],
                 sorted({int(p) for p in rng.integers(0, 40, int(rng.integers(1, 6)))}),
                 int(rng.integers(0, 5)) * DAY, int(rng.integers(0, 4)), False)
                for i in range(n)]

    for _ in range(5):
        base, other = log(int(rng.integers(0, 30))), log(int(rng.integers(0, 30)))
        # some of the base run's incidents again, a member short: most of them pair
        other += [(100 + i, k, ps[1:] or ps, t + 60, pl, f)
                  for i, (_, k, ps, t, pl, f) in enumerate(base) if rng.random() < 0.5]
        ties = [(int(a), int(b)) for a, b in rng.integers(0, 40, (15, 2))]
        touched = {int(p) for p in rng.integers(0, 40, 4)}
        visited = {int(p) for p in rng.integers(0, 40, 2)}
        rows = _split_of(base, other, touched, ties, visited)
        want = _recount_split(base, other, touched, ties, visited)
        assert set(rows) == set(want)
        for kind, parts in want.items():
            r = rows[kind]
            for part, value in parts.items():
                assert r[part] == pytest.approx(float(value), abs=1e-9), (kind, part)
            # each part is rounded to 1e-9 (``_split.DIGITS``): three parts, half a unit each
            assert r["touched"] + r["spillover"] + r["everyone_else"] == \
                pytest.approx(r["other"] - r["base"], abs=1.5e-9 + 1e-12)
