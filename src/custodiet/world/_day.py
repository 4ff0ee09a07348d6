"""The shape of a simulated day: the city a day runs in, each person's status, and the slots
of their schedule (where they are from when), shared by every behaviour module."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet import schema
from custodiet.scenario import WorldConfig
from custodiet.world._geography import Places
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


@dataclass
class Schedule:
    """Every person's slots for the day: place (-1 = unused) and start (minutes after midnight
    until :meth:`absolute`)."""

    place: np.ndarray
    start: np.ndarray

    @classmethod
    def ordinary(cls, city: City, rng: np.random.Generator) -> Schedule:
        """Wake and sleep at home, with the day's slot times drawn."""
        n = city.people.n
        place = np.full((n, N_SLOTS), -1, np.int64)
        start = np.zeros((n, N_SLOTS), np.int64)
        start[:, WAKE] = rng.integers(*WAKE_WINDOW, n)
        start[:, WORK] = rng.integers(*WORK_WINDOW, n)
        start[:, AFTER_WORK] = rng.integers(*AFTER_WORK_WINDOW, n)
        start[:, NIGHT] = rng.integers(*NIGHT_WINDOW, n)
        place[:, WAKE] = city.home
        place[:, NIGHT] = city.home
        return cls(place, start)

    def only(self, persons: np.ndarray, slot: int, place: np.ndarray) -> None:
        """Clear the persons' day and put them at ``place`` from ``slot`` on."""
        self.place[persons] = -1
        self.place[persons, slot] = place


def pick_place(places: Places, kind: str, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` places of one kind, each drawn uniformly."""
    ids = places.ids(kind)
    return ids[rng.integers(0, ids.size, count)]
