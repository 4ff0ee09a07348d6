"""Cities shared between the runs of a study: most variants of a seed simulate the same world
config and seed, so their city is built once, kept as the freshly built :class:`World` (pickled)
and its static tables in a finished run database, and every run loads the one and starts its
store from a copy of the other. A city depends only on what ``World(config, seed)`` reads: its
key hashes exactly that.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from custodiet import schema
from custodiet._malloc import keep_freed_memory, release_freed_memory
from custodiet.scenario import Scenario
from custodiet.store import DATABASE, RunWriter
from custodiet.world import World

#: The freshly built World, pickled, inside a city folder.
WORLD_FILE = "world.pickle"


def city_key(scenario: Scenario) -> str:
    """The hash of everything a World is built from (world config and seed): equal keys, equal
    cities."""
    text = json.dumps({"world": scenario.world.model_dump(mode="json"),
                       "seed": int(scenario.seed)}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def shared_cities(scenarios: Sequence[Scenario], root: Path) -> list[Path | None]:
    """For each scenario, the folder under ``root`` of its city when two or more scenarios
    share it (worth building once), else None (built by its run as usual)."""
    keys = [city_key(s) for s in scenarios]
    count = Counter(keys)
    return [Path(root) / k if count[k] > 1 else None for k in keys]


def prepare_city(scenario: Scenario, folder: str | Path) -> Path:
    """Build the scenario's World once and write its city folder atomically: the World pickled
    before any step, and its static tables stored as a run store stores them (ENUM labels)."""
    with RunWriter(folder, schemas=schema.STATIC_TABLES, force=True) as writer:
        started = time.perf_counter()
        world = World(scenario.world, scenario.seed)
        with open(writer.path / WORLD_FILE, "wb") as f:
            pickle.dump(world, f, protocol=5)
        for name, table in world.static_tables(encoded=True).items():
            writer.append(name, table)
        del world
        done = writer.finish({"kind": "city", "key": city_key(scenario),
                              "seconds": {"build": round(time.perf_counter() - started, 3)}})
    release_freed_memory()  # the runs may start beside this process: give the city back
    return done


def load_world(folder: str | Path, scenario: Scenario) -> World:
    """The city's World as freshly built; refuses a city built from another config or seed."""
    keep_freed_memory()  # as World() would: the loaded arrays and the days' come from the heap
    with open(Path(folder) / WORLD_FILE, "rb") as f:
        world = pickle.load(f)
    if world.config != scenario.world or world.seed != int(scenario.seed):
        raise ValueError(f"the city at {folder} was built for another world config or seed")
    return world


def city_database(folder: str | Path) -> Path:
    """The city's database of static tables, to start a run store from."""
    return Path(folder) / DATABASE
