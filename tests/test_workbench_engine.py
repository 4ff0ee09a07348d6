"""The workbench's adapter on a small city: the replayed watch reproduces the stored run's
alerts rule by rule, the city is cached by scenario, size and seed, and an answer's figures
agree with the audit run directly on the same alerts."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from custodiet.audit.sim._rules import rule_metrics
from custodiet.engine import connect
from custodiet.workbench import Bench
from custodiet.workbench import _engine as engine
from custodiet.workbench._answer import rule_answer

PEOPLE, DAYS, SEED = 3000, 4, 1


@functools.cache
def small_city() -> tuple[engine.City, engine.Scenario, Path]:
    """The default scenario's city at 3,000 × 4 (shared by the workbench tests)."""
    cache = Path(tempfile.mkdtemp(prefix="custodiet-workbench-"))
    atexit.register(shutil.rmtree, cache, ignore_errors=True)
    scenario = engine.sized(engine.load("default"), people=PEOPLE, days=DAYS, seed=SEED)
    return engine.prepare_city(scenario, cache=cache), scenario, cache


def fresh_bench() -> Bench:
    """A bench of its own over the shared city (edits do not leak between tests)."""
    city, scenario, _ = small_city()
    return Bench(city, scenario, threads=2)


def _same(a, b) -> bool:
    """Equal tables, NaN equal to NaN (places outside the city have no coordinates)."""
    if a.schema != b.schema or a.num_rows != b.num_rows:
        return False
    for name in a.column_names:
        x, y = a.column(name), b.column(name)
        if pa.types.is_floating(x.type):
            if not np.array_equal(x.to_numpy(), y.to_numpy(), equal_nan=True):
                return False
        elif not x.equals(y):
            return False
    return True


def _key(table) -> list[tuple]:
    return sorted(zip(table["t"].to_pylist(), map(tuple, table["persons"].to_pylist()),
                      table["place"].to_pylist(), table["suppressed_by_redlist"].to_pylist(),
                      strict=True))


def test_replayed_rules_raise_exactly_the_stored_alerts() -> None:
    city, _, _ = small_city()
    assert city.stored_alerts.num_rows > 0
    for rule in city.scenario.rules:
        mine = engine.run_alerts(city, rule, city.scenario.rules)
        assert _key(mine) == _key(engine.stored_alerts_of(city, rule.name)), rule.name


def test_the_city_is_simulated_once_per_scenario_size_and_seed(monkeypatch) -> None:
    city, scenario, cache = small_city()
    assert city.store.parent == cache
    assert not city.scenario.response.enabled and scenario.response.enabled

    def refuse(*args, **kwargs):
        raise AssertionError("simulated again")
    monkeypatch.setattr(engine, "simulate", refuse)
    again = engine.prepare_city(scenario, cache=cache)  # the replay is read back too
    assert again.store == city.store
    for day in range(DAYS):
        for name, table in city.observed[day].items():
            assert again.observed[day][name].equals(table), (day, name)
        assert again.scores[day].equals(city.scores[day])
    assert np.array_equal(again.redlisted, city.redlisted)
    assert all(_same(again.static[k], v) for k, v in city.static.items())
    other = engine.sized(scenario, people=None, days=None, seed=SEED + 1)
    assert engine.cache_path(engine.no_response(other), cache) != city.store
    with pytest.raises(AssertionError, match="simulated again"):
        engine.prepare_city(other, cache=cache)


def test_answer_agrees_with_the_audit_on_the_same_alerts() -> None:
    city, _, _ = small_city()
    rules = city.scenario.rules
    rule = max(rules, key=lambda r: engine.stored_alerts_of(city, r.name).num_rows)
    alerts = engine.run_alerts(city, rule, rules)
    answer = rule_answer(city, rule, alerts)
    con = connect()
    con.register("alerts", engine.stored_alerts_of(city, rule.name))
    con.register("incidents", city.incidents)
    direct = rule_metrics(con, rules={rule.name: list(rule.detects)}, days=DAYS,
                          horizon=city.scenario.audit.horizon_minutes).to_pylist()[0]
    assert answer["metrics"] == direct
    m = answer["metrics"]
    assert sum(r["alerts"] for r in answer["by_day"]) == m["alerts"]
    assert sum(r["suppressed"] for r in answer["by_day"]) == m["suppressed"]
    if m["alerts"]:
        assert answer["precision_low"] <= m["precision"] <= answer["precision_high"]
    if m["true_alerts"]:  # the report's interval of innocents per true alert, one city
        assert answer["innocents_low"] <= m["innocents_per_true_alert"] <= \
            answer["innocents_high"]
    else:
        assert answer["innocents_low"] is None
    if answer["status_low"] is not None:
        assert answer["status_low"] <= m["status_precision"] <= answer["status_high"]
    for grouping in answer["groups"]:
        shown = sum(g["n"] for g in grouping["groups"])
        assert shown <= PEOPLE
        flagged = sum(g["flagged"] or 0 for g in grouping["groups"])
        assert flagged <= m["persons_flagged"]


def test_a_new_list_holds_everyone_recorded_with_its_attributes() -> None:
    bench = fresh_bench()
    index = next(i for i, c in enumerate(bench.cards) if c.rule.template == "dwell")
    form = [(k, str(v)) for k, v in bench.cards[index].values.items()
            if not isinstance(v, list | bool) and v is not None]  # as a browser submits
    form += [("detects", d) for d in bench.cards[index].rule.detects]
    form += [("new_list", "hiv")]
    card = bench.edit(index, form)
    assert not card.errors
    name = bench.cards[index].rule.lists[-1]
    assert name.endswith("_list")
    members = bench.city._members[0]
    mine = members.filter(pc.equal(members.column("list"), name)).column("person").to_numpy()
    recorded = np.flatnonzero(bench.city.persons.column("hiv_recorded").to_numpy(
        zero_copy_only=False))
    assert np.array_equal(np.sort(mine), recorded)
    named = np.concatenate([np.asarray(p, np.int64) for p in
                            engine.run_alerts(bench.city, bench.scenario.rules[index],
                                              bench.scenario.rules)["persons"].to_pylist()]
                           or [np.zeros(0, np.int64)])
    assert set(named.tolist()) <= set(recorded.tolist())


def test_status_text_reports_a_claimed_status_apart_from_true_alerts() -> None:
    from custodiet.workbench._view import status_text

    m = {"status_precision": 0.55, "status_alerts": 110, "status_persons_flagged": 230}
    assert status_text({"metrics": m, "status_base_rate": 0.25}) == (
        "55.0% of alerts (110; 230 people) against a base rate of 25.0%: wrongs nobody, not "
        "counted as a true alert")
    assert status_text({"metrics": {**m, "status_precision": None}}) is None
    # with the report's interval over the one city
    said = status_text({"metrics": m, "status_base_rate": 0.25, "status_low": 0.481,
                        "status_high": 0.62})
    assert said is not None and said.startswith(
        "55.0% of alerts (110; 230 people; 95% interval 48.1% to 62.0%) against")
