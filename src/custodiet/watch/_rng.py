"""Seed streams of the watch: one generator per (day, module), apart from the world's streams."""

from __future__ import annotations

import numpy as np

_MODULES = {"sensors": 0, "registry": 1, "scorers": 2}
_WATCH_STAGE = 3  # the world uses spawn keys starting with 0, 1 and 2


def watch_rng(seed: int, day: int, module: str) -> np.random.Generator:
    """The generator for ``module`` on ``day`` (day -1: set-up)."""
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(_WATCH_STAGE, day + 1, _MODULES[module])))
