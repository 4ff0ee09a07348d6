"""Police actions applied to the world (:data:`custodiet.schema.POLICE_ACTIONS`): custody,
travel blocks and chilled intent, and the log of what each action prevented."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.world import _travel as travel
from custodiet.world._crn import Draws, pick
from custodiet.world._day import DAY, City
from custodiet.world._travel import Trips

INTERVENTION_ACTIONS = schema.POLICE_ACTION_NAMES


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
class Interventions:
    """Applies police actions and logs them, one entry per call, until the day's table is
    taken."""

    custody: Custody
    log: list[tuple[np.ndarray, int, str, np.ndarray]] = field(default_factory=list)

    def apply(self, city: City, trips: Trips, intent: np.ndarray, day: int, horizon: int,
              persons: np.ndarray, action: str, t: int, until: int | None,
              chill: float) -> np.ndarray:
        """Apply one action to ``persons`` (see :meth:`custodiet.world.World.intervene`);
        returns them, each once."""
        if action not in INTERVENTION_ACTIONS:
            raise ValueError(f"unknown action {action!r}; expected one of {INTERVENTION_ACTIONS}")
        if not 0.0 <= chill <= 1.0:
            raise ValueError("chill must be in [0, 1]")
        persons = np.unique(np.asarray(persons, dtype=np.int64))
        if persons.size == 0:
            return persons
        draws = Draws(city.seed, day, city.people.n)
        pending = trips.state[persons] == travel.PENDING
        custody = self.custody
        if action == "visit":
            chilled = draws.at("chill", persons) < chill
            cancel = pending & trips.petition[persons] & chilled
            intent[persons[chilled]] *= 1.0 - chill
        elif action == "block_travel":
            cancel = pending
            stop = horizon if until is None else int(until)
            custody.blocked_until[persons] = np.maximum(custody.blocked_until[persons], stop)
        else:
            cancel = pending
            stop = int(t) + DAY if until is None else int(until)
            custody.detained_until[persons] = np.maximum(custody.detained_until[persons], stop)
            police = city.places.ids("police")
            custody.detain_place[persons] = pick(draws.at("custody_place", persons), police)
            away = persons[trips.state[persons] == travel.AWAY]
            trips.state[away] = travel.NONE
        prevented = np.where(cancel & trips.petition[persons], "petition_trip", "")
        trips.state[persons[cancel]] = travel.NONE
        self.log.append((persons, int(t), action, prevented))
        return persons

    def take_table(self) -> pa.Table:
        """The actions applied since the last call, as ``interventions`` rows."""
        if not self.log:
            return schema.INTERVENTIONS.empty_table()
        log, self.log = self.log, []
        return pa.table({
            "person": np.concatenate([p for p, _, _, _ in log]),
            "t": np.concatenate([np.full(p.size, t, np.int64) for p, t, _, _ in log]),
            "action": np.concatenate([np.full(p.size, a, object) for p, _, a, _ in log]),
            "prevented": np.concatenate([pr for _, _, _, pr in log]),
        }, schema=schema.INTERVENTIONS)
