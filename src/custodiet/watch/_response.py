"""Intervention records: what the day's police actions do to the world, as plain data.

The watch never holds the world: it hands these records to the runner, which applies each with
``world.intervene(r.persons, r.action, r.t, until=r.until, chill=r.chill)``, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from custodiet.scenario.models import Response
from custodiet.schema import MINUTES_PER_DAY as DAY
from custodiet.schema import POLICE_ACTIONS

#: Kinds of action that change the world, in the order they are applied.
APPLIED = tuple(a.name for a in POLICE_ACTIONS)


@dataclass(frozen=True)
class Intervention:
    """One police action on some persons, from minute ``t``: a visit chills with probability
    ``chill``; a travel block or a detention lasts until ``until``."""

    persons: np.ndarray
    action: str
    t: int
    until: int | None = None
    chill: float = 0.0


def interventions(actions: pa.Table, day: int, response: Response) -> list[Intervention]:
    """The records of the day's ``actions`` (``schema.ACTIONS``), one per kind of action,
    taking effect from the start of day ``day``."""
    kinds = actions.column("kind").to_numpy(zero_copy_only=False).astype(str)
    persons = actions.column("person").to_numpy()
    t = day * DAY
    out = []
    for action in POLICE_ACTIONS:
        who = persons[kinds == action.name]
        if who.size == 0:
            continue
        if action.lasts:
            until = t + getattr(response, action.lasts) * DAY
            out.append(Intervention(who, action.name, t, until=until))
        else:
            out.append(Intervention(who, action.name, t, chill=response.chill))
    return out
