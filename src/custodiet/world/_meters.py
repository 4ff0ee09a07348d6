"""Household meters: daily water and power per household (the digital whistle's input)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.scenario._world import Behaviour


def meter_readings(day: int, household_size: np.ndarray, behaviour: Behaviour,
                   rng: np.random.Generator) -> pa.Table:
    """One reading per household: per-resident use times log-normal noise. Big households use
    more, which is the innocent look-alike of a crowded rental."""
    size = household_size.astype(np.float64)
    h = size.size
    noise_w = rng.lognormal(0.0, behaviour.utility_noise_sd, h)
    noise_p = rng.lognormal(0.0, behaviour.utility_noise_sd, h)
    return pa.table({
        "household": np.arange(h, dtype=np.int64), "day": np.full(h, day, np.int32),
        "water": (behaviour.water_litres_per_person * size * noise_w).astype(np.float32),
        "power": (behaviour.power_kwh_per_person * size * noise_p).astype(np.float32),
    }, schema=schema.UTILITY)
