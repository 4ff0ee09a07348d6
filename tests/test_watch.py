"""The watch as a whole: sensors, red list, triage and capacity, the feedback loop, response
effects on the world, bounded memory and determinism."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from custodiet import schema
from custodiet.scenario import scenario_from_mapping
from custodiet.watch import Watch, observable
from custodiet.world import World

WORLD = {"people": 4000, "days": 4, "population": {"official_share": 0.05},
         "incidents": {"petition_rate": 0.05, "protest_rate_per_100k": 20.0}}


def _scenario(**watch: Any) -> Any:
    base: dict[str, Any] = {
        "seed": 11, "world": WORLD,
        "lists": [{"name": "pet", "attributes": ["petition_history", "grievance"],
                   "from_contacts": True},
                  {"name": "contacts", "from_contacts": True}],
        "rules": [
            {"name": "station", "template": "dwell", "detects": ["pickpocket"],
             "min_minutes": 30, "category": "crime"},
            {"name": "capital", "template": "travel", "detects": ["petition_trip"],
             "lists": ["pet"], "destination": "capital", "category": "political",
             "action": "block_travel"},
        ],
    }
    base.update(watch)
    return scenario_from_mapping(base)


def _static(world: World) -> dict[str, pa.Table]:
    static = world.static_tables()
    return {k: static[k] for k in ("persons", "places", "ties")}


def _run(scenario: Any) -> tuple[World, Watch, list[dict[str, pa.Table]]]:
    world = World(scenario.world, scenario.seed)
    watch = Watch(scenario, _static(world))
    outs = []
    while not world.finished:
        events = world.step()
        outs.append({**watch.observe(observable(events)), "events": events})
        for r in watch.interventions():
            world.intervene(r.persons, r.action, r.t, until=r.until, chill=r.chill)
    return world, watch, outs


@pytest.fixture(scope="module")
def run() -> tuple[World, Watch, list[dict[str, pa.Table]]]:
    return _run(_scenario())


def test_outputs_follow_the_schemas_and_ids_are_unique(run: Any) -> None:
    _, _, outs = run
    alerts = pa.concat_tables([o["alerts"] for o in outs])
    actions = pa.concat_tables([o["actions"] for o in outs])
    assert alerts.schema == schema.ALERTS and actions.schema == schema.ACTIONS
    assert len(set(alerts.column("alert_id").to_pylist())) == alerts.num_rows
    assert set(actions.column("alert_id").to_pylist()) <= set(alerts.column("alert_id").to_pylist())


def test_red_list_suppresses_alerts_on_officials_and_logs_them(run: Any) -> None:
    world, _, outs = run
    official = world.static_tables()["persons"].column("official").to_numpy(
        zero_copy_only=False)
    alerts = pa.concat_tables([o["alerts"] for o in outs])
    expected = [bool(official[p].any()) for p in alerts.column("persons").to_pylist()]
    assert alerts.column("suppressed_by_redlist").to_pylist() == expected
    assert any(expected), "no alert named an official: the check is vacuous"
    acted = pa.concat_tables([o["actions"] for o in outs]).column("person").to_numpy()
    assert not official[acted].any()


def test_no_red_list_suppresses_nothing() -> None:
    _, _, outs = _run(_scenario(redlist={"enabled": False}))
    alerts = pa.concat_tables([o["alerts"] for o in outs])
    assert not pc.any(alerts.column("suppressed_by_redlist")).as_py()


def test_triage_respects_capacity_and_answers_political_first(run: Any) -> None:
    world, watch, outs = run
    cap = round(watch.scenario.response.capacity_per_100k * world.people.n / 1e5)
    for out in outs:
        actions, alerts = out["actions"], out["alerts"]
        assert actions.num_rows <= cap
        persons = actions.column("person").to_numpy()
        assert len(set(persons.tolist())) == persons.size
        acted_rules = set(alerts.filter(pc.is_in(alerts.column("alert_id"),
                                                 actions.column("alert_id")))
                          .column("rule").to_pylist())
        open_political = alerts.filter(pc.and_(
            pc.equal(alerts.column("rule"), "capital"),
            pc.invert(alerts.column("suppressed_by_redlist"))))
        if "station" in acted_rules:  # crime answered only once political alerts are all served
            served = set(persons.tolist())
            political_people = set(pc.list_flatten(open_political.column("persons")).to_pylist())
            assert political_people <= served


def test_actions_reach_the_world_and_feed_back_into_lists(run: Any) -> None:
    _, watch, outs = run
    actions = pa.concat_tables([o["actions"] for o in outs[:-1]])
    assert actions.num_rows > 0
    logged = pa.concat_tables([o["events"]["interventions"] for o in outs[1:]])
    assert set(actions.column("person").to_pylist()) == set(logged.column("person").to_pylist())
    kinds = dict(zip(actions.column("person").to_pylist(), actions.column("kind").to_pylist(),
                     strict=False))
    assert {"visit", "block_travel"} & set(kinds.values())
    # The feedback loop: everyone acted on is now on the contacts list.
    assert set(kinds) <= set(watch.registry.members_of(["contacts"]).tolist())
    added = sum(o["list_membership"].to_pydict()["added"][1] for o in outs)
    assert added == len(set(actions.column("person").to_pylist()))


def test_unobserved_events_do_not_exist_for_the_watch() -> None:
    blind = {"camera_coverage": {}, "hotel_registry": False, "tickets": False,
             "telecom": False, "meters": False}
    _, _, outs = _run(_scenario(sensors=blind))
    assert sum(o["alerts"].num_rows for o in outs) == 0
    _, watch, outs = _run(_scenario(sensors={"phone_location": True}))
    stays = sum(o["events"]["stays"].num_rows for o in outs)
    assert sum(b["stays"].num_rows for b in watch._buffer) <= stays
    assert len(watch._buffer) <= watch.keep_days


def test_cameras_follow_coverage_and_listed_homes() -> None:
    scenario = _scenario(sensors={"camera_coverage": {"park": 0.5}, "hotel_registry": True,
                                  "home_camera_lists": ["pet"], "home_camera_share": 1.0})
    world = World(scenario.world, scenario.seed)
    static = _static(world)
    watch = Watch(scenario, static)
    kind = np.array(static["places"].column("kind").to_pylist())
    camera = watch.sensors.camera
    assert camera[kind == "hotel"].all() and not camera[kind == "station"].any()
    parks = camera[kind == "park"]
    # Binomial(n, 0.5): within 4 standard errors.
    assert abs(parks.mean() - 0.5) <= 4 * np.sqrt(0.25 / parks.size)
    homes = static["persons"].column("home_place").to_numpy()[watch.registry.members_of(["pet"])]
    assert camera[homes].all()


def test_a_run_is_deterministic() -> None:
    a = _run(_scenario())[2]
    b = _run(_scenario())[2]
    for x, y in zip(a, b, strict=True):
        assert x["alerts"].equals(y["alerts"]) and x["actions"].equals(y["actions"])


def test_the_holiday_reaches_apart_from_the_public_calendar() -> None:
    """``world.spring_festival`` gives the days a ``holiday_only`` rule judges; a watch told of
    no holiday judges no night."""
    world = {**WORLD, "people": 4000, "days": 7, "start_date": "2026-02-12",
             "incidents": {"sham_marriage_share": 0.05}}
    rule = {"name": "festival", "template": "apart", "detects": ["sham_marriage"],
            "holiday_only": True, "min_observed": 2, "category": "social"}
    scenario = _scenario(world=world, rules=[rule], sensors={"phone_location": True})
    assert scenario.world.holiday_days == (3, 4, 5, 6)  # 15-18 February of a 12-18 run
    cut = scenario.world.model_copy(update={"start_date": scenario.world.start_date.replace(
        day=20)})
    assert cut.holiday_days == (0, 1, 2, 3)  # 20-23 February: the holiday's last four days
    fired = {}
    for holidays in (scenario.world.holiday_days, ()):
        w = World(scenario.world, scenario.seed)
        watch = Watch(scenario, _static(w), holidays=holidays)
        fired[holidays] = sum(watch.observe(observable(w.step()))["alerts"].num_rows
                              for _ in range(scenario.world.days))
    assert fired[(3, 4, 5, 6)] > 0 and fired[()] == 0


def test_a_rule_replayed_over_the_recorded_days_raises_the_watchs_own_alerts() -> None:
    """What a client (the workbench) replays over the recorded observations is what the watch
    raised itself, rule by rule: order, persons, place and red-list suppression."""
    from custodiet.engine import Session
    from custodiet.watch import Registry, buffer_days, member_homes, record, register, replay_rule

    scenario = _scenario(response={"enabled": False})
    _, _, outs = _run(scenario)
    world = World(scenario.world, scenario.seed)
    static = _static(world)
    seen = record(scenario, static, [observable(o["events"]) for o in outs])
    persons = static["persons"]
    registry = Registry(scenario.lists, scenario.redlist, persons, scenario.seed)
    keep = buffer_days(scenario.rules)
    sessions = []
    for day, observed in enumerate(seen.days):
        registry.advance(day)
        members = registry.members_table()
        window = {name: pa.concat_tables([d[name] for d in seen.days[max(0, day - keep + 1):
                                                                     day + 1]])
                  for name in observed}
        session = Session(threads=1)
        register(session, {**seen.relations, **window, "members": members,
                           "member_homes": member_homes(
                               members, persons.column("household_id").to_numpy()),
                           "scores": seen.scores[day]})
        sessions.append(session)
    own = pa.concat_tables([o["alerts"] for o in outs])
    assert own.num_rows > 0
    for rule in scenario.rules:
        mine = replay_rule(scenario, rule, sessions, seen.redlisted, threads=2)
        theirs = own.filter(pc.equal(own.column("rule"), rule.name))
        assert mine.schema == schema.ALERTS
        assert mine.column("alert_id").to_pylist() == list(range(mine.num_rows))
        assert mine.drop_columns(["alert_id"]).equals(theirs.drop_columns(["alert_id"])), \
            rule.name
