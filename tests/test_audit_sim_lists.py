"""List spells, person-days on a list, list sizes, the contact feedback share, the red list and
the all-rules figures on tiny stores whose answers are worked out by hand below."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from custodiet import schema
from custodiet.audit.sim._lists import (
    contact_alert_rows,
    contact_listed_alerts,
    list_composition,
    list_sizes,
    person_list_days,
    spells,
)
from custodiet.audit.sim._redlist import redlist_metrics
from custodiet.audit.sim._rules import Claim, overall_metrics
from custodiet.watch import LIST_CHANGES
from tests._tables import table_of

D = schema.MINUTES_PER_DAY
DAYS = 6



@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    persons = pa.table({"person_id": list(range(10)),
                        "ethnicity": ["minority" if i in (0, 4) else "majority"
                                      for i in range(10)],
                        "official": [i == 9 for i in range(10)]})
    changes = table_of(LIST_CHANGES, [
        (0, "A", 0, "attribute"), (0, "A", 1, "attribute"), (0, "A", 2, "attribute"),
        (0, "B", 2, "attribute"), (0, "B", 3, "attribute"),
        (0, "A", 1, "removed"),                            # removed on day 0: never on A
        (2, "A", 4, "contact"), (2, "B", 0, "contact"),
        (3, "A", 0, "removed"),
        (4, "A", 0, "contact"),                            # back on A, now by a contact
    ])
    alerts = table_of(schema.ALERTS, [
        (0, "r", D + 10, [0], -1, False),
        (1, "r", 3 * D + 5, [0, 1], -1, False),
        (2, "r", 2 * D, [2, 4], -1, False),
        (3, "r", 2 * D + 1, [0], -1, False),
        (4, "r", 4 * D, [4], -1, True),                    # suppressed: not counted
        (5, "r", 6 * D, [4], -1, False),                   # at the horizon: the last day
    ])
    for name, table in (("persons", persons), ("list_changes", changes), ("alerts", alerts)):
        c.register(name, table)
    return c


def test_spells(con: duckdb.DuckDBPyConnection) -> None:
    got = {(r["list"], r["person"], r["start"]): (r["end"], r["reason"])
           for r in spells(con, days=DAYS).to_pylist()}
    assert got == {
        ("A", 0, 0): (3, "attribute"), ("A", 0, 4): (6, "contact"),
        ("A", 1, 0): (0, "attribute"), ("A", 2, 0): (6, "attribute"),
        ("A", 4, 2): (6, "contact"), ("B", 0, 2): (6, "contact"),
        ("B", 2, 0): (6, "attribute"), ("B", 3, 0): (6, "attribute"),
    }


def test_person_list_days(con: duckdb.DuckDBPyConnection) -> None:
    rows = {r["person_id"]: (r["list_days"], r["contact_listed"])
            for r in person_list_days(con, days=DAYS).to_pylist()}
    # 0: A on days 0-2 and 4-5, B on 2-5: every day. 4: A from day 2. 1: removed on day 0.
    assert rows[0] == (6, True)
    assert rows[1] == (0, False)
    assert rows[2] == (6, False) and rows[3] == (6, False)
    assert rows[4] == (4, True)
    assert all(rows[i] == (0, False) for i in range(5, 10))


def test_list_sizes(con: duckdb.DuckDBPyConnection) -> None:
    rows = {(r["list"], r["day"]): (r["members"], r["from_contact"])
            for r in list_sizes(con, days=DAYS).to_pylist()}
    assert [rows[("A", d)] for d in range(DAYS)] == [(2, 0), (2, 0), (3, 1), (2, 1), (3, 2),
                                                     (3, 2)]
    # Any list: on day 2 person 0 is on A by attribute (not contact-only), 4 contact-only; from
    # day 3 person 0 is on lists only through contacts.
    assert [rows[("(any list)", d)] for d in range(DAYS)] == [(3, 0), (3, 0), (4, 1), (4, 2),
                                                              (4, 2), (4, 2)]


def test_list_composition(con: duckdb.DuckDBPyConnection) -> None:
    rows = {(r["day"], r["value"]): (r["members"], r["from_contact"])
            for r in list_composition(con, days=DAYS, groups=["ethnicity"]).to_pylist()}
    assert rows[(0, "majority")] == (2, 0) and rows[(0, "minority")] == (1, 0)  # 2, 3 and 0
    assert rows[(2, "minority")] == (2, 1)   # 0 (by attribute on A) and 4 (contact)
    assert rows[(3, "minority")] == (2, 2)
    assert rows[(5, "majority")] == (2, 0)


def test_contact_listed_alerts(con: duckdb.DuckDBPyConnection) -> None:
    rows = [(r["alerts"], r["contact_listed"])
            for r in contact_listed_alerts(con, days=DAYS).to_pylist()]
    # day 1: alert 0 (0 on A by attribute); day 2: alert 2 (4 contact-only) and 3 (0 still on A
    # by attribute); day 3: alert 1 (0 contact-only); day 5: alert 5 (at the horizon).
    assert rows == [(0, 0), (1, 0), (2, 1), (1, 1), (0, 0), (1, 1)]



def test_contact_alert_rows_add_up_to_the_days_counts(con: duckdb.DuckDBPyConnection) -> None:
    """One row per unsuppressed alert, in the cluster of the lowest id it names: the rows the
    share's clustered interval resamples, adding up to the per-day counts above."""
    rows = contact_alert_rows(con, days=DAYS).to_pylist()
    assert [(r["alert_id"], r["cluster"], r["hit"]) for r in rows] == [
        (0, 0, False), (1, 0, True), (2, 2, True), (3, 0, False), (5, 4, True)]
    days = contact_listed_alerts(con, days=DAYS).to_pylist()
    assert len(rows) == sum(r["alerts"] for r in days)
    assert sum(r["hit"] for r in rows) == sum(r["contact_listed"] for r in days)


RULES = {"r": Claim(("drug_deal",), "detection"), "r2": ["petition_trip"]}


def _incidents() -> pa.Table:
    return table_of(schema.INCIDENTS, [(0, "drug_deal", [2, 5], 100, 1, False),
                                     (1, "petition_trip", [9], 2000, 2, True),
                                     (2, "burglary", [7], 0, 3, False)])


def test_redlist_metrics(con: duckdb.DuckDBPyConnection) -> None:
    watch = duckdb.connect()
    twin = duckdb.connect()
    for c in (watch, twin):
        c.register("persons", con.execute("SELECT * FROM persons").to_arrow_table())
        c.register("list_changes", con.execute("SELECT * FROM list_changes").to_arrow_table())
        c.register("incidents", _incidents())
    watch.register("alerts", table_of(schema.ALERTS, [
        (0, "r", 200, [5], -1, False), (1, "r2", 2000, [9], -1, True),
        (2, "r", 50, [3], -1, False)]))
    twin.register("alerts", table_of(schema.ALERTS, [
        (0, "r", 200, [5], -1, False), (1, "r2", 2000, [9], -1, False)]))
    # Red list: official 9, and day-0 members of B (2 and 3).
    m = redlist_metrics(watch, twin, officials=True, lists=["B"], rules=RULES)
    assert m["redlisted_persons"] == 3 and m["alerts_suppressed"] == 1
    # Incidents with a red-listed participant: 0 (person 2) and 1 (person 9); 0 was seen through
    # person 5's alert; 1 only by the suppressed alert.
    assert m["with_redlist"] == {"incidents": 2, "unlawful": 1, "unseen": 1,
                                 "unseen_unlawful": 0, "alerts_naming_redlisted": 1}
    assert m["without_redlist"]["unseen"] == 0
    assert m["without_redlist"]["alerts_naming_redlisted"] == 1
    # the petition happened in the twin too (the same incident) and was seen there
    assert (m["hidden"], m["unseen_in_twin_too"], m["not_in_twin"]) == (1, 0, 0)
    assert m["hidden_unlawful"] == 0  # a petition is lawful
    no_officials = redlist_metrics(watch, None, officials=False, lists=[], rules=RULES)
    assert no_officials["redlisted_persons"] == 0 and "hidden" not in no_officials


def _redlist_runs(con: duckdb.DuckDBPyConnection, watch_incidents: list[tuple],
                  twin_incidents: list[tuple], watch_alerts: list[tuple],
                  twin_alerts: list[tuple]) -> tuple[duckdb.DuckDBPyConnection, ...]:
    runs = []
    for incidents, alerts in ((watch_incidents, watch_alerts), (twin_incidents, twin_alerts)):
        c = duckdb.connect()
        c.register("persons", con.execute("SELECT * FROM persons").to_arrow_table())
        c.register("list_changes", con.execute("SELECT * FROM list_changes").to_arrow_table())
        c.register("incidents", table_of(schema.INCIDENTS, incidents))
        c.register("alerts", table_of(schema.ALERTS, alerts))
        runs.append(c)
    return tuple(runs)


def _recount_followed(watch: list[tuple], twin: list[tuple], red: set[int],
                      seen_watch: set[int], seen_twin: set[int]) -> dict[str, int]:
    """By hand: each red-listed incident unseen in the watch, looked up in the twin by kind,
    place, less than a day apart and more than half of each one's participants in common."""
    keys = ("hidden", "unseen_in_twin_too", "not_in_twin")
    out = {k: 0 for k in keys} | {f"{k}_unlawful": 0 for k in keys}
    for i in watch:
        if not red & set(i[2]) or i[0] in seen_watch:
            continue
        same = [j for j in twin if (j[1], j[4]) == (i[1], i[4]) and abs(j[3] - i[3]) < D
                and 2 * len(set(j[2]) & set(i[2])) > max(len(i[2]), len(j[2]))]
        assert len(same) <= 1  # no ambiguity in these tables
        key = ("not_in_twin" if not same else
               "hidden" if same[0][0] in seen_twin else "unseen_in_twin_too")
        out[key] += 1
        if i[1] not in schema.LAWFUL_INCIDENT_KINDS:
            out[f"{key}_unlawful"] += 1
    return out


def test_redlist_counts_only_incidents_that_happened_in_the_twin(
        con: duckdb.DuckDBPyConnection) -> None:
    """Red-listed: official 9 and day-0 members of B (2, 3). With the red list no alert saw
    the deal of 2 and 5 (day 0), 9's petition (its alert suppressed) or the deal of 3 and 6
    (day 1). The twin numbers its incidents otherwise: 9's petition happened there and an
    alert saw it (hidden by the red list); the deal of 2 and 5 happened 30 minutes later,
    unseen there too; the deal of 3 and 6 did not happen at all, and a new one of 4 and 6 (the
same dealer, another buyer: another deal) did.
    Differencing the unseen counts of the two runs (3 − 1) would say 2 were hidden: 1 was."""
    watch_inc = [(0, "drug_deal", [2, 5], 100, 1, False),
                 (1, "petition_trip", [9], 2000, 2, True),
                 (2, "drug_deal", [3, 6], D + 100, 1, False),
                 (3, "burglary", [7], 0, 3, False)]
    twin_inc = [(10, "burglary", [7], 0, 3, False),
                (11, "petition_trip", [9], 2000, 2, True),
                (12, "drug_deal", [2, 5], 130, 1, False),
                (13, "drug_deal", [4, 6], D + 100, 1, False)]
    watch, twin = _redlist_runs(con, watch_inc, twin_inc,
                                [(0, "r2", 2000, [9], -1, True)],
                                [(0, "r2", 2000, [9], -1, False)])
    m = redlist_metrics(watch, twin, officials=True, lists=["B"], rules=RULES)
    assert (m["with_redlist"]["unseen"], m["without_redlist"]["unseen"]) == (3, 1)
    assert (m["hidden"], m["unseen_in_twin_too"], m["not_in_twin"]) == (1, 1, 1)
    # the hidden one is 9's petition, a lawful act: no wrongdoing was hidden
    assert (m["hidden_unlawful"], m["unseen_in_twin_too_unlawful"],
            m["not_in_twin_unlawful"]) == (0, 1, 1)
    want = _recount_followed(watch_inc, twin_inc, {2, 3, 9}, set(), {11})
    assert {k: m[k] for k in want} == want
    assert m["hidden"] + m["unseen_in_twin_too"] + m["not_in_twin"] == \
        m["with_redlist"]["unseen"]


def test_redlist_leaves_administrative_statuses_out(con: duckdb.DuckDBPyConnection) -> None:
    """Official 9 lives in a crowded rental (a status, no incident to hide) and petitioned; the
    whistle's suppressed alert on 9 found only the rental: no true alert, nothing found."""
    from custodiet.audit.sim._redlist import suppressed_would_find

    watch = duckdb.connect()
    watch.register("persons", con.execute("SELECT * FROM persons").to_arrow_table())
    watch.register("list_changes", con.execute("SELECT * FROM list_changes").to_arrow_table())
    watch.register("incidents", table_of(schema.INCIDENTS, [
        (0, "crowded_rental", [9, 8], 0, 4, False), (1, "petition_trip", [9], 2000, 2, True)]))
    watch.register("alerts", table_of(schema.ALERTS, [(0, "whistle", 3 * D, [9], 4, True)]))
    rules = {"whistle": ["crowded_rental"], "r2": ["petition_trip"]}
    m = redlist_metrics(watch, None, officials=True, lists=[], rules=rules)
    assert m["with_redlist"] == {"incidents": 1, "unlawful": 0, "unseen": 1,
                                 "unseen_unlawful": 0, "alerts_naming_redlisted": 0}
    assert suppressed_would_find(watch, rules=rules, days=DAYS) == {
        "alerts": 1, "true_alerts": 0, "incidents_found": 0}


def test_overall_metrics() -> None:
    c = duckdb.connect()
    c.register("incidents", _incidents())
    c.register("alerts", table_of(schema.ALERTS, [
        (0, "r", 200, [5], -1, False),       # hits incident 0
        (1, "r2", 2000, [9], -1, True),      # suppressed
        (2, "r", 50, [3], -1, False),        # person 3 did nothing
        (3, "r2", 100, [2], -1, False),      # 2 dealt drugs, but r2 claims petitions: a miss
    ]))
    m = overall_metrics(c, rules=RULES, days=2)
    assert (m["alerts"], m["true_alerts"], m["suppressed"]) == (3, 1, 1)
    assert m["precision"] == pytest.approx(1 / 3)
    assert m["alerts_per_day"] == pytest.approx(1.5)
    # flagged 5, 3 and 2; only 5's alert matched: 3 and 2 are innocents for these alerts.
    assert (m["persons_flagged"], m["innocents_flagged"]) == (3, 2)
    assert m["innocents_per_true_alert"] == pytest.approx(2.0)
    assert (m["lawful_alerts"], m["lawful_share"]) == (0, 0.0)
    c.register("alerts", schema.ALERTS.empty_table())
    empty = overall_metrics(c, rules=RULES, days=2)
    assert empty["alerts"] == 0 and empty["precision"] is None
    assert empty["innocents_per_true_alert"] is None


def _actions(rows: list[tuple]) -> pa.Table:
    return table_of(schema.ACTIONS, rows)


def test_feedback_by_list(con: duckdb.DuckDBPyConnection) -> None:
    """Contact-only on A: person 4 from day 2, person 0 again from day 4 (not on day 3). Alert
    2 (day 2, persons 2 and 4) and alert 5 (the last day, person 4) name them; the police acted
    on person 4 for both and on person 0 for alert 1 (day 3: then on no list)."""
    from custodiet.audit.sim._lists import feedback_by_list

    con.register("actions", _actions([(0, 2, "visit", 4, 3 * D, ""),
                                      (1, 5, "visit", 4, 7 * D, ""),
                                      (2, 1, "visit", 0, 4 * D, "")]))
    rows = {r["list"]: r for r in feedback_by_list(con, days=DAYS,
                                                   rule_lists={"r": ["A"]}).to_pylist()}
    assert rows["A"] == {"list": "A", "alerts": 5, "alerts_on_contact_listed": 2,
                         "actions_on_contact_listed": 2}
    assert rows["B"] == {"list": "B", "alerts": 0, "alerts_on_contact_listed": 0,
                         "actions_on_contact_listed": 0}


def test_workload(con: duckdb.DuckDBPyConnection) -> None:
    """Seven (alert, person) pairs call for a visit; three were answered, a day after their
    alert (less five minutes for alert 1); with a capacity of 1 every acting day is full."""
    from custodiet.audit.sim._workload import workload

    con.register("actions", _actions([(0, 2, "visit", 4, 3 * D, ""),
                                      (1, 5, "visit", 4, 7 * D, ""),
                                      (2, 1, "visit", 0, 4 * D, "")]))
    w = workload(con, rule_category={"r": "political"}, rule_action={"r": "visit"},
                 capacity=1, days=DAYS)
    assert (w["candidates"], w["answered"], w["days_at_capacity"]) == (7, 3, 3)
    assert w["answered_share"] == pytest.approx(3 / 7)
    assert w["mean_delay_hours"] == pytest.approx((24 + 24 + (D - 5) / 60) / 3)
    assert w["by_category"] == [{"category": "political", "candidates": 7, "answered": 3,
                                 "answered_share": pytest.approx(3 / 7),
                                 "mean_delay_hours": pytest.approx(w["mean_delay_hours"])}]
    none = workload(con, rule_category={"r": "political"}, rule_action={"r": "none"},
                    capacity=1, days=DAYS)
    assert none["candidates"] == 0 and none["answered_share"] is None


def test_lists_by_category_and_camera_days(con: duckdb.DuckDBPyConnection) -> None:
    """Ever on A: 0, 2, 4; on B: 0, 2, 3. Foreigners: 2 and 3. Person 0 stays under a camera
    on days 0 and 1, and from day 5 past the horizon (counted once, on the last day)."""
    from custodiet.audit.sim._burden import camera_days, lists_by_category

    con.register("persons", pa.table({"person_id": list(range(10)),
                                      "foreign": [i in (2, 3) for i in range(10)]}))
    rows = {(r["list"], r["category"]): (r["members"], r["in_category"])
            for r in lists_by_category(con, days=DAYS, categories=["foreign"]).to_pylist()}
    assert rows == {("A", "foreign"): (3, 1), ("B", "foreign"): (3, 2),
                    ("(any list)", "foreign"): (4, 2)}
    con.register("stays", table_of(schema.STAYS, [(0, 5, 0, D + 10), (1, 6, D, 2 * D),
                                                  (0, 5, 5 * D, 8 * D)]))
    assert camera_days(con, days=DAYS)["camera_days"].to_pylist() == [0] * 10
    con.register("cameras", pa.table({"place_id": pa.array([5], pa.int64())}))
    assert camera_days(con, days=DAYS)["camera_days"].to_pylist() == [3] + [0] * 9
