"""Rule templates: the SQL engine agrees with a brute-force reference on random small logs, for
every registered template (a template without a strategy here or a reference in
``tests/_reference.py`` fails)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodiet.engine import Session
from custodiet.scenario._watch import (
    Absence,
    Anomaly,
    Apart,
    Checkpoint,
    Dwell,
    Frequency,
    Gathering,
    Movement,
    Near,
    Score,
    Travel,
)
from custodiet.schema import OUT_OF_TOWN_NUMBER_BASE
from custodiet.watch import TEMPLATES
from custodiet.watch._inputs import RELATIONS, register
from custodiet.watch._native import HeldTables, native_of, run_native
from custodiet.watch._rules import compile_rule, run_rule
from tests._reference import REFERENCES, reference

DAY = 1440
DAYS = 3
KINDS = ["hotel", "park", "station", "capital", "out_of_town"]
PERSONS = 5
GRID = 60  # coarse times, so touching intervals and window edges happen often


@st.composite
def logs(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """A random small observed log over DAYS days."""
    n_places = draw(st.integers(2, 4))
    places = [{"place_id": i, "kind": draw(st.sampled_from(KINDS)),
               "x": float(draw(st.integers(0, 3)) * 50), "y": float(draw(st.integers(0, 2)) * 50),
               "district": draw(st.integers(0, 1)), "compound": -1} for i in range(n_places)]
    slots = DAYS * DAY // GRID
    stays, phone_off = [], []
    for person in range(PERSONS):
        cuts = sorted(draw(st.sets(st.integers(0, slots), min_size=2, max_size=14)))
        for lo, hi in zip(cuts[::2], cuts[1::2], strict=False):
            stays.append({"person": person, "place": draw(st.integers(0, n_places - 1)),
                          "start": lo * GRID, "end": hi * GRID, "seen_day": (hi * GRID - 1) // DAY})
        cuts = sorted(draw(st.sets(st.integers(0, slots), max_size=4)))
        for lo, hi in zip(cuts[::2], cuts[1::2], strict=False):
            phone_off.append({"person": person, "start": lo * GRID, "end": hi * GRID,
                              "seen_day": (hi * GRID - 1) // DAY})
    times = st.integers(0, slots - 1).map(lambda s: s * GRID)
    calls = []
    for _ in range(draw(st.integers(0, 16))):
        callee = draw(st.integers(0, PERSONS + 2))
        oot = callee >= PERSONS
        t = draw(times)
        calls.append({"caller": draw(st.integers(0, PERSONS - 1)),
                      "callee": OUT_OF_TOWN_NUMBER_BASE + callee if oot else callee,
                      "t": t, "out_of_town": oot, "seen_day": t // DAY})
    tickets = []
    for i in range(draw(st.integers(0, 10))):
        t = draw(times)
        tickets.append({"ticket_id": i, "person": draw(st.integers(0, PERSONS - 1)), "t": t,
                        "destination": draw(st.integers(0, n_places - 1)), "depart": t + DAY,
                        "cash": draw(st.booleans()), "seen_day": t // DAY})
    checkpoints = []
    for _ in range(draw(st.integers(0, 6))):
        t = draw(times)
        checkpoints.append({"person": draw(st.integers(0, PERSONS - 1)), "t": t,
                            "place": draw(st.integers(0, n_places - 1)), "seen_day": t // DAY})
    homes = [{"household": 0, "home_place": 0, "district": 0, "residents": 2, "persons": [0, 1]},
             {"household": 1, "home_place": 1, "district": 0, "residents": 1, "persons": [2]},
             {"household": 2, "home_place": 1, "district": 1, "residents": 2, "persons": [3, 4]}]
    utility = [{"household": h, "day": d, "water": float(draw(st.integers(0, 6)) * 100),
                "power": float(draw(st.integers(1, 6))), "seen_day": d}
               for h in range(3) for d in range(DAYS) if draw(st.integers(0, 4))]
    members = [{"list": name, "person": p} for name in ("a", "b") for p in range(PERSONS)
               if draw(st.booleans())]
    spouses = [{"a": 0, "b": 1}, {"a": 2, "b": 3}][: draw(st.integers(1, 2))]
    scores = [{"scorer": "s", "person": p, "level": draw(st.integers(0, 3)),
               "prev_level": draw(st.integers(0, 3))} for p in range(PERSONS)]
    for p in places:  # places out of the city have no coordinates, as in the world
        if p["kind"] in ("capital", "out_of_town"):
            p["x"] = p["y"] = float("nan")
    member_homes = sorted({(m["list"], h["household"]) for m in members for h in homes
                           if m["person"] in h["persons"]})
    records = [{"person": p, "home_place": draw(st.integers(-1, n_places - 1)),
                "work_place": draw(st.integers(-1, n_places - 1)),
                "district": draw(st.integers(-1, 1))} for p in range(PERSONS)]
    return {"member_homes": [{"list": a, "household": b} for a, b in member_homes],
            "records": records,
            "places": places, "stays": stays, "phone_off": phone_off, "calls": calls,
            "tickets": tickets, "checkpoints": checkpoints, "homes": homes, "utility": utility,
            "members": members, "spouses": spouses, "scores": scores}


lists = st.sampled_from([[], [], ["a"], ["a", "b"]])
minutes = st.integers(0, 4).map(lambda k: k * GRID)
kinds = st.sampled_from(KINDS)
hours = st.one_of(st.none(), st.tuples(st.integers(0, 24), st.integers(0, 24)).filter(
    lambda h: h[0] % 24 != h[1] % 24 or h == (0, 24)))
weekdays = st.one_of(st.just([]), st.lists(st.integers(0, 6), min_size=1, max_size=3))
common = {"name": st.just("r"), "detects": st.just(["protest"]), "lists": lists,
          "hours": hours, "weekdays": weekdays}

RULES = {
    "gathering": st.builds(Gathering, template=st.just("gathering"), k=st.integers(2, 4),
                           place_kind=kinds, radius_m=st.sampled_from([0.0, 50.0, 120.0]),
                           window_minutes=minutes, **common),
    "near": st.builds(Near, template=st.just("near"), place_kind=kinds,
                      radius_m=st.sampled_from([0.0, 50.0, 100.0]), min_minutes=minutes,
                      min_times=st.integers(1, 3), window_minutes=st.integers(1, 3).map(
                          lambda k: k * DAY // 2), exclude_own=st.booleans(), **common),
    "dwell": st.builds(Dwell, template=st.just("dwell"), place_kind=kinds,
                       min_minutes=st.integers(1, 6).map(lambda k: k * GRID), **common),
    "frequency": st.one_of(st.builds(
        Frequency, template=st.just("frequency"), event=st.just("calls"),
        counterpart=st.just("same"), out_of_town=st.booleans(), new_only=st.booleans(),
        n=st.integers(1, 3), window_minutes=st.integers(1, 4).map(lambda k: k * DAY // 2),
        **common), st.builds(Frequency, template=st.just("frequency"),
                           event=st.sampled_from(["calls", "entries"]), place_kind=kinds,
                           out_of_town=st.booleans(), new_only=st.booleans(),
                           n=st.integers(1, 3), distinct=st.integers(0, 2),
                           window_minutes=st.integers(1, 4).map(lambda k: k * DAY // 2),
                           **common)),
    "movement": st.builds(Movement, template=st.just("movement"),
                          mode=st.sampled_from(["places", "districts", "leaves_home"]),
                          n=st.integers(2, 4), window_minutes=st.integers(1, 4).map(
                              lambda k: k * DAY // 2), **common),
    "anomaly": st.builds(Anomaly, template=st.just("anomaly"),
                         meter=st.sampled_from(["water", "power"]),
                         baseline=st.sampled_from(["own", "district"]),
                         per_resident=st.booleans(), factor=st.sampled_from([1.2, 1.5, 2.0]),
                         baseline_days=st.integers(1, 2), **common),
    "absence": st.builds(Absence, template=st.just("absence"),
                         min_minutes=st.integers(1, 6).map(lambda k: k * GRID), **common),
    "apart": st.builds(Apart, template=st.just("apart"), max_share=st.sampled_from([0.3, 0.5, 1.0]),
                       window_days=st.integers(1, 3), min_observed=st.integers(1, 2),
                       night_minute=st.sampled_from([0, 180, 720]),
                       holiday_only=st.booleans(), **common),
    "travel": st.builds(Travel, template=st.just("travel"),
                        destination=st.sampled_from(["capital", "out_of_town", "any"]),
                        min_tickets=st.integers(1, 3), cash_only=st.booleans(),
                        window_minutes=st.integers(1, 4).map(lambda k: k * DAY // 2), **common),
    "checkpoint": st.builds(Checkpoint, template=st.just("checkpoint"),
                            destination=st.sampled_from(["capital", "out_of_town", "any"]),
                            **common),
    "score": st.builds(Score, template=st.just("score"), scorer=st.just("s"),
                       min_level=st.integers(1, 3), **common),
}


def arrow(log: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    return {name: pa.Table.from_pylist(rows, schema=RELATIONS[name]) for name, rows in log.items()}


@pytest.fixture(scope="module")
def session() -> Any:
    """One engine session for every example: a connection costs more than a rule's query on
    these small logs (each example registers its log once, for all its days)."""
    with Session(threads=1) as s:
        yield s


def engine(rule: Any, log: dict[str, list[dict[str, Any]]], day: int,
           start_weekday: int = 0, holidays: tuple[int, ...] = ()) -> list[tuple]:
    """The rule's alerts on ``day``, in a session of their own."""
    with Session() as session:
        register(session, arrow(log))
        compiled = compile_rule(rule, start_weekday=start_weekday, holidays=holidays)
        table = run_rule(session, rule, day, compiled)
    return sorted((r["t"], tuple(r["persons"]), r["place"]) for r in table.to_pylist())


def engine_days(session: Session, rule: Any, log: dict[str, list[dict[str, Any]]], days: int,
                start_weekday: int = 0, holidays: tuple[int, ...] = ()) -> list[list[tuple]]:
    """The rule's alerts on each of days ``0 … days - 1``, on ``log`` registered once."""
    register(session, arrow(log))
    compiled = compile_rule(rule, start_weekday=start_weekday, holidays=holidays)
    return [sorted((r["t"], tuple(r["persons"]), r["place"])
                   for r in run_rule(session, rule, day, compiled).to_pylist())
            for day in range(days)]


def test_every_template_has_a_strategy_and_a_reference() -> None:
    assert set(RULES) == set(TEMPLATES)
    assert set(REFERENCES) == set(TEMPLATES)


@pytest.mark.parametrize("template", list(TEMPLATES))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), log=logs())
def test_engine_agrees_with_reference(session: Session, template: str, data: st.DataObject,
                                      log: dict[str, list[dict[str, Any]]]) -> None:
    rule = data.draw(RULES[template], label="rule")
    start = data.draw(st.integers(0, 6), label="start_weekday")
    holidays = tuple(sorted(data.draw(st.sets(st.integers(0, DAYS)), label="holidays")))
    got = engine_days(session, rule, log, DAYS + 1, start, holidays)
    for day in range(DAYS + 1):
        expected = reference(rule, log, day, start, holidays)
        assert got[day] == expected, (template, day)


def native_days(rule: Any, log: dict[str, list[dict[str, Any]]], days: int,
                start_weekday: int = 0, holidays: tuple[int, ...] = ()) -> list[list[tuple]]:
    """The rule's alerts on each day, evaluated in numpy (``Template.native``)."""
    native = native_of(rule)
    assert native is not None
    tables = arrow(log)
    return [sorted((r["t"], tuple(r["persons"]), r["place"]) for r in run_native(
        native, rule, HeldTables(day, tables, holidays=holidays),
        start_weekday=start_weekday).to_pylist())
        for day in range(days)]


NATIVE = [name for name, t in TEMPLATES.items() if t.native is not None]


@pytest.mark.parametrize("template", NATIVE)
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), log=logs())
def test_native_agrees_with_reference(template: str, data: st.DataObject,
                                      log: dict[str, list[dict[str, Any]]]) -> None:
    """A template evaluated in numpy agrees with the brute-force reference on the same random
    logs, weekdays and holiday calendars as its SQL."""
    rule = data.draw(RULES[template], label="rule")
    start = data.draw(st.integers(0, 6), label="start_weekday")
    holidays = tuple(sorted(data.draw(st.sets(st.integers(0, DAYS)), label="holidays")))
    got = native_days(rule, log, DAYS + 1, start, holidays)
    for day in range(DAYS + 1):
        assert got[day] == reference(rule, log, day, start, holidays), (template, day)
