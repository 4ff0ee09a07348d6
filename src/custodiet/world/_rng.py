"""Seed streams for building the city: one independent generator per module, derived from the
root seed (the days draw per person, see :mod:`._crn`).

A module's stream is keyed by a hash of its name (as the day's decisions are, see
:func:`._crn.stream_key`), never by its place in :data:`MODULES`: adding, removing or
reordering a module leaves every other module's draws as they were, and a module's draws do
not depend on what other modules drew.
"""

from __future__ import annotations

import numpy as np

from custodiet.world._crn import stream_keys

MODULES: tuple[str, ...] = (
    "households", "persons", "histories", "roles", "geography", "ties", "schedule",
    "errands", "trips", "incidents", "calls", "utility", "phones", "interventions",
    "occupancy", "groups", "records", "profiles", "group_histories",
)
"""Every module that draws while the city is built, in any order (an unknown name is
refused)."""

_KEY = stream_keys(MODULES)


def setup_rng(seed: int, module: str) -> np.random.Generator:
    """The generator for building the city (before day 0)."""
    if module not in _KEY:
        raise KeyError(f"unknown module {module!r}: name it in _rng.MODULES")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, _KEY[module])))
