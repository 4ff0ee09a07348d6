"""Seed streams for the replications: one generator per (replication, setting, day, stream).

Keying the streams (rather than drawing from one generator in call order) gives twin runs common
random numbers: two variants of the same setting see the same crimes on the same day.
"""

from __future__ import annotations

import numpy as np

#: Stream numbers within a day: the world's draws and the policy's draws never share a stream.
WORLD, POLICY = 0, 1


def day_rng(seed: int, key: tuple[int, ...], day: int, stream: int) -> np.random.Generator:
    """The generator for one stream on one day of the setting identified by ``key``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(*key, day, stream)))
