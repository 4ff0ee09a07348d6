"""Seed streams: one independent generator per (stage, day, module), derived from the root seed.

Spawning by key rather than by call order means a module's draws do not depend on what other
modules drew, which is what makes twin runs share every draw until they diverge.
"""

from __future__ import annotations

import numpy as np

_MODULES = {
    name: i
    for i, name in enumerate(
        (
            "households", "persons", "histories", "roles", "geography", "ties", "schedule",
            "errands", "trips", "incidents", "calls", "utility", "phones", "interventions",
            "occupancy", "groups", "collective", "school",
            "road", "checkpoint", "festival",
        )
    )
}


def setup_rng(seed: int, module: str) -> np.random.Generator:
    """The generator for building the city (before day 0)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, _MODULES[module])))


def day_rng(seed: int, day: int, module: str) -> np.random.Generator:
    """The generator for one module on one day."""
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(1, day, _MODULES[module]))
    )


def intervention_rng(seed: int, day: int, call: int) -> np.random.Generator:
    """The generator for the ``call``-th police intervention applied before ``day``."""
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(2, day, call, _MODULES["interventions"]))
    )
