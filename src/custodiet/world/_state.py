"""What the world carries from one day to the next: trips, custody, phones, chilled intent,
the grievance groups and each person's open stay. Behaviours read and change it through the
day's context (:class:`custodiet.world._context.Day`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.world._collective import Groups
from custodiet.world._day import DAY, Status

NONE, PENDING, AWAY = 0, 1, 2
"""A person's trip state: none, decided and pending, away."""


@dataclass
class Trips:
    """Each person's trip: its state (none, pending, away) and, once decided, its plan."""

    state: np.ndarray
    depart: np.ndarray
    return_day: np.ndarray
    arrive: np.ndarray
    dest: np.ndarray
    petition: np.ndarray
    evasive: np.ndarray
    road: np.ndarray
    """By car or with a driver: no ticket, no station."""

    @classmethod
    def none(cls, n: int) -> Trips:
        return cls(state=np.zeros(n, np.int8), depart=np.zeros(n, np.int64),
                   return_day=np.zeros(n, np.int64), arrive=np.zeros(n, np.int64),
                   dest=np.full(n, -1, np.int64), petition=np.zeros(n, bool),
                   evasive=np.zeros(n, bool), road=np.zeros(n, bool))


@dataclass(frozen=True)
class Destinations:
    """Where trips go: the capital (petitions) and other destinations outside the city."""

    capital: int
    out_of_town: np.ndarray


@dataclass
class Custody:
    """Each person's detention (until, and where) and travel block (until)."""

    detained_until: np.ndarray
    detain_place: np.ndarray
    blocked_until: np.ndarray

    @classmethod
    def free(cls, n: int) -> Custody:
        return cls(detained_until=np.zeros(n, np.int64), detain_place=np.full(n, -1, np.int64),
                   blocked_until=np.zeros(n, np.int64))


@dataclass
class Phones:
    """Each person's open phone-off spell (start, end; -1 when the phone is on)."""

    start: np.ndarray
    end: np.ndarray

    @classmethod
    def on(cls, n: int) -> Phones:
        return cls(start=np.full(n, -1, np.int64), end=np.full(n, -1, np.int64))

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


@dataclass
class State:
    """The world between days. ``intent`` is each person's chill left by visits (1: none);
    ``open_place`` and ``open_start`` each person's stay not yet closed."""

    trips: Trips
    custody: Custody
    phones: Phones
    intent: np.ndarray
    groups: Groups
    destinations: Destinations
    open_place: np.ndarray
    open_start: np.ndarray

    @classmethod
    def start(cls, home: np.ndarray, groups: Groups, destinations: Destinations) -> State:
        """Everyone at home, free, with their phone on, before day 0."""
        n = home.size
        return cls(trips=Trips.none(n), custody=Custody.free(n), phones=Phones.on(n),
                   intent=np.ones(n), groups=groups, destinations=destinations,
                   open_place=home.copy(), open_start=np.zeros(n, np.int64))

    def status(self, d: int, t0: int, weekday: int) -> Status:
        """Who is held, leaving, coming back, away, or free on day ``d``."""
        trips = self.trips
        detained = self.custody.detained_until > t0
        state = trips.state
        departing = (state == PENDING) & (trips.depart // DAY == d) & ~detained
        returning = (state == AWAY) & (trips.return_day == d)
        away = (state == AWAY) & (trips.return_day > d)
        free = ~(detained | departing | returning | away)
        return Status(detained=detained, departing=departing, returning=returning, away=away,
                      free=free, weekend=np.bool_(weekday >= 5))
