"""Person outcomes and burden concentration on tiny stores worked out by hand."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from custodiet import schema
from custodiet.audit.sim._people import burden_concentration, person_outcomes
from tests._tables import table_of


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    persons = pa.table({"person_id": list(range(200)),
                        "ethnicity": ["minority" if i < 20 else "majority" for i in range(200)]})
    alerts = table_of(schema.ALERTS, [
        (0, "r", 0, [0, 1], -1, False),
        (1, "r", 0, [0], -1, False),
        (2, "r", 0, [0, 2], -1, False),
        (3, "r", 0, [5], -1, True),     # suppressed: does not count
        (4, "r", 0, [30], -1, False),
    ])
    actions = table_of(schema.ACTIONS, [(0, 0, "visit", 0, 10, ""), (1, 2, "visit", 0, 20, ""),
                                      (2, 4, "detain", 30, 30, "")])
    incidents = table_of(schema.INCIDENTS, [(0, "petition_trip", [1], 5, 9, True),
                                          (1, "drug_deal", [2, 150], 5, 9, False),
                                          (2, "crowded_rental", [30, 31], 0, 4, False)])
    for name, table in (("persons", persons), ("alerts", alerts), ("actions", actions),
                        ("incidents", incidents)):
        c.register(name, table)
    return c


def test_person_outcomes(con: duckdb.DuckDBPyConnection) -> None:
    rows = {r["person_id"]: r for r in person_outcomes(con).to_pylist()}
    assert len(rows) == 200
    assert (rows[0]["flags"], rows[0]["flagged"], rows[0]["contacts"]) == (3, True, 2)
    assert rows[5]["flagged"] is False  # red-listed alert
    assert rows[1]["label"] is False    # a petition is lawful
    assert rows[30]["label"] is False   # living in a crowded rental is an administrative status
    assert rows[2]["label"] and rows[150]["label"] and not rows[150]["flagged"]
    any_rows = {r["person_id"]: r for r in person_outcomes(con, label="any").to_pylist()}
    assert any_rows[1]["label"] is True


def test_burden_concentration(con: duckdb.DuckDBPyConnection) -> None:
    b = burden_concentration(con, top=0.01)
    # Flags: person 0 ×3, persons 1, 2, 30 ×1 → 6 flags; top 1% of 200 people = 2 persons
    # (0 and 1, ties broken by id) carry 4 of 6.
    assert (b["population"], b["persons_flagged"], b["flags"]) == (200, 4, 6)
    assert b["top_share"] == pytest.approx(4 / 6)
    assert b["repeat_share"] == pytest.approx(1 / 4)
    assert b["flags_per_flagged_person"] == pytest.approx(1.5)
    assert b["most_flags"] == 3


def test_burden_with_no_alerts_is_undefined_not_a_crash() -> None:
    c = duckdb.connect()
    c.register("persons", pa.table({"person_id": [0, 1]}))
    c.register("alerts", schema.ALERTS.empty_table())
    b = burden_concentration(c)
    assert b["persons_flagged"] == 0 and b["top_share"] is None and b["repeat_share"] is None
