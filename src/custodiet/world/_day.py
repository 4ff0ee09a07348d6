"""The shape of a simulated day: the city a day runs in, each person's status and appetite for
each act, the slots of their schedule (where they are from when), their outing, and the
gatherings of the day, shared by every behaviour module."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet import schema
from custodiet.scenario import WorldConfig
from custodiet.world._crn import Draws, pick
from custodiet.world._geography import Places
from custodiet.world._ledger import Ledger
from custodiet.world._population import People
from custodiet.world._ties import Ties

DAY = schema.MINUTES_PER_DAY

# Slot columns of a day's schedule; starts are strictly increasing over the used ones.
WAKE, WORK, AFTER_WORK, ERRAND, BACK, NIGHT = range(6)
N_SLOTS = 6
# Time windows (minutes after midnight) of the slots: assumption, a typical urban day.
WAKE_WINDOW = (360, 450)
WORK_WINDOW = (450, 540)
AFTER_WORK_WINDOW = (1000, 1080)
ERRAND_AFTER_WORK = (1085, 1140)
ERRAND_FREE = (600, 1080)
NIGHT_WINDOW = (1260, 1380)
DEPART_WINDOW = (600, 1140)


@dataclass(frozen=True)
class City:
    """What a day runs in and never changes: parameters, people, places, ties, homes."""

    config: WorldConfig
    seed: int
    people: People
    places: Places
    ties: Ties
    home: np.ndarray
    """Each person's home place (home place id == household id)."""
    dealers: np.ndarray
    """Every dealer (role), ascending: whom a buyer can go to."""
    protest_weight: np.ndarray
    """Each person's share of the city's protest propensity (adults with a grievance or a
    protest history, five times for the latter, times their group's multiplier; sums to 1)."""


@dataclass(frozen=True)
class Status:
    """Who is doing what today, before the day is planned (boolean per person)."""

    detained: np.ndarray
    departing: np.ndarray
    returning: np.ndarray
    away: np.ndarray
    free: np.ndarray
    """Neither held, travelling nor away: free to live an ordinary day."""
    weekend: np.bool_


@dataclass(frozen=True)
class Appetite:
    """Each person's appetite for each act today: the chill left by visits (``intent``), their
    group's multiplier (``factor``) and deterrence (a multiplier per act, 1.0 when none)."""

    intent: np.ndarray
    factor: np.ndarray
    deterrence: dict[str, np.ndarray | float]

    def of(self, act: str) -> np.ndarray:
        """intent × factor × deterrence for ``act``."""
        return self.intent * self.factor * self.deterrence[act]


@dataclass
class Schedule:
    """Every person's slots for the day: place (-1 = unused) and start (minutes after
    midnight)."""

    place: np.ndarray
    start: np.ndarray

    @classmethod
    def ordinary(cls, city: City, draws: Draws) -> Schedule:
        """Wake and sleep at home, with the day's slot times drawn."""
        n = city.people.n
        place = np.full((n, N_SLOTS), -1, np.int64)
        start = np.zeros((n, N_SLOTS), np.int64)
        start[:, WAKE] = draws.integers("wake", *WAKE_WINDOW)
        start[:, WORK] = draws.integers("work_start", *WORK_WINDOW)
        start[:, AFTER_WORK] = draws.integers("after_work", *AFTER_WORK_WINDOW)
        start[:, NIGHT] = draws.integers("night_start", *NIGHT_WINDOW)
        place[:, WAKE] = city.home
        place[:, NIGHT] = city.home
        return cls(place, start)

    def only(self, persons: np.ndarray, slot: int, place: np.ndarray) -> None:
        """Clear the persons' day and put them at ``place`` from ``slot`` on."""
        self.place[persons] = -1
        self.place[persons, slot] = place


def pick_place(places: Places, kind: str, u: np.ndarray) -> np.ndarray:
    """One place of one kind per uniform, each drawn uniformly."""
    return pick(u, places.ids(kind))


@dataclass
class Outings:
    """Each person's outing of the day: place (-1 = none), start and duration (minutes)."""

    place: np.ndarray
    start: np.ndarray
    dur: np.ndarray

    @classmethod
    def none(cls, default_start: np.ndarray) -> Outings:
        """Nobody out yet; an outing starts at ``default_start`` unless its kind says when."""
        n = default_start.size
        return cls(place=np.full(n, -1, np.int64), start=default_start.copy(),
                   dur=np.zeros(n, np.int64))

    def set(self, persons: np.ndarray, place: np.ndarray, start: np.ndarray,
            dur: np.ndarray) -> None:
        self.place[persons], self.start[persons], self.dur[persons] = place, start, dur


@dataclass
class Gathering:
    """People at the day's protests or meetings, each with their event's group (an index
    among the day's events), place, start and length."""

    member: np.ndarray
    group: np.ndarray
    place: np.ndarray
    start: np.ndarray
    dur: np.ndarray

    @classmethod
    def none(cls) -> Gathering:
        empty = np.zeros(0, np.int64)
        return cls(empty, empty, empty, empty, empty)

    def record(self, ledger: Ledger, t0: int) -> None:
        """A protest of two or more is an incident (lawful)."""
        order = np.argsort(self.group, kind="stable")
        member, group = self.member[order], self.group[order]
        _, first, counts = np.unique(group, return_index=True, return_counts=True)
        keep = np.repeat(counts >= 2, counts)
        first, counts = first[counts >= 2], counts[counts >= 2]
        ledger.incidents("protest", (member[keep], counts), self.start[order][first] + t0 + 1,
                         self.place[order][first])


@dataclass(frozen=True)
class Today:
    """What the grievance groups do today: meetings and protests (members with their event's
    place, start and length), and who leaves to petition with their group."""

    meetings: Gathering
    protests: Gathering
    petitioners: np.ndarray

    @classmethod
    def none(cls, n: int) -> Today:
        return cls(Gathering.none(), Gathering.none(), np.zeros(n, bool))
