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

from custodiet import schema
from custodiet._versions import package_versions
from custodiet.scenario import Scenario
from custodiet.store import RunWriter
from custodiet.world import World


def has_watch(scenario: Scenario) -> bool:
    """Whether the scenario defines a system to run over the city (any list, rule or scorer)."""
    return bool(getattr(scenario, "rules", None) or getattr(scenario, "lists", None)
                or getattr(scenario, "scorers", None))


def simulate(scenario: Scenario, out: str | Path, *, force: bool = False, watch: bool = True,
             variant: str = "watch", on_day: Callable[[int], None] | None = None) -> Path:
    """Simulate the scenario (its world, and its watch unless ``watch`` is False or it has none)
    and write the run directory. ``on_day`` is called after each day (progress bars)."""
    run_watch = watch and has_watch(scenario)
    tables = {**schema.STATIC_TABLES, **schema.EVENT_TABLES}
    if run_watch:
        tables.update(schema.WATCH_TABLES)
    with RunWriter(out, schemas=tables, force=force) as writer:
        timings = {"build": 0.0, "simulate": 0.0, "watch": 0.0, "store": 0.0}
        started = time.perf_counter()
        world = World(scenario.world, scenario.seed)
        static = world.static_tables()
        for name, table in static.items():
            writer.append(name, table)
        the_watch = None
        if run_watch:
            from custodiet.watch import Watch

            the_watch = Watch(scenario, {k: static[k] for k in ("persons", "places", "ties")})
        del static  # the store holds the tables until they are inserted, then frees them
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
                t = time.perf_counter()
                seen = {k: v for k, v in events.items() if k not in schema.TRUTH_TABLES}
                out_tables = the_watch.observe(seen)
                if not world.finished:  # the watch hands back records; the world applies them
                    for r in the_watch.interventions():
                        world.intervene(r.persons, r.action, r.t, until=r.until, chill=r.chill)
                timings["watch"] += time.perf_counter() - t
                t = time.perf_counter()
                for name, table in out_tables.items():
                    writer.append(name, table)
                timings["store"] += time.perf_counter() - t
            del events  # not alive while the next day is drawn
            if on_day is not None:
                on_day(world.day)
        manifest = {
            "kind": "study" if run_watch else "world",
            "variant": variant,
            "scenario": scenario.model_dump(mode="json"),
            "seed": scenario.seed,
            "people": scenario.world.people,
            "days": scenario.world.days,
            "versions": package_versions(),
            "seconds": {k: round(v, 3) for k, v in timings.items()},
        }
        return writer.finish(manifest)


def simulate_world(scenario: Scenario, out: str | Path, *, force: bool = False,
                   on_day: Callable[[int], None] | None = None) -> Path:
    """Simulate the scenario's world alone (no watch) and write its run directory."""
    return simulate(scenario, out, force=force, watch=False, on_day=on_day)
