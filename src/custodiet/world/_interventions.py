"""Police actions applied to the world (:data:`custodiet.schema.POLICE_ACTIONS`): custody,
travel blocks and chilled intent, and the log of what each action prevented."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.world._crn import Draws, pick
from custodiet.world._day import DAY, City
from custodiet.world._state import AWAY, NONE, PENDING, State

INTERVENTION_ACTIONS = schema.POLICE_ACTION_NAMES


@dataclass
class Interventions:
    """Applies police actions to the world's state (custody, trips, intent) and logs them, one
    entry per call, until the day's table is taken."""

    city: City
    state: State
    log: list[tuple[np.ndarray, int, str, np.ndarray]] = field(default_factory=list)

    def apply(self, d: int, persons: np.ndarray, action: str, t: int, until: int | None,
              chill: float) -> np.ndarray:
        """Apply one action to ``persons`` on day ``d`` (see
        :meth:`custodiet.world.World.intervene`); returns them, each once."""
        if action not in INTERVENTION_ACTIONS:
            raise ValueError(f"unknown action {action!r}; expected one of {INTERVENTION_ACTIONS}")
        if not 0.0 <= chill <= 1.0:
            raise ValueError("chill must be in [0, 1]")
        persons = np.unique(np.asarray(persons, dtype=np.int64))
        if persons.size == 0:
            return persons
        city, trips, custody = self.city, self.state.trips, self.state.custody
        draws = Draws(city.seed, d, city.people.n)
        pending = trips.state[persons] == PENDING
        if action == "visit":
            chilled = draws.at("chill", persons) < chill
            cancel = pending & trips.petition[persons] & chilled
            self.state.intent[persons[chilled]] *= 1.0 - chill
        elif action == "block_travel":
            cancel = pending
            stop = city.config.days * DAY if until is None else int(until)
            custody.blocked_until[persons] = np.maximum(custody.blocked_until[persons], stop)
        else:
            cancel = pending
            stop = int(t) + DAY if until is None else int(until)
            custody.detained_until[persons] = np.maximum(custody.detained_until[persons], stop)
            police = city.places.ids("police")
            custody.detain_place[persons] = pick(draws.at("custody_place", persons), police)
            away = persons[trips.state[persons] == AWAY]
            trips.state[away] = NONE
        prevented = np.where(cancel & trips.petition[persons], "petition_trip", "")
        trips.state[persons[cancel]] = NONE
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
