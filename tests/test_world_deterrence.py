"""Deterrence: people told they are watched (``World.expose``), visited, or tied to someone
visited lower their rate of each act by the multiplier of that act and cause, from the next
day on; with common random numbers the effect on a person is exact against the undeterred twin.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from pydantic import ValidationError

from custodiet.scenario import WorldConfig
from custodiet.schema import MINUTES_PER_DAY as DAY
from custodiet.study._simulate import _expose_cameras
from custodiet.world import World
from custodiet.world._deterrence import tied_to


def _cfg(**deterrence: object) -> WorldConfig:
    return WorldConfig.model_validate({
        "people": 8000, "days": 4, "history": {"grievance_share": 0.2},
        "behaviour": {"trip_rate": 0.0, "road_trip_share": 0.0},
        "incidents": {"petition_rate": 0.2, "anti_reconnaissance": 0.0,
                      "group_petition_rate": 0.0,
                      "burglar_share": 0.01, "burglary_rate": 0.5},
        "deterrence": deterrence,
    })


def _ticket_buyers(tables: list[dict[str, pa.Table]], day: int) -> set[int]:
    """Who bought a ticket on ``day`` (with no ordinary trips: who decided to petition)."""
    return set(tables[day]["tickets"]["person"].to_pylist())


def _run(world: World, on_day_1=None) -> list[dict[str, pa.Table]]:
    out = []
    while not world.finished:
        out.append(world.step())
        if world.day == 1 and on_day_1 is not None:
            on_day_1(world)
    return out


def test_known_listing_lowers_petitioning_by_its_multiplier_exactly() -> None:
    cfg = _cfg(lawful={"listed": 0.5})
    listed = np.flatnonzero(World(cfg, 3).people.grievance >= 0)[::2]
    plain = _run(World(cfg, 3))
    told = _run(World(cfg, 3), lambda w: w.expose(listed, "listed", DAY))
    # Day 0 is before the exposure; on day 1 the same persons are idle in both runs.
    assert _ticket_buyers(plain, 0) == _ticket_buyers(told, 0)
    before, after = _ticket_buyers(plain, 1), _ticket_buyers(told, 1)
    mine = set(listed.tolist())
    assert before - mine == after - mine  # the others decide exactly as before
    kept, had = len(after & mine), len(before & mine)
    assert after & mine <= before & mine  # the same draw against a lower rate
    # Each listed petitioner of the plain run keeps petitioning with probability 0.5.
    assert had > 100 and abs(kept - had / 2) <= 4 * np.sqrt(had / 4)


def test_a_visit_deters_the_ties_of_the_visited() -> None:
    cfg = _cfg(lawful={"visited": 1.0, "tie_visited": 0.0}, visit_memory_days=10)
    world = World(cfg, 5)
    visited = np.flatnonzero(world.people.grievance >= 0)[:200]
    ties = set(tied_to(world.ties, visited).tolist()) - set(visited.tolist())
    plain = _run(World(cfg, 5))
    acted = _run(world, lambda w: w.intervene(visited, "visit", DAY, chill=0.0))
    before, after = _ticket_buyers(plain, 2), _ticket_buyers(acted, 2)
    assert ties & before and not ties & after
    assert set(visited.tolist()) & after  # the visited themselves are not deterred here


def test_a_camera_at_home_deters_burglars_for_its_time_only() -> None:
    cfg = _cfg(unlawful={"camera": 0.0})
    world = World(cfg, 7)
    burglars = np.flatnonzero(world.people.role == 4)  # schema.ROLES: burglar
    told = _run(world, lambda w: w.expose(burglars, "camera", DAY, until=3 * DAY))
    plain = _run(World(cfg, 7))

    def burglaries(tables: list[dict[str, pa.Table]], day: int) -> int:
        inc = tables[day]["incidents"]
        return int(pc.sum(pc.equal(inc["kind"], "burglary")).as_py() or 0)

    assert burglaries(plain, 1) > 0 and burglaries(plain, 2) > 0
    assert burglaries(told, 1) == burglaries(told, 2) == 0
    assert burglaries(told, 3) == burglaries(plain, 3)  # the window has ended: the same draws


def test_a_gate_camera_is_a_cause_of_its_own() -> None:
    """A camera at the compound's gate has its own multiplier: with it at 0 and a camera at
    home at 1, burglars told of a gate camera stop and burglars told of a home camera do not."""
    cfg = _cfg(unlawful={"gate_camera": 0.0, "camera": 1.0})
    burglars = np.flatnonzero(World(cfg, 7).people.role == 4)  # schema.ROLES: burglar
    plain = _run(World(cfg, 7))
    gate = _run(World(cfg, 7), lambda w: w.expose(burglars, "gate_camera", DAY))
    home = _run(World(cfg, 7), lambda w: w.expose(burglars, "camera", DAY))

    def burglaries(tables: list[dict[str, pa.Table]]) -> int:
        return sum(int(pc.sum(pc.equal(t["incidents"]["kind"], "burglary")).as_py() or 0)
                   for t in tables[1:])

    assert burglaries(plain) > 0 and burglaries(gate) == 0
    assert burglaries(home) == burglaries(plain)


def test_the_runner_tells_home_and_gate_cameras_apart() -> None:
    """Residents of a home with a camera of its own hold ``camera``; residents behind a gate
    with a camera hold ``gate_camera``; both, both."""
    told: dict[str, list[int]] = {}

    class FakeWorld:
        def expose(self, persons: np.ndarray, cause: str, t: int) -> None:
            told[cause] = sorted(persons.tolist())

    class Sensors:
        home_camera = np.array([True, False, True, False])
        gate_camera = np.array([False, True, True, False])

    persons = pa.table({"person_id": [0, 1, 2, 3, 4], "home_place": [0, 1, 2, 3, 2]})
    _expose_cameras(FakeWorld(), Sensors(), persons)  # type: ignore[arg-type]
    assert told == {"camera": [0, 2, 4], "gate_camera": [1, 2, 4]}


def test_only_the_runners_causes_can_be_told_and_acts_are_checked() -> None:
    world = World(_cfg(), 1)
    with pytest.raises(ValueError, match="intervene"):
        world.expose(np.arange(3), "visited", 0)
    with pytest.raises(ValueError, match="cannot be told"):
        world.expose(np.arange(3), "rumour", 0)
    with pytest.raises(ValidationError, match="not an act"):
        _cfg(by_act={"crowded_rental": {"listed": 0.5}})
