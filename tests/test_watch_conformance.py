"""One conformance suite every rule template passes (in the spirit of scikit-learn's
``check_estimator``): output schema, determinism, empty input, listed persons only, each anchor
alerting at most once, and refusal of ground truth."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from custodiet.scenario import scenario_from_mapping
from custodiet.watch import TruthLeak, Watch, compile_rule, observable, run_rule
from custodiet.watch._inputs import register
from custodiet.watch._rules import RULE_OUTPUT
from custodiet.world import World

DAY = 1440
# One rule per template, with settings that make it fire in a small busy city.
RULES: list[dict[str, Any]] = [
    {"template": "gathering", "k": 2, "place_kind": "park", "window_minutes": 30},
    {"template": "near", "place_kind": "school", "radius_m": 300, "lists": ["watched"]},
    {"template": "dwell", "place_kind": "station", "min_minutes": 60},
    {"template": "frequency", "event": "calls", "n": 2, "distinct": 2, "out_of_town": True},
    {"template": "frequency", "event": "entries", "place_kind": "compound", "n": 1,
     "distinct": 1},
    {"template": "anomaly", "meter": "water", "factor": 1.5},
    {"template": "absence", "min_minutes": 60},
    {"template": "apart", "window_days": 2, "min_observed": 1, "max_share": 0.9},
    {"template": "travel", "destination": "any"},
    {"template": "score", "scorer": "tj", "min_level": 1},
]
IDS = [f"{r['template']}-{i}" for i, r in enumerate(RULES)]


def _scenario(rule: dict[str, Any]) -> Any:
    return scenario_from_mapping({
        "seed": 5,
        "world": {"people": 3000, "days": 4, "incidents": {"petition_rate": 0.05}},
        "sensors": {"phone_location": True},
        "lists": [{"name": "watched", "attributes": ["migrant", "grievance", "criminal_record"]}],
        "scorers": [{"kind": "checklist", "name": "tj", "levels": [1.0]}],
        "rules": [{"name": "r", "detects": ["protest"], **rule}],
        "response": {"enabled": False},
    })


@pytest.fixture(scope="module")
def city() -> tuple[World, list[dict[str, pa.Table]]]:
    scenario = _scenario(RULES[0])
    world = World(scenario.world, scenario.seed)
    days = []
    while not world.finished:
        days.append(observable(world.step()))
    return world, days


def _run(rule: dict[str, Any], city: tuple[World, list[dict[str, pa.Table]]]) -> list[pa.Table]:
    world, days = city
    static = world.static_tables()
    watch = Watch(_scenario(rule), {k: static[k] for k in ("persons", "places", "ties")})
    return [watch.observe(day)["alerts"] for day in days]


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_template_conformance(rule: dict[str, Any], city: tuple[World, list]) -> None:
    world, _ = city
    runs = _run(rule, city)
    alerts = pa.concat_tables(runs)
    # Fires at all in a busy city, so the checks below are not vacuous.
    assert alerts.num_rows > 0
    # Deterministic: a second watch over the same days gives the same alerts.
    assert pa.concat_tables(_run(rule, city)).equals(alerts)
    rows = alerts.to_pylist()
    for row in rows:
        persons = row["persons"]
        assert persons and persons == sorted(set(persons))
        assert min(persons) >= 0 and max(persons) < world.people.n
    # Each anchor alerts once: no identical alert on two days.
    keys = [(r["t"], tuple(r["persons"]), r["place"]) for r in rows]
    assert len(keys) == len(set(keys))
    # Listed persons only (for a single-person rule with lists).
    if rule.get("lists"):
        watched = Watch(_scenario(rule), {k: world.static_tables()[k]
                                          for k in ("persons", "places", "ties")})
        members = set(watched.registry.members_of(["watched"]).tolist())
        assert all(set(r["persons"]) <= members for r in rows)
    # Day alerts carry times near their day (the watch learns of a stay when it ends).
    for day, table in enumerate(runs):
        t = table.column("t").to_numpy()
        assert np.all(t <= (day + 1) * DAY + 1440)


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_template_on_empty_input_raises_nothing(rule: dict[str, Any]) -> None:
    scenario = _scenario(rule)
    con = duckdb.connect()
    register(con, {})
    for day in range(3):
        out = run_rule(con, scenario.rules[0], day, compile_rule(scenario.rules[0]))
        assert out.schema == RULE_OUTPUT and out.num_rows == 0


def test_the_watch_refuses_ground_truth(city: tuple[World, list]) -> None:
    world, days = city
    static = world.static_tables()
    with pytest.raises(TruthLeak):
        Watch(_scenario(RULES[0]), static)
    watch = Watch(_scenario(RULES[0]), {k: static[k] for k in ("persons", "places", "ties")})
    for name in ("incidents", "interventions", "person_truth"):
        with pytest.raises(TruthLeak):
            watch.observe({**days[0], name: pa.table({"x": [1]})})
