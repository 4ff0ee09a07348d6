"""Violence at a school (NYT-8's honest claim): an adult goes to a school they neither attend
nor work at and attacks someone there. Anyone may; people with a serious mental illness at a
rate factor that is 1 by default (assumption). Draws are one per person, keyed by the day."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from custodiet.world._day import City
from custodiet.world._ledger import Ledger
from custodiet.world._rng import day_rng

if TYPE_CHECKING:
    from custodiet.world._outings import Outings


def school_violence(city: City, available: np.ndarray, appetite: np.ndarray, out: Outings,
                    ledger: Ledger, t0: int, day: int) -> np.ndarray:
    """Attacks at schools among ``available`` adults; their outings overwrite ``out``.
    Returns who attacked."""
    people, inc = city.people, city.config.incidents
    n = people.n
    rng = day_rng(city.seed, day, "school")
    u_act, u_school, u_minutes = rng.random(n), rng.random(n), rng.random(n)
    factor = np.where(people.history["mental_illness"],
                      inc.school_violence_mental_illness_factor, 1.0)
    rate = inc.school_violence_rate * factor * appetite
    attacker = available & (people.age >= 18) & (u_act < -np.expm1(-rate))
    who = np.flatnonzero(attacker)
    if who.size == 0:
        return attacker
    schools = city.places.ids("school")
    pick = np.minimum((u_school[who] * schools.size).astype(np.int64), schools.size - 1)
    school = schools[pick]
    own = school == people.work_place[who]  # never their own school or workplace
    school = np.where(own & (schools.size > 1), schools[(pick + 1) % schools.size], school)
    attacker[who[school == people.work_place[who]]] = False
    keep = school != people.work_place[who]
    who, school = who[keep], school[keep]
    out.place[who] = school
    out.dur[who] = 10 + (u_minutes[who] * 30).astype(np.int64)
    ledger.incidents("school_violence", who[:, None], out.start[who] + t0 + 5, school)
    return attacker
