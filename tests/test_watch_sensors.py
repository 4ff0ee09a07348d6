"""Sensors: a phone that is off locates nobody (NYT-12), against a minute-by-minute reference on
random days and in a simulated city; road checkpoints are a sensor of their own."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet import schema
from custodiet.scenario import scenario_from_mapping
from custodiet.scenario._watch import Sensors
from custodiet.watch import Watch, observable
from custodiet.watch._phone import merge_spells
from custodiet.watch._sensors import Coverage
from custodiet.world import World

DAY = 1440
GRID = 120  # coarse minutes, so that spells and stays touch and nest often
PERSONS = 3
DAYS = 3


def _places() -> pa.Table:
    """Place 0 a park (a camera when parks are covered), 1 and 2 places without one."""
    return pa.Table.from_pylist(
        [{"place_id": i, "kind": k, "x": 0.0, "y": 0.0, "district": 0, "compound": -1}
         for i, k in enumerate(("park", "bar", "capital"))], schema=schema.PLACES)


def _persons(n: int) -> pa.Table:
    cols = {f.name: pa.nulls(n, f.type) for f in schema.PERSONS}
    cols["person_id"] = pa.array(np.arange(n), pa.int64())
    cols["home_place"] = pa.array(np.ones(n, np.int64))
    return pa.table(cols)


def _coverage(**sensors: Any) -> Coverage:
    config = Sensors(camera_coverage={"park": 1.0}, **sensors)
    return Coverage(config, _places(), _persons(PERSONS), np.zeros(0, np.int64), seed=0)


@st.composite
def days(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each person's stays tiling ``[0, DAYS·DAY)`` and phone-off spells (possibly long,
    possibly touching one another), each row with the day the world reports it (its end's)."""
    slots = DAYS * DAY // GRID
    stays, spells = [], []
    for p in range(PERSONS):
        cuts = sorted(draw(st.sets(st.integers(1, slots - 1), max_size=8)))
        for lo, hi in zip([0, *cuts], [*cuts, slots], strict=True):
            stays.append({"person": p, "place": draw(st.integers(0, 2)), "start": lo * GRID,
                          "end": hi * GRID})
        at = 0
        for _ in range(draw(st.integers(0, 4))):
            lo = at + draw(st.integers(0, 6))
            hi = lo + draw(st.integers(1, 12))
            if hi > slots:
                break
            spells.append({"person": p, "start": lo * GRID, "end": hi * GRID})
            at = hi
    return stays, spells


def _reported(rows: list[dict[str, Any]], day: int) -> list[dict[str, Any]]:
    return [r for r in rows if (r["end"] - 1) // DAY == day]


def _minutes(rows: list[dict[str, Any]]) -> set[tuple[int, int, int]]:
    """(person, place, minute) of every minute the rows cover."""
    return {(r["person"], r["place"], m) for r in rows for m in range(r["start"], r["end"])}


@settings(max_examples=150, deadline=None)
@given(log=days())
def test_phone_off_minutes_are_not_located_unless_a_camera_sees_them(log: Any) -> None:
    stays, spells = log
    coverage = _coverage(phone_location=True)
    for day in range(DAYS):
        today = _reported(stays, day)
        events = {"stays": pa.Table.from_pylist(today, schema=schema.STAYS),
                  "phone_off": pa.Table.from_pylist(_reported(spells, day),
                                                    schema=schema.PHONE_OFF)}
        got = coverage.observe(events, day)["stays"].to_pylist()
        # Known: the spells reported by today (a spell still open is not known yet).
        off = {(s["person"], m) for s in spells if (s["end"] - 1) // DAY <= day
               for m in range(s["start"], s["end"])}
        expected = {(p, q, m) for p, q, m in _minutes(today) if q == 0 or (p, m) not in off}
        assert _minutes(got) == expected
        assert len(_minutes(got)) == sum(r["end"] - r["start"] for r in got)  # no overlap
        for r in got:  # each piece lies inside one of today's stays, at its place
            assert any(s["person"] == r["person"] and s["place"] == r["place"]
                       and s["start"] <= r["start"] < r["end"] <= s["end"] for s in today)
            assert r["seen_day"] == day


def test_a_phone_off_cuts_a_stay_into_the_minutes_it_was_on() -> None:
    coverage = _coverage(phone_location=True)
    stays = [{"person": 0, "place": 1, "start": 0, "end": 1000},     # at a bar: cut
             {"person": 0, "place": 0, "start": 1000, "end": 1400},  # in a park: a camera
             {"person": 1, "place": 2, "start": 0, "end": 1400}]     # in the capital: gone
    spells = [{"person": 0, "start": 200, "end": 300}, {"person": 0, "start": 900, "end": 1200},
              {"person": 1, "start": 0, "end": 1400}]
    got = coverage.observe({"stays": pa.Table.from_pylist(stays, schema=schema.STAYS),
                            "phone_off": pa.Table.from_pylist(spells, schema=schema.PHONE_OFF)},
                           0)["stays"].to_pylist()
    assert [(r["person"], r["place"], r["start"], r["end"]) for r in got] == [
        (0, 1, 0, 200), (0, 1, 300, 900), (0, 0, 1000, 1400)]
    # Without phone location only the camera's stay is seen, whole.
    blind = _coverage().observe({"stays": pa.Table.from_pylist(stays, schema=schema.STAYS)}, 0)
    assert blind["stays"].column("start").to_pylist() == [1000]


def test_merge_spells_joins_overlapping_and_touching_spells_per_person() -> None:
    p, s, e = merge_spells(np.array([1, 0, 0, 0, 1]), np.array([5, 10, 0, 20, 0]),
                           np.array([9, 20, 15, 25, 3]))
    assert list(zip(p.tolist(), s.tolist(), e.tolist(), strict=True)) == [
        (0, 0, 25), (1, 0, 3), (1, 5, 9)]


def test_in_a_city_no_stay_is_located_while_the_phone_is_off() -> None:
    """Evasive petitioners turn their phones off for the whole trip (NYT-12): with phone
    location and no camera out of the city, their stays in the capital vanish."""
    scenario = scenario_from_mapping({
        "seed": 3, "world": {"people": 4000, "days": 5,
                             "incidents": {"petition_rate": 0.05, "anti_reconnaissance": 1.0}},
        "sensors": {"phone_location": True}})
    world = World(scenario.world, scenario.seed)
    static = world.static_tables()
    watch = Watch(scenario, {k: static[k] for k in ("persons", "places", "ties")})
    kind = np.array(static["places"].column("kind").to_pylist())
    capital = int(np.flatnonzero(kind == "capital")[0])
    spells: list[pa.Table] = []
    inside = 0
    evasive: set[int] = set()
    there: set[int] = set()
    for _ in range(scenario.world.days):
        events = world.step()
        spells.append(events["phone_off"])
        watch.observe(observable(events))
        seen = watch._buffer[-1]["stays"]
        off = pa.concat_tables(spells).to_pydict()
        by_person: dict[int, list[tuple[int, int]]] = {}
        for p, a, b in zip(off["person"], off["start"], off["end"], strict=True):
            by_person.setdefault(p, []).append((a, b))
        rows = seen.filter(pa.array(~watch.sensors.camera[seen.column("place").to_numpy()]))
        for r in rows.to_pylist():
            inside += any(a < r["end"] and b > r["start"]
                          for a, b in by_person.get(r["person"], []))
        trips = events["trips"].to_pydict()
        evasive |= {p for p, e in zip(trips["person"], trips["evasive"], strict=True) if e}
        there |= set(seen.filter(pa.array(seen.column("place").to_numpy() == capital))
                     .column("person").to_pylist())
    assert inside == 0, "a stay was located while the phone was known to be off"
    # Ordinary travellers are seen in the capital, evasive petitioners never.
    assert evasive and there, "the check is vacuous"
    assert not evasive & there


def test_checkpoint_readings_are_observed_only_with_the_sensor() -> None:
    reads = pa.table({"person": [1, 2], "t": [500, 700], "place": [2, 2]},
                     schema=schema.CHECKPOINTS)
    on = _coverage().observe({"checkpoints": reads}, 0)["checkpoints"]
    assert on.column("person").to_pylist() == [1, 2]
    assert on.column("seen_day").to_pylist() == [0, 0]
    off = _coverage(checkpoints=False).observe({"checkpoints": reads}, 0)["checkpoints"]
    assert off.num_rows == 0
