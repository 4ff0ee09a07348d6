"""Phone-off spells: ordinary ones (batteries, flights), and evasive petitioners' phones off for
the whole trip (NYT-12). A spell is reported on the day the phone comes back on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.world._crn import Draws, exponential, integers
from custodiet.world._day import DAY, City, Status
from custodiet.world._travel import Trips


@dataclass
class Phones:
    """Each person's open phone-off spell (start, end; -1 when the phone is on)."""

    start: np.ndarray
    end: np.ndarray

    @classmethod
    def on(cls, n: int) -> Phones:
        return cls(start=np.full(n, -1, np.int64), end=np.full(n, -1, np.int64))

    def switch_off(self, city: City, trips: Trips, status: Status, t0: int,
                   draws: Draws) -> None:
        """Start today's spells: evasive petitioners leaving today, and ordinary ones."""
        beh = city.config.behaviour
        off = self.start >= 0
        dep = np.flatnonzero(status.departing & trips.evasive)
        if dep.size:
            s = trips.depart[dep] - 30
            e = trips.return_day[dep] * DAY + trips.arrive[dep]
            was = off[dep]
            self.start[dep] = np.where(was, np.minimum(self.start[dep], s), s)
            self.end[dep] = np.where(was, np.maximum(self.end[dep], e), e)
            off[dep] = True
        new = np.flatnonzero(~off & (draws.uniform("phone_off") < beh.phone_off_rate))
        s = t0 + integers(draws.at("phone_off_start", new), 0, DAY)
        self.start[new] = s
        self.end[new] = s + np.maximum(1, exponential(draws.at("phone_off_minutes", new),
                                                      beh.phone_off_minutes)).astype(np.int64)

    def take_done(self, t0: int, last: bool, horizon: int) -> pa.Table:
        """The spells that ended today (all of them on the last day), as ``phone_off`` rows."""
        active = self.start >= 0
        cut = horizon if last else t0 + DAY
        done = np.flatnonzero(active & ((self.end <= cut) | last))
        table = pa.table({"person": done, "start": self.start[done],
                          "end": np.minimum(self.end[done], horizon)}, schema=schema.PHONE_OFF)
        self.start[done] = -1
        self.end[done] = -1
        return table

    def is_off(self, person: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Whether each person's phone is off at the matching time."""
        return (self.start[person] >= 0) & (t >= self.start[person]) & (t < self.end[person])
