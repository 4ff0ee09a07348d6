"""Seed streams for building the city: one independent generator per module, derived from the
root seed (the days draw per person, see :mod:`._crn`).

Spawning by key rather than by call order means a module's draws do not depend on what other
modules drew.
"""

from __future__ import annotations

import numpy as np

_MODULES = {
    name: i
    for i, name in enumerate(
        (
            "households", "persons", "histories", "roles", "geography", "ties", "schedule",
            "errands", "trips", "incidents", "calls", "utility", "phones", "interventions",
            "occupancy", "groups", "records", "profiles", "group_histories",
        )
    )
}


def setup_rng(seed: int, module: str) -> np.random.Generator:
    """The generator for building the city (before day 0)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, _MODULES[module])))
