"""Building a world run: the city day by day, streamed into a run directory."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from custodiet import schema
from custodiet._versions import package_versions
from custodiet.scenario import Scenario
from custodiet.store import RunWriter
from custodiet.world import World

ProgressFactory = Callable[[int, str], Callable[[], None]]


def simulate_world(scenario: Scenario, out: str | Path, *, force: bool = False,
                   on_day: Callable[[int], None] | None = None) -> Path:
    """Simulate the scenario's world and write its run directory (atomically).

    Memory stays bounded by the population and one day of events: each day is appended to the
    store before the next is simulated. ``on_day`` is called after each day (progress bars).
    """
    with RunWriter(out, schemas={**schema.STATIC_TABLES, **schema.EVENT_TABLES},
                   force=force) as writer:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        world = World(scenario.world, scenario.seed)
        for name, table in world.static_tables().items():
            writer.append(name, table)
        timings["build"] = time.perf_counter() - started
        simulate_s = store_s = 0.0
        while not world.finished:
            t = time.perf_counter()
            events = world.step()
            simulate_s += time.perf_counter() - t
            t = time.perf_counter()
            for name, table in events.items():
                writer.append(name, table)
            store_s += time.perf_counter() - t
            if on_day is not None:
                on_day(world.day)
        timings["simulate"] = simulate_s
        timings["store"] = store_s
        manifest = {
            "kind": "world",
            "scenario": scenario.model_dump(mode="json"),
            "seed": scenario.seed,
            "people": scenario.world.people,
            "days": scenario.world.days,
            "versions": package_versions(),
            "seconds": {k: round(v, 3) for k, v in timings.items()},
        }
        return writer.finish(manifest)
