"""Police actions change the world from the next day on, and twin worlds share every draw
until the first intervention."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from custodiet.scenario import WorldConfig
from custodiet.schema import MINUTES_PER_DAY
from custodiet.world import World

CFG = WorldConfig.model_validate({
    "people": 5000, "days": 6,
    "history": {"grievance_share": 0.2},
    "incidents": {"petition_rate": 0.2},
})


def _run(world: World, act_on_day: int | None = None, action: str = "block_travel",
         chill: float = 1.0) -> dict[str, list[pa.Table]]:
    out: dict[str, list[pa.Table]] = {}
    while not world.finished:
        for name, table in world.step().items():
            out.setdefault(name, []).append(table)
        if world.day == act_on_day:
            grievance = np.flatnonzero(world.people.grievance >= 0)
            world.intervene(grievance, action, world.day * MINUTES_PER_DAY, chill=chill)
    return out


def _petitions(days: list[pa.Table]) -> int:
    table = pa.concat_tables(days)
    return int(pa.compute.sum(pa.compute.equal(table["kind"], "petition_trip")).as_py() or 0)


def test_twins_are_identical_until_the_first_intervention() -> None:
    a, b = _run(World(CFG, 11)), _run(World(CFG, 11), act_on_day=2)
    for name in ("stays", "calls", "tickets", "incidents", "utility"):
        for day in range(2):
            assert a[name][day].equals(b[name][day]), (name, day)
    assert not all(a["stays"][d].equals(b["stays"][d]) for d in range(2, 6))


def test_blocking_travel_prevents_every_later_petition_trip_and_logs_it() -> None:
    a, b = _run(World(CFG, 5)), _run(World(CFG, 5), act_on_day=2)
    before = sum(_petitions(a["incidents"][d:d + 1]) for d in range(2))
    assert _petitions(b["incidents"][2:]) == 0
    assert _petitions(a["incidents"][2:]) > 0
    assert sum(_petitions(b["incidents"][d:d + 1]) for d in range(2)) == before
    log = pa.concat_tables(b["interventions"])
    assert set(log["action"].to_pylist()) == {"block_travel"}
    prevented = log.filter(pa.compute.equal(log["prevented"], "petition_trip")).num_rows
    # Every trip that was pending (ticketed, not yet departed) at the block was prevented.
    assert prevented > 0
    tickets_after = pa.concat_tables(b["tickets"][2:])
    grievance = set(np.flatnonzero(World(CFG, 5).people.grievance >= 0).tolist())
    assert not grievance & set(tickets_after["person"].to_pylist())


def test_detention_holds_people_at_a_police_station() -> None:
    world = World(CFG, 3)
    world.step()
    held = np.arange(10)
    world.intervene(held, "detain", MINUTES_PER_DAY, until=3 * MINUTES_PER_DAY)
    stays = pa.concat_tables([world.step()["stays"] for _ in range(3)])
    person = stays["person"].to_numpy()
    mine = np.isin(person, held)
    place, start, end = (stays[c].to_numpy()[mine] for c in ("place", "start", "end"))
    in_custody = np.isin(place, world.places.ids("police"))
    # One stay each at a station, from the morning after the order to the morning of release.
    assert sorted(person[mine][in_custody].tolist()) == held.tolist()
    assert np.all(start[in_custody] // MINUTES_PER_DAY == 1)
    assert np.all(end[in_custody] // MINUTES_PER_DAY == 3)
    # Nothing else happens to them while held.
    during = (start > MINUTES_PER_DAY + 600) & (start < 3 * MINUTES_PER_DAY)
    assert not (during & ~in_custody).any()


def test_unknown_action_and_bad_chill_are_rejected() -> None:
    world = World(CFG, 1)
    with pytest.raises(ValueError, match="unknown action"):
        world.intervene(np.arange(3), "arrest_everyone", 0)
    with pytest.raises(ValueError, match="chill"):
        world.intervene(np.arange(3), "visit", 0, chill=1.5)


def test_a_full_chill_visit_stops_petitioning() -> None:
    a, b = _run(World(CFG, 9)), _run(World(CFG, 9), act_on_day=1, action="visit", chill=1.0)
    assert _petitions(a["incidents"][4:]) > 0
    assert _petitions(b["incidents"][4:]) == 0
