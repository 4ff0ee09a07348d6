"""Calls along ties and to out-of-town numbers (habitual or new); drug users call new
out-of-town numbers often (NYT-6's footprint). No calls while the phone is off."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.world._day import City
from custodiet.world._phones import Phones


def calls(city: City, intent: np.ndarray, phones: Phones, t0: int,
          rng: np.random.Generator) -> pa.Table:
    """The day's ``calls`` rows."""
    cfg = city.config
    beh = cfg.behaviour
    n = city.people.n
    everyone = np.arange(n, dtype=np.int64)
    per = rng.poisson(beh.calls_per_day, n)
    drug = city.people.history["drug_use"]
    extra = np.where(drug, rng.poisson(cfg.incidents.drug_call_rate * intent), 0)
    caller = np.concatenate([np.repeat(everyone, per), np.repeat(everyone, extra)])
    is_extra = np.zeros(caller.size, bool)
    is_extra[int(per.sum()):] = True
    m = caller.size
    t = t0 + rng.integers(420, 1320, m)
    out = is_extra | (rng.random(m) < beh.out_of_town_call_share)
    new_number = is_extra | (rng.random(m) < beh.new_number_share)
    habitual = schema.OUT_OF_TOWN_NUMBER_BASE + caller * 4 + rng.integers(0, 3, m)
    fresh = schema.OUT_OF_TOWN_NUMBER_BASE + (1 << 38) + rng.integers(0, 1 << 37, m)
    local = city.ties.random_neighbour(rng, caller)
    local = np.where(local >= 0, local, rng.integers(0, n, m))
    callee = np.where(out, np.where(new_number, fresh, habitual), local)
    on = ~phones.is_off(caller, t)
    return pa.table({"caller": caller[on], "callee": callee[on], "t": t[on],
                     "out_of_town": out[on]}, schema=schema.CALLS)
