"""Simulating one run: the city day by day and, when the scenario has one, the watch over it,
streamed into a run directory (atomically).

Each day: the world steps; the watch observes only the tables it may see (never ground truth),
raises alerts and decides actions; the actions change the world from the next day. Memory stays
bounded by the population and a few days of events: each day is appended to the store before
the next is simulated.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet import schema
from custodiet._interrupt import check as check_interrupt
from custodiet._labels import decoded
from custodiet._memory import store_memory_limit
from custodiet._versions import package_versions
from custodiet.scenario import Scenario
from custodiet.store import RunWriter
from custodiet.study._cities import city_database, load_world
from custodiet.world import World

#: Where the watch's cameras are (places whose stays it observes), written once per watched run
#: so the audit can count each person's days under a camera.
CAMERAS = pa.schema([("place_id", pa.int64())])


def has_watch(scenario: Scenario) -> bool:
    """Whether the scenario defines a system to run over the city (any list, rule or scorer)."""
    return bool(getattr(scenario, "rules", None) or getattr(scenario, "lists", None)
                or getattr(scenario, "scorers", None))


def simulate(scenario: Scenario, out: str | Path, *, force: bool = False, watch: bool = True,
             variant: str = "watch", on_day: Callable[[int], None] | None = None,
             city: str | Path | None = None) -> Path:
    """Simulate the scenario (its world, and its watch unless ``watch`` is False or it has none)
    and write the run directory. ``on_day`` is called after each day (progress bars). ``city``,
    a folder :func:`custodiet.study._cities.prepare_city` wrote for this world config and seed,
    is loaded instead of building the city, and the store starts from its static tables."""
    run_watch = watch and has_watch(scenario)
    tables = {**schema.STATIC_TABLES, **schema.EVENT_TABLES}
    if run_watch:
        tables.update(schema.WATCH_TABLES)
        tables["cameras"] = CAMERAS
    start = city_database(city) if city is not None else None
    limit = store_memory_limit(scenario.world.people, watch=run_watch)
    with RunWriter(out, schemas=tables, force=force, start_from=start,
                   memory_limit=limit) as writer:
        timings = {"build": 0.0, "simulate": 0.0, "watch": 0.0, "store": 0.0}
        started = time.perf_counter()
        world, the_watch = _open_city(scenario, writer, city=city, run_watch=run_watch)
        timings["build"] = time.perf_counter() - started
        while not world.finished:
            t = time.perf_counter()
            events = world.step()
            timings["simulate"] += time.perf_counter() - t
            t = time.perf_counter()
            for name, table in events.items():
                writer.append(name, table)
            timings["store"] += time.perf_counter() - t
            if the_watch is not None:
                _watch_day(world, the_watch, events, writer, timings)
            del events  # not alive while the next day is drawn
            check_interrupt()  # a SIGTERM a library swallowed mid-query stops the run here
            if on_day is not None:
                on_day(world.day)
        return writer.finish(_manifest(scenario, variant, timings, run_watch=run_watch))


def _open_city(scenario: Scenario, writer: RunWriter, *, city: str | Path | None,
               run_watch: bool) -> tuple[World, Any]:
    """The world (built, its static tables appended; or loaded from a prepared ``city``) and,
    when the scenario is watched, its watch with the cameras written and made known."""
    if city is None:
        world = World(scenario.world, scenario.seed)
        static = world.static_tables(encoded=True)  # labels as codes: ENUMs in the store
        for name, table in static.items():
            writer.append(name, table)
    else:  # the store already holds the static tables; the watch still needs some
        world = load_world(city, scenario)
        static = world.static_tables(encoded=True) if run_watch else {}
    the_watch = None
    if run_watch:
        from custodiet.watch import Watch

        the_watch = Watch(scenario, {k: decoded(static[k])
                                     for k in ("persons", "places", "ties")},
                          start_weekday=scenario.world.start_weekday,
                          holidays=scenario.world.holiday_days)
        writer.append("cameras", pa.table(
            {"place_id": np.flatnonzero(the_watch.sensors.camera).astype(np.int64)},
            schema=CAMERAS))
        _expose_cameras(world, the_watch.sensors, static["persons"])
    return world, the_watch  # the static tables are freed once the store has inserted them


def _manifest(scenario: Scenario, variant: str, timings: dict[str, float], *,
              run_watch: bool) -> dict[str, Any]:
    """What the run's ``manifest.json`` says besides the row counts the store adds."""
    return {
        "kind": "study" if run_watch else "world",
        "variant": variant,
        "scenario": scenario.model_dump(mode="json"),
        "seed": scenario.seed,
        "people": scenario.world.people,
        "days": scenario.world.days,
        "versions": package_versions(),
        "seconds": {k: round(v, 3) for k, v in timings.items()},
    }


def _watch_day(world: World, the_watch: Any, events: dict[str, pa.Table], writer: RunWriter,
               timings: dict[str, float]) -> None:
    """The watch's part of a day: it observes what it may see (never ground truth), hands back
    intervention records the world applies, and the runner tells the world who now knows they
    are listed; its tables go to the store."""
    t = time.perf_counter()
    seen = {k: v for k, v in events.items() if k not in schema.TRUTH_TABLES}
    out_tables = the_watch.observe(seen)
    if not world.finished:  # the watch hands back records; the world applies them
        for r in the_watch.interventions():
            world.intervene(r.persons, r.action, r.t, until=r.until, chill=r.chill)
        _expose_listed(world, out_tables.get("list_changes"))
    timings["watch"] += time.perf_counter() - t
    t = time.perf_counter()
    for name, table in out_tables.items():
        writer.append(name, table)
    timings["store"] += time.perf_counter() - t


def _expose_cameras(world: World, sensors: Any, persons: pa.Table) -> None:
    """Tell the world who has a camera placed at their home, and who lives behind a compound
    gate with a camera (from the start, for good): two causes, two multipliers."""
    expose = getattr(world, "expose", None)
    if expose is None:  # a world without deterrence
        return
    home = persons.column("home_place").to_numpy()
    person = persons.column("person_id").to_numpy()
    expose(person[sensors.home_camera[home]], "camera", 0)
    expose(person[sensors.gate_camera[home]], "gate_camera", 0)


def _expose_listed(world: World, changes: pa.Table | None) -> None:
    """Tell the world who joined a list (whose existence people know of) on each logged day,
    from that day on (a removal does not undo what a person learnt)."""
    expose = getattr(world, "expose", None)
    if expose is None or changes is None or changes.num_rows == 0:
        return
    joined = changes.filter(pc.not_equal(changes["change"], "removed"))
    day = joined["day"].to_numpy()
    person = joined["person"].to_numpy()
    for d in np.unique(day):  # the day's changes: one or two distinct days
        expose(person[day == d], "listed", int(d) * schema.MINUTES_PER_DAY)


def simulate_world(scenario: Scenario, out: str | Path, *, force: bool = False,
                   on_day: Callable[[int], None] | None = None) -> Path:
    """Simulate the scenario's world alone (no watch) and write its run directory."""
    return simulate(scenario, out, force=force, watch=False, on_day=on_day)
