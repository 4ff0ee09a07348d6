"""Per-rule metrics on tiny hand-built stores whose answers are worked out by hand."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet import schema
from custodiet.audit.sim._lift import chance_alert_hits, chance_figures, sample_subsets
from custodiet.audit.sim._rules import (
    DETECTION_WINDOW,
    PLACE_TEMPLATES,
    SCORED_AS,
    TEMPLATE_SCORING,
    Claim,
    alert_hits,
    claim_for,
    overall_metrics,
    rule_metrics,
)

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
    # hotel (claims drug_deal, a prediction): alert 0 on persons 1,2 at day 1 — person 1 dealt
    #   on day 2 (hit); alert 1 on persons 3,4 — nobody did anything (miss); alert 2 suppressed.
    # travel (claims petition_trip): alert 3 on person 5, who petitioned (lawful) 1 day later:
    #   a lawful act caught, never a hit; alert 4 on person 6, who petitioned 10 days later:
    #   outside the 3-day horizon (nothing).
    # whistle (claims crowded_rental): alert 5 on person 7 on day 9; the rental is a standing
    #   state recorded at t = 0, so it matches, but as an administrative status: not a hit.
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
    # Each innocent was named on one day: 3 innocent person-days over 10 days.
    assert hotel["innocents_per_day"] == pytest.approx(0.3)
    # Four names across the two alerts, one of them guilty.
    assert hotel["guilty_named_share"] == pytest.approx(0.25)
    assert (hotel["lawful_alerts"], hotel["lawful_share"]) == (0, 0.0)

    # A petition is lawful: caught, reported apart, and the petitioner stays innocent.
    travel = got["travel"]
    assert (travel["alerts"], travel["true_alerts"], travel["innocents_flagged"]) == (2, 0, 2)
    assert (travel["lawful_alerts"], travel["lawful_share"]) == (1, 0.5)
    assert travel["precision"] == 0.0 and travel["innocents_per_true_alert"] is None

    # A crowded rental is an administrative status: the alert found what the rule claims, but
    # it wrongs nobody, so it is a status alert and no true alert, and the person is innocent.
    whistle = got["whistle"]
    assert (whistle["true_alerts"], whistle["precision"]) == (0, 0.0)
    assert (whistle["status_alerts"], whistle["status_precision"]) == (1, 1.0)
    assert (whistle["innocents_flagged"], whistle["status_persons_flagged"]) == (1, 1)
    assert whistle["innocents_per_true_alert"] is None and whistle["lawful_alerts"] == 0
    # A rule claiming no status has no status precision (undefined), and found none.
    assert (hotel["status_alerts"], hotel["status_precision"]) == (0, None)

    silent = got["silent"]
    assert silent["alerts"] == 0 and silent["precision"] is None
    assert silent["innocents_per_true_alert"] is None and silent["lawful_share"] is None
    assert silent["status_alerts"] == 0 and silent["status_precision"] is None
    assert silent["guilty_named_share"] is None and silent["innocents_per_day"] == 0.0


def test_an_alert_matching_a_status_and_wrongdoing_is_a_true_alert() -> None:
    # rule claims sham_marriage (standing wrongdoing) and crowded_rental (a status):
    # alert 0 names person 1 (crowded rental only): a status alert, no true alert;
    # alert 1 names person 2 (both): a true alert and a status alert;
    # alert 2 names persons 3 (rental) and 4 (sham marriage): true and status, 3 innocent;
    # alert 3 names person 5 (nothing): a miss.
    alerts = [(0, "r", DAY, [1], 7, False), (1, "r", DAY, [2], 8, False),
              (2, "r", 2 * DAY, [3, 4], 9, False), (3, "r", 2 * DAY, [5], 9, False)]
    incidents = [(0, "crowded_rental", [1], 0, 7, False),
                 (1, "crowded_rental", [2], 0, 8, False),
                 (2, "sham_marriage", [2, 20], 0, 8, False),
                 (3, "crowded_rental", [3], 0, 9, False),
                 (4, "sham_marriage", [4, 21], 0, 9, False)]
    rules = {"r": ["sham_marriage", "crowded_rental"]}
    con = _con(alerts, incidents)
    r = _rows(rule_metrics(con, rules=rules, days=2))["r"]
    assert (r["alerts"], r["true_alerts"], r["status_alerts"]) == (4, 2, 3)
    assert r["precision"] == pytest.approx(0.5)
    assert r["status_precision"] == pytest.approx(0.75)
    # flagged 1..5: guilty 2 and 4; innocents 1, 3 (status only) and 5.
    assert (r["persons_flagged"], r["innocents_flagged"], r["status_persons_flagged"]) == (5, 3, 3)
    assert r["innocents_per_true_alert"] == pytest.approx(1.5)
    assert r["lawful_alerts"] == 0
    o = overall_metrics(con, rules=rules, days=2)
    assert {k: o[k] for k in r if k != "rule"} == {k: v for k, v in r.items() if k != "rule"}


def test_a_lawful_act_is_never_a_hit_even_beside_a_status() -> None:
    # person 1 petitioned (lawful) and lives in a crowded rental: a lawful act caught and a
    # status found, no true alert, and person 1 is innocent of wrongdoing.
    alerts = [(0, "r", DAY, [1], -1, False)]
    incidents = [(0, "petition_trip", [1], DAY, 1, True), (1, "crowded_rental", [1], 0, 2, False)]
    r = _rows(rule_metrics(_con(alerts, incidents),
                           rules={"r": ["petition_trip", "crowded_rental"]}, days=1))["r"]
    assert (r["true_alerts"], r["lawful_alerts"], r["status_alerts"]) == (0, 1, 1)
    assert r["innocents_flagged"] == 1


def test_an_unlawful_protest_is_a_hit_and_a_lawful_one_is_not() -> None:
    alerts = [(0, "r", DAY, [1], -1, False), (1, "r", DAY, [2], -1, False)]
    incidents = [(0, "protest", [1], DAY + 60, 1, False), (1, "protest", [2], DAY + 60, 1, True)]
    r = _rows(rule_metrics(_con(alerts, incidents), rules={"r": ["protest"]}, days=2))["r"]
    assert (r["true_alerts"], r["lawful_alerts"], r["innocents_flagged"]) == (1, 1, 1)


def test_horizon_edges_are_inclusive() -> None:
    alerts = [(0, "r", 10 * DAY, [1], -1, False), (1, "r", 10 * DAY, [2], -1, False)]
    incidents = [(0, "drug_deal", [1], 10 * DAY + 100, 1, False),
                 (1, "drug_deal", [2], 10 * DAY + 101, 1, False)]
    got = _rows(rule_metrics(_con(alerts, incidents), rules={"r": ["drug_deal"]}, days=20,
                             horizon=100))
    assert got["r"]["true_alerts"] == 1


def test_a_prediction_matches_only_acts_after_it_and_a_detection_either_side() -> None:
    # the same alert (day 5) and the same two deals: one an hour before, one a day after.
    alerts = [(0, "r", 5 * DAY, [1], -1, False), (1, "r", 5 * DAY, [2], -1, False)]
    incidents = [(0, "drug_deal", [1], 5 * DAY - 60, 1, False),
                 (1, "drug_deal", [2], 6 * DAY, 1, False)]
    con = _con(alerts, incidents)
    predicted = _rows(rule_metrics(con, rules={"r": Claim(("drug_deal",), "prediction")},
                                   days=10))["r"]
    assert predicted["true_alerts"] == 1  # only the deal after the alert
    detected = _rows(rule_metrics(con, rules={"r": Claim(("drug_deal",), "detection")},
                                  days=10))["r"]
    assert detected["true_alerts"] == 2  # both within a day of the footprint
    far = [(0, "drug_deal", [1], 5 * DAY - DETECTION_WINDOW - 1, 1, False)]
    missed = _rows(rule_metrics(_con(alerts[:1], far),
                                rules={"r": Claim(("drug_deal",), "detection")}, days=10))["r"]
    assert missed["true_alerts"] == 0


def test_one_person_in_two_incidents_counts_the_alert_once() -> None:
    alerts = [(0, "r", DAY, [1, 1, 2], -1, False)]
    incidents = [(0, "drug_deal", [1, 2], DAY, 1, False), (1, "drug_deal", [1], DAY, 2, False)]
    got = _rows(rule_metrics(_con(alerts, incidents), rules={"r": ["drug_deal"]}, days=1))
    assert got["r"]["alerts"] == 1 and got["r"]["true_alerts"] == 1
    assert got["r"]["persons_flagged"] == 2 and got["r"]["innocents_flagged"] == 0
    assert got["r"]["guilty_named_share"] == 1.0


def test_every_template_has_a_scoring_and_a_rule_may_override_it() -> None:
    from custodiet.scenario import builtin_dir, load_scenario
    from custodiet.scenario.models import TEMPLATES

    assert set(TEMPLATE_SCORING) == set(TEMPLATES)
    sc = load_scenario(builtin_dir() / "default.toml")
    for rule in sc.rules:
        assert claim_for(rule).scored_as == TEMPLATE_SCORING[rule.template]
    rule = sc.rules[0].model_copy(update={"scored_as": "detection"})
    assert claim_for(rule) == Claim(tuple(rule.detects), "detection",
                                    same_place=rule.template in PLACE_TEMPLATES)
    with pytest.raises(ValueError, match="scored_as"):
        Claim(("drug_deal",), "guess")


# --- a brute-force oracle: the SQL against the definition, written out in Python ----------

_KINDS = ("drug_deal", "protest", "petition_trip", "sham_marriage", "crowded_rental")


def _reference(alerts: list[tuple], incidents: list[tuple], claim: Claim, horizon: int) -> dict:
    """The rule's figures by the definition in the module docstring, one alert at a time."""
    def matches(person: int, t: int, at: int) -> list[tuple]:
        out = []
        for _, kind, persons, ti, place, lawful in incidents:
            if person not in persons or kind not in claim.kinds:
                continue
            standing = kind in schema.STANDING_INCIDENT_KINDS
            detected = abs(ti - t) <= DETECTION_WINDOW and (not claim.same_place or place == at)
            if standing or (claim.scored_as == "detection" and detected) \
                    or (claim.scored_as == "prediction" and 0 <= ti - t <= horizon):
                out.append((kind, lawful))
        return out

    def guilty(found: list[tuple]) -> bool:
        return any(not lawful and kind not in schema.ADMINISTRATIVE_INCIDENT_KINDS
                   for kind, lawful in found)

    live = [a for a in alerts if not a[5]]
    true = lawful = 0
    ever: dict[int, bool] = {}
    for _, _, t, persons, at, _ in live:
        found = {p: matches(p, t, at) for p in set(persons)}
        hit = any(guilty(f) for f in found.values())
        true += hit
        lawful += (not hit) and any(lw and k not in schema.ADMINISTRATIVE_INCIDENT_KINDS
                                    for f in found.values() for k, lw in f)
        for p, f in found.items():
            ever[p] = ever.get(p, False) or guilty(f)
    return {"alerts": len(live), "true_alerts": true, "lawful_alerts": lawful,
            "persons_flagged": len(ever), "innocents_flagged": sum(not g for g in ever.values())}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_sql_agrees_with_the_definition(data: st.DataObject) -> None:
    times = st.integers(0, 6 * DAY)
    places = st.integers(0, 2)
    people = st.lists(st.integers(0, 6), min_size=1, max_size=3)
    alerts = data.draw(st.lists(st.tuples(times, people, places, st.booleans()), max_size=6))
    incidents = data.draw(st.lists(st.tuples(st.sampled_from(_KINDS), people, times, places,
                                             st.booleans()), max_size=8))
    claim = Claim(tuple(data.draw(st.lists(st.sampled_from(_KINDS), min_size=1, max_size=3,
                                           unique=True))),
                  data.draw(st.sampled_from(SCORED_AS)), same_place=data.draw(st.booleans()))
    horizon = data.draw(st.integers(0, 2 * DAY))
    a = [(i, "r", t, ps, at, sup) for i, (t, ps, at, sup) in enumerate(alerts)]
    inc = [(i, k, ps, t, at, lawful and k in schema.LAWFUL_INCIDENT_KINDS)
           for i, (k, ps, t, at, lawful) in enumerate(incidents)]
    got = _rows(rule_metrics(_con(a, inc), rules={"r": claim}, days=7, horizon=horizon))["r"]
    want = _reference(a, inc, claim, horizon)
    assert {k: got[k] for k in want} == want


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_chance_figures_from_the_outcomes_equal_the_rule_metrics(data: st.DataObject) -> None:
    """Lift over chance reads a rule's chance precision off the chance alerts' outcomes
    (``alert_hits``) instead of scoring them again: the same figures to the bit."""
    times = st.integers(0, 6 * DAY)
    people = st.lists(st.integers(0, 6), min_size=0, max_size=3)
    alerts = data.draw(st.lists(st.tuples(st.sampled_from("rs"), times, people,
                                          st.integers(0, 2)), max_size=12))
    incidents = data.draw(st.lists(st.tuples(st.sampled_from(_KINDS), people, times,
                                             st.integers(0, 2), st.booleans()), max_size=8))
    claims = {r: Claim(tuple(data.draw(st.lists(st.sampled_from(_KINDS), min_size=1,
                                                  max_size=3, unique=True))),
                       data.draw(st.sampled_from(SCORED_AS)), same_place=data.draw(st.booleans()))
              for r in ("r", "s", "never")}
    a = [(i, r, t, ps, at, False) for i, (r, t, ps, at) in enumerate(alerts)]
    inc = [(i, k, ps, t, at, lawful and k in schema.LAWFUL_INCIDENT_KINDS)
           for i, (k, ps, t, at, lawful) in enumerate(incidents)]
    con = _con(a, inc)
    want = _rows(rule_metrics(con, rules=claims, days=7))
    got = chance_figures(alert_hits(con, rules=claims), claims)
    assert set(got) == set(want)
    for rule, figures in got.items():
        assert figures == {k: want[rule][k] for k in figures}


def _distinct_named(data: st.DataObject, *, people: int, alerts: int
                    ) -> tuple[duckdb.DuckDBPyConnection, dict[str, Claim]]:
    """Alerts of rules ``r`` and ``s`` that name distinct people (of ``people``) under
    distinct ids, as chance alerts do, random incidents and random claims of both rules."""
    named = st.lists(st.integers(0, people - 1), min_size=0, max_size=4, unique=True)
    drawn = data.draw(st.lists(st.tuples(st.sampled_from("rs"), st.integers(0, 6 * DAY),
                                         named, st.integers(0, 2)), max_size=alerts))
    incidents = data.draw(st.lists(st.tuples(st.sampled_from(_KINDS), named,
                                             st.integers(0, 6 * DAY), st.integers(0, 2),
                                             st.booleans()), max_size=8))
    claims = {r: Claim(tuple(data.draw(st.lists(st.sampled_from(_KINDS), min_size=1,
                                                  max_size=3, unique=True))),
                       data.draw(st.sampled_from(SCORED_AS)), same_place=data.draw(st.booleans()))
              for r in "rs"}
    con = _con([(i, r, t, ps, at, False) for i, (r, t, ps, at) in enumerate(drawn)],
               [(i, k, ps, t, at, lawful and k in schema.LAWFUL_INCIDENT_KINDS)
                for i, (k, ps, t, at, lawful) in enumerate(incidents)])
    return con, claims


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_alerts_naming_distinct_people_match_the_same_without_removing_duplicates(
        data: st.DataObject) -> None:
    """Chance alerts name people drawn without replacement under distinct ids, so their
    outcomes are matched without the DISTINCT that real alerts need: the same rows."""
    con, claims = _distinct_named(data, people=7, alerts=12)
    assert alert_hits(con, rules=claims, distinct=True).equals(alert_hits(con, rules=claims))


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_chance_alerts_naming_nobody_involved_are_misses_without_matching(
        data: st.DataObject) -> None:
    """Chance alerts are matched in SQL only where they name someone who took part in an
    incident of a kind their rule claims; the others are misses in the cluster of their lowest
    id: the same outcomes, row for row, as matching them all."""
    con, claims = _distinct_named(data, people=10, alerts=16)
    table = con.execute("SELECT * FROM alerts").to_arrow_table()
    parts = [table.filter(pc.equal(table.column("rule"), r)) for r in "rs"]
    got = chance_alert_hits(con, parts, con.execute("SELECT * FROM incidents").to_arrow_table(),
                            rules=claims)
    assert got.equals(alert_hits(con, rules=claims, distinct=True))


def test_chance_alerts_name_distinct_people() -> None:
    rng = np.random.default_rng(3)
    sizes = rng.integers(0, 35, 500)
    named = sample_subsets(np.arange(10, 40), sizes, rng).to_pylist()
    assert [len(p) for p in named] == np.minimum(sizes, 30).tolist()  # a pool of 30
    assert all(len(set(p)) == len(p) for p in named)
    assert all(p == sorted(p) and set(p) <= set(range(10, 40)) for p in named)
