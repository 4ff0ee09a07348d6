"""Per-rule metrics on tiny hand-built stores whose answers are worked out by hand."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from custodiet import schema
from custodiet.audit._sim_rules import rule_metrics

DAY = schema.MINUTES_PER_DAY


def _con(alerts: list[tuple], incidents: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    a = pa.table({name: [row[i] for row in alerts] for i, name in enumerate(schema.ALERTS.names)},
                 schema=schema.ALERTS)
    inc = pa.table({name: [row[i] for row in incidents]
                    for i, name in enumerate(schema.INCIDENTS.names)}, schema=schema.INCIDENTS)
    con.register("alerts", a)
    con.register("incidents", inc)
    return con


def _rows(table: pa.Table) -> dict[str, dict]:
    return {row["rule"]: row for row in table.to_pylist()}


def test_worked_example() -> None:
    # hotel (claims drug_deal): alert 0 on persons 1,2 at day 1 — person 1 dealt on day 2 (hit);
    #   alert 1 on persons 3,4 — nobody did anything (miss); alert 2 suppressed by the red list.
    # travel (claims petition_trip): alert 3 on person 5, who petitioned (lawful) 1 day later;
    #   alert 4 on person 6, who petitioned 10 days later: outside the 3-day horizon (miss).
    # whistle (claims crowded_rental): alert 5 on person 7 on day 9; the rental is a standing
    #   state recorded at t = 0, so it matches.
    alerts = [
        (0, "hotel", 1 * DAY, [1, 2], 10, False),
        (1, "hotel", 1 * DAY, [3, 4], 10, False),
        (2, "hotel", 1 * DAY, [8, 9], 10, True),
        (3, "travel", 2 * DAY, [5], -1, False),
        (4, "travel", 2 * DAY, [6], -1, False),
        (5, "whistle", 9 * DAY, [7], 3, False),
    ]
    incidents = [
        (0, "drug_deal", [1, 11], 2 * DAY, 10, False),
        (1, "petition_trip", [5], 3 * DAY, 99, True),
        (2, "petition_trip", [6], 12 * DAY, 99, True),
        (3, "crowded_rental", [7, 12], 0, 3, False),
        (4, "burglary", [3], 1 * DAY, 5, False),  # person 3 did wrong, but not what hotel claims
    ]
    rules = {"hotel": ["drug_deal"], "travel": ["petition_trip"], "whistle": ["crowded_rental"],
             "silent": ["protest"]}
    got = _rows(rule_metrics(_con(alerts, incidents), rules=rules, days=10))

    hotel = got["hotel"]
    assert (hotel["alerts"], hotel["suppressed"], hotel["true_alerts"]) == (2, 1, 1)
    assert hotel["precision"] == pytest.approx(0.5)
    assert hotel["alerts_per_day"] == pytest.approx(0.2)
    # Flagged: 1, 2, 3, 4; guilty of a claimed kind: 1 → innocents 2, 3, 4 = 3 per 1 true alert.
    assert (hotel["persons_flagged"], hotel["innocents_flagged"]) == (4, 3)
    assert hotel["innocents_per_true_alert"] == pytest.approx(3.0)
    assert hotel["lawful_hit_share"] == pytest.approx(0.0)

    travel = got["travel"]
    assert (travel["alerts"], travel["true_alerts"], travel["innocents_flagged"]) == (2, 1, 1)
    assert travel["lawful_hit_share"] == pytest.approx(1.0)

    assert got["whistle"]["true_alerts"] == 1 and got["whistle"]["precision"] == 1.0
    # A crowded rental is an administrative status: the alert hits what the rule claims, but
    # the person living there is no wrongdoer.
    assert got["whistle"]["innocents_flagged"] == 1

    silent = got["silent"]
    assert silent["alerts"] == 0 and silent["precision"] is None
    assert silent["innocents_per_true_alert"] is None and silent["lawful_hit_share"] is None


def test_horizon_edges_are_inclusive() -> None:
    alerts = [(0, "r", 10 * DAY, [1], -1, False), (1, "r", 10 * DAY, [2], -1, False)]
    incidents = [(0, "protest", [1], 10 * DAY + 100, 1, True),
                 (1, "protest", [2], 10 * DAY + 101, 1, True)]
    got = _rows(rule_metrics(_con(alerts, incidents), rules={"r": ["protest"]}, days=20,
                             horizon=100))
    assert got["r"]["true_alerts"] == 1


def test_one_person_in_two_incidents_counts_the_alert_once() -> None:
    alerts = [(0, "r", DAY, [1, 1, 2], -1, False)]
    incidents = [(0, "protest", [1, 2], DAY, 1, True), (1, "protest", [1], DAY, 2, True)]
    got = _rows(rule_metrics(_con(alerts, incidents), rules={"r": ["protest"]}, days=1))
    assert got["r"]["alerts"] == 1 and got["r"]["true_alerts"] == 1
    assert got["r"]["persons_flagged"] == 2 and got["r"]["innocents_flagged"] == 0
