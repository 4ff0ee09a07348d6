"""Phone-off spells: ordinary ones (batteries, flights), and evasive petitioners' phones off for
the whole trip (NYT-12). A spell is reported on the day the phone comes back on; the spells
themselves are :class:`custodiet.world._state.Phones`."""

from __future__ import annotations

import numpy as np

from custodiet.world._context import Day
from custodiet.world._crn import exponential, integers
from custodiet.world._day import DAY


def switch_off(day: Day) -> None:
    """The behaviour: start today's spells: evasive petitioners leaving today, and ordinary
    ones."""
    phones, trips, draws = day.state.phones, day.state.trips, day.draws
    beh = day.city.config.behaviour
    off = phones.start >= 0
    dep = np.flatnonzero(day.status.departing & trips.evasive)
    if dep.size:
        s = trips.depart[dep] - 30
        e = trips.return_day[dep] * DAY + trips.arrive[dep]
        was = off[dep]
        phones.start[dep] = np.where(was, np.minimum(phones.start[dep], s), s)
        phones.end[dep] = np.where(was, np.maximum(phones.end[dep], e), e)
        off[dep] = True
    new = np.flatnonzero(~off & (draws.uniform("phone_off") < beh.phone_off_rate))
    s = day.t0 + integers(draws.at("phone_off_start", new), 0, DAY)
    phones.start[new] = s
    phones.end[new] = s + np.maximum(1, exponential(draws.at("phone_off_minutes", new),
                                                    beh.phone_off_minutes)).astype(np.int64)


def phone_off(day: Day) -> None:
    """The behaviour: the spells that ended today (all of them on the last day), as the
    ``phone_off`` table."""
    day.tables["phone_off"] = day.state.phones.take_done(day.t0, day.last, day.horizon)
