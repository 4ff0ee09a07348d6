"""The worked examples of the rule docstrings and edge cases: touching intervals, window edges,
one person counted twice. Each is checked against both the engine and the reference."""

from __future__ import annotations

from typing import Any

import pytest

from custodiet.scenario._watch import (
    Absence,
    Anomaly,
    Apart,
    Dwell,
    Frequency,
    Gathering,
    Near,
    Score,
    Travel,
)
from custodiet.schema import OUT_OF_TOWN_NUMBER_BASE as OOT
from custodiet.watch import TEMPLATES
from custodiet.watch._inputs import RELATIONS
from custodiet.watch.checks import example_rule
from tests._reference import reference
from tests.test_watch_rules import engine

C = {"name": "r", "detects": ["protest"]}


def _log(**tables: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    base: dict[str, list[dict[str, Any]]] = {
        "places": [{"place_id": i, "kind": k, "x": x, "y": 0.0, "district": 0, "compound": -1}
                   for i, (k, x) in enumerate([("hotel", 0.0), ("hotel", 100.0),
                                               ("school", 0.0), ("home", 150.0),
                                               ("capital", float("nan"))])],
        "members": [{"list": "x", "person": p} for p in (1, 2, 3)],
    }
    base.update(tables)
    return base


def _stay(person: int, place: int, start: int, end: int, seen: int = 0) -> dict[str, Any]:
    return {"person": person, "place": place, "start": start, "end": end, "seen_day": seen}


def _both(rule: Any, log: dict[str, list[dict[str, Any]]], day: int = 0,
          holidays: tuple[int, ...] = ()) -> list[tuple]:
    got = engine(rule, log, day, holidays=holidays)
    assert got == reference(rule, log, day, holidays=holidays)
    return got


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_each_registered_worked_example_holds_for_engine_and_reference(template: str) -> None:
    for example in TEMPLATES[template].examples:
        rule = example_rule(template, example)
        log = {name: example.tables.get(name, []) for name in RELATIONS}
        assert _both(rule, log, example.day, example.holidays) == sorted(example.alerts), \
            example.doc


def _gathering(**kw: Any) -> Gathering:
    return Gathering(template="gathering", lists=["x"], **{**C, **kw})


def test_gathering_worked_example_and_touching_stays() -> None:
    rule = _gathering(k=2)
    assert _both(rule, _log(stays=[_stay(1, 0, 100, 500), _stay(2, 0, 400, 900)])) == \
        [(900, (1, 2), 0)]
    # Touching: 1 leaves at 400 as 2 arrives: not together when W = 0, together when W > 0.
    touching = _log(stays=[_stay(1, 0, 100, 400), _stay(2, 0, 400, 900)])
    assert _both(rule, touching) == []
    assert _both(_gathering(k=2, window_minutes=1), touching) == [(900, (1, 2), 0)]
    # Window edge: a gap of exactly W is not together (strict), a gap of W - 1 is.
    gap = _log(stays=[_stay(1, 0, 100, 400), _stay(2, 0, 460, 900)])
    assert _both(_gathering(k=2, window_minutes=60), gap) == []
    assert _both(_gathering(k=2, window_minutes=61), gap) == [(900, (1, 2), 0)]


def test_gathering_counts_a_person_once_and_uses_the_radius() -> None:
    twice = _log(stays=[_stay(1, 0, 0, 100), _stay(1, 0, 200, 300), _stay(2, 0, 50, 250)])
    assert _both(_gathering(k=3), twice) == []
    assert _both(_gathering(k=2), twice) == [(250, (1, 2), 0), (300, (1, 2), 0)]
    nearby = _log(stays=[_stay(1, 0, 0, 100), _stay(2, 1, 50, 150)])
    assert _both(_gathering(k=2), nearby) == []
    assert _both(_gathering(k=2, radius_m=100.0), nearby) == [(150, (1, 2), 1)]
    # An unlisted person does not count.
    assert _both(_gathering(k=2), _log(stays=[_stay(1, 0, 0, 100), _stay(9, 0, 0, 100)])) == []


def test_near_worked_example() -> None:
    rule = Near(template="near", lists=["x"], place_kind="school", radius_m=200, min_times=2,
                window_minutes=1440, **C)
    log = _log(stays=[_stay(1, 3, 0, 60), _stay(1, 3, 600, 660)])
    assert _both(rule, log) == [(660, (1,), 3)]
    far = Near(template="near", lists=["x"], place_kind="school", radius_m=149, **C)
    assert _both(far, log) == []


def test_dwell_worked_example() -> None:
    rule = Dwell(template="dwell", place_kind="hotel", min_minutes=120, **C)
    assert _both(rule, _log(stays=[_stay(5, 0, 0, 119), _stay(5, 0, 200, 320)])) == \
        [(320, (5,), 0)]


def test_frequency_worked_example() -> None:
    rule = Frequency(template="frequency", event="calls", out_of_town=True, new_only=True, n=3,
                     window_minutes=1440, lists=["x"], **C)
    calls = [{"caller": 1, "callee": OOT + k, "t": t, "out_of_town": True, "seen_day": 0}
             for k, t in ((1, 10), (2, 20), (3, 30), (1, 40))]
    assert _both(rule, _log(calls=calls)) == [(30, (1,), -1)]


def test_frequency_entries_with_distinct_companions() -> None:
    rule = Frequency(template="frequency", event="entries", place_kind="hotel", n=2, distinct=2,
                     window_minutes=1440, lists=["x"], **C)
    stays = [_stay(1, 0, 0, 100), _stay(7, 0, 50, 60), _stay(1, 0, 200, 300),
             _stay(8, 0, 250, 260)]
    assert _both(rule, _log(stays=stays)) == [(300, (1,), 0)]
    same = [*stays[:3], _stay(7, 0, 250, 260, 0)]
    assert _both(rule, _log(stays=same)) == []


def test_anomaly_worked_example() -> None:
    homes = [{"household": h, "home_place": 3, "district": 0, "residents": 1, "persons": [h]}
             for h in range(4)]
    rule = Anomaly(template="anomaly", meter="water", baseline="district", factor=2.0, **C)
    rows = [{"household": h, "day": 0, "water": w, "power": 1.0, "seen_day": 0}
            for h, w in enumerate([100.0, 100.0, 100.0, 700.0])]
    assert _both(rule, _log(homes=homes, utility=rows)) == [(1439, (3,), 3)]
    lower = [*rows[1:3], {**rows[3], "water": 400.0}]
    assert _both(rule, _log(homes=homes, utility=lower)) == []


def test_absence_apart_travel_score_worked_examples() -> None:
    absence = Absence(template="absence", min_minutes=240, **C)
    off = [{"person": 1, "start": 0, "end": 100, "seen_day": 0},
           {"person": 1, "start": 500, "end": 800, "seen_day": 0}]
    assert _both(absence, _log(phone_off=off)) == [(740, (1,), -1)]

    apart = Apart(template="apart", window_days=7, max_share=0.3, min_observed=3, **C)
    stays = []
    for night in range(5):
        i = night * 1440 + 180
        stays += [_stay(1, 3, i - 10, i + 10, night), _stay(2, 3 if night == 0 else 0,
                                                             i - 10, i + 10, night)]
    log = _log(stays=stays, spouses=[{"a": 1, "b": 2}])
    assert _both(apart, log, day=6) == [(6 * 1440 + 1439, (1, 2), -1)]
    assert _both(apart, log, day=5) == []
    stays[3] = _stay(2, 3, 1440 + 170, 1440 + 190, 1)
    assert _both(apart, _log(stays=stays, spouses=[{"a": 1, "b": 2}]), day=6) == []

    travel = Travel(template="travel", destination="capital", min_tickets=2, **C)
    tickets = [{"ticket_id": i, "person": 1, "t": t, "destination": 4, "depart": 2000,
                "cash": True, "seen_day": 0} for i, t in enumerate((100, 200))]
    assert _both(travel, _log(tickets=tickets)) == [(200, (1,), 4)]

    score = Score(template="score", scorer="s", min_level=2, **C)
    levels = [1, 2, 3, 1, 2]
    fired = [day for day in range(1, 5) if _both(score, _log(scores=[
        {"scorer": "s", "person": 1, "level": levels[day], "prev_level": levels[day - 1]}]),
        day)]
    assert fired == [1, 4]


@pytest.mark.parametrize("day", [0, 1])
def test_only_rows_received_that_day_are_anchors(day: int) -> None:
    rule = Dwell(template="dwell", place_kind="hotel", min_minutes=10, **C)
    log = _log(stays=[_stay(1, 0, 0, 100, seen=0), _stay(1, 0, 1500, 1600, seen=1)])
    assert [a[0] for a in _both(rule, log, day)] == [[10], [1510]][day]


def test_hours_and_weekdays_worked_example() -> None:
    rule = Dwell(template="dwell", place_kind="station", min_minutes=60, hours=(22, 6),
                 weekdays=[5, 6], **C)
    log = _log(places=[{"place_id": 0, "kind": "station", "x": 0.0, "y": 0.0, "district": 0,
                        "compound": -1}],
               stays=[_stay(1, 0, 4 * 1440 + 1340, 4 * 1440 + 1430, 4),   # Friday 23:20
                      _stay(1, 0, 5 * 1440 + 660, 5 * 1440 + 750, 5),     # Saturday 12:00
                      _stay(1, 0, 5 * 1440 + 1340, 5 * 1440 + 1430, 5)])  # Saturday 23:20
    got = [engine(rule, log, day, start_weekday=0) for day in (4, 5)]
    assert got == [[], [(5 * 1440 + 1400, (1,), 0)]]
    assert [reference(rule, log, day, 0) for day in (4, 5)] == got
    # A week that starts on a Tuesday moves both days one weekday on: Saturday and Sunday.
    assert [engine(rule, log, day, start_weekday=1) for day in (4, 5)] == \
        [[(4 * 1440 + 1400, (1,), 0)], [(5 * 1440 + 1400, (1,), 0)]]
