"""Twin-run comparisons on hand-built incident logs."""

from __future__ import annotations

import pytest

from custodiet import schema
from custodiet.audit._sim_twins import prevented_by_kind, seen_versus_true_precision
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
    assert row["precision_seen"] == pytest.approx(0.0)   # nothing happened: all look false
    assert row["precision_true"] == pytest.approx(2 / 3)  # two of three would have gone
