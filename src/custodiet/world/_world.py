"""The synthetic city day by day: ordinary lives, latent wrongdoing, and the police's effects.

A :class:`World` is built once from a :class:`WorldConfig` and a seed, then stepped one day at a
time. Each step returns that day's event tables (Arrow, following :mod:`custodiet.schema`).

Between steps the runner may tell the world two things, each taking effect from the next step:

- :meth:`World.intervene` ``(persons, action, t, *, until=None, chill=0.0)``: a police action
  (``schema.POLICE_ACTIONS``) applied to persons. A ``visit`` also deters the visited and their
  ties for ``deterrence.visit_memory_days`` (causes ``visited`` and ``tie_visited``).
- :meth:`World.expose` ``(persons, cause, t, *, until=None)``: persons who from ``t`` know or
  believe they are watched, for a cause the world cannot see: ``"listed"`` (on a list whose
  existence they know of) or ``"camera"`` (a camera at their home), until ``until`` (None: for
  good). Call it again to extend; the world never reads the watch.

Common random numbers: every draw of a person's decision on a day depends only on (seed, day,
decision, person) (:mod:`._crn`), so in a twin a person whose own state and whose ties' states
an action never changed lives exactly the same days.

The day's behaviours live in one module each: :mod:`._travel`, :mod:`._outings`,
:mod:`._nights`, :mod:`._phones`, :mod:`._calls`, :mod:`._meters`, :mod:`._incidents`,
:mod:`._interventions` and :mod:`._deterrence`; this module only plans the day with them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet._malloc import keep_freed_memory
from custodiet.scenario import WorldConfig
from custodiet.scenario._world import ACTS
from custodiet.world import _calendar as calendar
from custodiet.world import _incidents as incidents
from custodiet.world import _travel as travel
from custodiet.world._calls import calls
from custodiet.world._collective import Groups, Today, build_groups, draw_group_histories
from custodiet.world._collective import today as groups_today
from custodiet.world._crn import Draws
from custodiet.world._day import (
    AFTER_WORK,
    BACK,
    DAY,
    ERRAND,
    ERRAND_AFTER_WORK,
    ERRAND_FREE,
    NIGHT,
    WAKE,
    WORK,
    Appetite,
    City,
    Schedule,
    Status,
)
from custodiet.world._deterrence import EXPOSURE_CAUSES, Exposure
from custodiet.world._geography import Places, assign_daily_places, build_places
from custodiet.world._interventions import INTERVENTION_ACTIONS, Custody, Interventions
from custodiet.world._ledger import Ledger
from custodiet.world._meters import meter_readings, occupants_present
from custodiet.world._nights import nights
from custodiet.world._outings import Outings, outings
from custodiet.world._phones import Phones
from custodiet.world._population import ROLE, People, build_people
from custodiet.world._stays import close_stays
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
        self._open_place = self.home.copy()
        self._open_start = np.zeros(n, np.int64)
        self._trips = travel.Trips.none(n)
        self._phones = Phones.on(n)
        self._police = Interventions(Custody.free(n))
        self._exposure = Exposure(n, config.deterrence, self.ties)
        self._intent = np.ones(n)
        self._ledger = Ledger()
        self._destinations = travel.Destinations(
            capital=int(self.places.ids("capital")[0]),
            out_of_town=self.places.ids("out_of_town"))

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
        last = d == self.config.days - 1
        draws = Draws(self.seed, d, self.people.n)
        weekday = calendar.weekday(self.config.start_date, d)
        status = travel.status(self._trips, self._police.custody.detained_until, d, t0, weekday)
        appetite = self._appetite(t0)
        together = groups_today(self.config, self.groups, status.free, appetite, draws)
        self._decide_trips(d, t0, status, appetite, together, draws)
        plan = self._plan_day(d, t0, status, appetite, together, draws)
        self._phones.switch_off(self._city, self._trips, status, t0, draws)
        stays = self._stays(plan, last)
        del plan  # (persons × slots) × 2 int64: not alive while the calls are drawn
        tables = {
            "stays": stays,
            "calls": calls(self._city, self._intent, self._phones, t0, draws),
            "phone_off": self._phones.take_done(t0, last, self.horizon),
            "utility": meter_readings(d, self._city, occupants_present(self._city, status),
                                      draws.generator("utility")),
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
        applied = self._police.apply(self._city, self._trips, self._intent, self.day,
                                     self.horizon, persons, action, t, until, chill)
        if action == "visit":
            self._exposure.visited(applied, int(t))

    def expose(self, persons: np.ndarray, cause: str, t: int, *, until: int | None = None
               ) -> None:
        """Persons know or believe from ``t`` on that they are watched, for ``cause``
        (``"listed"`` or ``"camera"``), until ``until`` (None: for good); it lowers their
        rate of each act (``[world.deterrence]``) from the next :meth:`step`."""
        if cause not in EXPOSURE_CAUSES:
            raise ValueError(f"cause {cause!r} cannot be told to the world; expected one of "
                             f"{EXPOSURE_CAUSES} (visits deter through intervene)")
        self._exposure.expose(persons, cause, int(t), until)

    # ------------------------------------------------------------------ the day's plan
    def _appetite(self, t0: int) -> Appetite:
        codes = self._exposure.codes(t0)
        return Appetite(intent=self._intent, factor=self._factor,
                        deterrence={a: self._exposure.multiplier(a, codes) for a in ACTS})

    def _decide_trips(self, d: int, t0: int, status: Status, appetite: Appetite,
                      together: Today, draws: Draws) -> None:
        """New trips (ordinary and petition, alone or with a grievance group, and home for
        the Spring Festival) among people free, home and not blocked."""
        idle = (status.free & (self._trips.state == travel.NONE)
                & (self._police.custody.blocked_until <= t0))
        grievance = self.people.grievance >= 0
        p_petition = self.config.incidents.petition_rate * appetite.of("petition_trip") * grievance
        p_petition = np.where(together.petitioners, 1.0, p_petition)
        travel.decide(self._city, self._trips, self._destinations, self._ledger, d, t0, idle,
                      p_petition, draws)
        travel.festival_trips(self._city, self._trips, self._destinations, self._ledger, d, t0,
                              idle, draws)

    def _plan_day(self, d: int, t0: int, status: Status, appetite: Appetite, together: Today,
                  draws: Draws) -> Schedule:
        """Every person's slots for the day, with absolute starts: home, work, an outing, the
        night; then travel and custody override the ordinary day."""
        city, free = self._city, status.free
        plan = Schedule.ordinary(city, draws)
        works = self._work(plan, status, appetite, t0, draws)
        out = outings(city, free, works, plan.start[:, ERRAND], appetite, together,
                      self._ledger, t0, draws)
        self._place_outings(plan, out)
        festival = calendar.festival_day(self.config.start_date, d, self.config.spring_festival)
        plan.place[:, NIGHT] = nights(city, free, plan.start[:, NIGHT], appetite, self._ledger,
                                      t0, draws, festival)
        if d == 0:
            incidents.standing(city, self._ledger)
        self._travel_and_custody(status, plan, t0, draws)
        plan.start += t0
        return plan

    def _work(self, plan: Schedule, status: Status, appetite: Appetite, t0: int,
              draws: Draws) -> np.ndarray:
        """Who goes to work or school today (and is home after it); draws the outing's default
        start (after work, or any time of a free day). Returns who works."""
        people = self.people
        illegal = people.role == ROLE["illegal_worker"]
        works = (status.free & ~status.weekend & (people.work_place >= 0)
                 & (people.employed | people.student | illegal))
        works = incidents.illegal_work(self._city, works, plan.start[:, WORK], appetite,
                                       self._ledger, t0, draws)
        plan.place[works, WORK] = people.work_place[works]
        plan.place[works, AFTER_WORK] = self.home[works]
        plan.start[:, ERRAND] = np.where(works, draws.integers("errand_after_work",
                                                               *ERRAND_AFTER_WORK),
                                         draws.integers("errand_free", *ERRAND_FREE))
        return works

    def _place_outings(self, plan: Schedule, out: Outings) -> None:
        """The outing and the way back home before the night."""
        has = out.place >= 0
        plan.place[has, ERRAND] = out.place[has]
        plan.start[has, ERRAND] = out.start[has]
        back = np.minimum(out.start + out.dur, plan.start[:, NIGHT] - 1)
        plan.place[has, BACK] = self.home[has]
        plan.start[has, BACK] = back[has]

    def _travel_and_custody(self, status: Status, plan: Schedule, t0: int,
                            draws: Draws) -> None:
        """Departures, returns, days away and days in custody replace the ordinary day."""
        trips = self._trips
        dep = np.flatnonzero(status.departing)
        if dep.size:
            travel.depart(self._city, trips, self._ledger, t0, dep, plan, draws)
        ret = np.flatnonzero(status.returning)
        if ret.size:
            travel.come_back(self._city, trips, ret, plan, draws)
        away = np.flatnonzero(status.away)
        plan.only(away, WAKE, trips.dest[away])
        held = np.flatnonzero(status.detained)
        plan.only(held, WAKE, self._police.custody.detain_place[held])

    def _stays(self, plan: Schedule, last: bool) -> pa.Table:
        """Close the day's stays (every open one too on the last day) as ``stays`` rows."""
        closed = close_stays(self._open_place, self._open_start, plan.place, plan.start)
        self._open_place, self._open_start = closed.open_place, closed.open_start
        person, where, begin, end = closed.person, closed.place, closed.start, closed.end
        if last:
            n = self.people.n
            person = np.concatenate([person, np.arange(n, dtype=np.int64)])
            where = np.concatenate([where, self._open_place])
            begin = np.concatenate([begin, self._open_start])
            end = np.concatenate([end, np.full(n, self.horizon, np.int64)])
        return pa.table({"person": person, "place": where, "start": begin, "end": end},
                        schema=schema.STAYS)
