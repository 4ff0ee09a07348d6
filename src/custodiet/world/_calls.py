"""Calls along ties and to out-of-town numbers (habitual or new); drug users call new
out-of-town numbers often (NYT-6's footprint). No calls while the phone is off.

Everyone's ordinary calls do not depend on anyone's state, so they are drawn as one stream of
a fixed length (per person and call); drug users' extra calls depend on their appetite and are
drawn per (person, call)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.world._context import Day
from custodiet.world._crn import integers, neighbour, poisson
from custodiet.world._kernels import calls_on

_FRESH = schema.OUT_OF_TOWN_NUMBER_BASE + (1 << 38)


def calls(day: Day) -> None:
    """The behaviour: the day's ``calls`` table: ordinary calls, then drug users' calls to new
    numbers; none while the caller's phone is off."""
    city, draws, t0 = day.city, day.draws, day.t0
    intent, phones = day.state.intent, day.state.phones
    beh = city.config.behaviour
    n = city.people.n
    rng = draws.generator("calls")
    per = rng.poisson(beh.calls_per_day, n)
    caller = np.repeat(np.arange(n, dtype=np.int64), per)
    del per
    m = caller.size
    # The stream's draws in their fixed order; each column is built in place and every
    # temporary freed as soon as it is used (a call costs 8-byte columns at the day's peak).
    t = rng.integers(420, 1320, m)
    t += t0
    out = rng.random(m) < beh.out_of_town_call_share
    new_number = rng.random(m) < beh.new_number_share
    callee = rng.integers(0, 3, m)  # habitual out-of-town numbers: 4 per caller
    callee += schema.OUT_OF_TOWN_NUMBER_BASE
    callee += caller * 4
    fresh = rng.integers(0, 1 << 37, m)
    fresh += _FRESH
    np.copyto(callee, fresh, where=new_number)
    del fresh, new_number
    local = neighbour(city.ties.indptr, city.ties.neighbours, caller, rng.random(m))
    np.copyto(local, rng.integers(0, n, m), where=local < 0)
    np.copyto(callee, local, where=~out)
    del local

    users = np.flatnonzero(city.people.history["drug_use"])
    extra = poisson(draws.at("drug_calls", users),
                    city.config.incidents.drug_call_rate * intent[users])
    x_caller = np.repeat(users, extra)
    nth = np.arange(x_caller.size) - np.repeat(np.cumsum(extra) - extra, extra)
    x_t = t0 + integers(draws.at("drug_call_minute", x_caller, nth), 420, 1320)
    x_callee = _FRESH + integers(draws.at("drug_call_number", x_caller, nth), 0, 1 << 37)

    # Both kinds in that order, less the calls made while the caller's phone was off.
    caller, callee, t, out = calls_on(caller, t, callee, out, x_caller, np.asarray(x_t, np.int64),
                                      np.asarray(x_callee, np.int64), phones.start, phones.end)
    day.tables["calls"] = pa.table({"caller": caller, "callee": callee, "t": t,
                                    "out_of_town": out}, schema=schema.CALLS)
