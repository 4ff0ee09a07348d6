"""Violence at a school (NYT-8's honest claim): an adult goes to a school they neither attend
nor work at and attacks someone there. Anyone may; people with a serious mental illness at a
rate factor that is 1 by default (assumption). Each person's draws are their own."""

from __future__ import annotations

import numpy as np

from custodiet.world._context import Claim, Day
from custodiet.world._crn import integers


def school_violence(day: Day, available: np.ndarray) -> Claim:
    """The outing kind: attacks at schools among ``available`` adults."""
    city, draws = day.city, day.draws
    people, inc = city.people, city.config.incidents
    factor = np.where(people.history["mental_illness"],
                      inc.school_violence_mental_illness_factor, 1.0)
    rate = inc.school_violence_rate * factor * day.appetite.of("school_violence")
    who = np.flatnonzero(available & (people.age >= 18) & (
        draws.uniform("school_violence") < -np.expm1(-rate)))
    schools = city.places.ids("school")
    if who.size:
        pick = integers(draws.at("school_pick", who), 0, schools.size)
        school = schools[pick]
        # Never their own school or workplace: the next school instead (none if it is the
        # only one).
        own = school == people.work_place[who]
        school = np.where(own, schools[(pick + 1) % schools.size], school)
        keep = school != people.work_place[who]
        who, school = who[keep], school[keep]
    else:
        school = np.zeros(0, np.int64)
    start = day.default_start[who]

    def record(day: Day, came: np.ndarray) -> None:
        day.ledger.incidents("school_violence", who[:, None], start + day.t0 + 5, school)

    return Claim(who=who, place=school, start=start,
                 dur=integers(draws.at("school_minutes", who), 10, 40), record=record)
