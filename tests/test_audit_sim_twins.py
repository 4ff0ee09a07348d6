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


def test_split_difference_by_whom_it_concerns() -> None:
    """Person 1 was acted on, 2 is their spouse, 7 a stranger who protests with them. Without
    the response 1 and 2 petition and 7 deals; with it 1 does not, 2 (chilled through the tie)
    does not either, and 7 deals twice."""
    import pyarrow as pa

    from custodiet.audit.sim._split import split_difference

    twin = table_of(schema.INCIDENTS, [(0, "petition_trip", [1], DAY, 9, True),
                                       (1, "petition_trip", [2], DAY, 9, True),
                                       (2, "drug_deal", [7, 8], DAY, 3, False)])
    actual = table_of(schema.INCIDENTS, [(0, "drug_deal", [7, 8], DAY, 3, False),
                                         (1, "drug_deal", [7, 9], 2 * DAY, 3, False),
                                         (2, "protest", [1, 2, 7], 2 * DAY, 4, True)])
    ties = pa.table({"a": pa.array([1, 5], pa.int64()), "b": pa.array([2, 6], pa.int64()),
                     "kind": ["spouse", "friend"]})
    touched = pa.table({"person": pa.array([1], pa.int64())})
    rows = {r["kind"]: r for r in split_difference(actual, twin, touched=touched,
                                                   ties=ties).to_pylist()}
    assert rows["petition_trip"] == {"kind": "petition_trip", "lawful": True, "base": 0,
                                     "other": 2, "touched": 1, "spillover": 1,
                                     "everyone_else": 0}
    # the protest counts for person 1 (the closest participant), once; it makes 7 a
    # co-participant (spillover), so 7's deals count there too
    assert (rows["protest"]["touched"], rows["protest"]["everyone_else"]) == (-1, 0)
    assert (rows["drug_deal"]["base"], rows["drug_deal"]["other"]) == (2, 1)
    assert rows["drug_deal"]["spillover"] == -1 and rows["drug_deal"]["everyone_else"] == 0
    # a visit deters the visited person's ties: with person 5 visited, 6 is touched
    far = table_of(schema.INCIDENTS, [(0, "drug_deal", [6], DAY, 3, False)])
    alone = split_difference(far.slice(0, 0), far, touched=touched.slice(0, 0), ties=ties,
                             visited=pa.table({"person": pa.array([5], pa.int64())}))
    assert alone.to_pylist()[0]["touched"] == 1
    nobody = split_difference(far.slice(0, 0), far, touched=touched, ties=ties)
    assert nobody.to_pylist()[0]["everyone_else"] == 1
