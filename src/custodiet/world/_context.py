"""The contract every behaviour of a day follows.

A :class:`Day` holds what every behaviour reads (the city, the world's state across days, the
day and its draws, each person's status and appetite for each act, the ledger) and the
buffers behaviours fill in turn (the groups' events, the schedule, who works, the day's
tables). A :class:`Behaviour` is a named step run on the day; :data:`custodiet.world.
_behaviours.BEHAVIOURS` lists them in the order they run. An :class:`OutingKind` claims, among
the persons still available, those who spend their one outing of the day on it;
:data:`custodiet.world._behaviours.OUTINGS` is the priority chain they are claimed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import pyarrow as pa

from custodiet.world._calendar import festival_day
from custodiet.world._crn import Draws
from custodiet.world._day import (
    DAY,
    ERRAND,
    N_SLOTS,
    Appetite,
    City,
    Schedule,
    Status,
    Today,
)
from custodiet.world._ledger import Ledger
from custodiet.world._state import State

_NOBODY = np.zeros(0, np.int64)


def _no_plan() -> Schedule:
    return Schedule(np.zeros((0, N_SLOTS), np.int64), np.zeros((0, N_SLOTS), np.int64))


@dataclass
class Day:
    """One day of one world: the context every behaviour reads and the buffers they fill.

    Buffers, in the order they are filled: ``together`` (the groups' events), ``plan`` (every
    person's slots, minutes after midnight), ``works`` (who works
    or is at school today) and ``tables`` (the day's event tables, by name). The outings are
    the outing step's own (written into ``plan``), so they are freed with it."""

    city: City
    state: State
    d: int
    t0: int
    draws: Draws
    status: Status
    appetite: Appetite
    ledger: Ledger
    together: Today = field(default_factory=lambda: Today.none(0))
    plan: Schedule = field(default_factory=_no_plan)
    works: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    tables: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.city.people.n

    @property
    def last(self) -> bool:
        """Whether this is the horizon's last day (everything still open is closed)."""
        return self.d == self.city.config.days - 1

    @property
    def horizon(self) -> int:
        return self.city.config.days * DAY

    @property
    def festival(self) -> bool:
        """Whether the day is in the Spring Festival."""
        cfg = self.city.config
        return festival_day(cfg.start_date, self.d, cfg.spring_festival)

    @property
    def default_start(self) -> np.ndarray:
        """Each person's outing start unless its kind says otherwise (after work, or any time
        of a free day)."""
        return self.plan.start[:, ERRAND]

    def release_buffers(self) -> None:
        """Free the buffers no step after the stays reads (the schedule, (persons × slots) × 2
        int64), so they are not alive while the calls are drawn."""
        self.plan = _no_plan()
        self.works = np.zeros(0, bool)
        self.together = Today.none(0)


@dataclass(frozen=True)
class Behaviour:
    """A named step of the day: ``run`` reads the day's context and fills its buffers."""

    name: str
    run: Callable[[Day], None]


class Role(IntEnum):
    """What an outing kind's incidents need before they are recorded; once the chain is done
    the kinds' incidents are recorded by role in this order, and in chain order within one."""

    ALONE = 0
    """An act done alone (a theft, a burglary): complete once claimed."""
    CROWD = 1
    """Done with others who came on their own draws (a protest of two or more): complete once
    every kind has claimed its persons."""
    ALONG = 2
    """Needs a tie taken along (recruiting): complete once companions have joined."""
    ORDINARY = 3
    """Ordinary life: no incident."""


@dataclass
class Claim:
    """The persons an outing kind claimed (ids, each once) with their outing (per person), and
    the ties some of them ask along (``drawer`` asks ``drawn``; -1: nobody). ``record`` puts
    the kind's incidents in the ledger, given which of the drawn came along."""

    who: np.ndarray
    place: np.ndarray
    start: np.ndarray
    dur: np.ndarray
    drawer: np.ndarray = field(default_factory=lambda: _NOBODY)
    drawn: np.ndarray = field(default_factory=lambda: _NOBODY)
    record: Callable[[Day, np.ndarray], None] | None = None


@dataclass(frozen=True)
class OutingKind:
    """One link of the outing priority chain: ``claim(day, available)`` picks, among the
    ``available`` persons (a boolean mask it must not change), who goes on this kind of outing
    today."""

    name: str
    role: Role
    claim: Callable[[Day, np.ndarray], Claim]
