"""Violence at a school (NYT-8's honest claim): an adult goes to a school they neither attend
nor work at and attacks someone there. Anyone may; people with a serious mental illness at a
rate factor that is 1 by default (assumption). Each person's draws are their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from custodiet.world._crn import Draws, integers
from custodiet.world._day import Appetite, City
from custodiet.world._ledger import Ledger

if TYPE_CHECKING:
    from custodiet.world._outings import Outings


def school_violence(city: City, available: np.ndarray, appetite: Appetite, out: Outings,
                    ledger: Ledger, t0: int, draws: Draws) -> np.ndarray:
    """Attacks at schools among ``available`` adults; their outings overwrite ``out``.
    Returns who attacked."""
    people, inc = city.people, city.config.incidents
    factor = np.where(people.history["mental_illness"],
                      inc.school_violence_mental_illness_factor, 1.0)
    rate = inc.school_violence_rate * factor * appetite.of("school_violence")
    attacker = available & (people.age >= 18) & (
        draws.uniform("school_violence") < -np.expm1(-rate))
    who = np.flatnonzero(attacker)
    if who.size == 0:
        return attacker
    schools = city.places.ids("school")
    pick = integers(draws.at("school_pick", who), 0, schools.size)
    school = schools[pick]
    # Never their own school or workplace: the next school instead (none if it is the only one).
    own = school == people.work_place[who]
    school = np.where(own, schools[(pick + 1) % schools.size], school)
    keep = school != people.work_place[who]
    attacker[who[~keep]] = False
    who, school = who[keep], school[keep]
    out.place[who] = school
    out.dur[who] = integers(draws.at("school_minutes", who), 10, 40)
    ledger.incidents("school_violence", who[:, None], out.start[who] + t0 + 5, school)
    return attacker
