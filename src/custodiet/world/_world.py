"""The synthetic city day by day: ordinary lives, latent wrongdoing, and the police's effects.

A :class:`World` is built once from a :class:`WorldConfig` and a seed, then stepped one day at a
time. Each step returns that day's event tables (Arrow, following :mod:`custodiet.schema`).

Between steps the runner may tell the world two things, each taking effect from the next step:

- :meth:`World.intervene` ``(persons, action, t, *, until=None, chill=0.0)``: a police action
  (``schema.POLICE_ACTIONS``) applied to persons. A ``visit`` also deters the visited and their
  ties for ``deterrence.visit_memory_days`` (causes ``visited`` and ``tie_visited``).
- :meth:`World.expose` ``(persons, cause, t, *, until=None)``: persons who from ``t`` know or
  believe they are watched, for a cause the world cannot see: ``"listed"`` (on a list whose
  existence they know of), ``"camera"`` (a camera placed at their home) or ``"gate_camera"`` (a
  camera at their compound's gate), until ``until`` (None: for good). Call it again to extend;
  the world never reads the watch.

Common random numbers: every draw of a person's decision on a day depends only on (seed, day,
decision, person) (:mod:`._crn`), so in a twin a person whose own state and whose ties' states
an action never changed lives exactly the same days.

The day's behaviours are declared in :mod:`._behaviours`, in the order they run, each in a
module of its own; this module only runs them on a day's context (:mod:`._context`).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet._malloc import keep_freed_memory
from custodiet.scenario import WorldConfig
from custodiet.scenario.models import ACTS
from custodiet.world._behaviours import BEHAVIOURS
from custodiet.world._calendar import weekday
from custodiet.world._collective import Groups, build_groups, draw_group_histories
from custodiet.world._context import Day
from custodiet.world._crn import Draws
from custodiet.world._day import DAY, Appetite, City
from custodiet.world._deterrence import EXPOSURE_CAUSES, Exposure
from custodiet.world._geography import Places, assign_daily_places, build_places
from custodiet.world._interventions import INTERVENTION_ACTIONS, Interventions
from custodiet.world._ledger import Ledger
from custodiet.world._population import ROLE, People, build_people
from custodiet.world._state import Destinations, State
from custodiet.world._tables import static_tables
from custodiet.world._ties import Ties, build_ties

__all__ = ["INTERVENTION_ACTIONS", "World"]


def _protest_weight(people: People, factor: np.ndarray) -> np.ndarray:
    """Each person's share of the city's protest propensity (see ``City.protest_weight``)."""
    history = people.history["protest_history"]
    eligible = (people.age >= 18) & ((people.grievance >= 0) | history)
    weight = eligible * (1.0 + 4.0 * history) * factor
    total = weight.sum()
    return weight / total if total > 0 else weight


class World:
    """A synthetic city: build it, then call :meth:`step` once per day."""

    def __init__(self, config: WorldConfig, seed: int):
        keep_freed_memory()  # the days reuse their arrays' memory instead of faulting it in
        self.config = config
        self.seed = int(seed)
        self.people: People = build_people(config, self.seed)
        self.places: Places
        self.places, _ = build_places(config, self.people, self.seed)
        assign_daily_places(config, self.people, self.places, self.seed)
        self.ties: Ties = build_ties(config, self.people, self.places, self.seed)
        self.groups: Groups = build_groups(config, self.people, self.places, self.seed)
        draw_group_histories(config, self.people, self.groups, self.seed)
        self.day = 0
        self.horizon = config.days * DAY
        n = self.people.n
        self.home = self.people.household.copy()  # home place id == household id
        self._factor = self.people.group_factor(config.incidents.behaviour_multiplier)
        self._city = City(config=config, seed=self.seed, people=self.people,
                          places=self.places, ties=self.ties, home=self.home,
                          dealers=np.flatnonzero(self.people.role == ROLE["dealer"]),
                          protest_weight=_protest_weight(self.people, self._factor))
        destinations = Destinations(capital=int(self.places.ids("capital")[0]),
                                    out_of_town=self.places.ids("out_of_town"))
        self._state = State.start(self.home, self.groups, destinations)
        self._police = Interventions(self._city, self._state)
        self._exposure = Exposure(n, config.deterrence, self.ties)
        self._ledger = Ledger()

    # ------------------------------------------------------------------ public interface
    def static_tables(self, *, encoded: bool = False) -> dict[str, pa.Table]:
        """``persons``, ``person_truth``, ``places`` and ``ties`` as Arrow tables; with
        ``encoded``, label columns as dictionary codes (what the store takes, as ENUMs)."""
        return static_tables(self.people, self.places, self.ties, self.groups.of,
                             self.config.history.temperament_labels, encoded=encoded)

    @property
    def finished(self) -> bool:
        """Whether every day of the horizon has been simulated."""
        return self.day >= self.config.days

    def step(self) -> dict[str, pa.Table]:
        """Simulate the next day and return its event tables (see :mod:`custodiet.schema`).

        A stay or phone-off spell is reported on the day it ends; on the last day everything
        still open is closed at the horizon.
        """
        if self.finished:
            raise RuntimeError("the world has simulated every day of its horizon")
        d = self.day
        t0 = d * DAY
        status = self._state.status(d, t0, weekday(self.config.start_date, d))
        day = Day(city=self._city, state=self._state, d=d, t0=t0,
                  draws=Draws(self.seed, d, self.people.n), status=status,
                  appetite=self._appetite(t0), ledger=self._ledger)
        for behaviour in BEHAVIOURS:
            behaviour.run(day)
        tables = {
            **day.tables,
            "tickets": self._ledger.take_tickets(),
            "checkpoints": self._ledger.take_checkpoints(),
            "trips": self._ledger.take_trips(),
            "incidents": self._ledger.take_incidents(),
            "interventions": self._police.take_table(),
        }
        self.day += 1
        return tables

    def intervene(self, persons: np.ndarray, action: str, t: int, *, until: int | None = None,
                  chill: float = 0.0) -> None:
        """Apply a police action to ``persons``; it takes effect from the next :meth:`step`.

        ``visit``: with probability ``chill`` a person's pending petition trip is dropped, and
        their appetite for every incident is multiplied by ``1 - chill`` from then on; the
        visited and their ties are deterred for ``deterrence.visit_memory_days``.
        ``block_travel``: pending trips are cancelled and no ticket is sold until ``until``
        (default: the horizon). ``detain``: held at a police station until ``until`` (default: a
        day), pending trips cancelled, a person away in the capital brought back.
        """
        applied = self._police.apply(self.day, persons, action, t, until, chill)
        if action == "visit":
            self._exposure.visited(applied, int(t))

    def expose(self, persons: np.ndarray, cause: str, t: int, *, until: int | None = None
               ) -> None:
        """Persons know or believe from ``t`` on that they are watched, for ``cause``
        (``"listed"``, ``"camera"`` or ``"gate_camera"``), until ``until`` (None: for good);
        it lowers their rate of each act (``[world.deterrence]``) from the next :meth:`step`."""
        if cause not in EXPOSURE_CAUSES:
            raise ValueError(f"cause {cause!r} cannot be told to the world; expected one of "
                             f"{EXPOSURE_CAUSES} (visits deter through intervene)")
        self._exposure.expose(persons, cause, int(t), until)

    # ------------------------------------------------------------------ the day's appetite
    def _appetite(self, t0: int) -> Appetite:
        codes = self._exposure.codes(t0)
        return Appetite(intent=self._state.intent, factor=self._factor,
                        deterrence={a: self._exposure.multiplier(a, codes) for a in ACTS})
